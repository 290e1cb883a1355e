from django.apps import AppConfig


class AdviceConfig(AppConfig):
    name = "advice"
    verbose_name = "Specialist advice"

    def ready(self) -> None:
        from advice import notices

        notices.register_templates()
