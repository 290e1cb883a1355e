import datetime

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken, Role
from cases import selectors
from cases.forms import LogRequestForm
from cases.identifiers import validate_nhs_number, validate_upn
from cases.models import AccessLog, Case, TimelineEvent
from tests import factories

pytestmark = pytest.mark.django_db

LIST_URL = "/api/v1/cases/"
TOKEN_URL = "/api/v1/auth/token/"
RECEIVED = datetime.date(2026, 1, 5)

RECEIVED_IN_FUTURE = (
    "Date received must be today or in the past. Enter the date the council received the request"
)
TOO_OLD = (
    "The child or young person must be under 25 on the date the request was received. Check the date of birth"
)
BORN_AFTER_RECEIVED = "Date of birth must be on or before the date the request was received"
SAME_NEED = "Secondary area of need must be different from the primary area of need"
NO_CONTACT = "Enter at least one parent or carer contact"


def _identifier_message(validator, value: str) -> str:
    with pytest.raises(ValidationError) as refused:
        validator(value)
    return refused.value.messages[0]


# The identifier checks own their words; the API must pass them through unchanged.
BAD_UPN = _identifier_message(validate_upn, "A123456789013")
BAD_NHS = _identifier_message(validate_nhs_number, "4857773456")


def detail_url(reference: str) -> str:
    return f"/api/v1/cases/{reference}/"


def transitions_url(reference: str) -> str:
    return f"/api/v1/cases/{reference}/transitions/"


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def as_user(api):
    def _as(user):
        api.force_authenticate(user=user)
        return api

    return _as


@pytest.fixture
def other_council_case(other_council):
    return factories.make_case(council=other_council, first_name="Elsewhere")


@pytest.fixture
def no_throttle_history():
    # The token throttle counts in the cache; start each token test from nothing.
    cache.clear()
    yield
    cache.clear()


def payload(**overrides) -> dict:
    child = {
        "legal_first_name": "Amara",
        "legal_last_name": "Okafor",
        "preferred_name": "Mara",
        "date_of_birth": "2017-05-14",
        "upn": "A1234 5678 9012",
        "nhs_number": "485 777 3457",
    }
    child.update(overrides.pop("child", {}))
    body = {
        "child": child,
        "contacts": [{"name": "Ngozi Okafor", "relationship": "mother", "email": "ngozi@example.org"}],
        "received_on": RECEIVED.isoformat(),
        "requested_by": "parent",
        "primary_need": "communication_interaction",
        "summary": "School reports that Amara is not making progress despite SEN support.",
    }
    body.update(overrides)
    return body


def deadline(body: dict, code: str) -> dict:
    return next(d for d in body["deadlines"] if d["code"] == code)


# --- list ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["coordinator", "manager", "business_support"])
def test_council_staff_list_their_councils_cases_only(request, as_user, case, other_council_case, role):
    response = as_user(request.getfixturevalue(role)).get(LIST_URL)

    assert response.status_code == 200
    body = response.json()
    assert [row["reference"] for row in body["results"]] == [case.reference]
    assert body["count"] == 1


def test_list_item_fields(as_user, coordinator, case):
    row = as_user(coordinator).get(LIST_URL).json()["results"][0]

    case.refresh_from_db()
    assert row == {
        "reference": case.reference,
        "child": {
            "legal_first_name": case.child.legal_first_name,
            "legal_last_name": "Okafor",
            "preferred_name": "",
            "date_of_birth": "2017-05-14",
        },
        "stage": "request_received",
        "stage_label": "Request received",
        "received_on": case.received_on.isoformat(),
        "coordinator": {"id": coordinator.pk, "name": "Laura Coordinator"},
        "primary_need": "",
        "next_due_on": case.next_due_on.isoformat(),
        "next_deadline_code": "assessment_decision",
        "rag": "green",
    }


def test_unallocated_case_lists_coordinator_as_null(as_user, business_support, council):
    factories.make_case(council=council, by=business_support)

    row = as_user(business_support).get(LIST_URL).json()["results"][0]

    assert row["coordinator"] is None


def test_parent_lists_only_cases_where_they_are_on_the_team(as_user, parent, case, council, business_support):
    factories.make_case(council=council, by=business_support, first_name="Someone", last_name="Else")
    factories.add_family_member(case, parent)

    body = as_user(parent).get(LIST_URL).json()

    assert [row["reference"] for row in body["results"]] == [case.reference]


