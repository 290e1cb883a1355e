"""Thin pages of the online request: parse, call a service or selector, render."""

from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from accounts import throttles
from cases import selectors as case_selectors
from forms_ersa import forms as ersa_forms
from forms_ersa import sections, selectors, services, summary, wording

STATUS_TAGS = {
    sections.NOT_STARTED: (gettext_noop("Not started"), "govuk-tag--blue"),
    sections.IN_PROGRESS: (gettext_noop("In progress"), "govuk-tag--light-blue"),
    sections.COMPLETED: (gettext_noop("Completed"), ""),
}


# Sections that are a list to add to, each with a page of its own rather than question pages.
LIST_PAGES = {"evidence": "forms_ersa:evidence", "professionals": "forms_ersa:professionals"}


def index(request):
    councils = list(selectors.councils())
    if len(councils) == 1:
        return redirect("forms_ersa:start", council_id=councils[0].pk)
    return render(request, "forms_ersa/index.html", {"councils": councils})


def start(request, council_id: int):
    council = selectors.council(council_id)
    form = ersa_forms.StartForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        who = form.cleaned_data["who"]
        if who == "senco":
            return redirect("forms_ersa:senco", council_id=council.pk)
        return redirect("forms_ersa:email", council_id=council.pk, route=who)
    return render(request, "forms_ersa/start.html", {"form": form, "council": council})


def senco(request, council_id: int):
    """The school route: a signed-in SENCo of a school of this council starts a request for a pupil."""
    council = selectors.council(council_id)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    school = services.senco_school(council=council, user=request.user)
    if request.method == "POST" and school is not None:
        draft = services.start_school_draft(council=council, user=request.user)
        return redirect("forms_ersa:tasks", public_id=draft.public_id)
    return render(request, "forms_ersa/senco.html", {"council": council, "school": school})


def _links_refused(request):
    """Too many wrong save-and-return links from this address: say when to try again (accounts.throttles)."""
    retry_at = throttles.links_refused(request, door="save_and_return")
    if retry_at is None:
        return None
    return throttles.too_many(request, retry_at, what=_("Check the link in your email and try it then."))


def return_as_parent(request, token: str):
    """The parent's own link to a request their child's school started: the same draft, to see and add to."""
    if refused := _links_refused(request):
        return refused
    draft = selectors.draft_by_parent_token(token)
    if draft is None:
        throttles.link_failed(request, door="save_and_return")
        raise Http404
    request.session.cycle_key()
    selectors.remember(request, draft)
    if draft.is_submitted:
        return redirect("forms_ersa:confirmation", public_id=draft.public_id)
    return redirect("forms_ersa:tasks", public_id=draft.public_id)


def email(request, council_id: int, route: str):
    council = selectors.council(council_id)
    if route not in sections.FAMILY_ROUTES:
        raise Http404
    form = ersa_forms.EmailForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        retry_at = throttles.emails_refused(request, door="save_and_return", email=form.cleaned_data["email"])
        if retry_at is not None:
            return throttles.too_many(
                request,
                retry_at,
                what=_("The links already sent to that address still work: check your inbox."),
            )
        draft = services.start_draft(
            council=council, route=route, email=form.cleaned_data["email"], user=request.user
        )
        selectors.remember(request, draft)
        return redirect("forms_ersa:link_sent", public_id=draft.public_id)
    return render(request, "forms_ersa/email.html", {"form": form, "council": council, "route": route})


def link_sent(request, public_id):
    draft = selectors.draft_for(request, public_id)
    return render(request, "forms_ersa/link_sent.html", {"draft": draft})


def return_by_link(request, token: str):
    if refused := _links_refused(request):
        return refused
    draft = selectors.draft_by_token(token)
    if draft is None:
        throttles.link_failed(request, door="save_and_return")
        return render(request, "forms_ersa/link_unusable.html", status=404)
    services.confirm_email(draft=draft)
    # Cycle the session key: the link grants access to this draft, so it starts a fresh session.
    request.session.cycle_key()
    selectors.remember(request, draft)
    if draft.is_submitted:
        return redirect("forms_ersa:confirmation", public_id=draft.public_id)
    return redirect("forms_ersa:tasks", public_id=draft.public_id)


def _sent(draft):
    return redirect("forms_ersa:confirmation", public_id=draft.public_id)


