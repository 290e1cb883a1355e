"""Every read of a plan that a page, the API, the portal or a task shows, scoped to what the acting user may see.

Council staff of the case's council and the panel members on its team read every version (`view_plan`); the
family reads the draft served on them, their own comments and the council's answers (`view_draft_as_family`);
anyone else gets a 404. Each read takes a fixed number of queries, whatever the number of sections, items or
comments.
"""

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.http import Http404

from accounts.models import Role, User
from advice import selectors as advice_selectors
from cases import policy, statutory
from cases import selectors as case_selectors
from cases.models import Case
from drafting import content as plan_content
from drafting.models import (
    SECTION_TITLES,
    SECTIONS,
    CommentAnswer,
    FamilyComment,
    IssueRecord,
    PlacementConsultation,
    Plan,
    PlanPdf,
    PlanVersion,
    SignOffRule,
)
from panel import selectors as panel_selectors

# --- the assembly's inputs ----------------------------------------------------------------------------------


def assembly_inputs(*, case: Case) -> plan_content.AssemblyInputs:
    """The case's current submitted advice and the request's views, as `drafting.assembly` reads them."""
    advice = []
    for submission in advice_selectors.current_submissions(case=case):
        answers = submission.answers or {}
        advice.append(
            plan_content.AdviceInput(
                submission_id=submission.pk,
                kind=submission.request.kind,
                author_name=submission.author_name,
                author_role=submission.author_role,
                submitted_on=submission.submitted_at.date(),
                request_id=submission.request_id,
                number=submission.number,
                assessed_on=submission.assessed_on,
                family_summary=submission.family_summary,
                answers=dict(answers.get("answers", answers)),
                needs=tuple(
                    plan_content.NeedInput(
                        id=n.pk,
                        description=n.description,
                        section=n.section,
                        area=n.area,
                        sen2_type=n.sen2_type,
                        evidence=n.evidence,
                        position=n.position,
                    )
                    for n in submission.needs.all()
                ),
                outcomes=tuple(
                    plan_content.OutcomeInput(
                        id=o.pk,
                        description=o.description,
                        by_when=o.by_when,
                        measure=o.measure,
                        need_ids=tuple(sorted(n.pk for n in o.needs.all())),
                        position=o.position,
                    )
                    for o in submission.outcomes.all()
                ),
                provision=tuple(
                    plan_content.ProvisionInput(
                        id=p.pk,
                        what=p.what,
                        section=p.section,
                        who=p.who,
                        frequency=p.frequency,
                        duration=p.duration,
                        group_size=p.group_size,
                        need_id=p.need_id,
                        outcome_id=p.outcome_id,
                        position=p.position,
                    )
                    for p in submission.provision.all()
                ),
                document_id=submission.document_id or submission.reused_document_id,
            )
        )
    return plan_content.AssemblyInputs(
        advice=tuple(advice),
        request=plan_content.RequestViews(child_views=case.child_views, family_views=case.family_views),
    )


def fingerprint(inputs: plan_content.AssemblyInputs) -> str:
    """The same advice and views give the same fingerprint: assembling them again makes no new version.

    The advice's filed PDF is left out: it is filed by a task just after the advice is sent, and filing it changes
    nothing the advice says."""
    data = dataclasses.asdict(inputs)
    for advice in data["advice"]:
        advice.pop("document_id", None)
    data = json.dumps(data, sort_keys=True, default=str)
    return hashlib.sha256(data.encode()).hexdigest()


# --- plans and versions -------------------------------------------------------------------------------------


def _versions() -> QuerySet[PlanVersion]:
    return PlanVersion.objects.select_related(
        "plan", "plan__case", "plan__case__child", "plan__case__council", "created_by"
    )


def plan_of(*, case: Case) -> Plan | None:
    return Plan.objects.filter(case=case).first()


def latest_version(*, case: Case) -> PlanVersion | None:
    return _versions().filter(plan__case=case).order_by("-number").first()


def working_version(*, case: Case) -> PlanVersion | None:
    """The version people work on now: the latest that is not a superseded draft."""
    return latest_version(case=case)


def versions_of(*, case: Case) -> list[PlanVersion]:
    return list(PlanVersion.objects.filter(plan__case=case).select_related("created_by").order_by("-number"))