def test_senco_lists_cases_where_their_school_is_on_the_team(as_user, senco, case, council, business_support):
    factories.make_case(council=council, by=business_support, first_name="Other", last_name="School")

    body = as_user(senco).get(LIST_URL).json()

    assert [row["reference"] for row in body["results"]] == [case.reference]


def test_anonymous_list_is_refused_with_401(api, case):
    response = api.get(LIST_URL)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_list_filters(as_user, coordinator, council, business_support, school):
    mine = factories.make_case(
        council=council, by=business_support, first_name="Zainab", last_name="Hussain", school=school
    )
    other = factories.make_case(council=council, by=business_support, first_name="Tom", last_name="Price")
    client = as_user(coordinator)
    client.post(transitions_url(other.reference), {"name": "withdraw", "reason": "Family moved away"})

    def refs(**params):
        response = client.get(LIST_URL, params)
        assert response.status_code == 200, response.json()
        return [row["reference"] for row in response.json()["results"]]

    assert refs() == [mine.reference]
    assert sorted(refs(open="false")) == sorted([mine.reference, other.reference])
    assert refs(open="false", stage="withdrawn") == [other.reference]
    assert refs(q="zainab") == [mine.reference]
    assert refs(school=school.pk) == [mine.reference]
    assert refs(rag="green") == [mine.reference]
    assert refs(rag="red") == []


def test_list_refuses_an_unknown_filter_value(as_user, coordinator):
    response = as_user(coordinator).get(LIST_URL, {"stage": "nonsense"})

    assert response.status_code == 400
    assert "stage" in response.json()


@pytest.mark.parametrize("rows", [5, 30])
def test_list_query_count_does_not_grow_with_rows(
    api, django_assert_max_num_queries, coordinator, council, business_support, school, rows
):
    for n in range(rows):
        factories.make_case(
            council=council,
            by=business_support,
            coordinator=coordinator,
            school=school,
            first_name=f"Pupil{n}",
        )
    api.credentials(HTTP_AUTHORIZATION=f"Token {factories.api_token(coordinator)}")

    # Token and user, the caller's organisation, the page count and the page of rows: 4 whatever the rows.
    with django_assert_max_num_queries(4):
        response = api.get(LIST_URL)

    assert response.status_code == 200
    assert len(response.json()["results"]) == rows


# --- detail -------------------------------------------------------------------------------------------------


def test_detail_shows_deadlines_with_statutory_dates(as_user, coordinator, council, business_support):
    logged = factories.make_case(council=council, by=business_support, received_on=RECEIVED)

    response = as_user(coordinator).get(detail_url(logged.reference))

    assert response.status_code == 200
    body = response.json()
    assessment = deadline(body, "assessment_decision")
    assert assessment == {
        "code": "assessment_decision",
        "label": "Decide whether to assess",
        "ref": "",
        "starts_on": "2026-01-05",
        "due_on": "2026-02-16",  # 6 weeks (42 days) after 5 January
        "met_on": None,
        "status": "missed",
    }
    assert deadline(body, "issue_decision")["due_on"] == "2026-04-27"  # 16 weeks
    assert deadline(body, "final_plan")["due_on"] == "2026-05-25"  # 20 weeks (140 days)
    assert [d["code"] for d in body["deadlines"]] == ["assessment_decision", "issue_decision", "final_plan"]


def test_detail_leaves_out_cancelled_deadlines(as_user, coordinator, council, business_support):
    logged = factories.make_case(council=council, by=business_support, received_on=RECEIVED)
    client = as_user(coordinator)
    client.post(transitions_url(logged.reference), {"name": "start_assessment_decision", "on": "2026-01-06"})
    client.post(
        transitions_url(logged.reference),
        {"name": "refuse_assessment", "on": "2026-02-10", "reason": "Needs can be met at SEN support"},
    )

    body = client.get(detail_url(logged.reference)).json()

    # Deciding not to assess cancels the 16- and 20-week limits; only the met decision remains.
    assert body["stage"] == "not_assessed"
    assert body["deadlines"] == [
        {
            "code": "assessment_decision",
            "label": "Decide whether to assess",
            "ref": "",
            "starts_on": "2026-01-05",
            "due_on": "2026-02-16",
            "met_on": "2026-02-10",
            "status": "met",
        }
    ]
    assert body["transitions"] == []


