"""The EHC plan: versions with sections A to K, automated assembly from the submitted advice with provenance,
quality checks, the family's 15 days, sign-off and the final plan."""

from django.apps import AppConfig


class DraftingConfig(AppConfig):
    name = "drafting"
    verbose_name = "EHC plans"

    def ready(self) -> None:
        from cases import panels
        from drafting import notices, records_parts, selectors
        from records import contributors

        notices.register_templates()
        panels.register(panels.Panel("plan", "drafting/_case_panel.html", selectors.case_panel, order=30))
        panels.register(
            panels.Panel(
                "plan_bundle",
                "drafting/_bundle_plan.html",
                selectors.bundle_part,
                order=30,
                in_bundle=True,
                on_case_page=False,
            )
        )
        contributors.register(
            "drafting", export=records_parts.export, dispose=records_parts.dispose, order=30
        )
