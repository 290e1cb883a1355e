from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Role
from cases import family_words, panels, policy, selectors, services, statutory, workflow
from cases.forms import (
    AllocateForm,
    CaseFilterForm,
    DocumentForm,
    EditChildForm,
    EndExceptionForm,
    ExceptionForm,
    InviteToCaseForm,
    InvolvedProfessionalForm,
    LogRequestForm,
    RequestIncompleteForm,
    TeamMemberForm,
    TransitionForm,
    WithdrawDocumentForm,
)
from cases.models import CaseTeamMember

PAGE_SIZE = 25


def _allowed(request, action: str, case=None) -> None:
    """Every page asks the one policy; a page you may not use does not exist, as far as you can tell (404)."""
    if not policy.can(request.user, action, case, known_in_scope=case is not None):
        raise Http404


def _safe_next(request, *, default: str):
    """Where to go after a form: our own pages only, never a link someone planted in `next`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _case_page(reference: str) -> str:
    return reverse("cases:detail", kwargs={"reference": reference})


def _apply_service_error(form, error: services.ServiceError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


def _form_page(request, *, form, template: str, context: dict, save, done):
    """The shape of every form page: GET shows it; a valid POST calls `save(data)`; a refusal lands on its field,
    keeping what was typed; success shows `done(result)` (a message and where to go next) and goes there."""
    if request.method == "POST" and form.is_valid():
        try:
            result = save(form.cleaned_data)
        except services.ServiceError as error:
            _apply_service_error(form, error)
        else:
            message, target = done(result)
            messages.success(request, message)
            return redirect(target)
    return render(request, template, {"form": form, **context}, status=400 if form.errors else 200)


def _list_page(request, *, title, template, rows, form, extra=None):
    paginator = Paginator(rows, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    on = selectors.today()
    for case in page.object_list:
        case.rag = selectors.rag_for(next_due_on=case.next_due_on, on=on)
        case.next_step = workflow.next_step(facts=selectors.case_facts(case))
    query = request.GET.copy()
    query.pop("page", None)
    toggle = query.copy()
    toggle["closed"] = "0" if toggle.get("closed") == "1" else "1"
    context = {
        "title": title,
        "page": page,
        "filter_form": form,
        "query_string": query.urlencode(),
        "toggle_query": toggle.urlencode(),
        "show_school_filter": policy.role_may(request.user, "filter_by_school"),
        "today": on,
        **(extra or {}),
    }
    return render(request, template, context)


@login_required
@require_GET
def caseload(request):
    _allowed(request, "view_caseload")
    form = CaseFilterForm(request.GET or None, council_id=request.user.organisation_id)
    rows = selectors.caseload(user=request.user, filters=form.filters())
    return _list_page(
        request,
        title=_("My caseload"),
        template="cases/case_list.html",
        rows=rows,
        form=form,
        extra={"show_coordinator": False},
    )


@login_required
@require_GET
def case_list(request):
    _allowed(request, "list_cases")
    if policy.role_may(request.user, "follow_as_family"):
        # Families follow their cases in the portal, written for them; the old address still takes them there.
        return redirect("portal:home")
    every_case = policy.role_may(request.user, "list_all_cases")
    form = CaseFilterForm(
        request.GET or None, council_id=request.user.organisation_id if every_case else None
    )
    open_only = request.GET.get("closed") != "1"
    rows = selectors.case_list(user=request.user, filters=form.filters(open_only=open_only))
    title = _("All cases") if every_case else _("Cases")
    return _list_page(
        request,
        title=title,
        template="cases/case_list.html",
        rows=rows,
        form=form,
        extra={"show_coordinator": True, "show_closed_toggle": True, "open_only": open_only},
    )


@login_required
@require_GET
def unallocated(request):
    _allowed(request, "view_new_requests")
    form = CaseFilterForm(request.GET or None, council_id=request.user.organisation_id)
    rows = selectors.new_requests(user=request.user, filters=form.filters())
    suggestion = selectors.suggested_coordinator(council_id=request.user.organisation_id)
    return _list_page(
        request,
        title=_("New requests"),
        template="cases/unallocated.html",
        rows=rows,
        form=form,
        extra={"suggestion": suggestion},
    )


@login_required
@require_http_methods(["GET", "POST"])
def log_request(request):
    _allowed(request, "log_request")
    council = policy.council_of(request.user)
    form = LogRequestForm(request.POST or None, council_id=council.pk)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.log_request(
                council=council,
                child=form.child_details(),
                contacts=form.contacts(),
                received_on=data["received_on"],
                route=data["route"],
                requested_by=data["requested_by"],
                primary_need=data["primary_need"],
                secondary_need=data["secondary_need"],
                summary=data["summary"],
                coordinator=data["coordinator"],
                by=request.user,
            )
        except services.DuplicateOpenCase as duplicate:
            form.add_error(None, duplicate.message)
            return render(
                request, "cases/log_request.html", {"form": form, "duplicate": duplicate.case}, status=409
            )
        except services.ServiceError as error:
            _apply_service_error(form, error)
        else:
            messages.success(
                request,
                _("Request logged as %(ref)s. The statutory deadlines are below.") % {"ref": case.reference},
            )
            return redirect("cases:detail", reference=case.reference)
    status = 400 if form.errors else 200
    return render(request, "cases/log_request.html", {"form": form}, status=status)


@login_required
@require_GET
def case_detail(request, reference):
    if policy.role_may(request.user, "follow_as_family"):
        # The family's page about the case is in the portal (which answers "not found" for anyone else's).
        return redirect("portal:case", reference=reference)
    case = selectors.get_case_for(user=request.user, reference=reference)
    _allowed(request, "view_case", case)
    services.log_access(user=request.user, case=case, action="view_case", path=request.path)
    parts = selectors.case_detail_parts(case=case, user=request.user)
    facts = selectors.case_facts(case)
    on = selectors.today()
    for deadline in parts["deadlines"]:
        deadline.rag = (
            selectors.rag_for(next_due_on=deadline.due_on, on=on)
            if deadline.status in ("open", "missed")
            else None
        )
    young_person = request.user.role == Role.YOUNG_PERSON
    context = {
        "case": case,
        "stage_label": workflow.STAGE_LABELS[workflow.Stage(case.stage)],
        "stage_description": family_words.stage_description(
            workflow.Stage(case.stage), young_person=young_person
        ),
        "young_person_view": young_person,
        "actions": _transitions_for(request.user, case, facts),
        "next_step": workflow.next_step(facts=facts),
        # What this person may do here, by action name (accounts.policy.ACTIONS): the template asks only this.
        "may": policy.may_for(request.user, case),
        "rag": selectors.rag_for(next_due_on=case.next_due_on, on=on),
        "today": on,
        # What feature apps add to the page (advice, and later the panel and the plan).
        "panels": panels.for_case(case=case, user=request.user),
        **parts,
    }
    return render(request, "cases/case_detail.html", context)


def _transitions_for(user, case, facts) -> list:
    """The workflow names who decides each step; the policy says whether this person may move cases at all."""
    if not policy.can(user, "transition", case, known_in_scope=True):
        return []
    return workflow.allowed_transitions(facts=facts, role=user.role)


@login_required
@require_http_methods(["GET", "POST"])
def transition(request, reference, name):
    case = selectors.get_case_for(user=request.user, reference=reference)
    step = workflow.TRANSITIONS.get(name)
    if step is None or step not in _transitions_for(request.user, case, selectors.case_facts(case)):
        raise Http404
    case_page = reverse("cases:detail", kwargs={"reference": case.reference})
    form = TransitionForm(
        request.POST or None, transition=step, initial={"on": selectors.today(), "version": case.version}
    )
    return _form_page(
        request,
        form=form,
        template="cases/transition.html",
        context={"case": case, "step": step},
        save=lambda data: services.case_transition(
            case=case,
            name=name,
            by=request.user,
            on=data["on"],
            reason=data["reason"],
            expected_version=data["version"],
        ),
        done=lambda _result: (_("%(step)s: done.") % {"step": step.label}, case_page),
    )


@login_required
@require_http_methods(["GET", "POST"])
def allocate(request, reference):
    case = selectors.get_case_for(user=request.user, reference=reference)
    _allowed(request, "allocate", case)
    suggestion = selectors.suggested_coordinator(council_id=case.council_id)
    initial = {"version": case.version, "coordinator": case.coordinator or suggestion}
    form = AllocateForm(request.POST or None, council_id=case.council_id, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.allocate_coordinator(
                case=case,
                coordinator=form.cleaned_data["coordinator"],
                by=request.user,
                expected_version=form.cleaned_data["version"],
            )
        except services.ServiceError as error:
            _apply_service_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is now the coordinator for %(ref)s.")
                % {"name": form.cleaned_data["coordinator"].full_name, "ref": case.reference},
            )
            return redirect(_safe_next(request, default="cases:unallocated"))
    return render(
        request,
        "cases/allocate.html",
        {"form": form, "case": case, "suggestion": suggestion},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def upload_document(request, reference):
    case = selectors.get_case_for(user=request.user, reference=reference)
    _allowed(request, "upload_document", case)
    may_keep_from_family = policy.can(request.user, "mark_document_staff_only", case, known_in_scope=True)
    form = DocumentForm(request.POST or None, request.FILES or None)
    if not may_keep_from_family:
        del form.fields["visible_to_family"]
    if request.method == "POST" and form.is_valid():
        try:
            document = services.add_document(
                case=case,
                upload=form.cleaned_data["file"],
                category=form.cleaned_data["category"],
                description=form.cleaned_data["description"],
                visible_to_family=form.cleaned_data.get("visible_to_family", True),
                by=request.user,
            )
        except services.ServiceError as error:
            _apply_service_error(form, error)
        else:
            messages.success(request, _("%(name)s has been added to the case.") % {"name": document.name})
            return redirect("cases:detail", reference=case.reference)
    return render(
        request,
        "cases/upload_document.html",
        {"form": form, "case": case},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def download_document(request, reference, document_id):
    document = selectors.document_for(user=request.user, reference=reference, document_id=document_id)
    services.log_access(
        user=request.user, case=document.case, action=f"download_document:{document.pk}", path=request.path
    )
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def withdraw_document(request, reference, document_id):
    document = selectors.document_for(user=request.user, reference=reference, document_id=document_id)
    _allowed(request, "withdraw_document", document.case)
    return _form_page(
        request,
        form=WithdrawDocumentForm(request.POST or None),
        template="cases/withdraw_document.html",
        context={"case": document.case, "document": document},
        save=lambda data: services.withdraw_document(
            document=document, reason=data["reason"], by=request.user
        ),
        done=lambda _result: (
            _("%(name)s has been withdrawn. It is kept in the case history.") % {"name": document.name},
            _case_page(reference),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def record_exception(request, reference):
    case = selectors.get_case_for(user=request.user, reference=reference)
    _allowed(request, "record_exception", case)
    ref = (request.POST.get("ref") or request.GET.get("ref") or "").strip()
    # An exception to one request for advice's time limit (a missed appointment, say) names that request.
    advice_deadline = selectors.advice_deadline(case=case, ref=ref) if ref else None
    if ref and advice_deadline is None:
        raise Http404
    return _form_page(
        request,
        form=ExceptionForm(request.POST or None, initial={"ref": ref}),
        template="cases/record_exception.html",
        context={"case": case, "advice_deadline": advice_deadline},
        save=lambda data: services.record_exception(
            case=case,
            kind=data["kind"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            reason=data["reason"],
            by=request.user,
            codes=[statutory.DeadlineCode.ADVICE.value] if advice_deadline else None,
            ref=ref if advice_deadline else "",
        ),
        done=lambda _result: (
            _("Exception recorded. Deadlines it covers now show as excused if missed."),
            _case_page(reference),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def end_exception(request, reference, exception_id: int):
    case = selectors.get_case_for(user=request.user, reference=reference)
    _allowed(request, "record_exception", case)
    exception = get_object_or_404(
        case.exceptions, pk=exception_id, withdrawn_at__isnull=True, ends_on__isnull=True
    )
    return _form_page(
        request,
        form=EndExceptionForm(request.POST or None, starts_on=exception.starts_on, today=selectors.today()),
        template="cases/end_exception.html",
        context={"case": case, "exception": exception},
        save=lambda data: services.end_exception(
            exception=exception, ends_on=data["ends_on"], by=request.user
        ),
        done=lambda _result: (
            _("Exception ended. The deadlines it covered have been worked out again."),
            _case_page(reference),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def add_team_member(request, reference):
    case = selectors.get_case_for(user=request.user, reference=reference)
    _allowed(request, "manage_team", case)
    return _form_page(
        request,
        form=TeamMemberForm(request.POST or None, council_id=case.council_id),
        template="cases/add_team_member.html",
        context={"case": case},
        save=lambda data: services.add_team_member(
            case=case, user=data["user"], role=data["role"], by=request.user
        ),
        done=lambda member: (
            _("%(name)s has joined the case team.") % {"name": member.user.full_name},
            _case_page(reference),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def end_team_member(request, reference, member_id):
    """Taking someone off the team ends their access today, so it is confirmed first (GET asks, POST does it)."""
    case = selectors.get_case_for(user=request.user, reference=reference)
    _allowed(request, "manage_team", case)
    member = selectors.team_member_for(case=case, member_id=member_id)
    error = None
    if request.method == "POST":
        try:
            services.end_team_membership(member=member, by=request.user)
        except services.ServiceError as refused:
            error = refused.message
        else:
            messages.success(request, _("%(name)s has left the case team.") % {"name": member.name})
            return redirect("cases:detail", reference=reference)
    elif member.ends_by_allocation:
        error = services.COORDINATOR_STAYS
    return render(
        request,
        "cases/end_team_member.html",
        {
            "case": case,
            "member": member,
            "error": error,
            "may_allocate": policy.can(request.user, "allocate", case, known_in_scope=True),
        },
        status=400 if error and request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def add_professional(request, reference):
    case = selectors.get_case_for(user=request.user, reference=reference)
    _allowed(request, "record_professionals", case)
    form = InvolvedProfessionalForm(request.POST or None)
    return _form_page(
        request,
        form=form,
        template="cases/add_professional.html",
        context={"case": case},
        save=lambda _data: services.add_involved_professional(
            case=case, details=form.details(), by=request.user
        ),
        done=lambda person: (
            _("%(name)s is recorded as already involved.") % {"name": person.name},
            _case_page(reference),
        ),
    )


@login_required
@require_http_methods(["POST"])
def withdraw_professional(request, reference, professional_id):
    case = selectors.get_case_for(user=request.user, reference=reference)
    _allowed(request, "record_professionals", case)
    person = selectors.professional_for(case=case, professional_id=professional_id)
    services.withdraw_involved_professional(professional=person, by=request.user)
    messages.success(request, _("%(name)s is no longer shown as involved.") % {"name": person.name})
    return redirect("cases:detail", reference=reference)


@login_required
@require_http_methods(["GET", "POST"])
def edit_child(request, reference):
    case = selectors.get_case_for(user=request.user, reference=reference)
    _allowed(request, "edit_child", case)
    child = case.child
    initial = {field: getattr(child, field) for field in EditChildForm.base_fields if hasattr(child, field)}
    initial.update(current_setting=child.current_setting_id, version=case.version)
    form = EditChildForm(
        request.POST or None, initial=initial, council_id=case.council_id, received_on=case.received_on
    )
    return _form_page(
        request,
        form=form,
        template="cases/edit_child.html",
        context={"case": case},
        save=lambda data: services.update_child_details(
            case=case, details=form.child_details(), by=request.user, expected_version=data["version"]
        ),
        done=lambda _result: (_("The child's details have been updated."), _case_page(reference)),
    )


@login_required
@require_http_methods(["GET", "POST"])
def invite_to_case(request, reference):
    case = selectors.get_case_for(user=request.user, reference=reference)
    _allowed(request, "invite_to_case", case)
    # A family's request to let someone see the case links here with who they named, so nothing is typed again.
    named = {key: request.GET[key][:254] for key in ("role", "full_name", "email") if request.GET.get(key)}
    form = InviteToCaseForm(request.POST or None, council_id=case.council_id, initial=named)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.invite_to_case(
                case=case,
                email=data["email"],
                full_name=data["full_name"],
                role=data["role"],
                organisation=data["organisation"],
                by=request.user,
            )
        except services.ServiceError as error:
            _apply_service_error(form, error)
        else:
            if isinstance(result, CaseTeamMember):
                messages.success(
                    request,
                    _("%(name)s already had an account and has joined the team.")
                    % {"name": data["full_name"]},
                )
            else:
                messages.success(
                    request,
                    _("Invitation sent to %(email)s. They join the team when they accept it.")
                    % {"email": data["email"]},
                )
            return redirect("cases:detail", reference=reference)
    return render(
        request, "cases/invite_to_case.html", {"form": form, "case": case}, status=400 if form.errors else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_incomplete(request, reference):
    """Mark a request as incomplete (the family is told what is missing), or complete again."""
    case = selectors.get_case_for(user=request.user, reference=reference)
    _allowed(request, "mark_incomplete", case)
    form = RequestIncompleteForm(request.POST or None)
    if request.method == "POST" and request.POST.get("action") == "complete":
        services.mark_request_complete(case=case, by=request.user)
        messages.success(request, _("The request is marked as complete."))
        return redirect(
            _safe_next(request, default=reverse("cases:detail", kwargs={"reference": case.reference}))
        )
    if request.method == "POST" and form.is_valid():
        try:
            services.mark_request_incomplete(case=case, reason=form.cleaned_data["reason"], by=request.user)
        except services.ServiceError as error:
            _apply_service_error(form, error)
        else:
            messages.success(
                request,
                _("The request is marked as incomplete and the family has been told what is missing."),
            )
            return redirect(
                _safe_next(request, default=reverse("cases:detail", kwargs={"reference": case.reference}))
            )
    return render(
        request,
        "cases/request_incomplete.html",
        {"form": form, "case": case, "next": _safe_next(request, default="")},
        status=400 if form.errors else 200,
    )