def task_list(request, public_id):
    draft = selectors.draft_for(request, public_id)
    if draft.is_submitted:
        return _sent(draft)
    rules = selectors.rules_for(draft.council_id)
    items = []
    for section in sections.sections_for(draft.route):
        state = sections.status(section, draft.answers or {}, draft.route)
        text, css = STATUS_TAGS[state]
        first = section.pages[0].key
        if section.key in LIST_PAGES:
            href = reverse(LIST_PAGES[section.key], args=[draft.public_id])
        else:
            href = reverse("forms_ersa:page", args=[draft.public_id, section.key, first])
        items.append(
            {
                "key": section.key,
                "title": _(section.title),
                "href": href,
                "status": _(text),
                "css": css,
                "optional": section.key not in rules.required_sections and section.key != "parent_consent",
            }
        )
    done = sum(1 for item in items if item["status"] == _("Completed"))
    return render(
        request,
        "forms_ersa/task_list.html",
        {"draft": draft, "items": items, "done": done, "total": len(items)},
    )


def _page_after(section: sections.Section, page_key: str) -> str | None:
    keys = [p.key for p in section.pages]
    index = keys.index(page_key)
    return keys[index + 1] if index + 1 < len(keys) else None


def page(request, public_id, section: str, page: str):
    draft = selectors.draft_for(request, public_id)
    if draft.is_submitted:
        return _sent(draft)
    if section not in sections.BY_KEY or (section, page) not in ersa_forms.PAGE_FORMS:
        raise Http404
    if sections.BY_KEY[section] not in sections.sections_for(draft.route):
        raise Http404
    the_section = sections.BY_KEY[section]
    page_spec = next(p for p in the_section.pages if p.key == page)
    form_class = ersa_forms.PAGE_FORMS[(section, page)]
    options = {
        "route": draft.route,
        "council_id": draft.council_id,
        "today": case_selectors.today(),
        "answers": draft.answers or {},
    }
    to_check = request.GET.get("next") == "check"
    if not services.may_edit_section(draft=draft, section=section, user=request.user):
        return _read_only(request, draft, the_section, refused=request.method == "POST")
    if request.method == "POST":
        form = form_class(request.POST, **options)
        if form.is_valid():
            try:
                draft = services.save_answers(
                    draft=draft,
                    section=section,
                    values=form.to_answers(),
                    expected_version=_int(request.POST.get("version")),
                    by=request.user,
                )
            except services.ServiceError as error:
                form.add_error(None, error.message)
            else:
                if to_check:
                    return redirect("forms_ersa:check", public_id=draft.public_id)
                following = _page_after(the_section, page)
                if following:
                    return redirect(
                        "forms_ersa:page", public_id=draft.public_id, section=section, page=following
                    )
                return redirect("forms_ersa:tasks", public_id=draft.public_id)
    else:
        form = form_class(
            initial=form_class.initial_from((draft.answers or {}).get(section) or {}), **options
        )
    keys = [p.key for p in the_section.pages]
    position = keys.index(page)
    if to_check:
        back = reverse("forms_ersa:check", args=[draft.public_id])
    elif position:
        back = reverse("forms_ersa:page", args=[draft.public_id, section, keys[position - 1]])
    else:
        back = reverse("forms_ersa:tasks", args=[draft.public_id])
    return render(
        request,
        "forms_ersa/page.html",
        {
            "draft": draft,
            "form": form,
            "section": the_section,
            "page": page_spec,
            "back": back,
            "multipart": False,
        },
    )


def _read_only(request, draft, the_section: sections.Section, *, refused: bool):
    """A section someone may see but not change (a parent, the school's record of their consent)."""
    rows = next(s for s in summary.rows(draft) if s["key"] == the_section.key)
    return render(
        request,
        "forms_ersa/read_only_section.html",
        {
            "draft": draft,
            "section": the_section,
            "answers": rows,
            "refused": str(services.SENCO_ONLY_MESSAGE) if refused else "",
            "back": reverse("forms_ersa:tasks", args=[draft.public_id]),
        },
        status=403 if refused else 200,
    )


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def evidence(request, public_id):
    draft = selectors.draft_for(request, public_id)
    if draft.is_submitted:
        return _sent(draft)
    rules = selectors.rules_for(draft.council_id)
    today = case_selectors.today()
    form = ersa_forms.EvidenceForm(today=today, max_months=rules.max_report_age_months)
    if request.method == "POST" and request.POST.get("action") == "finished":
        services.save_answers(
            draft=draft, section="evidence", values={"finished": "yes"}, expected_version=None
        )
        return redirect("forms_ersa:tasks", public_id=draft.public_id)
    if request.method == "POST":
        form = ersa_forms.EvidenceForm(
            request.POST, request.FILES, today=today, max_months=rules.max_report_age_months
        )
        if form.is_valid():
            try:
                services.add_evidence(
                    draft=draft,
                    upload=form.cleaned_data["file"],
                    kind=form.cleaned_data["kind"],
                    report_date=form.cleaned_data.get("report_date"),
                    old_reason=form.cleaned_data.get("old_reason", ""),
                )
            except services.ServiceError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                return redirect("forms_ersa:evidence", public_id=draft.public_id)
    items = list(selectors.evidence_of(draft))
    for item in items:
        item.is_old = sections.is_old(item.report_date, today=today, max_months=rules.max_report_age_months)
    required = [_(sections.EVIDENCE_KINDS.get(k, k)) for k in rules.required_evidence.get(draft.route, [])]
    return render(
        request,
        "forms_ersa/evidence.html",
        {
            "draft": draft,
            "form": form,
            "items": items,
            "required": required,
            "max_months": rules.max_report_age_months,
            "back": reverse("forms_ersa:tasks", args=[draft.public_id]),
        },
    )


