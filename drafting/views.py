"""Thin pages for the plan: parse, call a service or selector, render. A case that is not yours is a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import policy
from cases import selectors as case_selectors
from drafting import content as plan_content
from drafting import diffing, selectors, services
from drafting import forms as plan_forms
from drafting.models import SECTION_TITLES, SECTIONS, PlanVersion


def _apply(form, error) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


def _status(form) -> int:
    return 400 if form is not None and form.errors else 200


def _case(request, reference: str, action: str):
    case = case_selectors.get_case_for(user=request.user, reference=reference)
    if not policy.can(request.user, action, case, known_in_scope=True):
        raise Http404
    return case


def _working(case) -> PlanVersion:
    version = selectors.latest_version(case=case)
    if version is None:
        raise Http404("No plan yet")
    return version


def _may(user, case) -> dict:
    return {
        action: policy.can(user, action, case, known_in_scope=True)
        for action in (
            "view_plan",
            "edit_draft",
            "send_draft",
            "record_family_comment",
            "answer_comment",
            "consult_placement",
            "sign_off_plan",
            "issue_final_plan",
        )
    }


def _display(view) -> dict:
    """What the item templates name: each advice's K entry (for its source link) and the areas of need."""
    return {"listings": view.listings, "area_labels": plan_content.AREA_OF_NEED_LABELS}


def _page(request, template, context, *, form=None):
    return render(request, template, context, status=_status(form))


# --- the plan ------------------------------------------------------------------------------------------------


@login_required
@require_GET
def plan(request, reference: str):
    """The working version: sections A to K with what the checks found beside each, the grade, the sources."""
    case = _case(request, reference, "view_plan")
    version = selectors.latest_version(case=case)
    if version is None:
        return render(request, "drafting/no_plan.html", {"case": case, "may": _may(request.user, case)})
    return _version_page(request, version)


@login_required
@require_GET
def panel(request, reference: str):
    """The plan panel's detail on the case page, fetched once the page is shown."""
    case = case_selectors.get_case_for(user=request.user, reference=reference)
    detail = selectors.panel_detail(case=case, user=request.user)
    if detail is None:
        raise Http404
    return render(request, "drafting/_case_panel_detail.html", {"panel": detail})


@login_required
@require_GET
def version(request, version_id: int):
    return _version_page(request, selectors.version_for(user=request.user, version_id=version_id))


def _version_page(request, version):
    case = version.plan.case
    view = selectors.plan_view(version=version)
    return render(
        request,
        "drafting/plan.html",
        {
            "case": case,
            "version": version,
            "sections": view.sections,
            "general": selectors.general_findings(version),
            "versions": selectors.versions_of(case=case),
            "pdf": selectors.pdf_of(version),
            "may": _may(request.user, case),
            **_display(view),
        },
    )


@login_required
@require_POST
def assemble(request, reference: str):
    case = _case(request, reference, "edit_draft")
    before = selectors.latest_version(case=case)
    try:
        version = services.assemble_plan(case=case, by=request.user)
    except services.ServiceError as error:
        messages.error(request, error.message)
        return redirect("drafting:plan", reference=reference)
    if before is not None and version.pk == before.pk:
        messages.success(request, _("The advice has not changed since this version was assembled"))
    else:
        messages.success(request, _("Version %(n)s assembled from the advice") % {"n": version.number})
    return redirect("drafting:plan", reference=reference)


@login_required
@require_GET
def changes(request, version_id: int):
    """What changed between a version and the one before it (or another version chosen)."""
    version = selectors.version_for(user=request.user, version_id=version_id)
    case = version.plan.case
    other_id = request.GET.get("from")
    old = version.previous
    if other_id:
        try:
            old = selectors.version_for(user=request.user, version_id=int(other_id))
        except ValueError:
            raise Http404 from None
        if old.plan_id != version.plan_id:
            raise Http404
    rows = {}
    if old is not None:
        rows = diffing.diff(selectors.content_of(old), selectors.content_of(version)).by_section()
    return render(
        request,
        "drafting/changes.html",
        {
            "case": case,
            "version": version,
            "old": old,
            "changes": rows,
            "versions": selectors.versions_of(case=case),
        },
    )


@login_required
@require_GET
def pdf(request, version_id: int):
    version = selectors.version_for(user=request.user, version_id=version_id)
    row = selectors.pdf_of(version)
    if row is None:
        raise Http404("The PDF is being made")
    return FileResponse(row.document.file.open("rb"), as_attachment=True, filename=row.document.name)


