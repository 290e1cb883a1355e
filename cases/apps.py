from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Cases"

    def ready(self) -> None:
        from accounts.invitations import register_purpose
        from cases import notices, reminders, services

        register_purpose("join_case", services.join_case_from_invitation)
        notices.register_templates()
        reminders.register_templates()
