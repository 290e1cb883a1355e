"""The messages the panel sends: to the coordinator when a case is held back or decided (and to the school), and
to members when a digital vote opens."""

from notifications.templates_registry import MessageTemplate, register


def register_templates() -> None:
    register(
        MessageTemplate(
            "panel.held_back",
            "To the coordinator when a case waiting for a decision is held back from the panel",
            title="Case held back from the panel",
            example={
                "reference": "EHC-2026-00042",
                "meeting": "12 March 2026",
                "papers_close": "5 March 2026",
                "reason": "Educational psychology advice not received",
            },
        )
    )
    register(
        MessageTemplate(
            "panel.decision_recorded",
            "To the coordinator and the school when the panel records its decision",
            title="Panel decision recorded",
            example={
                "reference": "EHC-2026-00042",
                "child_first_name": "Amara",
                "question": "Whether to carry out an EHC needs assessment",
                "outcome": "Yes",
                "reasons": "The evidence shows needs that SEN support has not met",
                "band": "",
            },
        )
    )
    register(
        MessageTemplate(
            "panel.digital_vote",
            "To panel members when a case is put to a digital vote between meetings",
            title="Digital panel vote",
            example={"reference": "EHC-2026-00042", "closes": "12 March 2026 at 17:00"},
        )
    )
