"""Every write of the records app: subject access exports, the retention schedule, legal holds and disposals.

Each use case checks the policy first, runs in one transaction and keeps history with the acting user. The archive
is built and records are disposed of in tasks (records.tasks), never on a page's request.
"""

import hashlib
import logging
import tempfile
import zipfile
from datetime import date, timedelta

from django.core.files import File as DjangoFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import User
from cases import policy
from cases import selectors as case_selectors
from cases import services as case_services
from cases.models import Case, Child
from core.errors import ServiceError, StaleVersion
from core.history import save_with_history as _save
from core.pdf import render_pdf
from core.queue import enqueue_on_commit
from records import contributors, schedule
from records.models import (
    DestructionRecord,
    Disposal,
    LegalHold,
    RetentionRule,
    SubjectAccessExport,
)

log = logging.getLogger(__name__)

# The archive holds everything about a child: it is kept only as long as the manager needs to send it.
EXPORT_KEEP_DAYS = 30
# A record a manager keeps for now comes back to the list a year later.
KEEP_FOR_NOW_DAYS = 365


def _council(by: User, action: str):
    council = policy.council_of(by)
    if council is None or not policy.role_may(by, action):
        raise policy.NotAllowed(action)
    return council


def _case_of_council(*, reference: str, by: User) -> Case:
    reference = (reference or "").strip().upper()
    if not reference:
        raise ServiceError("Enter the case reference, like EHC-2026-00042", field="reference")
    case = case_selectors.cases_for(user=by).select_related("child").filter(reference=reference).first()
    if case is None:
        raise ServiceError(
            "No case of your council has that reference: check it, like EHC-2026-00042", field="reference"
        )
    return case


# --- subject access -------------------------------------------------------------------------------------------


def request_export(*, reference: str, by: User, request_reference: str = "") -> SubjectAccessExport:
    """Ask for everything held about the child of a case, built in a task; the row is the log of the request."""
    council = _council(by, "export_subject_access")
    case = _case_of_council(reference=reference, by=by)
    if len(request_reference) > 60:
        raise ServiceError("Your reference must be 60 characters or fewer", field="request_reference")
    with transaction.atomic():
        export = SubjectAccessExport(
            council=council, child=case.child, requested_by=by, request_reference=request_reference.strip()
        )
        _save(export, by=by, reason="Subject access export asked for")
        # Asking for a child's whole record is a read of it: it is in the case's access log too.
        case_services.log_access(user=by, case=case, action=f"subject_access_export:{export.pk}")
        enqueue_on_commit("records.tasks.build_export", export.pk)
    return export


def build_export(*, export_id: int) -> SubjectAccessExport:
    """Build the archive: an index PDF, then each app's files. Idempotent: a finished export is left alone."""
    export = SubjectAccessExport.objects.select_related("child", "requested_by", "council").get(pk=export_id)
    if export.status != SubjectAccessExport.Status.QUEUED:
        return export
    try:
        parts = [(c.key, c.export(export.child)) for c in contributors.all_contributors()]
        index = render_pdf(
            render_to_string(
                "records/pdf/export_index.html",
                {
                    "export": export,
                    "parts": parts,
                    "made_at": timezone.now(),
                    "cases": _references(export.child),
                },
            )
        )
        with tempfile.TemporaryFile() as spool:
            count = 1
            with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                archive.writestr("index.pdf", index)
                for key, files in parts:
                    for item in files:
                        archive.writestr(f"{key}/{item.name}", item.content)
                        count += 1
            spool.seek(0)
            digest = hashlib.sha256()
            for chunk in iter(lambda: spool.read(1 << 20), b""):
                digest.update(chunk)
            size = spool.tell()
            spool.seek(0)
            with transaction.atomic():
                locked = SubjectAccessExport.objects.select_for_update().get(pk=export.pk)
                if locked.status != SubjectAccessExport.Status.QUEUED:
                    return locked
                locked.file.save(f"subject-access-{locked.pk}.zip", DjangoFile(spool), save=False)
                locked.size, locked.sha256, locked.files_count = size, digest.hexdigest(), count
                locked.status = SubjectAccessExport.Status.READY
                locked.finished_at = timezone.now()
                _save(locked, by=locked.requested_by, reason="Archive built")
                return locked
    except Exception as error:  # noqa: BLE001 - any failure is shown on the status page, then raised for the log
        log.exception("Subject access export %s failed", export.pk)
        SubjectAccessExport.objects.filter(pk=export.pk, status=SubjectAccessExport.Status.QUEUED).update(
            status=SubjectAccessExport.Status.FAILED,
            finished_at=timezone.now(),
            error=f"{type(error).__name__}"[:300],
        )
        raise


