"""Fuzzing the API from its own OpenAPI schema (schemathesis), in-process through WSGI, on PostgreSQL.

Every operation is called with generated values, valid and not, as a coordinator and as a parent, each with a real
token. The service must never answer with a server error, and every answer must match the schema: its status code
is documented, its content type is the one documented, and its body has the documented shape. Bounded by
FUZZ_EXAMPLES (per operation and person) so it adds about two minutes to CI.
"""

import os

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from ehcp.wsgi import application
from tests import factories
from tests.tiers import require_postgres

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def in_test_transaction():
    """Calls go through the real WSGI application, whose request signals would close the test's connection
    (Django's test client does the same as this while it makes a request)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(in_test_transaction, case, parent, coordinator):
    factories.add_family_member(case, parent)
    return {"coordinator": factories.api_token(coordinator), "parent": factories.api_token(parent)}


def fuzz(operation, *, headers: dict, failures: list) -> None:
    """Call one operation EXAMPLES times; every failed check is collected (not raised), so one run names them all."""

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def call(case):
        cache.clear()  # the token door's own per-minute limit is not what is being tested
        case_status = {}
        try:
            response = case.call(headers=headers)
            case_status["last"] = response.status_code
            case.validate_response(response, checks=CHECKS, headers=headers)
        except FailureGroup as group:
            for failure in group.exceptions:
                status = case_status.get("last", "")
                failures.append(
                    f"{operation.label}: {failure.title} ({status}) {failure.message[:200]} {case.as_curl_command(headers={})}"
                )

    call()


@pytest.mark.parametrize("who", ["coordinator", "parent"])
def test_the_api_gives_no_server_error_and_no_answer_outside_its_schema(world, who):
    require_postgres()
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)
    headers = {"Authorization": f"Token {world[who]}"}
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 9  # the whole API, not a schema that failed to load
    for operation in operations:
        fuzz(operation, headers=headers, failures=failures)
    distinct = sorted({f.split(") ")[0] + ")" for f in failures})
    assert failures == [], "\n".join(distinct) + "\n\nFirst:\n" + "\n".join(failures[:3])
