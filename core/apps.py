from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The shared kernel: GOV.UK forms and components, languages, PDF rendering. It imports no app."""

    name = "core"
    verbose_name = "Shared kernel"

    def ready(self) -> None:
        from core import govuk

        govuk.install()