def _references(child: Child) -> list[str]:
    return list(
        Case.objects.filter(child=child).order_by("received_on", "id").values_list("reference", flat=True)
    )


def record_download(*, export: SubjectAccessExport, by: User) -> SubjectAccessExport:
    """Only the manager who asked downloads it; each download is logged (the export's history, the access log)."""
    if export.requested_by_id != by.pk or not policy.role_may(by, "export_subject_access"):
        raise policy.NotAllowed("export_subject_access")
    if export.status != SubjectAccessExport.Status.READY:
        raise ServiceError("This archive is not ready to download")
    with transaction.atomic():
        export.last_downloaded_at = timezone.now()
        _save(export, by=by, reason="Downloaded")
        case = Case.objects.filter(child_id=export.child_id).order_by("-received_on", "-id").first()
        if case is not None:
            case_services.log_access(user=by, case=case, action=f"subject_access_download:{export.pk}")
    return export


def expire_exports(*, now=None) -> int:
    """Remove archives older than EXPORT_KEEP_DAYS; the row (who asked, when, for whom) stays as the log."""
    now = now or timezone.now()
    old = SubjectAccessExport.objects.filter(
        status=SubjectAccessExport.Status.READY, finished_at__lt=now - timedelta(days=EXPORT_KEEP_DAYS)
    )
    done = 0
    for export in old:
        with transaction.atomic():
            name = export.file.name
            export.file = ""
            export.status = SubjectAccessExport.Status.EXPIRED
            export.expired_at = now
            _save(export, by=None, reason=f"Archive removed after {EXPORT_KEEP_DAYS} days")
            storage = SubjectAccessExport._meta.get_field("file").storage
            transaction.on_commit(lambda name=name, storage=storage: storage.delete(name))
        done += 1
    return done


# --- the retention schedule -----------------------------------------------------------------------------------


def ensure_schedule(*, council) -> dict[str, RetentionRule]:
    """The council's rules, the defaults written the first time they are needed (so every change has history)."""
    rules = {rule.record_type: rule for rule in RetentionRule.objects.filter(council=council)}
    for kind, default in schedule.DEFAULT_RULES.items():
        if kind.value in rules:
            continue
        rule = RetentionRule(
            council=council,
            record_type=kind.value,
            basis=default.basis.value,
            years=default.years,
            method=default.method.value,
            source=default.source,
        )
        try:
            with transaction.atomic():
                _save(rule, by=None, reason="The default schedule")
        except IntegrityError:
            rule = RetentionRule.objects.get(council=council, record_type=kind.value)
        rules[kind.value] = rule
    return rules


def change_rule(
    *, rule: RetentionRule, by: User, years: int, basis: str, method: str, source: str, expected_version: int
) -> RetentionRule:
    council = _council(by, "manage_retention")
    if rule.council_id != council.pk:
        raise policy.NotAllowed("manage_retention")
    if not schedule.MIN_YEARS <= years <= schedule.MAX_YEARS:
        raise ServiceError(
            f"Enter a number of years from {schedule.MIN_YEARS} to {schedule.MAX_YEARS}", field="years"
        )
    if basis not in schedule.Basis.__members__.values():
        raise ServiceError("Choose what the years are counted from", field="basis")
    if method not in schedule.Method.__members__.values():
        raise ServiceError("Choose how the records are disposed of", field="method")
    with transaction.atomic():
        locked = RetentionRule.objects.select_for_update().get(pk=rule.pk)
        if locked.version != expected_version:
            raise StaleVersion(
                "Someone else changed this rule while you were working on it. Check it and try again"
            )
        locked.years, locked.basis, locked.method, locked.source = years, basis, method, source.strip()[:300]
        locked.version += 1
        locked.updated_at = timezone.now()
        _save(locked, by=by, reason="Schedule changed")
        # Records found under the old rule and not yet approved are found again under the new one.
        for disposal in Disposal.objects.select_for_update().filter(rule=locked, status=Disposal.Status.DUE):
            disposal.status = Disposal.Status.DEFERRED
            disposal.decision_note = "The schedule changed: the sweep checks it again"
            disposal.decided_at = timezone.now()
            _save(disposal, by=by, reason="Schedule changed")
    return locked


# --- legal holds ----------------------------------------------------------------------------------------------