def version_for(*, user: User, version_id: int, action: str = "view_plan") -> PlanVersion:
    """A version this person may act on (`action` on its case), else 404."""
    version = _versions().filter(pk=version_id).first()
    if version is None:
        raise Http404("No plan found")
    case = version.plan.case
    if not policy.can(user, action, case):
        raise Http404("No plan found")
    return version


def content_of(version: PlanVersion) -> plan_content.PlanContent:
    return plan_content.content_from_sections({row.code: row.content for row in version.sections.all()})


def section_counters(version: PlanVersion) -> dict[str, int]:
    return {row.code: row.version for row in version.sections.all()}


@dataclass(frozen=True)
class SectionView:
    code: str
    title: str
    items: tuple
    findings: list
    counter: int
    open_flags: int


@dataclass(frozen=True)
class PlanView:
    sections: list[SectionView]
    content: plan_content.PlanContent

    @property
    def listings(self) -> dict:
        """Each advice's K entry by submission, to name the source of any sentence."""
        return {a.submission_id: a for a in self.content.advice if a.submission_id}


def plan_view(*, version: PlanVersion) -> PlanView:
    """Each section of a version with its items and the findings beside it, in one query."""
    rows = {row.code: row for row in version.sections.all()}
    content = plan_content.content_from_sections({code: row.content for code, row in rows.items()})
    findings: dict[str, list] = {}
    for finding in version.findings:
        findings.setdefault(finding.get("section") or "", []).append(finding)
    views = []
    for code in SECTIONS:
        items = content.section_items(code)
        views.append(
            SectionView(
                code=code,
                title=str(SECTION_TITLES[code]),
                items=items,
                findings=findings.get(code, []),
                counter=rows[code].version if code in rows else 0,
                open_flags=sum(len(i.open_flags()) for i in items),
            )
        )
    return PlanView(sections=views, content=content)


def general_findings(version: PlanVersion) -> list:
    return [f for f in version.findings if not f.get("section")]


def sources_of(*, version: PlanVersion) -> dict[int, dict]:
    """What each advice submission named by the plan is, for the one-click link to it (section K's entries)."""
    content = content_of(version)
    return {
        a.submission_id: {"title": a.title, "author": a.author_name, "dated_on": a.dated_on}
        for a in content.advice
        if a.submission_id
    }


def pdf_of(version: PlanVersion) -> PlanPdf | None:
    return version.pdfs.select_related("document").order_by("-rendered_at").first()


def version_for_pdf(*, version_id: int) -> PlanVersion | None:
    return (
        _versions()
        .prefetch_related("sections")
        .select_related("plan__case__coordinator")
        .filter(pk=version_id)
        .first()
    )


# --- the family's side --------------------------------------------------------------------------------------


def served_draft(*, case: Case) -> PlanVersion | None:
    """The draft most recently sent to the family."""
    return _versions().filter(plan__case=case, sent_on__isnull=False).order_by("-sent_on", "-number").first()


@dataclass(frozen=True)
class FamilyDraft:
    version: PlanVersion
    sections: list[SectionView]
    comments: list[FamilyComment]
    closes_on: date | None
    may_comment: bool


def family_draft(*, case: Case, user: User) -> FamilyDraft:
    """The draft as the family sees it (no findings, no internal notes), with their comments and our answers."""
    policy.require(user, "view_draft_as_family", case)
    version = served_draft(case=case)
    if version is None:
        raise Http404("No draft plan has been sent yet")
    sections = [dataclasses.replace(s, findings=[]) for s in plan_view(version=version).sections]
    comments = comments_on(version=version, user=user)
    closes_on = statutory.draft_comments_close_on(version.sent_on)
    return FamilyDraft(
        version=version,
        sections=sections,
        comments=comments,
        closes_on=closes_on,
        may_comment=policy.can(user, "comment_on_draft", case, known_in_scope=True),
    )


def comments_on(*, version: PlanVersion, user: User) -> list[FamilyComment]:
    """The comments on a served draft: council staff see the sent ones; the family also their own unsent ones."""
    comments = (
        FamilyComment.objects.filter(plan_version=version)
        .select_related("evidence", "author", "recorded_by")
        .prefetch_related(Prefetch("answer", queryset=CommentAnswer.objects.select_related("by")))
        .order_by("section", "created_at", "id")
    )
    if user.role in policy.FAMILY_SIDE:
        comments = comments.filter(Q(sent_at__isnull=False) | Q(author=user))
    else:
        comments = comments.filter(sent_at__isnull=False)
    return list(comments)


