"""Every read the records pages show, scoped to the manager's own council (another council's rows are 404)."""

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from accounts import policy
from accounts.models import User
from records.models import DestructionRecord, Disposal, LegalHold, RetentionRule, SubjectAccessExport


def _council_id(user: User) -> int | None:
    council = policy.council_of(user)
    return council.pk if council is not None else None


def exports_for(*, user: User) -> QuerySet[SubjectAccessExport]:
    """The exports of the person's council: every manager sees who asked for what (the log); only the one who
    asked downloads it."""
    return SubjectAccessExport.objects.filter(council_id=_council_id(user)).select_related(
        "child", "requested_by"
    )


def export_for(*, user: User, export_id: int) -> SubjectAccessExport:
    export = exports_for(user=user).filter(pk=export_id).first()
    if export is None:
        raise Http404("No export found")
    return export


def rules_for(*, user: User) -> QuerySet[RetentionRule]:
    return RetentionRule.objects.filter(council_id=_council_id(user)).order_by("record_type")


def rule_for(*, user: User, rule_id: int) -> RetentionRule:
    rule = rules_for(user=user).filter(pk=rule_id).first()
    if rule is None:
        raise Http404("No rule found")
    return rule


def holds_for(*, user: User, active_only: bool = True) -> QuerySet[LegalHold]:
    holds = LegalHold.objects.filter(case__council_id=_council_id(user)).select_related(
        "case", "case__child", "placed_by", "lifted_by"
    )
    return holds.filter(lifted_at__isnull=True) if active_only else holds


def hold_for(*, user: User, hold_id: int) -> LegalHold:
    hold = holds_for(user=user, active_only=False).filter(pk=hold_id).first()
    if hold is None:
        raise Http404("No hold found")
    return hold


def disposals_due(*, user: User) -> QuerySet[Disposal]:
    """What the sweep found due and nobody has decided yet, each with whether a legal hold stops it."""
    held = LegalHold.objects.filter(case__child_id=OuterRef("child_id"), lifted_at__isnull=True)
    return (
        Disposal.objects.filter(council_id=_council_id(user), status=Disposal.Status.DUE)
        .select_related("child")
        .annotate(held=Exists(held))
        .order_by("due_on", "id")
    )


def disposal_for(*, user: User, disposal_id: int) -> Disposal:
    held = LegalHold.objects.filter(case__child_id=OuterRef("child_id"), lifted_at__isnull=True)
    disposal = (
        Disposal.objects.filter(council_id=_council_id(user), pk=disposal_id)
        .select_related("child", "decided_by")
        .annotate(held=Exists(held))
        .first()
    )
    if disposal is None:
        raise Http404("No record found")
    return disposal


def recent_decisions(*, user: User) -> QuerySet[Disposal]:
    return (
        Disposal.objects.filter(council_id=_council_id(user))
        .exclude(status=Disposal.Status.DUE)
        .select_related("decided_by")
        .order_by("-decided_at", "-id")
    )


def destructions_for(*, user: User) -> QuerySet[DestructionRecord]:
    return DestructionRecord.objects.filter(council_id=_council_id(user)).select_related("approved_by")


def case_panel(case, user: User) -> dict | None:
    """Legal holds on the case page, for council staff only. No query here: the holds load into the page once it
    is shown (`case_holds`), so the case page stays inside its query budget whatever the features add."""
    if policy.council_of(user) is None:
        return None
    return {"case": case}


def case_holds(case, user: User) -> dict | None:
    """The holds on one case: council staff see a hold (so nobody plans around a disposal); managers may place and
    lift them. One query; nothing for anyone outside the council."""
    if policy.council_of(user) is None:
        return None
    holds = list(
        LegalHold.objects.filter(case=case, lifted_at__isnull=True)
        .select_related("placed_by")
        .order_by("placed_at")
    )
    may_hold = policy.role_may(user, "place_legal_hold")
    return {"case": case, "holds": holds, "may_hold": may_hold}