def place_hold(*, reference: str, kind: str, reason: str, by: User) -> LegalHold:
    _council(by, "place_legal_hold")
    case = _case_of_council(reference=reference, by=by)
    if kind not in LegalHold.Kind.values:
        raise ServiceError("Choose why the records must be kept", field="kind")
    if not reason.strip():
        raise ServiceError("Enter the details: the appeal or complaint and its reference", field="reason")
    with transaction.atomic():
        hold = LegalHold(case=case, kind=kind, reason=reason.strip(), placed_by=by)
        _save(hold, by=by, reason="Legal hold placed")
        case_services.add_case_note(
            case=case,
            summary=f"Legal hold placed: {hold.get_kind_display()}",
            detail=hold.reason,
            by=by,
            family=False,
        )
    return hold


def lift_hold(*, hold: LegalHold, reason: str, by: User) -> LegalHold:
    council = _council(by, "place_legal_hold")
    if hold.case.council_id != council.pk:
        raise policy.NotAllowed("place_legal_hold")
    if not reason.strip():
        raise ServiceError(
            "Enter why the hold is lifted (for example, the appeal was decided)", field="reason"
        )
    with transaction.atomic():
        locked = LegalHold.objects.select_for_update().select_related("case").get(pk=hold.pk)
        if locked.lifted_at is not None:
            return locked
        locked.lifted_at, locked.lifted_by, locked.lift_reason = timezone.now(), by, reason.strip()
        _save(locked, by=by, reason="Legal hold lifted")
        case_services.add_case_note(
            case=locked.case,
            summary=f"Legal hold lifted: {locked.get_kind_display()}",
            detail=locked.lift_reason,
            by=by,
            family=False,
        )
    return locked


def _held(child_id: int) -> bool:
    return LegalHold.objects.filter(case__child_id=child_id, lifted_at__isnull=True).exists()


# --- the sweep and disposal -----------------------------------------------------------------------------------


def _could_be_due(on: date) -> Q:
    """Only children some council's shortest rule could already make due, so the nightly sweep reads the few, not
    every child with a closed case (the schedule itself decides, per child, below)."""
    shortest: dict[str, int] = {}
    rows = RetentionRule.objects.values_list("basis", "years")
    for basis, years in [*rows, *((r.basis.value, r.years) for r in schedule.DEFAULT_RULES.values())]:
        shortest[basis] = min(years, shortest.get(basis, years))
    could = Q(pk__in=[])
    if schedule.Basis.BIRTHDAY.value in shortest:
        could |= Q(date_of_birth__lte=schedule.add_years(on, -shortest[schedule.Basis.BIRTHDAY.value]))
    if schedule.Basis.CLOSURE.value in shortest:
        cutoff = schedule.add_years(on, -shortest[schedule.Basis.CLOSURE.value])
        could |= ~Q(pk__in=Case.objects.filter(closed_on__gt=cutoff).values("child_id"))
    return could


def sweep_retention(*, on: date | None = None, council_ids: list[int] | None = None) -> int:
    """Find every child whose whole record is due under their council's schedule; list each once for approval.

    Nothing is disposed of here. Run by beat every day and from the manager's page; a second run adds nothing.
    """
    on = on or case_selectors.today()
    closed = Case.objects.filter(closed_on__isnull=False)
    if council_ids is not None:
        closed = closed.filter(council_id__in=council_ids)
    found = 0
    kept = Disposal.objects.filter(status=Disposal.Status.DEFERRED, review_after__gt=on)
    live = Disposal.objects.filter(
        status__in=[Disposal.Status.DUE, Disposal.Status.APPROVED, Disposal.Status.DISPOSED]
    )
    children = (
        Child.objects.filter(pk__in=closed.values("child_id"))
        .filter(_could_be_due(on))
        .exclude(cases__closed_on__isnull=True)
        .exclude(pk__in=live.values("child_id"))
        .exclude(pk__in=kept.values("child_id"))
        .select_related("council")
        .prefetch_related("cases")
    )
    schedules: dict[int, dict[str, RetentionRule]] = {}
    for child in children.iterator(chunk_size=500):
        rules = schedules.get(child.council_id) or schedules.setdefault(
            child.council_id, ensure_schedule(council=child.council)
        )
        cases = list(child.cases.all())
        due = schedule.due_for(
            rules={schedule.RecordType(k): r.as_rule() for k, r in rules.items()},
            date_of_birth=child.date_of_birth,
            cases=[schedule.CaseFacts(c.closed_on, c.final_issued_on is not None) for c in cases],
        )
        if due is None or due.due_on > on:
            continue
        rule = rules[due.record_type.value]
        disposal = Disposal(
            council_id=child.council_id,
            child=child,
            references=", ".join(sorted(c.reference for c in cases))[:300],
            record_type=due.record_type.value,
            rule=rule,
            rule_text=f"{rule.get_record_type_display()}: {rule.years} {rule.get_basis_display()}"[:300],
            method=rule.method,
            due_on=due.due_on,
        )
        try:
            with transaction.atomic():
                _save(disposal, by=None, reason="Found due by the sweep")
        except IntegrityError:
            continue  # another sweep listed this child meanwhile
        found += 1
    return found