def test_detail_shows_the_callers_transitions_and_the_team(as_user, coordinator, case, school):
    body = as_user(coordinator).get(detail_url(case.reference)).json()

    assert [t["name"] for t in body["transitions"]] == [
        "start_assessment_decision",
        "withdraw",
        "transfer_out",
    ]
    assert body["transitions"][0] == {
        "name": "start_assessment_decision",
        "label": "Start the decision whether to assess",
        "needs_reason": False,
    }
    assert {
        "role": "coordinator",
        "role_label": "EHC coordinator",
        "person": {"id": coordinator.pk, "name": "Laura Coordinator"},
        "organisation": None,
        "starts_on": body["team"][0]["starts_on"],
    } in body["team"]
    assert [(m["role"], m["organisation"]) for m in body["team"] if m["organisation"]] == [
        ("school", {"id": school.pk, "name": "Riverside Primary School"})
    ]
    assert body["version"] == 1
    assert body["child"]["current_setting"] == {"id": school.pk, "name": "Riverside Primary School"}


def test_parent_on_the_team_reads_the_case_but_may_take_no_step(as_user, parent, case):
    factories.add_family_member(case, parent)

    response = as_user(parent).get(detail_url(case.reference))

    assert response.status_code == 200
    assert response.json()["transitions"] == []


def test_reading_a_case_writes_the_access_log(as_user, coordinator, case):
    as_user(coordinator).get(detail_url(case.reference))

    log = AccessLog.objects.get(user=coordinator, case=case)
    assert (log.action, log.path, log.child_id) == ("view_case", detail_url(case.reference), case.child_id)


def test_detail_is_404_for_another_familys_case(as_user, parent, case, council, business_support):
    theirs = factories.make_case(council=council, by=business_support, first_name="Not", last_name="Theirs")
    factories.add_family_member(case, parent)
    client = as_user(parent)

    response = client.get(detail_url(theirs.reference))

    assert response.status_code == 404
    # Indistinguishable from a reference that does not exist.
    assert response.json() == client.get(detail_url("EHC-2026-99999")).json()
    assert not AccessLog.objects.filter(case=theirs).exists()


def test_detail_is_404_for_another_councils_case(as_user, coordinator, other_council_case):
    response = as_user(coordinator).get(detail_url(other_council_case.reference))

    assert response.status_code == 404


def test_anonymous_detail_is_401(api, case):
    assert api.get(detail_url(case.reference)).status_code == 401


# --- log a request ------------------------------------------------------------------------------------------


