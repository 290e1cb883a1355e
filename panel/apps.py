"""The paperless decision panel: panels and their terms of reference, meetings and agendas, case bundles on
tablets, votes, recorded decisions, minutes and outcome letters."""

from django.apps import AppConfig


class PanelConfig(AppConfig):
    name = "panel"
    verbose_name = "Decision panel"

    def ready(self) -> None:
        from cases import decisions, panels
        from panel import notices, records_parts, rules, selectors
        from records import contributors

        notices.register_templates()
        panels.register(panels.Panel("panel", "panel/_case_panel.html", selectors.case_page_part, order=20))
        steps = {name for pair in rules.TRANSITIONS.values() for name in pair}
        decisions.register(
            decisions.DecisionMaker(
                key="panel",
                name="The decision panel",
                may_take=frozenset(steps | {"start_issue_decision"}),
                claims=frozenset(steps),
                decides=selectors.decides,
            )
        )
        contributors.register("panel", export=records_parts.export, dispose=records_parts.dispose, order=20)
