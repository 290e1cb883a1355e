"""What parents, carers, young people and their supporters (and school staff for their pupils) see: the tracker,
messages, documents, decisions, preferences and the draft plan to comment on."""

from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Family portal"

    def ready(self) -> None:
        from cases import panels
        from portal import records_parts, selectors, services
        from records import contributors

        services.register_templates()
        # The family's conversation on the staff case page, after the advice.
        panels.register(
            panels.Panel("family_messages", "portal/_staff_panel.html", selectors.staff_panel, order=20)
        )
        contributors.register("portal", export=records_parts.export, dispose=records_parts.dispose, order=40)
