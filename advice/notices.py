"""The messages advice sends: to the adviser when asked, to the coordinator when advice arrives or cannot come."""

from notifications.templates_registry import MessageTemplate, register

_EXAMPLE = {
    "reference": "EHC-2026-00042",
    "child_first_name": "Amara",
    "kind": "Psychological advice (educational psychologist)",
    "due_on": "16 February 2026",
}


def register_templates() -> None:
    register(
        MessageTemplate(
            "advice.requested",
            "To the person or service asked for advice (and to whoever it is allocated or passed on to)",
            example=_EXAMPLE,
        )
    )
    register(
        MessageTemplate(
            "advice.submitted",
            "To the coordinator when advice arrives",
            example={**_EXAMPLE, "author": "Howard Psychologist"},
        )
    )
    register(
        MessageTemplate(
            "advice.declined",
            "To the coordinator when a person or service cannot give the advice asked for",
            example={**_EXAMPLE, "who": "Howard Psychologist", "reason": "I no longer work with this school"},
        )
    )
    register(
        MessageTemplate(
            "advice.passed_on",
            "To the coordinator when a request for advice is passed on to another service",
            example={**_EXAMPLE, "team": "Community speech and language therapy", "reason": "Not our area"},
        )
    )
    register(
        MessageTemplate(
            "advice.withdrawn",
            "To the adviser when the council withdraws a request for advice",
            example={**_EXAMPLE, "reason": "The family withdrew the request"},
        )
    )
