"""The records pages: subject access exports and the retention schedule, for service managers only."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import policy
from cases import selectors as case_selectors
from core.errors import ServiceError
from core.queue import enqueue_on_commit
from records import forms, selectors, services


def _allowed(request, action: str) -> None:
    # A page you may not use does not exist, as far as you can tell (404, never 403).
    if not policy.role_may(request.user, action) or policy.council_of(request.user) is None:
        raise Http404


def _apply(form, error: ServiceError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


def _form_page(request, *, form, heading, submit, back, save, done, intro="", status_ok=200):
    if request.method == "POST" and form.is_valid():
        try:
            result = save(form.cleaned_data)
        except ServiceError as error:
            _apply(form, error)
        else:
            message, target = done(result)
            messages.success(request, message)
            return redirect(target)
    context = {"form": form, "heading": heading, "submit": submit, "back": back, "intro": intro}
    return render(request, "records/form.html", context, status=400 if form.errors else status_ok)


# --- subject access -------------------------------------------------------------------------------------------


@login_required
@require_GET
def index(request):
    _allowed(request, "export_subject_access")
    exports = list(selectors.exports_for(user=request.user)[:50])
    return render(
        request,
        "records/index.html",
        {"exports": exports, "may_retention": policy.role_may(request.user, "manage_retention")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def export_new(request):
    _allowed(request, "export_subject_access")
    return _form_page(
        request,
        form=forms.ExportForm(request.POST or None),
        heading=_("Export everything held about a child"),
        intro=_(
            "For a subject access request. The archive holds the child's details, every case with its history, "
            "the documents, the advice, the messages sent, the deadlines and who read the record. It is built "
            "in the background; only you can download it, and it is removed after 30 days."
        ),
        submit=_("Start the export"),
        back=reverse("records:index"),
        save=lambda data: services.request_export(
            reference=data["reference"], request_reference=data["request_reference"], by=request.user
        ),
        done=lambda export: (
            _("The export has started. This page shows when it is ready."),
            reverse("records:export", args=[export.pk]),
        ),
    )


@login_required
@require_GET
def export_detail(request, export_id: int):
    _allowed(request, "export_subject_access")
    export = selectors.export_for(user=request.user, export_id=export_id)
    context = {"export": export, "mine": export.requested_by_id == request.user.pk}
    if request.htmx:
        return render(request, "records/_export_status.html", context)
    return render(request, "records/export.html", context)


@login_required
@require_GET
def export_download(request, export_id: int):
    _allowed(request, "export_subject_access")
    export = selectors.export_for(user=request.user, export_id=export_id)
    if export.requested_by_id != request.user.pk or export.status != export.Status.READY:
        raise Http404
    services.record_download(export=export, by=request.user)
    response = FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=f"subject-access-{export.pk}.zip",
        content_type="application/zip",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- retention ------------------------------------------------------------------------------------------------


@login_required
@require_GET
def retention(request):
    _allowed(request, "manage_retention")
    services.ensure_schedule(council=policy.council_of(request.user))
    return render(
        request,
        "records/retention.html",
        {
            "rules": list(selectors.rules_for(user=request.user)),
            "due": list(selectors.disposals_due(user=request.user)[:200]),
            "holds": list(selectors.holds_for(user=request.user)[:200]),
            "decisions": list(selectors.recent_decisions(user=request.user)[:20]),
            "destructions": list(selectors.destructions_for(user=request.user)[:50]),
        },
    )


@login_required
@require_POST
def sweep_now(request):
    _allowed(request, "manage_retention")
    enqueue_on_commit("records.tasks.sweep_retention", policy.council_of(request.user).pk)
    messages.success(
        request, _("The check has started. Records due for disposal are listed below when it ends.")
    )
    return redirect(reverse("records:retention") + "#due")


@login_required
@require_http_methods(["GET", "POST"])
def rule_edit(request, rule_id: int):
    _allowed(request, "manage_retention")
    rule = selectors.rule_for(user=request.user, rule_id=rule_id)
    initial = {"years": rule.years, "basis": rule.basis, "method": rule.method, "source": rule.source}
    form = forms.RuleForm(request.POST or None, initial={**initial, "version": rule.version})
    return _form_page(
        request,
        form=form,
        heading=rule.get_record_type_display(),
        intro=_(
            "Records found due under the old rule and not yet approved are checked again under the new one."
        ),
        submit=_("Save the rule"),
        back=reverse("records:retention"),
        save=lambda data: services.change_rule(
            rule=rule,
            years=data["years"],
            basis=data["basis"],
            method=data["method"],
            source=data["source"],
            expected_version=data["version"],
            by=request.user,
        ),
        done=lambda _rule: (_("The retention schedule is changed."), reverse("records:retention")),
    )


@login_required
@require_http_methods(["GET", "POST"])
def disposal_decide(request, disposal_id: int):
    _allowed(request, "manage_retention")
    disposal = selectors.disposal_for(user=request.user, disposal_id=disposal_id)
    form = forms.DecisionForm(request.POST or None, initial={"version": disposal.version})
    if request.method == "POST" and disposal.status == disposal.Status.DUE and form.is_valid():
        try:
            services.decide_disposal(
                disposal=disposal,
                approve=form.cleaned_data["decision"] == "approve",
                note=form.cleaned_data["note"],
                expected_version=form.cleaned_data["version"],
                by=request.user,
            )
        except ServiceError as error:
            _apply(form, error)
        else:
            messages.success(
                request,
                _(
                    "Approved. The records are being disposed of; the destruction record is below when it is done."
                )
                if form.cleaned_data["decision"] == "approve"
                else _("The records are kept for now."),
            )
            return redirect(reverse("records:retention") + "#due")
    return render(
        request,
        "records/disposal.html",
        {"disposal": disposal, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def hold_new(request):
    _allowed(request, "place_legal_hold")
    return _form_page(
        request,
        form=forms.HoldForm(
            request.POST or None, initial={"reference": request.GET.get("reference", "")[:20]}
        ),
        heading=_("Place a legal hold"),
        intro=_(
            "While a hold is on a case, none of the child's records are disposed of, whatever the schedule says."
        ),
        submit=_("Place the hold"),
        back=reverse("records:retention") + "#holds",
        save=lambda data: services.place_hold(
            reference=data["reference"], kind=data["kind"], reason=data["reason"], by=request.user
        ),
        done=lambda hold: (
            _("The hold is placed on %(ref)s.") % {"ref": hold.case.reference},
            reverse("records:retention") + "#holds",
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def hold_lift(request, hold_id: int):
    _allowed(request, "place_legal_hold")
    hold = selectors.hold_for(user=request.user, hold_id=hold_id)
    if hold.lifted_at is not None:
        raise Http404
    return _form_page(
        request,
        form=forms.LiftHoldForm(request.POST or None),
        heading=_("Lift the hold on %(ref)s") % {"ref": hold.case.reference},
        intro=f"{hold.get_kind_display()}: {hold.reason}",
        submit=_("Lift the hold"),
        back=reverse("records:retention") + "#holds",
        save=lambda data: services.lift_hold(hold=hold, reason=data["reason"], by=request.user),
        done=lambda lifted: (
            _("The hold on %(ref)s is lifted.") % {"ref": lifted.case.reference},
            reverse("records:retention") + "#holds",
        ),
    )


@login_required
@require_GET
def case_holds(request, reference: str):
    """The legal holds part of the staff case page, fetched once the page is shown."""
    case = case_selectors.get_case_for(user=request.user, reference=reference)
    holds = selectors.case_holds(case, request.user)
    if holds is None:
        raise Http404
    # Without scripts the link opens the holds as a page of their own.
    template = "records/_case_holds.html" if request.htmx else "records/case_holds.html"
    return render(request, template, {"panel": holds})
