from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "records"
    verbose_name = "Subject access and retention"

    def ready(self) -> None:
        from records import contributions, contributors

        # cases sits below the features and cannot register itself; advice's rows are read here.
        contributors.register(
            "cases", export=contributions.cases_export, dispose=contributions.cases_dispose, order=0
        )
        contributors.register(
            "advice", export=contributions.advice_export, dispose=contributions.advice_dispose, order=10
        )
