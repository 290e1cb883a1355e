import time

from django.contrib import messages
from django.contrib.auth import login as sign_in
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Role
from accounts.security import LAST_SEEN_KEY
from cases import family_words, policy, workflow
from cases import selectors as case_selectors
from cases import services as case_services
from core.errors import ServiceError, StaleVersion
from forms_ersa import selectors as ersa_selectors
from portal import selectors, services, tracker
from portal.forms import (
    ClaimForm,
    DraftCommentForm,
    FamilyDocumentForm,
    MessageForm,
    PreferencesForm,
    ReplyForm,
    SendResponseForm,
    ShareForm,
    SignInLinkForm,
)


def _allowed(request, action: str, case=None) -> None:
    if not policy.can(request.user, action, case, known_in_scope=case is not None):
        raise Http404


def _error_on(form, error: ServiceError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


def _case_context(request, case, section: str) -> dict:
    """What every page about one case shows around its own part: the child, the reference and the sections."""
    user = request.user
    return {
        "case": case,
        "section": section,
        "young_person_view": user.role == Role.YOUNG_PERSON,
        "stage_label": selectors.stage_label(case),
        "more_sections": selectors.case_sections(case=case, user=user),
        "may": {
            "message": policy.can(user, "message_council", case, known_in_scope=True),
            "upload": policy.can(user, "add_family_document", case, known_in_scope=True),
            "share": policy.can(user, "share_case", case, known_in_scope=True),
        },
    }


def _case(request, reference):
    case = selectors.case_for(user=request.user, reference=reference)
    case_services.log_access(user=request.user, case=case, action="view_case", path=request.path)
    return case


# --- home --------------------------------------------------------------------------------------------------------


@login_required
@require_GET
def home(request):
    user = request.user
    if policy.role_may(user, "follow_pupils"):
        return redirect("portal:pupils")
    _allowed(request, "use_portal")
    cases = selectors.home_cases(user=user)
    unread = selectors.unread_for_family(cases=cases)
    on = case_selectors.today()
    young_person = user.role == Role.YOUNG_PERSON
    for case in cases:
        stage = workflow.Stage(case.stage)
        case.stage_label = workflow.STAGE_LABELS[stage]
        case.stage_description = family_words.stage_description(stage, young_person=young_person)
        case.family_next_step = (
            family_words.next_step(
                code=case.next_deadline_code,
                due_on=case.next_due_on,
                on=on,
                young_person=young_person,
                has_coordinator=case.coordinator_id is not None,
            )
            if case.is_open
            else None
        )
        case.unread = unread.get(case.pk, 0)
        case.draft_link = selectors.open_draft_link(case=case, user=user)
    return render(request, "portal/home.html", {"cases": cases})


@login_required
@require_GET
def pupils(request):
    """A SENCo's pupils' cases (their school is on the team), the requests they started, and advice asked of them."""
    _allowed(request, "follow_pupils")
    cases = selectors.pupils_cases(user=request.user)
    for case in cases:
        case.stage_label = workflow.STAGE_LABELS[workflow.Stage(case.stage)]
    return render(
        request,
        "portal/pupils.html",
        {
            "cases": cases,
            "requests": selectors.requests_started(user=request.user),
            "advice_count": selectors.advice_asked_of_school(user=request.user),
            "may_see_inbox": policy.role_may(request.user, "view_advice_inbox"),
        },
    )


# --- one case ----------------------------------------------------------------------------------------------------


@login_required
@require_GET
def case_page(request, reference):
    case = _case(request, reference)
    young_person = request.user.role == Role.YOUNG_PERSON
    facts = selectors.facts_for(case, young_person=young_person)
    built = tracker.build(facts)
    context = _case_context(request, case, "tracker")
    context.update(
        tracker=built,
        current=built.current,
        stage_description=family_words.stage_description(
            workflow.Stage(case.stage), young_person=young_person
        ),
        exceptions=selectors.exceptions_shown(facts),
        links=selectors.step_links(case=case, user=request.user),
        unread=selectors.unread_for_family(cases=[case]).get(case.pk, 0) if context["may"]["message"] else 0,
    )
    return render(request, "portal/case.html", context)


@login_required
@require_GET
def involved(request, reference):
    case = _case(request, reference)
    context = _case_context(request, case, "involved")
    context.update(
        advice=selectors.advice_for(case=case, user=request.user),
        team=selectors.team_for(case=case),
        council=case.council,
        professionals=selectors.professionals_of(case=case),
        contacts=selectors.contacts_of(case=case),
        request_summary=case_selectors.request_summary(case=case, user=request.user),
    )
    return render(request, "portal/involved.html", context)


@login_required
@require_GET
def documents(request, reference):
    case = _case(request, reference)
    context = _case_context(request, case, "documents")
    context["documents"] = selectors.documents_for(case=case, user=request.user)
    return render(request, "portal/documents.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def add_document(request, reference):
    case = _case(request, reference)
    _allowed(request, "add_family_document", case)
    form = FamilyDocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            document = services.add_family_document(
                case=case,
                upload=form.cleaned_data["file"],
                category=form.cleaned_data["category"],
                description=form.cleaned_data["description"],
                by=request.user,
            )
        except ServiceError as error:
            _error_on(form, error)
        else:
            messages.success(
                request, _("%(name)s has been added. Your coordinator can see it.") % {"name": document.name}
            )
            return redirect("portal:documents", reference=case.reference)
    context = _case_context(request, case, "documents")
    context["form"] = form
    return render(request, "portal/add_document.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def decisions(request, reference):
    case = _case(request, reference)
    reasons = selectors.decision_reasons(case=case)
    found = tracker.decisions(selectors.facts_for(case))
    context = _case_context(request, case, "decisions")
    context.update(
        decisions=[(decision, reasons.get(decision.key, "")) for decision in found],
        letters=selectors.decision_letters(case=case, user=request.user),
    )
    return render(request, "portal/decisions.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def conversation(request, reference):
    case = _case(request, reference)
    _allowed(request, "message_council", case)
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.send_message(case=case, body=form.cleaned_data["body"], by=request.user)
        except ServiceError as error:
            _error_on(form, error)
        else:
            messages.success(
                request, _("Your message has been sent. We will tell you when there is an answer.")
            )
            return redirect("portal:messages", reference=case.reference)
    elif request.method == "GET":
        services.mark_read(case=case, by=request.user)
    context = _case_context(request, case, "messages")
    context.update(form=form, conversation=selectors.messages_of(case=case))
    return render(request, "portal/messages.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def people(request, reference):
    case = _case(request, reference)
    context = _case_context(request, case, "people")
    team = selectors.team_for(case=case)
    shares = selectors.shares_for(case=case)
    # Someone the council invited at the family's request is in, once they accept, under their own membership.
    joined = {m.user.email.lower(): m.pk for m in team if m.user_id}
    for share in shares:
        share.joined = bool(share.member_id) or share.email.lower() in joined
    shared_members = {share.member_id or joined.get(share.email.lower()) for share in shares} - {None}
    context.update(
        team=team,
        shares=shares,
        # Supporters can be taken off by the family; another parent only when this family let them in.
        removable={m.pk for m in team if m.role == "supporter" and m.user_id != request.user.pk}
        - shared_members,
    )
    return render(request, "portal/people.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def share(request, reference):
    case = _case(request, reference)
    _allowed(request, "share_case", case)
    form = ShareForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = services.share_case(
                case=case,
                email=data["email"],
                full_name=data["full_name"],
                role=data["role"],
                by=request.user,
            )
        except ServiceError as error:
            _error_on(form, error)
        else:
            if made.member_id:
                messages.success(request, _("%(name)s can now see the case.") % {"name": made.full_name})
            else:
                messages.success(
                    request,
                    _(
                        "We have asked your coordinator to invite %(name)s. They can see the case once they accept."
                    )
                    % {"name": made.full_name},
                )
            return redirect("portal:people", reference=case.reference)
    context = _case_context(request, case, "people")
    context["form"] = form
    return render(request, "portal/share.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def end_share(request, reference, kind, pk):
    """Taking someone's access away is confirmed first (GET asks, POST does it); it ends at once."""
    case = _case(request, reference)
    _allowed(request, "share_case", case)
    if kind == "share":
        shared = selectors.share_for(case=case, share_id=pk)
        member, name = None, shared.full_name
    elif kind == "member":
        member = next(
            (m for m in selectors.team_for(case=case) if m.pk == pk and m.role == "supporter"), None
        )
        if member is None or member.user_id == request.user.pk:
            raise Http404
        shared, name = None, member.user.full_name if member.user_id else member.organisation.name
    else:
        raise Http404
    if request.method == "POST":
        try:
            services.end_share(case=case, by=request.user, share=shared, member=member)
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("%(name)s can no longer see the case.") % {"name": name})
        return redirect("portal:people", reference=case.reference)
    context = _case_context(request, case, "people")
    context["name"] = name
    return render(request, "portal/end_share.html", context)


# --- staff: answering the family from the case page ----------------------------------------------------------------


@login_required
@require_GET
def staff_conversation(request, reference):
    """The conversation for staff: the case page loads it into its panel (htmx); without scripts, a page of its own."""
    case = case_selectors.get_case_for(user=request.user, reference=reference)
    _allowed(request, "answer_family", case)
    context = {"panel": selectors.staff_conversation(case=case)}
    if request.headers.get("HX-Request"):
        return render(request, "portal/_staff_conversation.html", context)
    context["back"] = reverse("cases:detail", args=[case.reference]) + "#family-messages"
    return render(request, "portal/staff_conversation.html", context)


@login_required
@require_POST
def reply(request, reference):
    case = case_selectors.get_case_for(user=request.user, reference=reference)
    _allowed(request, "answer_family", case)
    form = ReplyForm(request.POST)
    case_page = reverse("cases:detail", args=[case.reference]) + "#family-messages"
    if form.is_valid():
        try:
            services.send_message(case=case, body=form.cleaned_data["body"], by=request.user)
        except ServiceError as error:
            _error_on(form, error)
        else:
            services.mark_read(case=case, by=request.user)
            messages.success(request, _("Your answer has been sent to the family."))
            return redirect(case_page)
    return render(
        request,
        "portal/reply.html",
        {"case": case, "form": form, "back": case_page, "conversation": selectors.messages_of(case=case)},
        status=400,
    )


# --- preferences ----------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    user = request.user
    _allowed(request, "use_portal")
    needs = selectors.access_needs_of(user=user)
    initial = {
        "preferred_channel": user.preferred_channel,
        "phone": user.phone,
        "postal_address": user.postal_address,
        "language": user.language,
        "needs": needs.needs if needs else "",
        "interpreter": needs.interpreter if needs else False,
    }
    form = PreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.save_preferences(
                user=user,
                channel=data["preferred_channel"],
                phone=data["phone"],
                postal_address=data["postal_address"],
                language=data["language"],
                needs=data["needs"],
                interpreter=data["interpreter"],
            )
        except ServiceError as error:
            _error_on(form, error)
        else:
            messages.success(request, _("Your preferences have been saved."))
            return redirect("portal:preferences")
    return render(request, "portal/preferences.html", {"form": form}, status=400 if form.errors else 200)


# --- signing in with a one-time link, and claiming a request ----------------------------------------------------------


@require_http_methods(["GET", "POST"])
def ask_for_link(request):
    form = SignInLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_sign_in_link(email=form.cleaned_data["email"])
        except ServiceError as error:
            _error_on(form, error)
        else:
            request.session["portal_link_email"] = form.cleaned_data["email"]
            return redirect("portal:link_sent")
    return render(request, "portal/ask_for_link.html", {"form": form}, status=400 if form.errors else 200)


@require_GET
def link_sent(request):
    return render(
        request,
        "portal/link_sent.html",
        {"email": request.session.get("portal_link_email", ""), "minutes": services.LINK_MINUTES},
    )


@require_http_methods(["GET", "POST"])
def use_link(request, token):
    """GET asks the person to press a button (mail scanners open links; they must not use them up); POST signs in."""
    if request.method == "GET":
        return render(request, "portal/use_link.html", {"token": token})
    try:
        user = services.use_sign_in_link(token=token)
    except ServiceError as error:
        return render(request, "portal/link_unusable.html", {"message": error.message}, status=410)
    sign_in(request, user, backend="accounts.auth.EmailBackend")
    request.session[LAST_SEEN_KEY] = int(time.time())
    return redirect("portal:home")


@require_http_methods(["GET", "POST"])
def claim(request, public_id):
    """The family who sent the request without an account makes one from it: only a password to choose."""
    draft = ersa_selectors.draft_for(request, public_id)
    if not draft.is_submitted or draft.case_id is None or draft.route == "school":
        raise Http404
    form = ClaimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.claim_request(draft=draft, password=form.cleaned_data["password1"])
        except ServiceError as error:
            _error_on(form, error)
        else:
            sign_in(request, user, backend="accounts.auth.EmailBackend")
            request.session[LAST_SEEN_KEY] = int(time.time())
            messages.success(request, _("Your account is ready. You can follow the request here."))
            return redirect("portal:case", reference=draft.case.reference)
    return render(
        request,
        "portal/claim.html",
        {"form": form, "draft": draft, "confirmed": draft.email_confirmed},
        status=400 if form.errors else 200,
    )


# --- the draft plan ------------------------------------------------------------------------------------------------


def _draft_context(request, case, review) -> dict:
    context = _case_context(request, case, "draft")
    context["review"] = review
    return context


@login_required
@require_GET
def draft(request, reference):
    """The draft served on the family, section by section, with the 15 days and their comments and our answers."""
    case = _case(request, reference)
    review = selectors.draft_review(case=case, user=request.user)
    return render(request, "portal/draft.html", _draft_context(request, case, review))


@login_required
@require_http_methods(["GET", "POST"])
def draft_comment(request, reference, code, comment_id=None):
    """Comment on one section (or one thing in it), ask for a change, add evidence, name a school in section I,
    ask for a meeting: saved, to send later with the rest."""
    case = _case(request, reference)
    _allowed(request, "comment_on_draft", case)
    review = selectors.draft_review(case=case, user=request.user)
    section = selectors.draft_section(review, code)
    comment = selectors.own_saved_comment(review, comment_id) if comment_id is not None else None
    if comment is not None and comment.section != code:
        raise Http404
    item_key = comment.item_key if comment is not None else request.GET.get("item", "")
    item = next((i for i in section.items if i.key == item_key), None)
    initial = {}
    if comment is not None:
        initial = {
            "text": comment.text,
            "school_wanted": comment.school_wanted,
            "school_reason": comment.school_reason,
            "wants_meeting": comment.wants_meeting,
            "version": comment.version,
        }
    posted = request.method == "POST"
    form = DraftCommentForm(
        request.POST if posted else None, request.FILES if posted else None, section=code, initial=initial
    )
    if request.method == "POST" and review.may_comment and form.is_valid():
        data = form.cleaned_data
        try:
            services.save_draft_comment(
                case=case,
                by=request.user,
                section=code,
                text=data["text"],
                item_key=item.key if item else "",
                school_wanted=data.get("school_wanted", ""),
                school_reason=data.get("school_reason", ""),
                wants_meeting=data["wants_meeting"],
                evidence=data["evidence"],
                comment=comment,
                expected_version=data["version"] if comment is not None else None,
            )
        except StaleVersion as error:
            # Keep what they typed, and let the next save go on from the comment as it is now.
            data = request.POST.copy()
            data["version"] = comment.version  # as read for this page, after the other save
            form = DraftCommentForm(data, request.FILES, section=code, initial=initial)
            form.is_valid()
            form.add_error(None, error.message)
        except ServiceError as error:
            _error_on(form, error)
        else:
            messages.success(
                request,
                _("Your comment is saved. It has not been sent yet: send your comments when you are ready."),
            )
            return redirect(reverse("portal:draft", args=[case.reference]) + "#saved")
    context = _draft_context(request, case, review)
    context.update(form=form, part=section, item=item, comment=comment)
    status = 400 if form.errors else 200
    return render(request, "portal/draft_comment.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def draft_send(request, reference):
    """Check your comments, then send them all to the council."""
    case = _case(request, reference)
    _allowed(request, "comment_on_draft", case)
    review = selectors.draft_review(case=case, user=request.user)
    form = SendResponseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and review.may_comment and form.is_valid():
        try:
            sent = services.send_draft_response(case=case, by=request.user)
        except ServiceError as error:
            _error_on(form, error)
        else:
            request.session["portal_draft_sent"] = len(sent)
            return redirect("portal:draft_sent", reference=case.reference)
    context = _draft_context(request, case, review)
    context["form"] = form
    return render(request, "portal/draft_send.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def draft_sent(request, reference):
    case = _case(request, reference)
    _allowed(request, "comment_on_draft", case)
    review = selectors.draft_review(case=case, user=request.user)
    context = _draft_context(request, case, review)
    context["count"] = request.session.pop("portal_draft_sent", 0)
    return render(request, "portal/draft_sent.html", context)
