# ruff: noqa: F811 (the plan's fixtures, imported by name)
"""The family's review of the draft plan in the portal: reading it section by section with the 15 days shown,
commenting, naming a school, asking for a meeting, adding evidence, saving and coming back, sending, and then
reading the council's answers and the next draft with what changed marked. Every bad input, every role, another
family's case, the window closing, and pages that read the same number of queries whatever the plan's size."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import OrganisationKind, Role
from cases import policy
from cases import selectors as case_selectors
from cases import services as case_services
from cases.models import TeamRole
from core.errors import ServiceError
from drafting import selectors as drafting_selectors
from drafting import services as drafting_services
from drafting.models import FamilyComment
from portal import services as portal_services
from tests import factories
from tests.drafting.conftest import (  # noqa: F401 (fixtures)
    _private_media,
    advised_case,
    draft,
    ep,
    salt,
    scheme,
)

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def served(draft, coordinator):
    drafting_services.send_draft(version=draft, by=coordinator, override_reason="Agreed with the family")
    return draft.plan.case


def _url(name, case, *args):
    return reverse(f"portal:{name}", args=[case.reference, *args])


def _comment(client, case, code, data, **get):
    url = _url("draft_comment", case, code)
    if get:
        url += "?" + "&".join(f"{k}={v}" for k, v in get.items())
    return client.post(url, data)


def test_the_case_page_and_tracker_link_to_the_draft_once_it_is_served(client, parent, draft, coordinator):
    case = draft.plan.case
    client.force_login(parent)
    page = client.get(_url("case", case)).content.decode()
    assert "Read the draft plan and tell us what you think" not in page
    drafting_services.send_draft(version=draft, by=coordinator, override_reason="Agreed")
    page = client.get(_url("case", case)).content.decode()
    assert 'data-testid="step-link-draft"' in page
    assert 'data-testid="step-link-your_15_days"' in page
    assert "Read the draft plan and tell us what you think" in page
    assert _url("draft", case) in page


def test_the_draft_section_by_section_with_the_15_days_and_plain_words(client, parent, served):
    client.force_login(parent)
    response = client.get(_url("draft", served))
    page = response.content.decode()
    assert response.status_code == 200
    closes = drafting_selectors.family_draft(case=served, user=parent).closes_on
    assert f"Tell us what you think by {closes:%-d %B %Y}" in page
    assert 'data-testid="section-A"' in page and 'data-testid="section-K"' in page
    assert "Section F: " in page
    assert "the help the school or college must give" in page  # section F explained
    assert "Words used in the plan" in page and "SENDIASS" in page
    assert "Language group work on following instructions" in page
    assert "Comment on section F" in page and "Name a school or comment on section I" in page


def test_comment_name_a_school_save_come_back_change_and_send(
    client, parent, served, coordinator, django_capture_on_commit_callbacks
):
    client.force_login(parent)
    item = drafting_selectors.family_draft(case=served, user=parent).sections[5].items[0]
    response = _comment(client, served, "F", {"text": "Every day, not once a week"}, item=item.key)
    assert response.status_code == 302
    upload = SimpleUploadedFile("letter.pdf", PDF_BYTES, content_type="application/pdf")
    response = _comment(
        client,
        served,
        "I",
        {
            "school_wanted": "St Anne's Primary School",
            "school_reason": "His sister goes there",
            "wants_meeting": "on",
            "evidence": upload,
        },
    )
    assert response.status_code == 302
    saved = list(FamilyComment.objects.order_by("id"))
    assert [c.section for c in saved] == ["F", "I"] and saved[0].item_key == item.key
    assert saved[1].evidence is not None and saved[1].wants_meeting and saved[1].sent_at is None
    # Come back later: the saved comments are listed, and can be changed.
    page = client.get(_url("draft", served)).content.decode()
    assert "Comments you have not sent yet" in page and "St Anne&#x27;s Primary School" in page
    edit = _url("draft_comment_edit", served, "F", saved[0].pk)
    assert "Every day, not once a week" in client.get(edit).content.decode()
    response = client.post(edit, {"text": "Every day, for 20 minutes", "version": saved[0].version})
    assert response.status_code == 302
    assert FamilyComment.objects.get(pk=saved[0].pk).text == "Every day, for 20 minutes"
    # Check your answers, then send.
    check = client.get(_url("draft_send", served)).content.decode()
    assert "Every day, for 20 minutes" in check and "His sister goes there" in check
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("draft_send", served), {"confirm": "on"})
    assert response.status_code == 302 and response["Location"] == _url("draft_sent", served)
    page = client.get(response["Location"]).content.decode()
    assert "Your comments have been sent" in page and "2 comments" in page
    assert FamilyComment.objects.filter(sent_at__isnull=False).count() == 2
    served.refresh_from_db()
    assert served.family_responded_on is not None
    # A sent comment is kept as it was sent.
    assert client.get(edit).status_code == 404
    # The council answers one; the family read the answer.
    drafting_services.answer_comment(
        comment=saved[0], outcome="not_agreed", reason="The therapist advised once a week", by=coordinator
    )
    page = client.get(_url("draft", served)).content.decode()
    assert "Comments sent and our answers" in page
    assert "Not agreed" in page and "The therapist advised once a week" in page
    assert "Waiting for an answer" in page


def test_every_bad_input_is_named_and_nothing_typed_is_lost(client, parent, served):
    client.force_login(parent)
    response = _comment(client, served, "F", {"text": "   "})
    page = response.content.decode()
    assert response.status_code == 400 and "govuk-error-summary" in page and "Enter your comment" in page
    response = _comment(client, served, "I", {"school_reason": "Near our home"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Enter the name of the school or college you would like" in page and "Near our home" in page
    response = _comment(client, served, "I", {"school_wanted": "x" * 201, "text": "Keep this"})
    page = response.content.decode()
    assert response.status_code == 400 and "Keep this" in page and "#id_school_wanted" in page
    bad_file = SimpleUploadedFile("virus.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    response = _comment(client, served, "F", {"text": "Keep me too", "evidence": bad_file})
    page = response.content.decode()
    assert response.status_code == 400 and "#id_evidence" in page and "Keep me too" in page
    response = client.post(_url("draft_send", served), {})
    assert response.status_code == 400
    assert "Confirm that you want to send your comments" in response.content.decode()
    response = client.post(_url("draft_send", served), {"confirm": "on"})
    assert (
        response.status_code == 400 and "You have not written any comments yet" in response.content.decode()
    )
    assert client.get(_url("draft_comment", served, "Z")).status_code == 404
    assert FamilyComment.objects.count() == 0


def test_a_comment_changed_elsewhere_is_not_overwritten(client, parent, served):
    client.force_login(parent)
    _comment(client, served, "F", {"text": "First words"})
    comment = FamilyComment.objects.get()
    portal_services.save_draft_comment(case=served, by=parent, section="F", text="Second", comment=comment)
    response = client.post(
        _url("draft_comment_edit", served, "F", comment.pk), {"text": "Third", "version": comment.version}
    )
    assert response.status_code == 400 and "saved somewhere else" in response.content.decode()
    assert "Third" in response.content.decode()
    assert FamilyComment.objects.get().text == "Second"
    # Saving again, after checking, keeps the newer words.
    fresh = FamilyComment.objects.get()
    assert f'name="version" value="{fresh.version}"' in response.content.decode()
    response = client.post(
        _url("draft_comment_edit", served, "F", comment.pk), {"text": "Third", "version": fresh.version}
    )
    assert response.status_code == 302 and FamilyComment.objects.get().text == "Third"


def test_after_the_15_days_the_pages_say_so_and_nothing_is_sent(client, parent, served, monkeypatch):
    client.force_login(parent)
    portal_services.save_draft_comment(case=served, by=parent, section="F", text="Saved in time")
    later = datetime.date.today() + datetime.timedelta(days=16)
    monkeypatch.setattr(case_selectors, "today", lambda: later)
    page = client.get(_url("draft", served)).content.decode()
    assert 'data-testid="window-closed"' in page and "Comment on section F" not in page
    assert "Check and send your comments" not in page
    response = _comment(client, served, "F", {"text": "Late"})
    assert response.status_code == 200 and "Save comment" not in response.content.decode()
    response = client.post(_url("draft_send", served), {"confirm": "on"})
    assert response.status_code == 200 and "Send your comments" not in response.content.decode()
    with pytest.raises(ServiceError, match="ended on"):
        portal_services.save_draft_comment(case=served, by=parent, section="F", text="Late")
    with pytest.raises(ServiceError, match="ended on"):
        portal_services.send_draft_response(case=served, by=parent)
    assert FamilyComment.objects.filter(sent_at__isnull=False).count() == 0
    assert FamilyComment.objects.count() == 1


def test_after_answers_the_next_version_shows_what_changed(client, parent, served, coordinator):
    client.force_login(parent)
    comment = portal_services.save_draft_comment(case=served, by=parent, section="F", text="Every day please")
    portal_services.send_draft_response(case=served, by=parent)
    working = drafting_selectors.latest_version(case=served)
    drafting_services.add_item(
        version=working,
        section="F",
        fields={
            "what": "Daily listening group",
            "who": "Teaching assistant",
            "frequency": "Every day",
            "duration": "20 minutes, for a year",
            "group_size": "Group of 4",
        },
        by=coordinator,
        expected_version=None,
    )
    assert 'data-testid="what-changed"' not in client.get(_url("draft", served)).content.decode()
    drafting_services.answer_comment(
        comment=comment, outcome="agreed", reason="Added a daily listening group to section F", by=coordinator
    )
    page = client.get(_url("draft", served)).content.decode()
    assert "Agreed and changed" in page and "Added a daily listening group to section F" in page
    assert 'data-testid="what-changed"' in page and "The next version of the plan" in page
    assert 'data-testid="change"' in page and "Daily listening group" in page


# --- who may do what --------------------------------------------------------------------------------------------


@pytest.fixture
def people(served, council, manager, senco, parent, business_support, administrator):
    case = served
    charity = factories.SchoolFactory(kind=OrganisationKind.CHARITY, council=council, name="SENDIASS")
    supporter = factories.UserFactory(role=Role.SUPPORTER, organisation=charity)
    young_person = factories.UserFactory(role=Role.YOUNG_PERSON, organisation=None)
    panel = factories.staff(Role.PANEL_MEMBER, council)
    for user, role in ((young_person, TeamRole.YOUNG_PERSON), (panel, TeamRole.PANEL)):
        case_services.add_team_member(case=case, role=role, user=user, by=manager)
    case_services.add_team_member(case=case, role=TeamRole.SCHOOL, user=senco, by=manager)
    portal_services.share_case(
        case=case, email=supporter.email, full_name=supporter.full_name, role="supporter", by=parent
    )
    other_family = factories.UserFactory(role=Role.PARENT, organisation=None)
    other_case = factories.make_case(council=council, by=business_support, first_name="Bola")
    factories.add_family_member(other_case, other_family)
    return {
        "parent": parent,
        "young_person": young_person,
        "supporter": supporter,
        "senco": senco,
        "panel": panel,
        "manager": manager,
        "administrator": administrator,
        "business_support": business_support,
        "other_family": other_family,
    }


def _pages(case, comment_id):
    return {
        "draft": ("view_draft_as_family", _url("draft", case)),
        "draft_comment": ("comment_on_draft", _url("draft_comment", case, "F")),
        "draft_comment_edit": ("comment_on_draft", _url("draft_comment_edit", case, "F", comment_id)),
        "draft_send": ("comment_on_draft", _url("draft_send", case)),
        "draft_sent": ("comment_on_draft", _url("draft_sent", case)),
    }


def test_each_role_gets_the_draft_pages_the_policy_allows(client, served, people, coordinator):
    everyone = {**people, "coordinator": coordinator}
    for who, user in everyone.items():
        comment = portal_services.save_draft_comment(
            case=served, by=people["parent"], section="F", text="Mine"
        )
        client.force_login(user)
        for page, (action, url) in _pages(served, comment.pk).items():
            wanted = 200 if policy.can(user, action, served) else 404
            if page == "draft_comment_edit" and who != "parent":
                wanted = 404  # only its author opens a saved comment
            assert client.get(url).status_code == wanted, (who, page)
    # Read plainly: the supporter reads the draft but may not comment; the school and staff see none of it here.
    client.force_login(people["supporter"])
    page = client.get(_url("draft", served)).content.decode()
    assert "Comment on section F" not in page
    assert client.post(_url("draft_comment", served, "F"), {"text": "x"}).status_code == 404
    assert client.post(_url("draft_send", served), {"confirm": "on"}).status_code == 404
    assert "Read the draft plan" in client.get(_url("case", served)).content.decode()
    client.force_login(people["senco"])
    assert "draft-plan" not in client.get(_url("case", served)).content.decode()


def test_another_family_gets_not_found_on_every_draft_page(client, served, people):
    comment = portal_services.save_draft_comment(case=served, by=people["parent"], section="F", text="Mine")
    client.force_login(people["other_family"])
    for page, (_action, url) in _pages(served, comment.pk).items():
        assert client.get(url).status_code == 404, page
        assert client.post(url, {"text": "x", "confirm": "on"}).status_code in (404, 405), page
    assert FamilyComment.objects.count() == 1


def test_a_second_parent_does_not_see_nor_change_the_first_parents_saved_comment(client, served, manager):
    first = served.team.filter(role=TeamRole.FAMILY).first().user
    second = factories.UserFactory(role=Role.PARENT, organisation=None)
    case_services.add_team_member(case=served, role=TeamRole.FAMILY, user=second, by=manager)
    comment = portal_services.save_draft_comment(case=served, by=first, section="F", text="Private for now")
    client.force_login(second)
    assert "Private for now" not in client.get(_url("draft", served)).content.decode()
    assert client.get(_url("draft_comment_edit", served, "F", comment.pk)).status_code == 404


# --- speed ---------------------------------------------------------------------------------------------------------


def _grow(case, coordinator, n):
    working = drafting_selectors.latest_version(case=case)
    for i in range(n):
        working = drafting_services.add_item(
            version=working,
            section="F",
            fields={
                "what": f"Extra help {i}",
                "who": "Teaching assistant",
                "frequency": "Every day",
                "duration": "10 minutes, for a year",
                "group_size": "1:1",
            },
            by=coordinator,
            expected_version=None,
        )
    return working


@pytest.mark.parametrize("page", ["draft", "draft_send", "case"])
def test_the_draft_pages_read_a_fixed_number_of_queries(
    client, parent, served, coordinator, django_assert_max_num_queries, page
):
    client.force_login(parent)
    url = _url(page, served)
    client.get(url)  # the first read of a session warms what every page reads once
    budget = {"draft": 17, "draft_send": 17, "case": 12}[page]
    for n in (1, 10):
        for i in range(n):
            comment = portal_services.save_draft_comment(
                case=served, by=parent, section="F", text=f"Said {i}"
            )
        portal_services.send_draft_response(case=served, by=parent)
        drafting_services.answer_comment(comment=comment, outcome="agreed", reason="Changed", by=coordinator)
        _grow(served, coordinator, n)
        for i in range(n):
            portal_services.save_draft_comment(case=served, by=parent, section="B", text=f"Saved {i}")
        with django_assert_max_num_queries(budget):
            assert client.get(url).status_code == 200


def test_a_supporter_whose_access_is_taken_back_loses_the_draft_at_once(client, served, people):
    from portal.models import CaseShare

    client.force_login(people["supporter"])
    assert client.get(_url("draft", served)).status_code == 200
    share = CaseShare.objects.get(case=served, ended_at__isnull=True)
    portal_services.end_share(case=served, by=people["parent"], share=share)
    assert client.get(_url("draft", served)).status_code == 404


def test_the_home_card_leads_to_the_draft_while_the_15_days_last(client, parent, served, monkeypatch):
    client.force_login(parent)
    home = client.get(reverse("portal:home")).content.decode()
    assert 'data-testid="draft-link"' in home and _url("draft", served) in home
    later = datetime.date.today() + datetime.timedelta(days=16)
    monkeypatch.setattr(case_selectors, "today", lambda: later)
    assert 'data-testid="draft-link"' not in client.get(reverse("portal:home")).content.decode()
