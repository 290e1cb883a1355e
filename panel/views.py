"""Thin pages for the panel: parse, call a service or selector, render. htmx asks for parts of a page (a bundle
section, the live tally, a vote's status); the same URLs answer a whole page without it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Role, User
from cases import policy
from cases import selectors as case_selectors
from panel import forms as panel_forms
from panel import rules, selectors, services
from panel.models import AgendaItem, Meeting

SECTION_KEYS = {key for key, _label in selectors.BUNDLE_SECTIONS}


def _allowed(request, action: str) -> None:
    if not policy.role_may(request.user, action):
        raise Http404


def _htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _apply(form, error) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


def _chair_seat(request, meeting: Meeting, action: str = "chair_meeting"):
    _allowed(request, action)
    seat = selectors.seat(user=request.user, panel_id=meeting.panel_id)
    if seat is None or not seat.is_chair:
        raise Http404
    return seat


def _own_council_panel(request, panel) -> None:
    council = policy.council_of(request.user)
    if council is None or council.pk != panel.council_id:
        raise Http404


def _form_page(request, *, form, template, context, save, done, status=200):
    if request.method == "POST" and form.is_valid():
        try:
            result = save(form.cleaned_data)
        except services.ServiceError as error:
            _apply(form, error)
        else:
            message, target = done(result)
            messages.success(request, message)
            return redirect(target)
    return render(request, template, {"form": form, **context}, status=400 if form.errors else status)


# --- home and meetings ------------------------------------------------------------------------------------------


@login_required
@require_GET
def home(request):
    _allowed(request, "view_panel")
    upcoming, past = selectors.upcoming_and_recent(user=request.user)
    panel = selectors.panels_for(user=request.user).first()
    seat = selectors.seat(user=request.user, panel_id=panel.pk) if panel else None
    return render(
        request,
        "panel/home.html",
        {
            "panel": panel,
            "seat": seat,
            "upcoming": upcoming,
            "past": past,
            "may_manage": policy.role_may(request.user, "manage_panel"),
        },
    )


@login_required
@require_GET
def meeting(request, meeting_id: int):
    _allowed(request, "view_panel")
    found = selectors.meeting_for(user=request.user, meeting_id=meeting_id)
    seat = selectors.seat(user=request.user, panel_id=found.panel_id)
    parts = selectors.agenda(meeting=found, user=request.user, seat_row=seat)
    attendance = None
    if seat is not None:
        attendance = found.attendance.filter(member=seat).first()
    return render(
        request,
        "panel/meeting.html",
        {
            "meeting": found,
            "seat": seat,
            "attendance": attendance,
            "bundle_open": seat is not None and selectors.bundle_open(found),
            "may_manage_agenda": policy.role_may(request.user, "manage_agenda")
            and found.status == "scheduled",
            "may_manage_panel": policy.role_may(request.user, "manage_panel") and found.status == "scheduled",
            **parts,
        },
    )


@login_required
@require_POST
def attendance(request, meeting_id: int):
    _allowed(request, "take_part_in_panel")
    found = selectors.meeting_for(user=request.user, meeting_id=meeting_id)
    form = panel_forms.AttendanceForm(request.POST)
    if form.is_valid():
        try:
            services.reply_attendance(meeting=found, reply=form.cleaned_data["reply"], by=request.user)
        except policy.NotAllowed:
            raise Http404 from None
        messages.success(request, _("Thank you: your reply is recorded."))
    else:
        messages.error(request, _("Select whether you will attend"))
    return redirect("panel:meeting", meeting_id=found.pk)


@login_required
@require_http_methods(["GET", "POST"])
def presence(request, meeting_id: int):
    found = selectors.meeting_for(user=request.user, meeting_id=meeting_id)
    _chair_seat(request, found)
    rows = selectors.attendance_of(meeting=found)
    members = [m for m, _a in rows]
    form = panel_forms.PresenceForm(
        request.POST or None,
        members=members,
        initial={
            "present": [str(m.pk) for m, a in rows if a is not None and (a.present or a.reply == "attending")]
        },
    )
    return _form_page(
        request,
        form=form,
        template="panel/presence.html",
        context={"meeting": found, "rows": rows},
        save=lambda data: services.record_presence(meeting=found, present=data["present"], by=request.user),
        done=lambda _r: (_("Who is present is recorded."), reverse("panel:meeting", args=[found.pk])),
    )


@login_required
@require_GET
def reads(request, meeting_id: int):
    found = selectors.meeting_for(user=request.user, meeting_id=meeting_id)
    _chair_seat(request, found)
    return render(request, "panel/reads.html", {"meeting": found, **selectors.read_tracker(meeting=found)})


@login_required
@require_POST
def end_meeting(request, meeting_id: int):
    found = selectors.meeting_for(user=request.user, meeting_id=meeting_id)
    _chair_seat(request, found)
    try:
        services.end_meeting(meeting=found, by=request.user)
    except services.ServiceError as error:
        messages.error(request, error.message)
        return redirect("panel:meeting", meeting_id=found.pk)
    messages.success(request, _("The meeting has ended. The minutes are being prepared from the decisions."))
    return redirect("panel:minutes", meeting_id=found.pk)


@login_required
@require_http_methods(["GET", "POST"])
def minutes(request, meeting_id: int):
    _allowed(request, "view_minutes")
    found = selectors.meeting_for(user=request.user, meeting_id=meeting_id)
    seat = selectors.seat(user=request.user, panel_id=found.panel_id)
    is_chair = seat is not None and seat.is_chair and policy.role_may(request.user, "chair_meeting")
    error = None
    if request.method == "POST":
        if not is_chair:
            raise Http404
        try:
            services.approve_minutes(meeting=found, by=request.user)
        except services.ServiceError as refused:
            error = refused.message
        else:
            messages.success(request, _("The minutes are approved and kept with the meeting."))
            return redirect("panel:minutes", meeting_id=found.pk)
    found.refresh_from_db()
    context = selectors.minutes_context(meeting=found)
    return render(
        request,
        "panel/minutes.html",
        {**context, "meeting": found, "is_chair": is_chair, "error": error},
        status=400 if error else 200,
    )


@login_required
@require_GET
def minutes_pdf(request, meeting_id: int):
    _allowed(request, "view_minutes")
    found = selectors.meeting_for(user=request.user, meeting_id=meeting_id)
    if not found.minutes_pdf:
        raise Http404
    response = FileResponse(
        found.minutes_pdf.open("rb"), as_attachment=True, filename=found.minutes_pdf.name.rsplit("/", 1)[-1]
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- the bundle -------------------------------------------------------------------------------------------------


def _section(request) -> str:
    section = request.GET.get("section") or "question"
    return section if section in SECTION_KEYS else "question"


@login_required
@require_GET
def bundle(request, item_id: int):
    item, seat = selectors.item_for_bundle(user=request.user, item_id=item_id)
    services.record_bundle_read(item=item, by=request.user, path=request.get_full_path())
    context = selectors.bundle(item=item, user=request.user, member=seat, section=_section(request))
    previous, following = selectors.neighbours(item=item, member=seat)
    context.update(seat=seat, previous=previous, following=following, note_form=panel_forms.NoteForm())
    if _htmx(request):
        return render(request, "panel/_bundle_section.html", context)
    return render(request, "panel/bundle.html", context)


@login_required
@require_GET
def document(request, item_id: int, document_id: int):
    item, _seat = selectors.item_for_bundle(user=request.user, item_id=item_id)
    found = selectors.advice_document(item=item, document_id=document_id)
    services.record_bundle_read(item=item, by=request.user, path=request.path)
    response = FileResponse(
        found.file.open("rb"), as_attachment=True, filename=found.name, content_type=found.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def note(request, item_id: int):
    item, seat = selectors.item_for_bundle(user=request.user, item_id=item_id)
    form = panel_forms.NoteForm(request.POST)
    if form.is_valid():
        try:
            services.add_note(
                item=item,
                text=form.cleaned_data["text"],
                is_question=form.cleaned_data["is_question"],
                by=request.user,
            )
        except services.ServiceError as error:
            _apply(form, error)
    if _htmx(request) or form.errors:
        context = selectors.bundle(item=item, user=request.user, member=seat, section="notes")
        previous, following = selectors.neighbours(item=item, member=seat)
        context.update(
            seat=seat,
            previous=previous,
            following=following,
            note_form=form if form.errors else panel_forms.NoteForm(),
        )
        template = "panel/_bundle_section.html" if _htmx(request) else "panel/bundle.html"
        return render(request, template, context, status=400 if form.errors else 200)
    messages.success(request, _("Your note is saved. The chair can read it."))
    return redirect(reverse("panel:bundle", args=[item.pk]) + "?section=notes")


@login_required
@require_http_methods(["GET", "POST"])
def conflict(request, item_id: int):
    _allowed(request, "take_part_in_panel")
    item, _seat = selectors.item_for_member(user=request.user, item_id=item_id)
    return _form_page(
        request,
        form=panel_forms.ConflictForm(request.POST or None),
        template="panel/conflict.html",
        context={"item": item},
        save=lambda data: services.declare_conflict(item=item, reason=data["reason"], by=request.user),
        done=lambda _r: (
            _("Your conflict is recorded. You will not receive this case's papers or vote on it."),
            reverse("panel:meeting", args=[item.meeting_id]),
        ),
    )


# --- voting -----------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def vote(request, item_id: int):
    _allowed(request, "vote")
    item, seat = selectors.item_for_member(user=request.user, item_id=item_id)
    if not item.is_on_agenda:
        raise Http404
    bands = (
        selectors.band_choices(council_id=item.case.council_id) if item.question in ("issue", "band") else []
    )
    current = selectors.vote_of(item=item, member=seat)
    initial = {"choice": current.choice, "band": current.band, "comment": current.comment} if current else {}
    form = panel_forms.VoteForm(request.POST or None, bands=bands, initial=initial)
    result = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                result = services.cast_vote(
                    item=item,
                    choice=form.cleaned_data["choice"],
                    band=form.cleaned_data.get("band", ""),
                    comment=form.cleaned_data["comment"],
                    by=request.user,
                )
            except policy.NotAllowed:
                raise Http404 from None
            except services.ServiceError as error:
                _apply(form, error)
                # 409: the vote was understood but cannot count now (voting closed); the page says so.
                status = 409
            else:
                current = result.vote
        if form.errors and status == 200:
            status = 400
    context = {
        "item": item,
        "case": item.case,
        "seat": seat,
        "form": form,
        "vote": current,
        "result": result,
        "question": rules.QUESTION_LABELS[rules.Question(item.question)],
    }
    if _htmx(request):
        return render(request, "panel/_vote_status.html", context, status=status)
    if result is not None:
        messages.success(request, _("Your vote is counted."))
        return redirect("panel:vote", item_id=item.pk)
    return render(request, "panel/vote.html", context, status=status)


def _chair_item(request, item_id: int):
    item = selectors.item_for(user=request.user, item_id=item_id)
    seat = _chair_seat(request, item.meeting)
    if selectors.is_conflicted(member=seat, case_id=item.case_id):
        raise Http404
    return item, seat


@login_required
@require_GET
def chair_item(request, item_id: int):
    item, seat = _chair_item(request, item_id)
    context = {
        "item": item,
        "case": item.case,
        "question": rules.QUESTION_LABELS[rules.Question(item.question)],
        "quorum": selectors.quorum_for(item=item),
        "decision": selectors.current_decision(item=item),
        **selectors.live_tally(item=item),
    }
    if _htmx(request):
        return render(request, "panel/_tally.html", context)
    return render(request, "panel/chair_item.html", context)


@login_required
@require_POST
def open_vote(request, item_id: int):
    item, _seat = _chair_item(request, item_id)
    try:
        services.open_vote(item=item, by=request.user)
    except services.ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Voting is open. Members can vote now."))
    return redirect("panel:chair_item", item_id=item.pk)


@login_required
@require_POST
def close_vote(request, item_id: int):
    item, _seat = _chair_item(request, item_id)
    services.close_vote(item=item, by=request.user)
    messages.success(request, _("Voting is closed. Record the decision."))
    return redirect("panel:chair_item", item_id=item.pk)


@login_required
@require_http_methods(["GET", "POST"])
def decide(request, item_id: int):
    _allowed(request, "record_panel_decision")
    item, _seat = _chair_item(request, item_id)
    current = selectors.current_decision(item=item)
    bands = (
        selectors.band_choices(council_id=item.case.council_id) if item.question in ("issue", "band") else []
    )
    live = selectors.live_tally(item=item)
    suggested, suggested_amount = selectors.suggested_band(case=item.case)
    initial = {"version": item.version, "outcome": live["majority"] or "", "band": suggested}
    if current is not None:
        initial.update(
            outcome=current.outcome, reasons=current.reasons, conditions=current.conditions, band=current.band
        )
    form = panel_forms.DecisionForm(
        request.POST or None, bands=bands, correcting=current is not None, initial=initial
    )

    def save(data):
        if current is None and data["version"] != item.version:
            raise services.StaleVersion(
                "The item changed while you were writing: check the votes and try again"
            )
        return services.record_decision(
            item=item,
            values=services.DecisionInput(
                outcome=data["outcome"],
                reasons=data["reasons"],
                conditions=data["conditions"],
                band=data.get("band", ""),
            ),
            by=request.user,
            corrects=current,
            correction_reason=data.get("correction_reason", ""),
        )

    return _form_page(
        request,
        form=form,
        template="panel/decide.html",
        context={
            "item": item,
            "case": item.case,
            "current": current,
            "question": rules.QUESTION_LABELS[rules.Question(item.question)],
            "quorum": selectors.quorum_for(item=item),
            "suggested": suggested,
            "suggested_amount": suggested_amount,
            "mode": item.meeting.panel.get_mode_display(),
            **live,
        },
        save=save,
        done=lambda _d: (
            _("The decision is recorded. The case has moved on and the family's letter is on its way."),
            reverse("panel:meeting", args=[item.meeting_id]),
        ),
    )


# --- coordinators: the agenda -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def withdraw_item(request, item_id: int):
    _allowed(request, "manage_agenda")
    item = selectors.item_for(user=request.user, item_id=item_id)
    if item.status not in (AgendaItem.Status.LISTED, AgendaItem.Status.HELD):
        raise Http404
    return _form_page(
        request,
        form=panel_forms.ReasonForm(request.POST or None),
        template="panel/withdraw.html",
        context={"item": item},
        save=lambda data: services.withdraw_from_agenda(item=item, reason=data["reason"], by=request.user),
        done=lambda _r: (
            _("The case is withdrawn from the agenda."),
            reverse("panel:meeting", args=[item.meeting_id]),
        ),
    )


@login_required
@require_GET
def case_status(request, reference: str):
    """Where a case is with the panel: loaded into the case page by htmx, or a page of its own without it."""
    case = case_selectors.get_case_for(user=request.user, reference=reference)
    if not policy.can(request.user, "view_panel_status", case, known_in_scope=True):
        raise Http404
    context = {"status": selectors.case_status(case, request.user), "case": case}
    template = "panel/_case_status.html" if _htmx(request) else "panel/case_status.html"
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def add_to_agenda(request, reference: str):
    _allowed(request, "manage_agenda")
    case = case_selectors.get_case_for(user=request.user, reference=reference)
    panel = selectors.panel_of_council(council_id=case.council_id)
    if panel is None or not case.is_open:
        raise Http404
    meetings = list(
        Meeting.objects.filter(
            panel=panel,
            kind=Meeting.Kind.MEETING,
            status=Meeting.Status.SCHEDULED,
            held_on__gte=case_selectors.today(),
        ).order_by("held_on")[:8]
    )
    form = panel_forms.AddToAgendaForm(request.POST or None, meetings=meetings, questions=panel.questions)
    by_pk = {m.pk: m for m in meetings}
    return _form_page(
        request,
        form=form,
        template="panel/add_to_agenda.html",
        context={"case": case, "meetings": meetings},
        save=lambda data: services.add_to_agenda(
            meeting=by_pk[data["meeting"]],
            case=case,
            question=data["question"],
            reason=data["reason"],
            by=request.user,
        ),
        done=lambda item: (
            _("%(ref)s is on the agenda for %(date)s.")
            % {"ref": case.reference, "date": f"{item.meeting.held_on:%-d %B %Y}"},
            reverse("cases:detail", args=[case.reference]),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def digital_vote(request, reference: str):
    _allowed(request, "start_digital_vote")
    case = case_selectors.get_case_for(user=request.user, reference=reference)
    panel = selectors.panel_of_council(council_id=case.council_id)
    if panel is None or not case.is_open:
        raise Http404
    form = panel_forms.DigitalVoteForm(request.POST or None, questions=panel.questions)
    return _form_page(
        request,
        form=form,
        template="panel/digital_vote.html",
        context={"case": case},
        save=lambda data: services.start_digital_vote(
            panel=panel, case=case, question=data["question"], closes_at=form.closing(), by=request.user
        ),
        done=lambda _item: (
            _("The panel has been asked to vote. You will see the result on the case."),
            reverse("cases:detail", args=[case.reference]),
        ),
    )


# --- configuration ----------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def configure(request):
    _allowed(request, "manage_panel")
    council = policy.council_of(request.user)
    panel = selectors.panel_of_council(council_id=council.pk)
    initial = {
        "name": _("SEND decision panel"),
        "questions": [rules.Question.ASSESS.value, rules.Question.ISSUE.value],
        "mode": rules.Mode.CHAIR.value,
        "quorum_members": 3,
        "papers_working_days": 5,
        "first_meeting_on": case_selectors.today(),
        "every_weeks": 1,
        "starts_at": "10:00",
        "item_minutes": 15,
    }
    if panel is not None:
        initial = {
            **{name: getattr(panel, name) for name in services.PanelSettings.__dataclass_fields__},
            "version": panel.version,
            **{
                field: (panel.quorum_agencies or {}).get(agency, 0)
                for field, agency in panel_forms.PanelSettingsForm.AGENCY_FIELDS.items()
            },
        }
    form = panel_forms.PanelSettingsForm(request.POST or None, initial=initial)

    def save(data):
        values = services.PanelSettings(
            name=data["name"],
            questions=data["questions"],
            decides_for_council=data["decides_for_council"],
            mode=data["mode"],
            quorum_members=data["quorum_members"],
            quorum_agencies=form.agencies(),
            papers_working_days=data["papers_working_days"],
            first_meeting_on=data["first_meeting_on"],
            every_weeks=data["every_weeks"],
            starts_at=data["starts_at"],
            item_minutes=data["item_minutes"],
        )
        saved = services.configure_panel(
            council=council, values=values, by=request.user, expected_version=data.get("version")
        )
        services.schedule_meetings(panel=saved, by=request.user)
        return saved

    members = selectors.members_of(panel=panel) if panel else []
    return _form_page(
        request,
        form=form,
        template="panel/configure.html",
        context={"panel": panel, "members": members},
        save=save,
        done=lambda _p: (_("The panel's settings are saved."), reverse("panel:configure")),
    )


@login_required
@require_http_methods(["GET", "POST"])
def add_member(request):
    _allowed(request, "manage_panel")
    council = policy.council_of(request.user)
    panel = selectors.panel_of_council(council_id=council.pk)
    if panel is None:
        raise Http404
    seated = {m.user_id for m in selectors.members_of(panel=panel)}
    people = [
        p
        for p in User.objects.filter(role=Role.PANEL_MEMBER, is_active=True, organisation__in=[council.pk])
        .only("id", "full_name")
        .order_by("full_name")
        if p.pk not in seated
    ]
    form = panel_forms.MemberForm(request.POST or None, people=people)
    by_pk = {p.pk: p for p in people}
    return _form_page(
        request,
        form=form,
        template="panel/add_member.html",
        context={"panel": panel},
        save=lambda data: services.add_member(
            panel=panel,
            user=by_pk[data["user"]],
            agency=data["agency"],
            is_chair=data["is_chair"],
            by=request.user,
        ),
        done=lambda member: (
            _("%(name)s now sits on the panel.") % {"name": member.user.full_name},
            reverse("panel:configure"),
        ),
    )


@login_required
@require_POST
def member_action(request, member_id: int, action: str):
    _allowed(request, "manage_panel")
    council = policy.council_of(request.user)
    panel = selectors.panel_of_council(council_id=council.pk)
    member = (
        next((m for m in selectors.members_of(panel=panel) if m.pk == member_id), None) if panel else None
    )
    if member is None or action not in ("chair", "end"):
        raise Http404
    if action == "chair":
        services.make_chair(member=member, by=request.user)
        messages.success(request, _("%(name)s is now the chair.") % {"name": member.user.full_name})
    else:
        services.end_membership(member=member, by=request.user)
        messages.success(request, _("%(name)s has left the panel.") % {"name": member.user.full_name})
    return redirect("panel:configure")


@login_required
@require_http_methods(["GET", "POST"])
def add_meeting(request):
    _allowed(request, "manage_panel")
    council = policy.council_of(request.user)
    panel = selectors.panel_of_council(council_id=council.pk)
    if panel is None:
        raise Http404
    return _form_page(
        request,
        form=panel_forms.MeetingForm(request.POST or None),
        template="panel/add_meeting.html",
        context={"panel": panel},
        save=lambda data: services.add_meeting(panel=panel, held_on=data["held_on"], by=request.user),
        done=lambda found: (
            _("A meeting is added on %(date)s.") % {"date": f"{found.held_on:%-d %B %Y}"},
            reverse("panel:meeting", args=[found.pk]),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def cancel_meeting(request, meeting_id: int):
    _allowed(request, "manage_panel")
    found = selectors.meeting_for(user=request.user, meeting_id=meeting_id)
    _own_council_panel(request, found.panel)
    if found.status != Meeting.Status.SCHEDULED:
        raise Http404
    return _form_page(
        request,
        form=panel_forms.ReasonForm(request.POST or None),
        template="panel/cancel_meeting.html",
        context={"meeting": found},
        save=lambda data: services.cancel_meeting(meeting=found, reason=data["reason"], by=request.user),
        done=lambda _m: (
            _("The meeting is cancelled. Its cases are on the next meeting's agenda."),
            reverse("panel:home"),
        ),
    )
