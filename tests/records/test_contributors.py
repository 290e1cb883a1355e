"""The decision panel, the plan and the family portal each add their part to a subject access export, and redact
their own free text when a disposal is carried out, with what they did in the destruction record."""

import datetime
import io
import json

import pytest
from django.utils import timezone

from cases.models import Case
from drafting.models import CommentAnswer, FamilyComment, PlacementConsultation, PlanSection
from panel.models import AgendaItem, ConflictOfInterest, Decision, Note, Vote
from portal.models import CaseShare, Conversation, ConversationMessage
from records import contributors, services
from records.models import DestructionRecord, Disposal
from tests.drafting.conftest import (  # noqa: F401  (the fixtures of a case with a draft plan)
    advised_case,
    draft,
    ep,
    salt,
    scheme,
)
from tests.panel.conftest import build_panel

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
SECRET = "Amara is frightened of the dinner hall"


@pytest.fixture
def child_record(council, manager, coordinator, parent, request):
    """One child's case with words about them in the panel, the plan and the portal."""
    version = request.getfixturevalue("draft")
    case = version.plan.case
    world = build_panel(council, manager)
    item = AgendaItem.objects.create(
        meeting=world.meeting, case=case, question="band", position=1, held_reason=f"Held: {SECRET}"
    )
    Vote.objects.create(item=item, member=world.members["ep"], choice="yes", comment=f"Vote: {SECRET}")
    Decision.objects.create(
        item=item,
        case=case,
        question="band",
        outcome="yes",
        mode=world.panel.mode,
        band="C",
        reasons=f"Reasons: {SECRET}",
        decided_on=TODAY,
        recorded_by=world.chair,
        votes=[{"member": "Petra Psychologist", "choice": "yes", "comment": f"Vote: {SECRET}"}],
    )
    Note.objects.create(item=item, author=world.ep, text=f"Note: {SECRET}")
    ConflictOfInterest.objects.create(
        case=case, member=world.members["head"], reason=f"Conflict: {SECRET}", declared_by=world.head
    )
    comment = FamilyComment.objects.create(
        plan_version=version, case=case, section="F", text=f"Comment: {SECRET}", recorded_by=coordinator
    )
    CommentAnswer.objects.create(
        comment=comment, outcome="agreed", reason=f"Answer: {SECRET}", by=coordinator
    )
    PlacementConsultation.objects.create(
        plan=version.plan,
        school_name="Riverside Primary School",
        sent_on=TODAY,
        reply_due_on=TODAY + datetime.timedelta(days=15),
        response_text=f"Reply: {SECRET}",
        recorded_by=coordinator,
    )
    conversation = Conversation.objects.create(case=case)
    ConversationMessage.objects.create(
        conversation=conversation, author=parent, from_family=True, body=f"Message: {SECRET}"
    )
    CaseShare.objects.create(
        case=case,
        email="sendiass@example.org",
        full_name="Sam Supporter",
        role="supporter",
        requested_by=parent,
    )
    return case


def test_an_export_holds_each_apps_files(child_record):
    parts = {c.key: c.export(child_record.child) for c in contributors.all_contributors()}
    names = {key: {f.name for f in files} for key, files in parts.items()}
    assert {"agenda_items.csv", "votes.csv", "decisions.json", "notes.csv", "conflicts.csv"} <= names["panel"]
    assert {"plans.csv", "versions.csv", "sections.json", "comments.csv", "answers.csv"} <= names["drafting"]
    assert {"consultations.csv", "issue_records.csv"} <= names["drafting"]
    assert {"conversations.csv", "messages.csv", "shares.csv"} <= names["portal"]
    text = {key: b"".join(f.content for f in parts[key]).decode() for key in ("panel", "drafting", "portal")}
    for prefix in ("Held", "Vote", "Reasons", "Note", "Conflict"):
        assert f"{prefix}: {SECRET}" in text["panel"]
    for prefix in ("Comment", "Answer", "Reply"):
        assert f"{prefix}: {SECRET}" in text["drafting"]
    sections = json.load(io.BytesIO(next(f.content for f in parts["drafting"] if f.name == "sections.json")))
    assert {row["code"] for row in sections} >= {"B", "F"}  # what each section of the plan said
    assert f"Message: {SECRET}" in text["portal"] and "Sam Supporter" in text["portal"]


def test_a_disposal_redacts_each_apps_free_text_and_lists_it(child_record, manager):
    case = child_record
    Case.objects.filter(pk=case.pk).update(stage="ceased", closed_on=TODAY - datetime.timedelta(days=7 * 365))
    rule = next(iter(services.ensure_schedule(council=case.council).values()))
    disposal = Disposal.objects.create(
        council=case.council,
        child=case.child,
        references=case.reference,
        record_type=rule.record_type,
        rule=rule,
        rule_text="Six years after the case closed",
        method="anonymise",
        due_on=TODAY,
        status=Disposal.Status.APPROVED,
        decided_by=manager,
        decided_at=timezone.now(),
    )
    record = services.carry_out_disposal(disposal_id=disposal.pk)
    assert record is not None
    for model, field in (
        (AgendaItem, "held_reason"),
        (Vote, "comment"),
        (Decision, "reasons"),
        (Note, "text"),
        (ConflictOfInterest, "reason"),
        (FamilyComment, "text"),
        (CommentAnswer, "reason"),
        (PlacementConsultation, "response_text"),
        (ConversationMessage, "body"),
    ):
        assert set(model.objects.values_list(field, flat=True)) == {"[redacted]"}, model
        assert SECRET not in str(list(model.history.values_list(field, flat=True))), model
    assert all(v["comment"] == "[redacted]" for v in Decision.objects.get().votes)
    assert not PlanSection.objects.filter(plan_version__plan__case=case).exclude(content={}).exists()
    assert set(CaseShare.objects.values_list("full_name", "email")) == {("[redacted]", "")}
    destroyed = DestructionRecord.objects.get().destroyed
    for line in (
        "1 panel decisions: reasons and conditions redacted",
        "1 panel members' notes redacted",
        "1 family comments on the draft plan redacted",
        "1 placement consultations: schools' replies redacted",
        "1 portal messages redacted",
    ):
        assert line in destroyed, destroyed
    assert any("plan sections" in line for line in destroyed)
    assert SECRET not in json.dumps(destroyed)
