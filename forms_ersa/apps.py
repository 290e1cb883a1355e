from django.apps import AppConfig


class FormsErsaConfig(AppConfig):
    name = "forms_ersa"
    verbose_name = "Online requests for assessment"

    def ready(self) -> None:
        from forms_ersa import services

        services.register_templates()
