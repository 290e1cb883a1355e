"""The case app's and the advice app's parts of a subject access export and of a disposal.

Registered by this app (records.apps): cases sits below the features and cannot import the registry, and the
advice app's rows are read through its models here. Other features register their own (records.contributors).
"""

from django.core.files.storage import default_storage

from advice import services as advice_services
from advice.models import (
    AdviceAttachment,
    AdviceNeed,
    AdviceOutcome,
    AdviceProvision,
    AdviceRequest,
    AdviceSubmission,
    RasScore,
    Referral,
    ReuseAgreement,
)
from cases import services as case_services
from cases.models import (
    AccessLog,
    AdviceClock,
    Case,
    CaseDocument,
    CaseTeamMember,
    Child,
    Deadline,
    DeadlineException,
    FamilyContact,
    InvolvedProfessional,
    TimelineEvent,
)
from forms_ersa import services as request_services
from forms_ersa.models import DraftEvidence, RequestDraft
from notifications.models import Message
from records.archive import csv_file, history_rows, json_file, rows
from records.contributors import File


def _safe_name(name: str) -> str:
    cleaned = "".join(ch if ch.isalnum() or ch in "._- " else "_" for ch in name).strip(" .")
    return cleaned[:120] or "document"


def cases_export(child: Child) -> list[File]:
    """The child, the family's contacts and every case: its history, timeline, deadlines, team, documents,
    the messages sent about it and who read it."""
    files = [
        json_file("child.json", rows(Child.objects.filter(pk=child.pk))[0]),
        csv_file("child_history.csv", history_rows(Child, [child.pk])),
    ]
    contacts = FamilyContact.objects.filter(child=child).order_by("id")
    files += [
        csv_file("family_contacts.csv", rows(contacts)),
        csv_file(
            "family_contacts_history.csv", history_rows(FamilyContact, contacts.values_list("pk", flat=True))
        ),
    ]
    for case in Case.objects.filter(child=child).order_by("received_on", "id"):
        folder = f"{case.reference}/"
        documents = CaseDocument.objects.filter(case=case).order_by("uploaded_at", "id")
        files += [
            json_file(folder + "case.json", rows(Case.objects.filter(pk=case.pk))[0]),
            csv_file(folder + "case_history.csv", history_rows(Case, [case.pk])),
            csv_file(
                folder + "timeline.csv",
                rows(TimelineEvent.objects.filter(case=case).order_by("occurred_at", "id")),
            ),
            csv_file(
                folder + "deadlines.csv", rows(Deadline.objects.filter(case=case).order_by("due_on", "id"))
            ),
            csv_file(
                folder + "exceptions.csv", rows(DeadlineException.objects.filter(case=case).order_by("id"))
            ),
            csv_file(
                folder + "team.csv",
                rows(CaseTeamMember.objects.filter(case=case).order_by("starts_on", "id")),
            ),
            csv_file(
                folder + "professionals.csv",
                rows(InvolvedProfessional.objects.filter(case=case).order_by("id")),
            ),
            csv_file(
                folder + "advice_clocks.csv", rows(AdviceClock.objects.filter(case=case).order_by("id"))
            ),
            csv_file(folder + "documents.csv", rows(documents)),
            csv_file(
                folder + "documents_history.csv",
                history_rows(CaseDocument, documents.values_list("pk", flat=True)),
            ),
            csv_file(
                folder + "messages.csv",
                rows(Message.objects.filter(subject_ref=f"case:{case.pk}").order_by("created_at", "id")),
            ),
            csv_file(
                folder + "access_log.csv", rows(AccessLog.objects.filter(case=case).order_by("at", "id"))
            ),
        ]
        for document in documents:
            if not document.file:
                continue
            try:
                with default_storage.open(document.file.name, "rb") as handle:
                    content = handle.read()
            except OSError:
                content = b"This file could not be read from storage when the export was made.\n"
            files.append(File(f"{folder}documents/{document.pk}-{_safe_name(document.name)}", content))
    return files


def cases_dispose(child: Child, method: str, by) -> list[str]:
    return case_services.dispose_child_records(child_id=child.pk, method=method, by=by)


def advice_export(child: Child) -> list[File]:
    """Every request for advice on the child's cases, what each adviser wrote (every version) and the RAS."""
    requests = AdviceRequest.objects.filter(case__child=child).order_by("id")
    submissions = AdviceSubmission.objects.filter(request__case__child=child).order_by("request_id", "number")
    on_child = {"submission__request__case__child": child}
    return [
        csv_file("requests.csv", rows(requests)),
        csv_file("requests_history.csv", history_rows(AdviceRequest, requests.values_list("pk", flat=True))),
        json_file("submissions.json", rows(submissions)),
        csv_file(
            "submissions_history.csv",
            history_rows(AdviceSubmission, submissions.values_list("pk", flat=True)),
        ),
        csv_file("needs.csv", rows(AdviceNeed.objects.filter(**on_child).order_by("id"))),
        csv_file("outcomes.csv", rows(AdviceOutcome.objects.filter(**on_child).order_by("id"))),
        csv_file("provision.csv", rows(AdviceProvision.objects.filter(**on_child).order_by("id"))),
        csv_file(
            "attachments.csv",
            rows(AdviceAttachment.objects.filter(request__case__child=child).order_by("id")),
        ),
        csv_file("referrals.csv", rows(Referral.objects.filter(request__case__child=child).order_by("id"))),
        csv_file(
            "reuse_agreements.csv",
            rows(ReuseAgreement.objects.filter(request__case__child=child).order_by("id")),
        ),
        csv_file("ras_scores.csv", rows(RasScore.objects.filter(case__child=child).order_by("id"))),
    ]


def advice_dispose(child: Child, method: str, by) -> list[str]:
    if method != "anonymise":
        return []
    return advice_services.redact_for_disposal(child_id=child.pk)


# The keys to a draft (hashes of the links sent by email, the API's idempotency key) are not data about the child.
DRAFT_SECRETS = {"token_hash", "parent_token_hash", "idempotency_key", "request_hash"}


def requests_export(child: Child) -> list[File]:
    """The online requests for assessment that became the child's cases: every answer given, and the evidence."""
    drafts = RequestDraft.objects.filter(case__child=child).order_by("created_at", "id")
    evidence = DraftEvidence.objects.filter(draft__case__child=child).order_by("uploaded_at", "id")
    files = [
        json_file(
            "requests.json",
            [{k: v for k, v in row.items() if k not in DRAFT_SECRETS} for row in rows(drafts)],
        ),
        csv_file("evidence.csv", rows(evidence)),
    ]
    for item in evidence:
        if not item.file:
            continue
        try:
            with default_storage.open(item.file.name, "rb") as handle:
                content = handle.read()
        except OSError:
            content = b"This file could not be read from storage when the export was made.\n"
        files.append(File(f"evidence/{item.pk}-{_safe_name(item.name)}", content))
    return files


def requests_dispose(child: Child, method: str, by) -> list[str]:
    if method != "anonymise":
        return []
    return request_services.redact_for_disposal(child_id=child.pk)