def comments_of_case(*, case: Case) -> list[FamilyComment]:
    return list(
        FamilyComment.objects.filter(case=case, sent_at__isnull=False)
        .select_related("plan_version", "evidence")
        .prefetch_related(Prefetch("answer", queryset=CommentAnswer.objects.select_related("by")))
        .order_by("plan_version__number", "section", "created_at", "id")
    )


def comment_for(*, user: User, comment_id: int, action: str) -> FamilyComment:
    comment = (
        FamilyComment.objects.filter(pk=comment_id)
        .select_related("plan_version", "case", "case__child")
        .first()
    )
    if comment is None or not policy.can(user, action, comment.case):
        raise Http404("No comment found")
    if user.role in policy.FAMILY_SIDE and comment.sent_at is None and comment.author_id != user.pk:
        raise Http404("No comment found")
    return comment


# --- placement, sign-off, issue ------------------------------------------------------------------------------


def consultations_of(*, plan: Plan) -> list[PlacementConsultation]:
    return list(plan.consultations.select_related("school").order_by("sent_on", "id"))


def consultation_for(*, user: User, consultation_id: int) -> PlacementConsultation:
    row = (
        PlacementConsultation.objects.filter(pk=consultation_id)
        .select_related("plan", "plan__case", "plan__case__child")
        .first()
    )
    if row is None or not policy.can(user, "consult_placement", row.plan.case):
        raise Http404("No consultation found")
    return row


def named_placement(*, version: PlanVersion):
    return (
        version.placements.filter(withdrawn_at__isnull=True).select_related("school").order_by("rank").first()
    )


def schools_for(*, council_id: int):
    return case_selectors.schools_for(council_id=council_id)


def sign_off_rules(*, council_id: int) -> list[SignOffRule]:
    return list(SignOffRule.objects.filter(council_id=council_id, is_active=True))


def ras_suggestion(*, case: Case, user: User):
    return advice_selectors.current_score(case=case, user=user)


def panel_band(*, case: Case):
    """The band and amount the panel decided (the actual funding beside the RAS's idealised suggestion), or None."""
    return panel_selectors.decided_band(case)


def issue_of(*, version: PlanVersion) -> IssueRecord | None:
    return IssueRecord.objects.filter(plan_version=version).select_related("placement").first()


def finance_handoff(*, user: User) -> QuerySet[IssueRecord]:
    """Every issued plan of this person's council, newest first: what finance pays and against what."""
    council = policy.council_of(user)
    if council is None or not policy.role_may(user, "export_finance"):
        return IssueRecord.objects.none()
    return (
        IssueRecord.objects.filter(council=council)
        .select_related("case", "case__child", "placement", "plan_version")
        .order_by("-issued_on", "-id")
    )


# --- quality over time ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QualityRow:
    label: str
    plans: int
    average_score: int
    grades: dict
    errors: int


def quality_report(*, user: User) -> dict:
    """Grades of plans: a coordinator's own cases, the council's for a manager; by month (quality over time, every
    version as it was written) and by coordinator (each case's latest version). Counted in the database."""
    if not policy.role_may(user, "view_plan_quality"):
        raise Http404
    council = policy.council_of(user)
    every = PlanVersion.objects.filter(plan__council=council)
    if user.role == Role.COORDINATOR:
        every = every.filter(plan__case__coordinator=user)
    latest = every.filter(next_version__isnull=True)
    by_month = _grouped(every.annotate(month=TruncMonth("created_at")), "month")
    by_coordinator = _grouped(latest, "plan__case__coordinator__full_name")
    plans = list(latest.select_related("plan__case", "plan__case__child").order_by("-created_at")[:100])
    return {
        "plans": plans,
        "by_month": [
            dataclasses.replace(row, label=f"{row.label:%Y-%m}" if row.label else "—") for row in by_month
        ],
        "by_coordinator": [dataclasses.replace(row, label=row.label or "—") for row in by_coordinator],
    }


