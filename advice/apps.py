from django.apps import AppConfig


class AdviceConfig(AppConfig):
    name = "advice"
    verbose_name = "Specialist advice"

    def ready(self) -> None:
        from accounts.invitations import register_purpose
        from advice import notices, selectors, services
        from cases import panels

        register_purpose("advice_request", services.join_request_from_invitation)
        notices.register_templates()
        panels.register(panels.Panel("advice", "advice/_case_panel.html", selectors.case_panel, order=10))
