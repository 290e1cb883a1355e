"""The migration from the staff-only flag to three levels: nobody reads more after it than before, history too."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("cases", "0010_views_from_the_request")]
AFTER = [("cases", "0011_document_visibility")]


@pytest.mark.django_db(transaction=True)
def test_documents_kept_from_the_family_become_council_staff_only_and_so_does_their_history():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    council = old.get_model("accounts", "Organisation").objects.create(name="Riverside", kind="council")
    child = old.get_model("cases", "Child").objects.create(
        council=council,
        legal_first_name="Amara",
        legal_last_name="Okafor",
        date_of_birth=datetime.date(2017, 5, 14),
    )
    case = old.get_model("cases", "Case").objects.create(
        reference="EHC-2026-00001",
        child=child,
        council=council,
        received_on=datetime.date(2026, 1, 5),
        route="email",
        requested_by="parent",
    )
    document = old.get_model("cases", "CaseDocument")
    history = old.get_model("cases", "HistoricalCaseDocument")
    made = {}
    for name, family in (("shared.pdf", True), ("kept.pdf", False)):
        row = document.objects.create(
            case=case,
            file=f"cases/x/{name}",
            name=name,
            category="other",
            content_type="application/pdf",
            size=1,
            visible_to_family=family,
        )
        made[name] = row.pk
        history.objects.create(
            id=row.pk,
            case_id=case.pk,
            file=row.file,
            name=name,
            category="other",
            content_type="application/pdf",
            size=1,
            visible_to_family=family,
            uploaded_at=row.uploaded_at,
            history_date=row.uploaded_at,
            history_type="+",
        )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    levels = dict(new.get_model("cases", "CaseDocument").objects.values_list("name", "visibility"))
    assert levels == {"shared.pdf": "family", "kept.pdf": "staff"}
    past = dict(new.get_model("cases", "HistoricalCaseDocument").objects.values_list("name", "visibility"))
    assert past == {"shared.pdf": "family", "kept.pdf": "staff"}

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