def _grouped(versions: QuerySet[PlanVersion], key: str) -> list[QualityRow]:
    rows: dict = {}
    for values in (
        versions.values(key, "grade")
        .annotate(n=Count("id"), total=Sum("score"), errors=Sum("error_count"))
        .order_by(key, "grade")
    ):
        label = values[key]
        row = rows.setdefault(label, {"plans": 0, "total": 0, "errors": 0, "grades": {}})
        row["plans"] += values["n"]
        row["total"] += values["total"] or 0
        row["errors"] += values["errors"] or 0
        row["grades"][values["grade"] or "—"] = values["n"]
    return [
        QualityRow(
            label=label,
            plans=row["plans"],
            average_score=round(row["total"] / row["plans"]) if row["plans"] else 0,
            grades=row["grades"],
            errors=row["errors"],
        )
        for label, row in rows.items()
    ]


# --- the case page ------------------------------------------------------------------------------------------


# A plan exists only once advice has been asked for.
_NO_PLAN_STAGES = frozenset({"request_received", "deciding_to_assess", "not_assessed", "withdrawn"})


def case_panel(case: Case, user: User) -> dict | None:
    """The plan part of the case page, with no query: a heading and the link for those who may read the plan; its
    status and grade are fetched by the page once shown (`panel_detail`), so the case page keeps its query budget.
    Flagged for the panel's bundle, which reads `panel_detail` directly."""
    if case.stage in _NO_PLAN_STAGES:
        return None
    staff = policy.can(user, "view_plan", case, known_in_scope=True)
    family = policy.can(user, "view_draft_as_family", case, known_in_scope=True)
    if not staff and not family:
        return None
    return {"case": case, "staff": staff, "bundle": True}


def panel_detail(*, case: Case, user: User) -> dict | None:
    """The working version's status and grade, and the links this person may follow: one query."""
    staff = policy.can(user, "view_plan", case, known_in_scope=True)
    family = policy.can(user, "view_draft_as_family", case, known_in_scope=True)
    if not staff and not family:
        return None
    versions = list(
        PlanVersion.objects.filter(plan__case=case)
        .only(
            "id",
            "number",
            "kind",
            "status",
            "grade",
            "score",
            "error_count",
            "flag_count",
            "sent_on",
            "issued_on",
        )
        .order_by("-number")[:20]
    )
    current = versions[0] if versions else None
    served = next((v for v in versions if v.sent_on), None)
    if not staff:
        return {"case": case, "family": True, "served": served, "current": None}
    return {
        "case": case,
        "family": False,
        "current": current,
        "served": served,
        "issued": next((v for v in versions if v.issued_on), None),
        "may": {
            action: policy.can(user, action, case, known_in_scope=True)
            for action in (
                "edit_draft",
                "send_draft",
                "answer_comment",
                "consult_placement",
                "issue_final_plan",
            )
        },
    }


def bundle_part(case: Case, user: User) -> dict | None:
    """The plan in the panel's case bundle: the working version's status and grade (`panel_detail`), and its
    sections with where each sentence came from, in three queries whatever the plan's size. The panel has already
    let this member into the bundle; the plan's own pages are linked only if the case is open to them."""
    if case.stage in _NO_PLAN_STAGES:
        return None
    detail = panel_detail(case=case, user=user)
    if detail is None or detail["family"]:
        return None
    current = detail["current"]
    if current is not None:
        version = PlanVersion.objects.prefetch_related("sections").get(pk=current.pk)
        view = plan_view(version=version)
        detail.update(
            version=version,
            sections=[section for section in view.sections if section.items],
            listings=view.listings,
            area_labels=plan_content.AREA_OF_NEED_LABELS,
        )
    detail["may_open_plan"] = case_selectors.cases_for(user=user).filter(pk=case.pk).exists()
    return detail


def plans_for(*, user: User) -> QuerySet[Plan]:
    """The plans of the cases this person may read the plan of (council staff of the council, the panel on the
    team), with their versions in one more query."""
    if not policy.role_may(user, "view_plan"):
        return Plan.objects.none()
    council = policy.council_of(user)
    plans = (
        Plan.objects.filter(council=council)
        if council is not None
        else Plan.objects.filter(case__in=case_selectors.cases_for(user=user))
    )
    return plans.select_related("case").prefetch_related("versions").order_by("-created_at", "-id")