# --- editing -------------------------------------------------------------------------------------------------


def _section_or_404(code: str) -> str:
    if code not in SECTIONS:
        raise Http404
    return code


def _initial(item) -> dict:
    values = {name: getattr(item, name) for name in item.EDITABLE if hasattr(item, name)}
    return {k: v for k, v in values.items() if not isinstance(v, tuple)}


def _item_form(code: str, item, *, counter: int, data=None):
    form_class = plan_forms.ITEM_FORMS.get(code)
    if form_class is None:
        return None
    initial = {**_initial(item), "expected_version": counter, "item_stamp": services.item_stamp(item)}
    return form_class(data=data, initial=initial, prefix=item.key)


def _section_context(
    request, version, code: str, *, forms_by_key=None, add_form=None, conflict=None, editing: str = ""
) -> dict:
    case = version.plan.case
    view = selectors.plan_view(version=version)
    views = {s.code: s for s in view.sections}
    section = views[code]
    forms_by_key = forms_by_key or {}
    rows = []
    for item in section.items:
        # Only the item being changed carries its form (a section of 40 items is read far more than changed).
        form = forms_by_key.get(item.key)
        if form is None and (item.key == editing or len(section.items) == 1):
            form = _item_form(code, item, counter=section.counter)
        rows.append(
            {
                "item": item,
                "form": form,
                "flags": item.open_flags(),
                "resolved": [f for f in item.flags if f.is_resolved],
                "conflict": (conflict or {}).get(item.key),
                "findings": [f for f in section.findings if f.get("key") == item.key],
            }
        )
    new_class = plan_forms.NEW_ITEM_FORMS.get(code) if code not in ("I", "J", "K") else None
    return {
        "case": case,
        "version": version,
        "section": section,
        "code": code,
        "title": SECTION_TITLES[code],
        "rows": rows,
        "section_findings": [f for f in section.findings if not f.get("key")],
        "add_form": add_form
        or (new_class(prefix="new", initial={"expected_version": section.counter}) if new_class else None),
        "editable": version.is_editable and policy.can(request.user, "edit_draft", case, known_in_scope=True),
        "may": _may(request.user, case),
        **_display(view),
    }


@login_required
@require_GET
def section(request, version_id: int, code: str):
    version = selectors.version_for(user=request.user, version_id=version_id, action="edit_draft")
    code = _section_or_404(code)
    editing = request.GET.get("edit", "")[:80]
    context = _section_context(request, version, code, editing=editing)
    if editing and request.headers.get("HX-Request"):
        row = next((r for r in context["rows"] if r["item"].key == editing), None)
        if row is None:
            raise Http404
        return render(request, "drafting/_item.html", {**context, "row": row})
    return render(request, "drafting/section.html", context)


def _changes_from(form, code: str) -> dict:
    return {k: v for k, v in form.cleaned_data.items() if k not in ("expected_version", "item_stamp")}


@login_required
@require_POST
def item(request, version_id: int, code: str, key: str):
    """Save one item (htmx: the item's form comes back in place; without JavaScript, the section page)."""
    version = selectors.version_for(user=request.user, version_id=version_id, action="edit_draft")
    code = _section_or_404(code)
    content = selectors.content_of(version)
    try:
        current = content.item(key)
    except plan_content.ContentError:
        raise Http404 from None
    form = _item_form(code, current, counter=0, data=request.POST)
    if form is None:
        raise Http404
    conflict = None
    if form.is_valid():
        try:
            version = services.edit_item(
                version=version,
                section=code,
                key=key,
                changes=_changes_from(form, code),
                by=request.user,
                expected_version=form.cleaned_data.get("expected_version"),
                expected_item=form.cleaned_data.get("item_stamp") or "",
            )
        except services.StaleVersion as error:
            # Keep what they typed; show the other person's change; the next save goes over it knowingly.
            form.add_error(None, error.message)
            fresh = selectors.content_of(version).item(key)
            conflict = fresh
            data = request.POST.copy()
            data[f"{key}-expected_version"] = str(selectors.section_counters(version).get(code, 0))
            data[f"{key}-item_stamp"] = services.item_stamp(fresh)
            form = _item_form(code, current, counter=0, data=data)
            form.is_valid()
            form.add_error(None, error.message)
        except services.ServiceError as error:
            _apply(form, error)
        else:
            if not request.headers.get("HX-Request"):
                messages.success(request, _("Saved"))
                return redirect("drafting:section", version_id=version.pk, code=code)
            form = None
    context = _section_context(
        request,
        version,
        code,
        forms_by_key={key: form} if form is not None else None,
        conflict={key: conflict} if conflict else None,
    )
    if request.headers.get("HX-Request"):
        row = next(r for r in context["rows"] if r["item"].key == key)
        return render(
            request,
            "drafting/_item.html",
            {**context, "row": row, "saved": form is None},
        )
    return render(request, "drafting/section.html", context, status=400)