def professionals(request, public_id):
    """Professionals already working with the child: add one at a time, then say the list is complete."""
    draft = selectors.draft_for(request, public_id)
    if draft.is_submitted:
        return _sent(draft)
    form = ersa_forms.ProfessionalForm()
    if request.method == "POST" and request.POST.get("action") == "finished":
        services.save_answers(
            draft=draft, section="professionals", values={"finished": "yes"}, expected_version=None
        )
        return redirect("forms_ersa:tasks", public_id=draft.public_id)
    if request.method == "POST":
        form = ersa_forms.ProfessionalForm(request.POST)
        if form.is_valid():
            try:
                services.add_professional(draft=draft, person=form.to_person())
            except services.ServiceError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                return redirect("forms_ersa:professionals", public_id=draft.public_id)
    return render(
        request,
        "forms_ersa/professionals.html",
        {
            "draft": draft,
            "form": form,
            "people": selectors.professionals_of(draft),
            "back": reverse("forms_ersa:tasks", args=[draft.public_id]),
        },
    )


@require_POST
def remove_professional(request, public_id, person_id: str):
    draft = selectors.draft_for(request, public_id)
    if draft.is_submitted:
        return _sent(draft)
    services.remove_professional(draft=draft, person_id=person_id)
    return redirect("forms_ersa:professionals", public_id=draft.public_id)


@require_POST
def remove_evidence(request, public_id, evidence_id: int):
    draft = selectors.draft_for(request, public_id)
    if draft.is_submitted:
        return _sent(draft)
    services.remove_evidence(draft=draft, evidence_id=evidence_id)
    return redirect("forms_ersa:evidence", public_id=draft.public_id)


def _problem_links(draft, found):
    links = []
    for section_key, field, message in found:
        if section_key in LIST_PAGES:
            href = reverse(LIST_PAGES[section_key], args=[draft.public_id])
        else:
            page_key = sections.page_for_problem(
                sections.BY_KEY[section_key], field, draft.answers or {}, draft.route
            )
            href = reverse("forms_ersa:page", args=[draft.public_id, section_key, page_key]) + "?next=check"
        links.append({"text": wording.translated(message), "href": href})
    return links


def check(request, public_id):
    draft = selectors.draft_for(request, public_id)
    if draft.is_submitted:
        return _sent(draft)
    found = services.problems_for(draft)
    error = ""
    may_send = services.may_send(draft=draft, user=request.user)
    if request.method == "POST" and not may_send:
        return redirect("forms_ersa:check", public_id=draft.public_id)
    if request.method == "POST":
        try:
            services.submit_request(draft=draft, by=request.user)
        except services.Incomplete as incomplete:
            found = incomplete.problems
        except services.ServiceError as refused:
            error = refused.message
        else:
            return redirect("forms_ersa:confirmation", public_id=draft.public_id)
    context = summary.context(draft)
    context.update(
        {
            "problems": _problem_links(draft, found),
            "show_problems": request.method == "POST",
            "error": error,
            "may_send": may_send,
            "back": reverse("forms_ersa:tasks", args=[draft.public_id]),
        }
    )
    return render(request, "forms_ersa/check.html", context, status=400 if request.method == "POST" else 200)


def confirmation(request, public_id):
    draft = selectors.draft_for(request, public_id)
    if not draft.is_submitted:
        return redirect("forms_ersa:tasks", public_id=draft.public_id)
    case = draft.case
    return render(
        request,
        "forms_ersa/confirmation.html",
        {
            "draft": draft,
            "case": case,
            "decision_by": selectors.decision_date(case),
            "contacts": selectors.contacts_for(draft.council),
            "copy": selectors.request_copy(draft),
            "confirmations": selectors.confirmations_sent(draft),
        },
    )


def download_copy(request, public_id):
    """The PDF copy of what was sent, for whoever sent it (this browser, or the signed-in person)."""
    draft = selectors.draft_for(request, public_id)
    copy = selectors.request_copy(draft) if draft.is_submitted else None
    if copy is None:
        raise Http404
    return FileResponse(
        copy.file.open("rb"), as_attachment=True, filename=copy.name, content_type="application/pdf"
    )
