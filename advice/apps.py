from django.apps import AppConfig


class AdviceConfig(AppConfig):
    name = "advice"
    verbose_name = "Specialist advice"

    def ready(self) -> None:
        from advice import notices, selectors
        from cases import panels

        notices.register_templates()
        panels.register(panels.Panel("advice", "advice/_case_panel.html", selectors.case_panel, order=10))
