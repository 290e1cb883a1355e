"""Thin pages for advice: parse, call a service or selector, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import selectors as account_selectors
from advice import checks, definitions, ras, selectors, services
from advice import forms as advice_forms
from advice.models import RequestStatus
from cases import policy
from cases import selectors as case_selectors

LIST_PARTS = ("needs", "outcomes", "provision")
# Titles from the pure modules (advice.checks.progress), marked here so makemessages finds them.
TASK_TITLES = [gettext_noop("Needs"), gettext_noop("Outcomes sought"), gettext_noop("Provision recommended")]
TASK_TITLES += [gettext_noop("Resource levels (RAS)")]


def _apply(form, error) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


def _status(request, code: int, form) -> int:
    return 400 if form is not None and form.errors else code


def _reason_page(request, advice_request, *, form, heading, submit, save, done, extra=None):
    """The shape of each short page about one request (decline, pass on, allocate, withdraw, correct): a valid
    POST calls `save(data)`; a refusal lands on its field with what was typed; success says so and moves on."""
    if request.method == "POST" and form.is_valid():
        try:
            result = save(form.cleaned_data)
        except services.ServiceError as error:
            _apply(form, error)
        else:
            message, target = done(result)
            messages.success(request, message)
            return redirect(target)
    context = {
        "advice_request": advice_request,
        "case": advice_request.case,
        "form": form,
        "heading": heading,
        "submit": submit,
        **(extra or {}),
    }
    return render(request, "advice/reason.html", context, status=_status(request, 200, form))


# --- the adviser's side -------------------------------------------------------------------------------------


@login_required
@require_GET
def inbox(request):
    if not policy.role_may(request.user, "view_advice_inbox"):
        raise Http404
    return render(request, "advice/inbox.html", {"rows": selectors.inbox(user=request.user)})


def _context(advice_request, user) -> dict:
    definition = definitions.definition(advice_request.kind)
    draft = selectors.draft_of(request=advice_request)
    sent = selectors.latest_submitted(request=advice_request)
    content = draft.answers if draft else {}
    return {
        "advice_request": advice_request,
        "case": advice_request.case,
        "definition": definition,
        "draft": draft,
        "sent": sent,
        "content": content,
        "is_adviser": _is_adviser(advice_request, user),
        "is_lead": selectors.leads(request=advice_request, user=user),
    }


def _readable(attachments: list, user, case) -> list:
    """Only the attachments this person may open: a list never names a document its link would refuse."""
    readable = set(
        case_selectors.readable_documents(user=user).filter(case=case).values_list("pk", flat=True)
    )
    return [item for item in attachments if item.document_id in readable]


def _is_adviser(advice_request, user) -> bool:
    return selectors.acts_for(request=advice_request, user=user)


@login_required
@require_GET
def request_detail(request, request_id: int):
    """Everything an adviser needs before writing: the case summary, the family's views, the evidence, who else."""
    advice_request = selectors.request_for(user=request.user, request_id=request_id)
    case = advice_request.case
    context = _context(advice_request, request.user)
    context.update(
        {
            "request_summary": case_selectors.request_summary(case=case, user=request.user),
            "documents": case_selectors.documents_for(case=case, user=request.user),
            "others": selectors.other_advice(request=advice_request, user=request.user),
            "attachments": _readable(selectors.attachments_of(request=advice_request), request.user, case),
            "advisers": [
                row
                for row in selectors.case_requests(case=case, user=request.user)
                if row.request != advice_request
            ],
            "parts": checks.progress(context["definition"], context["content"]),
            "today": case_selectors.today(),
            **_back_to_list(request.user, case),
        }
    )
    return render(request, "advice/request.html", context)


def _back_to_list(user, case) -> dict:
    """Advisers came from their inbox; council staff and families, who have none, from the case."""
    if policy.role_may(user, "view_advice_inbox"):
        return {"back_url": reverse("advice:inbox"), "back_text": _("Your requests for advice")}
    if policy.can(user, "plan_advice", case, known_in_scope=True):
        return {
            "back_url": reverse("advice:plan", kwargs={"reference": case.reference}),
            "back_text": _("Back to advice for the assessment"),
        }
    return {
        "back_url": reverse("cases:detail", kwargs={"reference": case.reference}),
        "back_text": _("Back to the case"),
    }


