from django.apps import AppConfig


class EhcpConfig(AppConfig):
    name = "ehcp"
    verbose_name = "Service"

    def ready(self) -> None:
        from core import govuk

        govuk.install()