@login_required
@require_POST
def add_item(request, version_id: int, code: str):
    version = selectors.version_for(user=request.user, version_id=version_id, action="edit_draft")
    code = _section_or_404(code)
    form_class = plan_forms.NEW_ITEM_FORMS.get(code)
    if form_class is None or code in ("I", "J", "K"):
        raise Http404
    form = form_class(data=request.POST, prefix="new")
    if form.is_valid():
        try:
            services.add_item(
                version=version,
                section=code,
                fields=_changes_from(form, code),
                by=request.user,
                expected_version=form.cleaned_data.get("expected_version"),
            )
        except services.ServiceError as error:
            _apply(form, error)
        else:
            messages.success(request, _("Added to section %(code)s") % {"code": code})
            return redirect("drafting:section", version_id=version.pk, code=code)
    return render(
        request, "drafting/section.html", _section_context(request, version, code, add_form=form), status=400
    )


def _item_action(request, call, *, done: str) -> None:
    """One change to one item from the section page: a refusal (such as a change made meanwhile) is shown there,
    where the coordinator sees the item as it now stands."""
    try:
        call()
    except services.ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)


@login_required
@require_POST
def resolve(request, version_id: int, code: str, key: str):
    version = selectors.version_for(user=request.user, version_id=version_id, action="edit_draft")
    code = _section_or_404(code)
    form = plan_forms.ResolveForm(data=request.POST, prefix=f"flag-{key}")
    if request.POST.get("action") == "split" and form.is_valid():
        _item_action(
            request,
            lambda: services.split_merge(
                version=version,
                section=code,
                key=key,
                reason=form.cleaned_data["resolution"],
                by=request.user,
                expected_version=form.cleaned_data.get("expected_version"),
            ),
            done=_("Split back into one item per adviser"),
        )
        return redirect("drafting:section", version_id=version.pk, code=code)
    if form.is_valid():
        _item_action(
            request,
            lambda: services.resolve_flag(
                version=version,
                section=code,
                key=key,
                code=form.cleaned_data["code"],
                resolution=form.cleaned_data["resolution"],
                by=request.user,
                expected_version=form.cleaned_data.get("expected_version"),
            ),
            done=_("Flag resolved"),
        )
    else:
        messages.error(request, _("Say what you decided"))
    return redirect("drafting:section", version_id=version.pk, code=code)


@login_required
@require_POST
def delete(request, version_id: int, code: str, key: str):
    version = selectors.version_for(user=request.user, version_id=version_id, action="edit_draft")
    code = _section_or_404(code)
    form = plan_forms.DeleteForm(data=request.POST, prefix=f"delete-{key}")
    if form.is_valid():
        _item_action(
            request,
            lambda: services.delete_item(
                version=version,
                section=code,
                key=key,
                reason=form.cleaned_data["reason"],
                by=request.user,
                expected_version=form.cleaned_data.get("expected_version"),
            ),
            done=_("Taken out of the plan (kept in its history)"),
        )
    else:
        messages.error(request, _("Enter why this is taken out of the plan"))
    return redirect("drafting:section", version_id=version.pk, code=code)