@login_required
@require_http_methods(["GET", "POST"])
def part(request, request_id: int, part_key: str):
    advice_request = selectors.request_for(user=request.user, request_id=request_id)
    definition = definitions.definition(advice_request.kind)
    parts = {p.key: p for p in (*definition.parts, *(() if definition.by_family else definitions.CORE_PARTS))}
    if part_key not in parts or not _is_adviser(advice_request, request.user):
        raise Http404
    the_part = parts[part_key]
    draft = selectors.draft_of(request=advice_request)
    answers = draft.answers.get("answers", {}) if draft else {}
    form = advice_forms.part_form(the_part, data=request.POST or None, initial=answers)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_advice(
                request=advice_request,
                by=request.user,
                changes={"answers": advice_forms.cleaned_answers(the_part, form)},
            )
        except services.ServiceError as error:
            _apply(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("advice:request", request_id=advice_request.pk)
    return render(
        request,
        "advice/part.html",
        {"advice_request": advice_request, "case": advice_request.case, "part": the_part, "form": form},
        status=_status(request, 200, form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def items(request, request_id: int, list_key: str):
    """Needs, outcomes or provision: add one at a time, change or remove before sending."""
    advice_request = selectors.request_for(user=request.user, request_id=request_id)
    definition = definitions.definition(advice_request.kind)
    if list_key not in LIST_PARTS or definition.by_family or not _is_adviser(advice_request, request.user):
        raise Http404
    draft = selectors.draft_of(request=advice_request)
    content = draft.answers if draft else {}
    rows = list(content.get(list_key, []))
    form = _item_form(list_key, definition, content, data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and request.POST.get("remove"):
        rows = [row for row in rows if row.get("id") != request.POST["remove"]]
        services.save_advice(request=advice_request, by=request.user, changes={list_key: rows})
        messages.success(request, _("Removed."))
        return redirect("advice:items", request_id=advice_request.pk, list_key=list_key)
    if request.method == "POST" and form.is_valid():
        item = dict(form.cleaned_data)
        try:
            services.save_advice(request=advice_request, by=request.user, changes={list_key: [*rows, item]})
        except services.ServiceError as error:
            _apply(form, error)
        else:
            messages.success(request, _("Added."))
            return redirect("advice:items", request_id=advice_request.pk, list_key=list_key)
    warnings = checks.warnings(definition, content) if list_key == "provision" else {}
    return render(
        request,
        f"advice/{list_key}.html",
        {
            "advice_request": advice_request,
            "case": advice_request.case,
            "definition": definition,
            "rows": [{**row, "findings": warnings.get(row.get("id"), [])} for row in rows],
            "form": form,
        },
        status=_status(request, 200, form),
    )


def _item_form(list_key, definition, content, *, data):
    if list_key == "needs":
        return advice_forms.NeedForm(data, section=definition.needs_section)
    if list_key == "outcomes":
        return advice_forms.OutcomeForm(data, needs=content.get("needs", []))
    return advice_forms.ProvisionForm(
        data,
        sections=definition.provision_sections or ("F",),
        needs=content.get("needs", []),
        outcomes=content.get("outcomes", []),
    )


@login_required
@require_http_methods(["GET", "POST"])
def ras_levels(request, request_id: int):
    advice_request = selectors.request_for(user=request.user, request_id=request_id)
    definition = definitions.definition(advice_request.kind)
    if not definition.ras_areas or not _is_adviser(advice_request, request.user):
        raise Http404
    scheme = selectors.scheme_for(council_id=advice_request.case.council_id, on=case_selectors.today())
    draft = selectors.draft_of(request=advice_request)
    current = {k: str(v) for k, v in (draft.answers.get("ras", {}) if draft else {}).items()}
    form = advice_forms.RasForm(
        request.POST or None, initial=current, areas=definition.ras_areas, scheme=scheme
    )
    if request.method == "POST" and form.is_valid():
        levels = {area: int(value) for area, value in form.cleaned_data.items() if value not in ("", None)}
        services.save_advice(request=advice_request, by=request.user, changes={"ras": levels})
        messages.success(request, _("Saved."))
        return redirect("advice:request", request_id=advice_request.pk)
    levels = scheme.levels if scheme else None
    return render(
        request,
        "advice/ras.html",
        {
            "advice_request": advice_request,
            "case": advice_request.case,
            "form": form,
            "levels": levels or ras.DEFAULT_LEVELS,
        },
        status=_status(request, 200, form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def check(request, request_id: int):
    """Check the advice, confirm the declaration and send it."""
    advice_request = selectors.request_for(user=request.user, request_id=request_id)
    if not _is_adviser(advice_request, request.user):
        raise Http404
    definition = definitions.definition(advice_request.kind)
    draft = selectors.draft_of(request=advice_request)
    if draft is None:
        if advice_request.status == RequestStatus.SUBMITTED:
            return redirect("advice:request", request_id=advice_request.pk)
        messages.info(request, _("Start the advice first: nothing has been saved yet."))
        return redirect("advice:request", request_id=advice_request.pk)
    form = advice_forms.DeclarationForm(request.POST or None, initial={"declaration": draft.declaration})
    if definition.by_family:
        form.fields["declaration"].label = _("We confirm this is our own account and that it is true")
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            services.save_advice(
                request=advice_request,
                by=request.user,
                changes={"declaration": form.cleaned_data["declaration"]},
            )
            services.submit_advice(request=advice_request, by=request.user)
        except services.Incomplete as incomplete:
            problems = incomplete.problems
        except services.ServiceError as error:
            _apply(form, error)
        else:
            messages.success(request, _("Your advice has been sent. The coordinator has been told."))
            return redirect("advice:request", request_id=advice_request.pk)
    draft.refresh_from_db()
    return render(
        request,
        "advice/check.html",
        {
            "advice_request": advice_request,
            "case": advice_request.case,
            "definition": definition,
            "draft": draft,
            "content": draft.answers,
            "form": form,
            "problems": [_problem_link(advice_request, p) for p in problems],
            "warnings": checks.warnings(definition, draft.answers),
        },
        status=400 if problems or form.errors else 200,
    )


def _problem_link(advice_request, problem) -> dict:
    if problem.part in LIST_PARTS:
        href = reverse("advice:items", args=[advice_request.pk, problem.part])
    elif problem.part == "ras":
        href = reverse("advice:ras", args=[advice_request.pk])
    elif problem.part in ("declaration", "correction"):
        href = "#id_declaration"
    else:
        href = reverse("advice:part", args=[advice_request.pk, problem.part])
    return {"text": problem.message, "href": href}


@login_required
@require_POST
def accept(request, request_id: int):
    advice_request = selectors.request_for(user=request.user, request_id=request_id)
    if not _is_adviser(advice_request, request.user):
        raise Http404
    services.accept_request(request=advice_request, by=request.user)
    messages.success(request, _("You have accepted the request."))
    return redirect("advice:request", request_id=advice_request.pk)


@login_required
@require_http_methods(["GET", "POST"])
def decline(request, request_id: int):
    advice_request = selectors.request_for(user=request.user, request_id=request_id)
    if not selectors.acts_for(request=advice_request, user=request.user, leads_too=True):
        raise Http404
    form = advice_forms.ReasonForm(request.POST or None)
    form.fields["reason"].label = _("Why can you not give this advice?")
    form.fields["reason"].error_messages["required"] = _("Enter why you cannot give this advice")
    return _reason_page(
        request,
        advice_request,
        form=form,
        heading=_("Say you cannot give this advice"),
        submit=_("Send to the coordinator"),
        save=lambda data: services.decline_request(
            request=advice_request, reason=data["reason"], by=request.user
        ),
        done=lambda _result: (
            _("The coordinator has been told you cannot give this advice."),
            reverse("advice:inbox"),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def pass_on(request, request_id: int):
    advice_request = selectors.request_for(user=request.user, request_id=request_id)
    # The adviser or their lead (sent to the wrong service), or the coordinator who asked.
    if not (
        selectors.acts_for(request=advice_request, user=request.user, leads_too=True)
        or policy.can(request.user, "request_advice", advice_request.case, known_in_scope=True)
    ):
        raise Http404
    teams = [
        t
        for t in selectors.teams_for(council_id=advice_request.case.council_id)
        if t.pk != advice_request.asked_team_id
    ]
    return _reason_page(
        request,
        advice_request,
        form=advice_forms.PassOnForm(request.POST or None, teams=teams),
        heading=_("Pass this request to another service"),
        submit=_("Pass it on"),
        save=lambda data: services.pass_on_request(
            request=advice_request,
            to_team=next(t for t in teams if str(t.pk) == data["to_team"]),
            reason=data["reason"],
            by=request.user,
        ),
        done=lambda passed: (
            _("Passed on to %(team)s. It is still due on the same date.") % {"team": passed.asked_team.name},
            reverse("advice:inbox"),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def allocate(request, request_id: int):
    advice_request = selectors.request_for(user=request.user, request_id=request_id)
    may_allocate = selectors.leads(request=advice_request, user=request.user) or policy.can(
        request.user, "request_advice", advice_request.case, known_in_scope=True
    )
    if advice_request.asked_team_id is None or not may_allocate:
        raise Http404
    staff = list(selectors.team_staff(team=advice_request.asked_team).order_by("full_name"))
    return _reason_page(
        request,
        advice_request,
        form=advice_forms.AllocateForm(request.POST or None, staff=staff),
        heading=_("Allocate this request"),
        submit=_("Allocate"),
        save=lambda data: services.allocate_request(
            request=advice_request, to=next(u for u in staff if str(u.pk) == data["to"]), by=request.user
        ),
        done=lambda allocated: (
            _("%(name)s will give this advice.") % {"name": allocated.allocated_to.full_name},
            reverse("advice:inbox"),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def correct(request, request_id: int):
    advice_request = selectors.request_for(user=request.user, request_id=request_id)
    if not _is_adviser(advice_request, request.user):
        raise Http404
    return _reason_page(
        request,
        advice_request,
        form=advice_forms.CorrectionForm(request.POST or None),
        heading=_("Correct advice you have sent"),
        submit=_("Start a correction"),
        save=lambda data: services.correct_advice(
            request=advice_request, reason=data["correction_reason"], by=request.user
        ),
        done=lambda _result: (
            _("Make your corrections, then send the advice again. The first version is kept."),
            reverse("advice:request", kwargs={"request_id": advice_request.pk}),
        ),
    )


@login_required
@require_GET
def submission(request, submission_id: int):
    sent = selectors.submission_for(user=request.user, submission_id=submission_id)
    context = selectors.pdf_context(submission=sent)
    # The PDF is a case document with its own visibility: the link is shown only to those it opens for.
    context["may_download"] = bool(sent.document_id) and (
        case_selectors.readable_documents(user=request.user).filter(pk=sent.document_id).exists()
    )
    return render(request, "advice/submission.html", context)


# --- the coordinator's side ---------------------------------------------------------------------------------


@login_required
@require_GET
def plan(request, reference: str):
    case = case_selectors.get_case_for(user=request.user, reference=reference)
    if not policy.can(request.user, "plan_advice", case, known_in_scope=True):
        raise Http404
    return render(
        request,
        "advice/plan.html",
        {
            "case": case,
            "suggestions": selectors.advice_plan(case=case, user=request.user),
            "rows": selectors.case_requests(case=case, user=request.user),
            "may": policy.may_for(request.user, case),
            "can_ask": case.stage == "assessing",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def ask(request, reference: str):
    case = case_selectors.get_case_for(user=request.user, reference=reference)
    if not policy.can(request.user, "request_advice", case, known_in_scope=True):
        raise Http404
    kind = request.GET.get("kind", "")
    teams = selectors.teams_for(council_id=case.council_id)
    people = list(account_selectors.advisers_for(council_id=case.council_id)) + list(
        case_selectors.family_accounts(case=case)
    )
    professionals = case_selectors.professionals_of(case=case)
    organisations = selectors.invitee_organisations(council_id=case.council_id)
    initial = {"kind": kind, "sent_on": case_selectors.today()}
    chosen = next((p for p in professionals if str(p.pk) == request.GET.get("professional", "")), None)
    if chosen is not None:
        # "Ask them" from the planning page: the professional already involved, ready to invite by email.
        initial.update(professional=str(chosen.pk), asked_name=chosen.name, asked_email=chosen.email)
    form = advice_forms.AskForm(
        request.POST or None,
        initial=initial,
        teams=teams,
        people=people,
        professionals=professionals,
        organisations=organisations,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = services.request_advice(
                case=case,
                kind=data["kind"],
                by=request.user,
                asked_team=next((t for t in teams if str(t.pk) == data["team"]), None),
                asked_user=next((u for u in people if str(u.pk) == data["person"]), None),
                asked_email=data["asked_email"],
                asked_name=data["asked_name"],
                asked_organisation=next(
                    (o for o in organisations if str(o.pk) == data["asked_organisation"]), None
                ),
                professional_id=int(data["professional"]) if data["professional"] else None,
                note=data["note"],
                family_asked=data["family_asked"],
                sent_on=data["sent_on"],
            )
        except services.ServiceError as error:
            _apply(form, error)
        else:
            if made.asked_email and made.asked_user_id is None:
                text = _(
                    "Advice asked for. %(name)s has been emailed a link to create an account. "
                    "It is due by %(date)s."
                ) % {"name": made.asked_name, "date": f"{made.due_on:%-d %B %Y}"}
            else:
                text = _("Advice asked for. It is due by %(date)s.") % {"date": f"{made.due_on:%-d %B %Y}"}
            messages.success(request, text)
            return redirect("advice:plan", reference=case.reference)
    return render(
        request, "advice/ask.html", {"case": case, "form": form}, status=_status(request, 200, form)
    )


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request, request_id: int):
    advice_request = selectors.request_for(user=request.user, request_id=request_id)
    if not policy.can(request.user, "withdraw_advice_request", advice_request.case, known_in_scope=True):
        raise Http404
    form = advice_forms.ReasonForm(request.POST or None)
    form.fields["reason"].label = _("Why is the request being withdrawn?")
    form.fields["reason"].error_messages["required"] = _("Enter why the request is being withdrawn")
    plan_url = reverse("advice:plan", kwargs={"reference": advice_request.case.reference})
    return _reason_page(
        request,
        advice_request,
        form=form,
        heading=_("Withdraw this request for advice"),
        submit=_("Withdraw the request"),
        save=lambda data: services.withdraw_request(
            request=advice_request, reason=data["reason"], by=request.user
        ),
        done=lambda _result: (_("The request is withdrawn and the adviser has been told."), plan_url),
        extra={"back_url": plan_url, "back_text": _("Back to advice for the assessment")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def reuse(request, reference: str):
    case = case_selectors.get_case_for(user=request.user, reference=reference)
    if not policy.can(request.user, "record_advice_reuse", case, known_in_scope=True):
        raise Http404
    documents = case_selectors.documents_for(case=case, user=request.user)
    form = advice_forms.ReuseForm(request.POST or None, documents=documents)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        agreements = [
            services.Agreement(
                party=party, who=data[f"{party}_who"], agreed_on=data[f"{party}_on"], how=data[f"{party}_how"]
            )
            for party in ("author", "council", "family")
        ]
        try:
            services.reuse_advice(
                case=case,
                kind=data["kind"],
                document=next(d for d in documents if str(d.pk) == data["document"]),
                author_name=data["author_name"],
                written_on=data["written_on"],
                agreements=agreements,
                by=request.user,
            )
        except services.ServiceError as error:
            _apply(form, error)
        else:
            messages.success(request, _("The existing advice is recorded as reused."))
            return redirect("advice:plan", reference=case.reference)
    return render(
        request, "advice/reuse.html", {"case": case, "form": form}, status=_status(request, 200, form)
    )


@login_required
@require_POST
def share(request, submission_id: int):
    sent = selectors.submission_for(user=request.user, submission_id=submission_id)
    try:
        services.share_with_family(submission=sent, by=request.user)
    except policy.NotAllowed:
        raise Http404 from None
    messages.success(request, _("The advice is shared with the family."))
    return redirect("advice:plan", reference=sent.request.case.reference)


@login_required
@require_http_methods(["GET", "POST"])
def attach(request, request_id: int):
    advice_request = selectors.request_for(user=request.user, request_id=request_id)
    if not _is_adviser(advice_request, request.user):
        raise Http404
    form = advice_forms.AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            attached = services.attach_report(
                request=advice_request, upload=form.cleaned_data["file"], by=request.user
            )
        except services.ServiceError as error:
            _apply(form, error)
        else:
            messages.success(
                request, _("%(name)s is attached to your advice.") % {"name": attached.document.name}
            )
            return redirect("advice:request", request_id=advice_request.pk)
    return render(
        request,
        "advice/attach.html",
        {"advice_request": advice_request, "case": advice_request.case, "form": form},
        status=_status(request, 200, form),
    )
