"""The notification pages as people meet them: their messages and the bell, and the staff pages (template
preview, failures to follow up), each 404 for anyone it is not for."""

import datetime
import html
import re

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from notifications import services, templates_registry
from notifications.models import Channel, Message, State
from tests import factories

pytestmark = pytest.mark.django_db

LINK = "https://ehcp.council.example/cases/EHC-2026-00042/"


def in_app(user, n: int = 1, *, council=None, template="case.allocated", data=None) -> list[Message]:
    """`n` messages for `user`, as a case event writes them: the chosen channel plus an in-app copy."""
    data = data or dict(templates_registry.get(template).example)
    created = []
    for i in range(n):
        rows = services.notify(
            recipient=user,
            template=template,
            data={**data, "reference": f"EHC-2026-{i:05d}"} if "reference" in data else data,
            key=f"test:{user.pk}:{template}:{i}:{Message.objects.count()}",
            link=LINK,
            organisation_id=council.pk if council else None,
        )
        created.append(next(row for row in rows if row.channel == Channel.IN_APP))
    return created


def failed(
    user=None,
    *,
    council,
    channel=Channel.EMAIL,
    error="Notify 400: ValidationError: email_address Not a valid email address",
    **kwargs,
) -> Message:
    rows = services.notify(
        recipient=user,
        template="case.stage_changed",
        data=dict(templates_registry.get("case.stage_changed").example),
        key=f"failed:{Message.objects.count()}",
        link=LINK,
        channel=channel,
        organisation_id=council.pk,
        **kwargs,
    )
    message = next(row for row in rows if row.channel != Channel.IN_APP)
    Message.objects.filter(pk=message.pk).update(
        state=State.FAILED, needs_follow_up=True, failed_at=timezone.now(), last_error=error
    )
    message.refresh_from_db()
    return message


def text_of(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def bell(content: str) -> str:
    """The header link as a sighted person reads it (visually hidden words removed)."""
    match = re.search(r'<a [^>]*data-testid="bell"[^>]*>(.*?)</a>', content, re.S)
    assert match, "no bell on the page"
    shown = re.sub(r'<span class="govuk-visually-hidden">.*?</span>', "", match.group(1), flags=re.S)
    return text_of(shown).replace("( ", "(").replace(" )", ")")


# --- Who may see what ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "args", "method"),
    [
        ("notifications:list", [], "get"),
        ("notifications:detail", [1], "get"),
        ("notifications:mark_all_read", [], "post"),
        ("notifications:templates", [], "get"),
        ("notifications:failures", [], "get"),
        ("notifications:record_follow_up", [1], "post"),
    ],
)
def test_anonymous_people_are_sent_to_sign_in(client, name, args, method):
    response = getattr(client, method)(reverse(name, args=args))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("who", ["parent", "senco"])
def test_the_template_preview_does_not_exist_for_people_outside_the_council(request, login, who):
    assert login(request.getfixturevalue(who)).get(reverse("notifications:templates")).status_code == 404


def test_council_roles_at_a_school_do_not_see_the_preview(login, school):
    coordinator_at_school = factories.UserFactory(role=Role.COORDINATOR, organisation=school)
    assert login(coordinator_at_school).get(reverse("notifications:templates")).status_code == 404


@pytest.mark.parametrize("who", ["coordinator", "administrator", "parent", "senco"])
def test_the_failures_page_is_only_for_business_support_and_managers(request, login, who, council):
    message = failed(factories.UserFactory(role=Role.PARENT, organisation=None), council=council)
    client = login(request.getfixturevalue(who))
    assert client.get(reverse("notifications:failures")).status_code == 404
    assert client.post(reverse("notifications:record_follow_up", args=[message.pk])).status_code == 404
    message.refresh_from_db()
    assert message.needs_follow_up


# --- In-app messages and the bell ---------------------------------------------------------------------


def test_the_list_shows_my_messages_newest_first_with_unread_marked(login, coordinator, parent):
    first, second = in_app(coordinator, 2)
    Message.objects.filter(pk=first.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=1), read_at=timezone.now()
    )
    someone_elses = in_app(parent, template="case.request_received")[0]

    response = login(coordinator).get(reverse("notifications:list"))

    assert response.status_code == 200
    content = response.content.decode()
    subjects = [text_of(s) for s in re.findall(r'href="/notifications/\d+/">(.*?)</a>', content, re.S)]
    assert subjects == ["New case for you: EHC-2026-00001", "New case for you: EHC-2026-00000"]
    rows = re.findall(r"<tr class=\"govuk-table__row[^\"]*\"( data-unread=\"true\")?>", content)
    assert rows[1:] == [' data-unread="true"', ""]  # the header row, then the unread one first
    assert f'href="{LINK}"' in content
    assert reverse("notifications:detail", args=[someone_elses.pk]) not in content
    assert "We have received the request" not in content


