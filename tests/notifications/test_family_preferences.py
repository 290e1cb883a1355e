"""A family hears about their case the way they asked, in their language where there is a translation."""

import copy

import pytest
from django.core import mail

from cases import notices, services
from cases.models import FamilyContact
from notifications import services as outbox
from notifications import templates_registry
from notifications.models import Channel, Message
from tests import factories

pytestmark = pytest.mark.django_db

ADDRESS = "1 High Street\nRiverside\nRV1 2AB"
HEADLINE = "We are deciding whether to carry out an EHC needs assessment"


def _contact(case, **fields) -> FamilyContact:
    values = {"name": "Sam Carer", "relationship": "carer", "parental_responsibility": True}
    values.update(fields)
    return FamilyContact.objects.create(child=case.child, **values)


def _move_case_on(case, coordinator) -> None:
    services.case_transition(case=case, name="start_assessment_decision", by=coordinator)


def _received(contact: FamilyContact) -> list[Message]:
    return list(
        Message.objects.filter(
            template="case.stage_changed", idempotency_key__contains=f":contact:{contact.pk}:"
        )
    )


@pytest.fixture
def polish_templates(settings, tmp_path):
    """A council's Polish wording for the stage-change message, in a template folder of its own."""
    folder = tmp_path / "notifications" / "case.stage_changed" / "pl"
    folder.mkdir(parents=True)
    (folder / "subject.txt").write_text("Sprawa EHC {{ reference }}: zmiana etapu", encoding="utf-8")
    (folder / "body.txt").write_text(
        "Dzień dobry. Sprawa {{ reference }} przeszła do kolejnego etapu.", encoding="utf-8"
    )
    (folder / "sms.txt").write_text("Sprawa {{ reference }} przeszła dalej.", encoding="utf-8")
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [tmp_path, *templates[0]["DIRS"]]
    settings.TEMPLATES = templates
    return tmp_path


# --- contacts without an account -------------------------------------------------------------------------


def test_a_contact_who_chose_text_messages_gets_a_text_to_their_phone(case, coordinator):
    contact = _contact(case, email="sam@example.org", phone="07700 900982", preferred_channel="sms")
    _move_case_on(case, coordinator)
    [message] = _received(contact)
    assert (message.channel, message.to_address, message.to_name) == (
        Channel.SMS,
        "07700 900982",
        "Sam Carer",
    )
    assert message.idempotency_key.startswith(f"case:{case.pk}:event:")
    assert message.idempotency_key.endswith(f":contact:{contact.pk}:sms")


def test_a_contact_who_chose_text_but_has_no_phone_gets_an_email(case, coordinator):
    contact = _contact(case, email="sam@example.org", address=ADDRESS, preferred_channel="sms")
    _move_case_on(case, coordinator)
    [message] = _received(contact)
    assert (message.channel, message.to_address) == (Channel.EMAIL, "sam@example.org")


def test_a_contact_who_chose_letters_gets_a_letter_to_their_address(case, coordinator):
    contact = _contact(case, email="sam@example.org", address=ADDRESS, preferred_channel="letter")
    _move_case_on(case, coordinator)
    [message] = _received(contact)
    assert (message.channel, message.to_address, message.to_name) == (Channel.LETTER, ADDRESS, "Sam Carer")


def test_a_letter_to_a_contact_is_addressed_to_them_by_name(case, coordinator):
    from notifications import channels

    contact = _contact(case, address=ADDRESS, preferred_channel="letter")
    _move_case_on(case, coordinator)
    [message] = _received(contact)
    to = channels.destination(message)
    assert channels.letter_address(to.name, to.address) == {
        "address_line_1": "Sam Carer",
        "address_line_2": "1 High Street",
        "address_line_3": "Riverside",
        "address_line_4": "RV1 2AB",
    }


def test_a_contact_who_asked_for_a_phone_call_gets_the_written_message_by_email(case, coordinator):
    contact = _contact(
        case, email="sam@example.org", phone="07700 900982", address=ADDRESS, preferred_channel="phone"
    )
    _move_case_on(case, coordinator)
    [message] = _received(contact)
    assert (message.channel, message.to_address) == (Channel.EMAIL, "sam@example.org")


def test_a_contact_who_asked_for_a_phone_call_and_has_no_email_gets_a_letter(case, coordinator):
    contact = _contact(case, phone="07700 900982", address=ADDRESS, preferred_channel="phone")
    _move_case_on(case, coordinator)
    [message] = _received(contact)
    assert (message.channel, message.to_address) == (Channel.LETTER, ADDRESS)


def test_a_contact_without_email_but_with_an_address_is_no_longer_left_out(case, coordinator):
    contact = _contact(case, address=ADDRESS)  # chose email (the default) but gave none
    _move_case_on(case, coordinator)
    [message] = _received(contact)
    assert (message.channel, message.to_address) == (Channel.LETTER, ADDRESS)