def test_post_logs_the_request_and_returns_the_case_with_deadlines(as_user, coordinator, school):
    response = as_user(coordinator).post(
        LIST_URL, payload(child={"current_setting": school.pk}), format="json"
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["reference"] == "EHC-2026-00001"
    assert response["Location"].endswith(detail_url("EHC-2026-00001"))
    assert body["stage"] == "request_received"
    assert body["route"] == "api"
    assert body["child"]["preferred_name"] == "Mara"
    assert deadline(body, "assessment_decision")["due_on"] == "2026-02-16"
    assert deadline(body, "final_plan")["due_on"] == "2026-05-25"
    assert ("school", {"id": school.pk, "name": "Riverside Primary School"}) in [
        (m["role"], m["organisation"]) for m in body["team"]
    ]
    case = Case.objects.select_related("child").get(reference="EHC-2026-00001")
    assert case.created_by == coordinator
    assert (case.child.upn, case.child.nhs_number) == ("A123456789012", "4857773457")
    assert list(case.child.contacts.values_list("name", "is_main_contact")) == [("Ngozi Okafor", True)]
    assert case.deadlines.count() == 3
    assert TimelineEvent.objects.filter(case=case, kind=TimelineEvent.Kind.CREATED).exists()


@pytest.mark.parametrize("role", ["business_support", "manager"])
def test_other_logging_roles_may_post(request, as_user, role):
    response = as_user(request.getfixturevalue(role)).post(LIST_URL, payload(route="letter"), format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["route"] == "letter"


@pytest.mark.parametrize("role", ["parent", "senco", "administrator"])
def test_roles_that_cannot_log_requests_get_403(request, as_user, role):
    response = as_user(request.getfixturevalue(role)).post(LIST_URL, payload(), format="json")

    assert response.status_code == 403
    assert not Case.objects.exists()


def test_council_role_without_a_council_gets_403(as_user, school):
    stray = factories.UserFactory(role=Role.COORDINATOR, organisation=school)

    assert as_user(stray).post(LIST_URL, payload(), format="json").status_code == 403


def test_anonymous_post_is_401(api):
    assert api.post(LIST_URL, payload(), format="json").status_code == 401


def _tomorrow() -> str:
    return (timezone.localdate() + datetime.timedelta(days=1)).isoformat()


BAD_INPUTS = [
    pytest.param({"received_on": "tomorrow"}, ["received_on"], RECEIVED_IN_FUTURE, id="future-received-on"),
    pytest.param(
        {"child": {"date_of_birth": "2001-01-05"}},
        ["child", "date_of_birth"],
        TOO_OLD,
        id="25-on-the-day-received",
    ),
    pytest.param(
        {"child": {"date_of_birth": "2026-02-01"}},
        ["child", "date_of_birth"],
        BORN_AFTER_RECEIVED,
        id="born-after-received",
    ),
    pytest.param({"child": {"upn": "A123456789013"}}, ["child", "upn"], BAD_UPN, id="malformed-upn"),
    pytest.param(
        {"child": {"nhs_number": "485 777 3456"}}, ["child", "nhs_number"], BAD_NHS, id="malformed-nhs-number"
    ),
    pytest.param(
        {"secondary_need": "communication_interaction"}, ["secondary_need"], SAME_NEED, id="same-needs"
    ),
    pytest.param({"contacts": []}, ["contacts"], NO_CONTACT, id="empty-contacts"),
    pytest.param(
        {"child": {"postcode": "XYZ"}},
        ["child", "postcode"],
        "Enter a real UK postcode, like SW1A 1AA",
        id="postcode",
    ),
    pytest.param(
        {"contacts": [{"name": "Ngozi Okafor", "relationship": "mother", "phone": "abc"}]},
        ["contacts", "0", "phone"],
        "Enter their phone number in the correct format, like 01632 960 001 or 07700 900 982",
        id="phone",
    ),
]


@pytest.mark.parametrize(("overrides", "path", "message"), BAD_INPUTS)
def test_post_refuses_bad_input_naming_the_field(as_user, coordinator, overrides, path, message):
    if overrides.get("received_on") == "tomorrow":
        overrides = {**overrides, "received_on": _tomorrow()}

    response = as_user(coordinator).post(LIST_URL, payload(**overrides), format="json")

    assert response.status_code == 400
    errors = response.json()
    for key in path:
        errors = errors[key]
    assert errors == [message]
    assert not Case.objects.exists()


def test_post_without_contacts_is_refused(as_user, coordinator):
    body = payload()
    del body["contacts"]

    response = as_user(coordinator).post(LIST_URL, body, format="json")

    assert response.status_code == 400
    assert response.json() == {"contacts": [NO_CONTACT]}


def test_post_refuses_a_school_from_another_council(as_user, coordinator, other_council):
    elsewhere = factories.SchoolFactory(council=other_council)

    response = as_user(coordinator).post(
        LIST_URL, payload(child={"current_setting": elsewhere.pk}), format="json"
    )

    assert response.status_code == 400
    assert "current_setting" in response.json()["child"]


def test_post_for_a_child_with_an_open_case_is_409_with_its_reference(as_user, coordinator):
    client = as_user(coordinator)
    first = client.post(LIST_URL, payload(), format="json").json()["reference"]

    response = client.post(
        LIST_URL, payload(child={"upn": "", "nhs_number": ""}, received_on="2026-03-02"), format="json"
    )

    assert response.status_code == 409
    assert response.json()["reference"] == first
    assert first in response.json()["detail"]
    assert Case.objects.count() == 1


def _form_message(field: str, **data) -> str:
    """What LogRequestForm says about the same input, to prove the API uses the page's words."""
    base = {
        "route": "letter",
        "requested_by": "parent",
        "legal_first_name": "Amara",
        "legal_last_name": "Okafor",
        "contact_name": "Ngozi Okafor",
        "contact_relationship": "mother",
    }
    for name, value in {"received_on": RECEIVED, "date_of_birth": datetime.date(2017, 5, 14)}.items():
        value = data.pop(name, value)
        # Whatever the widget calls its day, month and year boxes.
        boxes = LogRequestForm.base_fields[name].widget.widgets_names
        base.update(
            {
                f"{name}{box}": part
                for box, part in zip(boxes, (value.day, value.month, value.year), strict=True)
            }
        )
    form = LogRequestForm({**base, **data}, council_id=0)
    assert not form.is_valid()
    return str(form.errors[field][0])


def test_api_messages_are_the_forms_messages():
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert _form_message("received_on", received_on=tomorrow) == RECEIVED_IN_FUTURE
    assert _form_message("date_of_birth", date_of_birth=datetime.date(2001, 1, 5)) == TOO_OLD
    assert _form_message("date_of_birth", date_of_birth=datetime.date(2026, 2, 1)) == BORN_AFTER_RECEIVED
    assert _form_message("upn", upn="A123456789013") == BAD_UPN
    assert _form_message("nhs_number", nhs_number="485 777 3456") == BAD_NHS
    assert _form_message("secondary_need", primary_need="semh", secondary_need="semh") == SAME_NEED


# --- transitions --------------------------------------------------------------------------------------------


def test_allowed_transition_moves_the_case_and_returns_it(as_user, coordinator, case):
    response = as_user(coordinator).post(
        transitions_url(case.reference), {"name": "start_assessment_decision", "version": 1}, format="json"
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["stage"], body["stage_label"], body["version"]) == (
        "deciding_to_assess",
        "Deciding whether to assess",
        2,
    )
    assert [t["name"] for t in body["transitions"]] == [
        "agree_to_assess",
        "refuse_assessment",
        "withdraw",
        "transfer_out",
    ]
    case.refresh_from_db()
    assert case.stage == "deciding_to_assess"


def test_transition_date_defaults_to_today_and_meets_the_deadline(as_user, coordinator, case):
    client = as_user(coordinator)
    client.post(transitions_url(case.reference), {"name": "start_assessment_decision"}, format="json")

    body = client.post(transitions_url(case.reference), {"name": "agree_to_assess"}, format="json").json()

    today = selectors.today().isoformat()
    assert body["stage"] == "assessing"
    assert deadline(body, "assessment_decision")["met_on"] == today
    assert deadline(body, "assessment_decision")["status"] == "met"


def test_refused_transition_is_400_with_the_reason(as_user, coordinator, case):
    response = as_user(coordinator).post(
        transitions_url(case.reference), {"name": "agree_to_assess"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "detail": "You cannot 'agree to assess' while the case is at 'Request received'."
    }


def test_transition_needing_a_reason_is_refused_without_one(as_user, coordinator, case):
    response = as_user(coordinator).post(transitions_url(case.reference), {"name": "withdraw"}, format="json")

    assert response.status_code == 400
    assert response.json()["detail"] == "Enter the reason. It is recorded on the case and sent to the family."


def test_parent_cannot_move_their_own_case(as_user, parent, case):
    factories.add_family_member(case, parent)

    response = as_user(parent).post(
        transitions_url(case.reference), {"name": "start_assessment_decision"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["detail"].startswith("Your role cannot")
    case.refresh_from_db()
    assert case.stage == "request_received"


def test_unknown_transition_name_is_400(as_user, coordinator, case):
    response = as_user(coordinator).post(transitions_url(case.reference), {"name": "fly"}, format="json")

    assert response.status_code == 400
    assert "name" in response.json()


def test_stale_version_is_409(as_user, coordinator, case):
    client = as_user(coordinator)
    client.post(transitions_url(case.reference), {"name": "start_assessment_decision"}, format="json")

    response = client.post(
        transitions_url(case.reference), {"name": "agree_to_assess", "version": 1}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["detail"].startswith("Someone else changed this case")
    case.refresh_from_db()
    assert case.stage == "deciding_to_assess"


def test_transition_on_another_councils_case_is_404(as_user, coordinator, other_council_case):
    response = as_user(coordinator).post(
        transitions_url(other_council_case.reference), {"name": "start_assessment_decision"}, format="json"
    )

    assert response.status_code == 404
    other_council_case.refresh_from_db()
    assert other_council_case.stage == "request_received"


# --- token --------------------------------------------------------------------------------------------------


def test_token_by_email_password_and_code_authenticates_the_api(api, coordinator, case, no_throttle_history):
    from tests.accounts.test_two_factor import fresh_code, set_up_factor

    device, _ = set_up_factor(coordinator)
    response = api.post(
        TOKEN_URL,
        {"username": "Laura@Council.example", "password": factories.PASSWORD, "code": fresh_code(device)},
        format="json",
    )

    assert response.status_code == 200
    token = response.json()["token"]
    assert ApiToken.objects.get(user=coordinator).token_key == token[:15]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert [row["reference"] for row in api.get(LIST_URL).json()["results"]] == [case.reference]


def test_token_refused_for_a_wrong_password(api, coordinator, no_throttle_history):
    response = api.post(TOKEN_URL, {"username": coordinator.email, "password": "wrong"}, format="json")

    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_bad_token_is_401(api, case):
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    assert api.get(LIST_URL).status_code == 401


def test_token_attempts_are_throttled_per_account(api, coordinator, no_throttle_history):
    for _ in range(10):
        api.post(TOKEN_URL, {"username": coordinator.email, "password": "guess"}, format="json")

    response = api.post(
        TOKEN_URL, {"username": coordinator.email, "password": factories.PASSWORD}, format="json"
    )

    assert response.status_code == 429