def test_the_bell_shows_the_unread_count_on_every_page(login, coordinator):
    client = login(coordinator)
    assert bell(client.get(reverse("accounts:password_change")).content.decode()) == "Messages"

    in_app(coordinator, 3)
    content = client.get(reverse("accounts:password_change")).content.decode()

    assert bell(content) == "Messages (3 unread)"
    assert 'href="/notifications/"' in re.search(r'<a [^>]*data-testid="bell"', content).group(0)
    assert '3<span class="govuk-visually-hidden"> messages</span> unread' in content


def test_opening_a_message_shows_it_and_marks_it_read(login, coordinator):
    message, _other = in_app(coordinator, 2)
    client = login(coordinator)

    response = client.get(reverse("notifications:detail", args=[message.pk]))

    assert response.status_code == 200
    content = response.content.decode()
    assert "EHC-2026-00000 has been allocated to you." in content
    assert f'href="{LINK}"' in content
    message.refresh_from_db()
    assert message.read_at is not None
    assert bell(content) == "Messages (1 unread)"


def test_another_persons_message_does_not_exist_for_me(login, coordinator, parent):
    mine = in_app(coordinator)[0]
    theirs = in_app(parent, template="case.request_received")[0]
    email_copy = Message.objects.exclude(channel=Channel.IN_APP).filter(recipient=coordinator).first()
    client = login(coordinator)

    assert client.get(reverse("notifications:detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("notifications:detail", args=[email_copy.pk])).status_code == 404
    assert client.get(reverse("notifications:detail", args=[mine.pk])).status_code == 200
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_as_read(login, coordinator, parent):
    in_app(coordinator, 3)
    theirs = in_app(parent, template="case.request_received")[0]
    client = login(coordinator)
    assert "Mark all as read" in client.get(reverse("notifications:list")).content.decode()
    assert client.get(reverse("notifications:mark_all_read")).status_code == 405

    response = client.post(reverse("notifications:mark_all_read"), follow=True)

    assert response.redirect_chain == [(reverse("notifications:list"), 302)]
    content = response.content.decode()
    assert "All your messages are marked as read." in content
    assert "Mark all as read" not in content
    assert bell(content) == "Messages"
    assert not Message.objects.filter(
        recipient=coordinator, channel=Channel.IN_APP, read_at__isnull=True
    ).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_list_is_paginated_by_twenty(login, coordinator):
    in_app(coordinator, 21)
    client = login(coordinator)
    first = client.get(reverse("notifications:list")).content.decode()
    second = client.get(reverse("notifications:list") + "?page=2").content.decode()
    assert len(re.findall(r'href="/notifications/\d+/"', first)) == 20
    assert len(re.findall(r'href="/notifications/\d+/"', second)) == 1
    assert "21 messages" in first


def test_the_list_does_not_query_per_message(login, coordinator, django_assert_max_num_queries):
    client = login(coordinator)
    in_app(coordinator, 3)
    with django_assert_max_num_queries(8) as few:
        assert client.get(reverse("notifications:list")).status_code == 200
    in_app(coordinator, 27)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("notifications:list")).status_code == 200


# --- Staff: template preview --------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["coordinator", "business_support", "manager", "administrator"])
def test_council_staff_preview_every_template_with_its_example(request, login, who, settings):
    response = login(request.getfixturevalue(who)).get(reverse("notifications:templates"))

    assert response.status_code == 200
    content = html.unescape(response.content.decode())
    templates = templates_registry.all_templates()
    assert len(templates) >= 3
    assert "This template cannot be shown" not in content
    for template in templates:
        link = template.example.get("link") or settings.SITE_URL.rstrip("/") + "/"
        text = templates_registry.render(template.code, template.example, link=link)
        assert f'data-template="{template.code}"' in content
        assert template.description in content
        assert f'data-part="subject">{text.subject}</dd>' in content, template.code
        for line in [*text.body.splitlines(), text.sms]:
            assert line.strip() in content, (template.code, line)


def test_the_preview_shows_the_email_body_of_a_template(login, coordinator):
    content = html.unescape(login(coordinator).get(reverse("notifications:templates")).content.decode())
    assert (
        "We received the request for an education, health and care (EHC) needs assessment for Amara on 2 March 2026."
        in content
    )
    assert "Amara's EHC case EHC-2026-00042: We have decided to carry out an EHC needs assessment" in content


# --- Staff: failures to follow up ---------------------------------------------------------------------


@pytest.mark.parametrize("who", ["business_support", "manager"])
def test_failures_of_my_council_are_listed_for_follow_up(request, login, who, council, other_council, parent):
    bounced = failed(parent, council=council)
    letter = failed(
        to_address="1 High Street\nRiverside",
        to_name="Sam Okafor",
        channel=Channel.LETTER,
        council=council,
        error="The postal address must end with a UK postcode on its own line",
    )
    elsewhere = failed(
        factories.UserFactory(role=Role.PARENT, organisation=None, full_name="Hill Top"),
        council=other_council,
    )
    done = failed(
        factories.UserFactory(role=Role.PARENT, organisation=None, full_name="Done Already"), council=council
    )
    Message.objects.filter(pk=done.pk).update(needs_follow_up=False, followed_up_at=timezone.now())

    response = login(request.getfixturevalue(who)).get(reverse("notifications:failures"))

    assert response.status_code == 200
    content = html.unescape(response.content.decode())
    assert "2 messages to follow up" in content
    assert "Letter or phone call needed: the email could not be delivered" in content
    assert "Meera Parent" in content and "meera@example.org" in content
    assert "Notify 400: ValidationError: email_address Not a valid email address" in content
    assert "Phone call or email needed: the letter could not be sent" in content
    assert "Sam Okafor" in content and "1 High Street<br>Riverside" in content
    assert f'data-message="{bounced.pk}"' in content and f'data-message="{letter.pk}"' in content
    assert f'data-message="{elsewhere.pk}"' not in content and "Hill Top" not in content
    assert "Done Already" not in content
    assert "Record that we contacted them another way" in content


def test_recording_a_follow_up(login, business_support, council, parent):
    message = failed(parent, council=council)
    client = login(business_support)

    response = client.post(reverse("notifications:record_follow_up", args=[message.pk]), follow=True)

    assert response.redirect_chain == [(reverse("notifications:failures"), 302)]
    content = response.content.decode()
    assert "Recorded that you contacted Meera Parent another way." in content
    assert "Nothing needs following up" in content
    message.refresh_from_db()
    assert not message.needs_follow_up
    assert message.followed_up_by == business_support
    assert message.followed_up_at is not None
    assert message.state == State.FAILED
    # Done once: a second press finds nothing to follow up.
    assert client.post(reverse("notifications:record_follow_up", args=[message.pk])).status_code == 404


def test_another_councils_failure_cannot_be_followed_up(login, business_support, other_council, parent):
    message = failed(parent, council=other_council)

    response = login(business_support).post(reverse("notifications:record_follow_up", args=[message.pk]))

    assert response.status_code == 404
    message.refresh_from_db()
    assert message.needs_follow_up
    assert message.followed_up_by is None


def test_a_message_that_did_not_fail_cannot_be_followed_up(login, manager, council, parent):
    rows = services.notify(
        recipient=parent, template="case.stage_changed", data={}, key="ok", organisation_id=council.pk
    )
    for row in rows:
        assert (
            login(manager).post(reverse("notifications:record_follow_up", args=[row.pk])).status_code == 404
        )


def test_the_failures_page_does_not_query_per_row(login, manager, council, django_assert_max_num_queries):
    client = login(manager)
    for _n in range(2):
        failed(factories.UserFactory(role=Role.PARENT, organisation=None), council=council)
    with django_assert_max_num_queries(10) as few:
        client.get(reverse("notifications:failures"))
    for _n in range(10):
        failed(factories.UserFactory(role=Role.PARENT, organisation=None), council=council)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("notifications:failures"))