def decide_disposal(
    *, disposal: Disposal, approve: bool, note: str, by: User, expected_version: int
) -> Disposal:
    """A manager approves a disposal (then carried out by a task) or keeps the records for now, with a reason."""
    council = _council(by, "manage_retention")
    if disposal.council_id != council.pk:
        raise policy.NotAllowed("manage_retention")
    if not approve and not note.strip():
        raise ServiceError("Enter why the records are kept for now", field="note")
    with transaction.atomic():
        locked = Disposal.objects.select_for_update().get(pk=disposal.pk)
        if locked.version != expected_version or locked.status != Disposal.Status.DUE:
            raise StaleVersion("Someone else decided on this record meanwhile. Check the list and try again")
        if approve and _held(locked.child_id):
            raise ServiceError("A legal hold is on this child's case: lift it before approving disposal")
        if approve and Case.objects.filter(child_id=locked.child_id, closed_on__isnull=True).exists():
            raise ServiceError("The child has an open case again: their records are not due")
        locked.status = Disposal.Status.APPROVED if approve else Disposal.Status.DEFERRED
        locked.decided_by, locked.decided_at, locked.decision_note = by, timezone.now(), note.strip()
        if not approve:
            locked.review_after = case_selectors.today() + timedelta(days=KEEP_FOR_NOW_DAYS)
        locked.version += 1
        _save(locked, by=by, reason="Approved for disposal" if approve else "Kept for now")
        if approve:
            enqueue_on_commit("records.tasks.carry_out_disposal", locked.pk)
    return locked


def carry_out_disposal(*, disposal_id: int) -> DestructionRecord | None:
    """Dispose of an approved record in every app that registered, and write what was destroyed. Idempotent.

    Checked again at the moment of destruction: a legal hold placed, or a new case opened, since the approval
    stops it and sends the record back to the list with the reason.
    """
    with transaction.atomic():
        disposal = (
            Disposal.objects.select_for_update(of=("self",))
            .select_related("child", "decided_by")
            .get(pk=disposal_id)
        )
        if disposal.status != Disposal.Status.APPROVED:
            return getattr(disposal, "destruction", None)
        stop = None
        if _held(disposal.child_id):
            stop = "A legal hold was placed after the approval: nothing was disposed of"
        elif Case.objects.filter(child_id=disposal.child_id, closed_on__isnull=True).exists():
            stop = "The child has an open case again: nothing was disposed of"
        if stop:
            disposal.status = Disposal.Status.DEFERRED
            disposal.decision_note = stop
            _save(disposal, by=disposal.decided_by, reason="Stopped before disposal")
            return None
        destroyed: list[str] = []
        for contributor in contributors.all_contributors():
            if contributor.dispose is not None:
                destroyed += contributor.dispose(disposal.child, disposal.method, disposal.decided_by)
        # The export archives are copies of the same record.
        for export in SubjectAccessExport.objects.filter(child=disposal.child).exclude(file=""):
            name, storage = export.file.name, export.file.storage
            export.file, export.status, export.expired_at = (
                "",
                SubjectAccessExport.Status.EXPIRED,
                timezone.now(),
            )
            _save(export, by=disposal.decided_by, reason="Removed with the disposal")
            transaction.on_commit(lambda name=name, storage=storage: storage.delete(name))
        record = DestructionRecord.objects.create(
            disposal=disposal,
            council_id=disposal.council_id,
            references=disposal.references,
            record_type=disposal.record_type,
            rule_text=disposal.rule_text,
            method=disposal.method,
            approved_by=disposal.decided_by,
            approved_at=disposal.decided_at,
            destroyed=destroyed,
        )
        disposal.status = Disposal.Status.DISPOSED
        _save(disposal, by=disposal.decided_by, reason="Disposed of")
    return record
