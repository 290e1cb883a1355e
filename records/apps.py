from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "records"
    verbose_name = "Subject access and retention"

    def ready(self) -> None:
        from cases import panels
        from records import contributions, contributors, selectors

        # cases sits below the features and cannot register itself; the online request's and advice's rows are read
        # here (records.contributions).
        contributors.register(
            "cases", export=contributions.cases_export, dispose=contributions.cases_dispose, order=0
        )
        contributors.register(
            "online_request",
            export=contributions.requests_export,
            dispose=contributions.requests_dispose,
            order=5,
        )
        contributors.register(
            "advice", export=contributions.advice_export, dispose=contributions.advice_dispose, order=10
        )
        panels.register(panels.Panel("records", "records/_case_panel.html", selectors.case_panel, order=90))
