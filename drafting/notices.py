"""The messages the plan sends: the statutory notice with the draft, the final plan with appeal rights, the school,
and the coordinator when the family send comments."""

from notifications.templates_registry import MessageTemplate, register

_EXAMPLE = {"reference": "EHC-2026-00042", "child_first_name": "Amara"}


def register_templates() -> None:
    register(
        MessageTemplate(
            "drafting.draft_served",
            "To the family with the draft plan: 15 days to comment, to ask for a school and for a meeting",
            title="Draft EHC plan sent for comments",
            statutory=True,
            example={**_EXAMPLE, "served_on": "2 June 2026", "closes_on": "16 June 2026"},
        )
    )
    register(
        MessageTemplate(
            "drafting.final_issued",
            "To the family when the final plan is issued, with their right of appeal",
            title="Final EHC plan issued",
            statutory=True,
            example={**_EXAMPLE, "issued_on": "20 July 2026", "placement": "Riverside Primary School"},
        )
    )
    register(
        MessageTemplate(
            "drafting.school_named",
            "To the school or college named in a final plan",
            title="School named in a final EHC plan",
            example={**_EXAMPLE, "issued_on": "20 July 2026", "placement": "Riverside Primary School"},
        )
    )
    register(
        MessageTemplate(
            "drafting.family_commented",
            "To the coordinator when the family send their comments on the draft",
            title="The family commented on the draft plan",
            example={**_EXAMPLE, "count": 3},
        )
    )