# --- Support admin ----------------------------------------------------------------------------------------


def test_messages_are_read_only_in_the_support_admin(login, coordinator):
    support = factories.UserFactory(
        role=Role.ADMINISTRATOR, organisation=None, is_staff=True, is_superuser=True
    )
    message = in_app(coordinator)[0]
    client = login(support)
    assert admin.site.is_registered(Message)

    changelist = reverse("admin:notifications_message_changelist")
    assert client.get(changelist).status_code == 200
    assert (
        client.get(changelist, {"state__exact": "delivered", "channel__exact": "in_app"}).status_code == 200
    )
    found = client.get(changelist, {"q": coordinator.email}).content.decode()
    assert f"/support-admin/notifications/message/{message.pk}/change/" in found
    assert "delete_selected" not in found

    change = reverse("admin:notifications_message_change", args=[message.pk])
    page = client.get(change).content.decode()
    assert not re.search(r'<input[^>]+name="state"', page)
    assert client.post(change, {"state": "cancelled"}).status_code == 403
    assert client.get(reverse("admin:notifications_message_add")).status_code == 403
    assert (
        client.post(
            reverse("admin:notifications_message_delete", args=[message.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    message.refresh_from_db()
    assert message.state == State.DELIVERED


def test_a_broken_template_is_shown_as_broken_not_as_an_error_page(login, coordinator, monkeypatch):
    broken = templates_registry.MessageTemplate("test.broken", "A template whose wording files are missing")
    monkeypatch.setitem(templates_registry._templates, broken.code, broken)

    response = login(coordinator).get(reverse("notifications:templates"))

    assert response.status_code == 200
    content = html.unescape(response.content.decode())
    assert "This template cannot be shown: TemplateDoesNotExist" in content
    assert "New case for you: EHC-2026-00042" in content


def test_only_web_links_are_followed_from_a_message(login, coordinator):
    message = in_app(coordinator)[0]
    Message.objects.filter(pk=message.pk).update(link="javascript:alert(1)")
    client = login(coordinator)

    for url in (reverse("notifications:list"), reverse("notifications:detail", args=[message.pk])):
        assert 'href="javascript:' not in client.get(url).content.decode()