def test_a_contact_with_no_email_phone_or_address_gets_nothing_and_nothing_fails(case, coordinator):
    contact = _contact(case)
    _move_case_on(case, coordinator)
    assert _received(contact) == []
    # The family contact logged with the request still hears by email.
    assert Message.objects.filter(template="case.stage_changed", to_address="parent@example.org").count() == 1


def test_a_contact_message_keeps_their_language(case, coordinator):
    contact = _contact(case, email="sam@example.org", language="pl")
    _move_case_on(case, coordinator)
    [message] = _received(contact)
    assert message.language == "pl"


def test_the_same_event_twice_sends_a_contact_one_message(case):
    contact = _contact(case, phone="07700 900982", preferred_channel="sms")
    for _ in range(2):
        notices.tell_family(
            case=case, template="case.request_received", data={}, event_key=f"case:{case.pk}:event:0", by=None
        )
    [message] = Message.objects.filter(to_address="07700 900982")
    assert message.idempotency_key == f"case:{case.pk}:event:0:contact:{contact.pk}:sms"


@pytest.mark.parametrize(
    ("chosen", "details", "expected"),
    [
        ("email", {"email": "a@example.org", "phone": "07700 900982", "address": ADDRESS}, Channel.EMAIL),
        ("email", {"phone": "07700 900982"}, Channel.SMS),
        ("sms", {"address": ADDRESS}, Channel.LETTER),
        ("letter", {"email": "a@example.org"}, Channel.EMAIL),
        ("phone", {"phone": "07700 900982", "address": ADDRESS}, Channel.LETTER),
    ],
)
def test_the_route_for_a_contact_falls_back_to_the_details_we_have(chosen, details, expected):
    contact = FamilyContact(
        name="A", preferred_channel=chosen, **{"email": "", "phone": "", "address": "", **details}
    )
    assert notices.contact_route(contact).channel == expected


def test_finding_contacts_costs_the_same_however_many_there_are(case, django_assert_num_queries):
    for n in range(5):
        _contact(case, name=f"Carer {n}", address=ADDRESS)
    with django_assert_num_queries(1):
        contacts = notices._family_contacts_without_accounts(case, users=[])
    assert len(contacts) == 6


# --- people with an account, and the language of the message ---------------------------------------------


def test_a_parent_who_chose_polish_gets_a_message_marked_polish(case, coordinator, parent):
    parent.language = "pl"
    parent.save()
    factories.add_family_member(case, parent)
    _move_case_on(case, coordinator)
    messages = Message.objects.filter(template="case.stage_changed", recipient=parent)
    assert {m.language for m in messages} == {"pl"}
    assert {m.channel for m in messages} == {Channel.EMAIL, Channel.IN_APP}


def test_a_polish_message_is_written_in_polish_when_the_council_has_a_translation(
    case, coordinator, parent, polish_templates
):
    parent.language = "pl"
    parent.save()
    factories.add_family_member(case, parent)
    _move_case_on(case, coordinator)
    outbox.relay()
    [email] = [m for m in mail.outbox if m.to == [parent.email]]
    assert email.subject == f"Sprawa EHC {case.reference}: zmiana etapu"
    assert "przeszła do kolejnego etapu" in email.body
    assert HEADLINE not in email.body


def test_a_polish_message_is_written_in_english_while_there_is_no_translation(case, coordinator, parent):
    parent.language = "pl"
    parent.save()
    factories.add_family_member(case, parent)
    _move_case_on(case, coordinator)
    outbox.relay()
    [email] = [m for m in mail.outbox if m.to == [parent.email]]
    assert HEADLINE in email.subject
    assert Message.objects.get(recipient=parent, channel=Channel.EMAIL).language == "pl"


def test_english_readers_are_not_given_the_translation(case, coordinator, parent, polish_templates):
    factories.add_family_member(case, parent)
    _move_case_on(case, coordinator)
    outbox.relay()
    [email] = [m for m in mail.outbox if m.to == [parent.email]]
    assert HEADLINE in email.subject


@pytest.mark.parametrize("language", ["other", "bfi", "xx", "", "../pl", "en"])
def test_a_language_without_a_translation_is_written_in_english(language, polish_templates):
    example = templates_registry.get("case.stage_changed").example
    rendered = templates_registry.render("case.stage_changed", example, language=language)
    assert example["headline"] in rendered.subject


def test_notify_and_notify_many_keep_the_language_they_are_given(parent):
    outbox.notify(to_address="a@example.org", template="case.allocated", data={}, key="t:1", language="so")
    outbox.notify_many(
        [
            outbox.Outgoing("case.allocated", {}, "t:2", recipient=parent, language="uk"),
            outbox.Outgoing("case.allocated", {}, "t:3", to_address="b@example.org"),
        ]
    )
    assert Message.objects.get(to_address="a@example.org").language == "so"
    assert set(Message.objects.filter(recipient=parent).values_list("language", flat=True)) == {"uk"}
    assert Message.objects.get(to_address="b@example.org").language == "en"