# --- sending and the family's comments ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def send(request, reference: str):
    case = _case(request, reference, "send_draft")
    version = _working(case)
    form = plan_forms.SendForm(data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.send_draft(
                version=version,
                by=request.user,
                on=form.cleaned_data.get("on"),
                override_reason=form.cleaned_data.get("override_reason", ""),
            )
        except services.ServiceError as error:
            _apply(form, error)
        else:
            messages.success(request, _("The draft plan was sent to the family"))
            return redirect("cases:detail", reference=reference)
    errors = [f for f in version.findings if f.get("severity") == "error"]
    return _page(
        request,
        "drafting/send.html",
        {"case": case, "version": version, "form": form, "errors": errors},
        form=form,
    )


@login_required
@require_GET
def comments(request, reference: str):
    case = _case(request, reference, "view_plan")
    return render(
        request,
        "drafting/comments.html",
        {
            "case": case,
            "served": selectors.served_draft(case=case),
            "comments": selectors.comments_of_case(case=case),
            "may": _may(request.user, case),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def record_comment(request, reference: str):
    case = _case(request, reference, "record_family_comment")
    form = plan_forms.RecordCommentForm(
        data=request.POST if request.method == "POST" else None,
        files=request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_family_comment(
                case=case,
                by=request.user,
                section=data["section"],
                received_on=data["received_on"],
                text=data["text"],
                author_name=data["author_name"],
                school_wanted=data["school_wanted"],
                school_reason=data["school_reason"],
                wants_meeting=data["wants_meeting"],
                evidence=data.get("evidence"),
                response_complete=data["response_complete"],
            )
        except services.ServiceError as error:
            _apply(form, error)
        else:
            messages.success(request, _("The family's comment was recorded"))
            return redirect("drafting:comments", reference=reference)
    return _page(
        request,
        "drafting/record_comment.html",
        {
            "case": case,
            "form": form,
            "heading": _("Record a comment from the family"),
            "submit": _("Record the comment"),
            "cancel_url": reverse("drafting:comments", kwargs={"reference": case.reference}),
            "multipart": True,
        },
        form=form,
    )


@login_required
@require_http_methods(["GET", "POST"])
def answer(request, comment_id: int):
    comment = selectors.comment_for(user=request.user, comment_id=comment_id, action="answer_comment")
    case = comment.case
    existing = getattr(comment, "answer", None) if hasattr(comment, "answer") else None
    initial = {"outcome": existing.outcome, "reason": existing.reason} if existing else None
    form = plan_forms.AnswerForm(data=request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_comment(
                comment=comment,
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except services.ServiceError as error:
            _apply(form, error)
        else:
            messages.success(request, _("Answer saved. The family can read it."))
            return redirect("drafting:comments", reference=case.reference)
    return _page(
        request,
        "drafting/answer.html",
        {
            "case": case,
            "comment": comment,
            "form": form,
            "heading": _("Answer the family's comment"),
            "submit": _("Save the answer"),
            "cancel_url": reverse("drafting:comments", kwargs={"reference": case.reference}),
        },
        form=form,
    )


# --- placement, sign-off, issue ------------------------------------------------------------------------------


def _school(council_id: int, value: str):
    if not value:
        return None
    return selectors.schools_for(council_id=council_id).filter(pk=value).first()


@login_required
@require_http_methods(["GET", "POST"])
def placement(request, reference: str):
    case = _case(request, reference, "consult_placement")
    plan = selectors.plan_of(case=case)
    if plan is None:
        raise Http404("No plan yet")
    version = _working(case)
    schools = list(selectors.schools_for(council_id=case.council_id))
    consult_form = plan_forms.ConsultForm(schools=schools, prefix="consult")
    name_form = plan_forms.PlacementForm(
        schools=schools,
        prefix="name",
        initial={"expected_version": selectors.section_counters(version).get("I", 0)},
    )
    form = None
    if request.method == "POST":
        if "consult-sent_on_0" in request.POST:
            form = consult_form = plan_forms.ConsultForm(data=request.POST, schools=schools, prefix="consult")
            if form.is_valid():
                data = form.cleaned_data
                try:
                    services.record_consultation(
                        case=case,
                        by=request.user,
                        school=_school(case.council_id, data["school"]),
                        school_name=data["school_name"],
                        family_named=data["family_named"],
                        sent_on=data["sent_on"],
                    )
                except services.ServiceError as error:
                    _apply(form, error)
                else:
                    messages.success(request, _("Consultation recorded: the school has 15 days to reply"))
                    return redirect("drafting:placement", reference=reference)
        else:
            form = name_form = plan_forms.PlacementForm(data=request.POST, schools=schools, prefix="name")
            if form.is_valid():
                data = form.cleaned_data
                try:
                    services.name_placement(
                        version=version,
                        by=request.user,
                        name=data["name"],
                        setting_type=data["setting_type"],
                        school=_school(case.council_id, data["school"]),
                        urn=data["urn"],
                        sen_unit=data["sen_unit"],
                        resourced_provision=data["resourced_provision"],
                        expected_version=data.get("expected_version"),
                    )
                except services.ServiceError as error:
                    _apply(form, error)
                else:
                    messages.success(request, _("Placement named in section I"))
                    return redirect("drafting:placement", reference=reference)
    return _page(
        request,
        "drafting/placement.html",
        {
            "case": case,
            "version": version,
            "consultations": selectors.consultations_of(plan=plan),
            "named": selectors.named_placement(version=version),
            "consult_form": consult_form,
            "name_form": name_form,
            "form": form,
            "today": case_selectors.today(),
            "wanted": [c for c in selectors.comments_of_case(case=case) if c.school_wanted],
        },
        form=form,
    )


@login_required
@require_http_methods(["GET", "POST"])
def consultation(request, consultation_id: int):
    row = selectors.consultation_for(user=request.user, consultation_id=consultation_id)
    case = row.plan.case
    form = plan_forms.ResponseForm(data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_consultation_response(consultation=row, by=request.user, **form.cleaned_data)
        except services.ServiceError as error:
            _apply(form, error)
        else:
            messages.success(request, _("The school's reply was recorded"))
            return redirect("drafting:placement", reference=case.reference)
    return _page(
        request,
        "drafting/consultation.html",
        {
            "case": case,
            "row": row,
            "form": form,
            "heading": _("Record the school's reply"),
            "submit": _("Record the reply"),
            "cancel_url": reverse("drafting:placement", kwargs={"reference": case.reference}),
        },
        form=form,
    )


@login_required
@require_http_methods(["GET", "POST"])
def sign_off(request, reference: str):
    case = _case(request, reference, "sign_off_plan")
    version = _working(case)
    score = selectors.ras_suggestion(case=case, user=request.user)
    form = plan_forms.SignOffForm(
        data=request.POST if request.method == "POST" else None,
        initial={"band": score.band if score else "", "annual_cost": score.annual_amount if score else None},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.sign_off(version=version, by=request.user, **form.cleaned_data)
        except services.ServiceError as error:
            _apply(form, error)
        else:
            messages.success(request, _("The plan was signed off"))
            return redirect("drafting:plan", reference=reference)
    return _page(
        request,
        "drafting/sign_off.html",
        {
            "case": case,
            "version": version,
            "form": form,
            "score": score,
            "rules": selectors.sign_off_rules(council_id=case.council_id),
            "heading": _("Sign off the plan"),
            "submit": _("Sign off"),
            "cancel_url": reverse("drafting:plan", kwargs={"reference": case.reference}),
        },
        form=form,
    )


@login_required
@require_http_methods(["GET", "POST"])
def issue(request, reference: str):
    case = _case(request, reference, "issue_final_plan")
    version = _working(case)
    score = selectors.ras_suggestion(case=case, user=request.user)
    # The panel's decision is what the council funds; the RAS suggestion fills the form only when there is none.
    decided = selectors.panel_band(case=case)
    if decided is not None:
        initial = {"decided_band": decided.band, "decided_amount": decided.amount}
    else:
        initial = {
            "decided_band": score.band if score else "",
            "decided_amount": score.annual_amount if score else None,
        }
    form = plan_forms.IssueForm(data=request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.issue_final_plan(version=version, by=request.user, **form.cleaned_data)
        except services.ServiceError as error:
            _apply(form, error)
        else:
            messages.success(
                request, _("The final plan was issued. The family, the school and finance were told.")
            )
            return redirect("drafting:plan", reference=reference)
    return _page(
        request,
        "drafting/issue.html",
        {
            "case": case,
            "version": version,
            "form": form,
            "score": score,
            "decided": decided,
            "named": selectors.named_placement(version=version),
            "heading": _("Issue the final plan"),
            "submit": _("Issue the final plan"),
            "cancel_url": reverse("drafting:plan", kwargs={"reference": case.reference}),
        },
        form=form,
    )


# --- reports -------------------------------------------------------------------------------------------------


@login_required
@require_GET
def finance(request):
    if not policy.role_may(request.user, "export_finance"):
        raise Http404
    return render(
        request, "drafting/finance.html", {"rows": list(selectors.finance_handoff(user=request.user)[:200])}
    )


@login_required
@require_POST
def finance_export(request):
    if not policy.role_may(request.user, "export_finance"):
        raise Http404
    body = services.finance_csv(by=request.user)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="plans-finance-handoff.csv"'
    return response


@login_required
@require_GET
def quality(request):
    if not policy.role_may(request.user, "view_plan_quality"):
        raise Http404
    return render(request, "drafting/quality.html", selectors.quality_report(user=request.user))
