"""The tracker from plain facts, with worked dates: what a family reads at each point of the journey."""

from datetime import date

from cases import statutory
from portal.tracker import AdviceFact, DeadlineFact, ExceptionFact, Facts, Key, State, build

RECEIVED = date(2026, 1, 5)
DECIDE_BY = date(2026, 2, 16)  # 6 weeks
ISSUE_DECISION_BY = date(2026, 4, 27)  # 16 weeks
FINAL_BY = date(2026, 5, 25)  # 20 weeks


def rows(*extra, decided_on=None, final_on=None, issue_decided_on=None):
    status = statutory.DeadlineStatus
    return (
        DeadlineFact("assessment_decision", DECIDE_BY, status.MET if decided_on else status.OPEN, decided_on),
        DeadlineFact("issue_decision", ISSUE_DECISION_BY, status.OPEN, issue_decided_on),
        DeadlineFact("final_plan", FINAL_BY, status.MET if final_on else status.OPEN, final_on),
        *extra,
    )


def facts(**kwargs) -> Facts:
    base = {
        "stage": "request_received",
        "received_on": RECEIVED,
        "today": date(2026, 1, 20),
        "coordinator": "Laura Hughes",
    }
    return Facts(**(base | {"deadlines": rows()} | kwargs))


def texts(lines):
    return [line.text % line.values for line in lines]


def test_a_new_request_shows_when_the_council_must_decide_and_who_decides():
    tracker = build(facts())
    assert [s.key for s in tracker.steps] == list(Key)
    assert tracker.step(Key.REQUEST).state == State.DONE
    assert tracker.step(Key.REQUEST).happened[0].values == {"date": RECEIVED}
    decision = tracker.step(Key.ASSESSMENT_DECISION)
    assert decision.state == State.NOW
    assert decision.due_on == DECIDE_BY
    assert decision.who.values == {"name": "Laura Hughes"}
    assert tracker.current is decision
    assert tracker.step(Key.FINAL_PLAN).due_on == FINAL_BY
    assert tracker.step(Key.FINAL_PLAN).state == State.LATER


def test_a_late_decision_says_so_and_what_the_council_is_doing():
    step = build(facts(today=date(2026, 2, 20), deadlines=rows())).step(Key.ASSESSMENT_DECISION)
    assert step.state == State.LATE
    assert step.late.values["due"] == DECIDE_BY
    assert "This is late" in step.late.text
    assert "reminded" in step.late.text


def test_with_nobody_allocated_the_sen_team_is_responsible():
    step = build(facts(coordinator="")).step(Key.ASSESSMENT_DECISION)
    assert step.who.text == "The council's SEN team"


def test_a_decision_made_late_is_shown_as_late_when_done():
    done_on = date(2026, 2, 20)
    step = build(
        facts(
            stage="assessing",
            today=date(2026, 3, 1),
            assessment_decided_on=done_on,
            assessment_agreed=True,
            deadlines=rows(decided_on=done_on),
        )
    ).step(Key.ASSESSMENT_DECISION)
    assert step.state == State.DONE
    assert texts(step.happened) == [
        f"On {done_on} the council decided to assess.",
        f"This was late: it was due on {DECIDE_BY} and happened on {done_on}.",
    ]


def test_advice_lists_each_request_replied_or_not_and_is_late_honestly():
    asked = date(2026, 2, 2)
    due = date(2026, 3, 16)
    advice_rows = (
        DeadlineFact("advice", due, "met", date(2026, 3, 1), ref="A1"),
        DeadlineFact("advice", due, "missed", None, ref="A2"),
    )
    step = build(
        facts(
            stage="assessing",
            today=date(2026, 3, 20),
            assessment_decided_on=date(2026, 2, 2),
            assessment_agreed=True,
            deadlines=rows(*advice_rows, decided_on=date(2026, 2, 2)),
            advice=(
                AdviceFact("A1", "School", asked, replied_on=date(2026, 3, 1)),
                AdviceFact("A2", "Educational psychology service", asked),
            ),
        )
    ).step(Key.ADVICE)
    assert step.state == State.LATE
    assert texts(step.items) == [
        "School: replied on 2026-03-01.",
        "Educational psychology service: asked on 2026-02-02. Late: it was due on 2026-03-16.",
    ]
    assert step.late.values == {"due": due}


def test_a_lawful_exception_is_explained_in_plain_words():
    step = build(
        facts(
            today=date(2026, 2, 20),
            exceptions=(ExceptionFact("absent_from_area", date(2026, 1, 10), date(2026, 2, 20)),),
            deadlines=(
                DeadlineFact("assessment_decision", DECIDE_BY, "excused"),
                *rows()[1:],
            ),
        )
    ).step(Key.ASSESSMENT_DECISION)
    assert step.exception is not None
    assert step.exception.values["reason"].text == "the family was away from the area for 4 weeks or more"
    assert step.exception.values["from"] == date(2026, 1, 10)
    assert "does not change" in step.exception.text


def test_an_exception_the_law_does_not_allow_for_that_limit_is_not_shown():
    step = build(facts(exceptions=(ExceptionFact("missed_appointment", date(2026, 1, 10), None),))).step(
        Key.ASSESSMENT_DECISION
    )
    assert step.exception is None


def test_the_draft_gives_the_family_15_days_beginning_with_the_day_served():
    served = date(2026, 4, 20)
    tracker = build(
        facts(
            stage="draft_plan",
            today=date(2026, 4, 25),
            assessment_decided_on=date(2026, 2, 2),
            assessment_agreed=True,
            issue_decided_on=date(2026, 4, 13),
            plan_to_be_issued=True,
            panel_on=date(2026, 4, 8),
            draft_served_on=served,
            deadlines=rows(
                DeadlineFact("draft_response", date(2026, 5, 4), "open", None),
                decided_on=date(2026, 2, 2),
                issue_decided_on=date(2026, 4, 13),
            ),
        )
    )
    window = tracker.step(Key.YOUR_15_DAYS)
    assert window.state == State.NOW
    assert window.due_on == date(2026, 5, 4) == statutory.draft_comments_close_on(served)
    assert window.who.text == "You"
    assert tracker.current is window
    assert tracker.step(Key.DRAFT).state == State.DONE
    panel = tracker.step(Key.PANEL)
    assert texts(panel.happened) == [
        "The panel met on 2026-04-08.",
        "On 2026-04-13 the council decided to make a plan.",
    ]
    assert tracker.step(Key.FINAL_PLAN).state == State.NOW
    assert tracker.step(Key.FINAL_PLAN).due_on == FINAL_BY


def test_after_the_window_closes_the_family_reads_when_it_ended():
    step = build(
        facts(
            stage="draft_plan",
            today=date(2026, 5, 10),
            draft_served_on=date(2026, 4, 20),
            plan_to_be_issued=True,
        )
    ).step(Key.YOUR_15_DAYS)
    assert step.state == State.DONE
    assert texts(step.happened) == ["Your 15 days ended on 2026-05-04."]


def test_not_assessed_ends_the_journey_and_points_to_the_rights():
    tracker = build(
        facts(
            stage="not_assessed",
            today=date(2026, 2, 10),
            assessment_decided_on=date(2026, 2, 9),
            assessment_agreed=False,
            deadlines=rows(decided_on=date(2026, 2, 9))[:1],
        )
    )
    assert "You can appeal" in tracker.step(Key.ASSESSMENT_DECISION).happened[0].text
    for key in (Key.ADVICE, Key.PANEL, Key.DRAFT, Key.YOUR_15_DAYS, Key.FINAL_PLAN, Key.ANNUAL_REVIEW):
        assert tracker.step(key).state == State.NOT_NEEDED
    assert tracker.current is None


def test_once_a_plan_exists_the_annual_review_cycle_is_tracked():
    issued = date(2026, 5, 20)
    tracker = build(
        facts(
            stage="final_issued",
            today=date(2026, 9, 1),
            final_issued_on=issued,
            draft_served_on=date(2026, 4, 20),
            family_responded_on=date(2026, 4, 30),
            plan_to_be_issued=True,
            assessment_agreed=True,
            deadlines=rows(DeadlineFact("annual_review", date(2027, 5, 19), "open"), final_on=issued),
        )
    )
    assert texts(tracker.step(Key.FINAL_PLAN).happened) == [
        "The council issued the final plan on 2026-05-20."
    ]
    review = tracker.step(Key.ANNUAL_REVIEW)
    assert review.state == State.LATER
    assert review.due_on == date(2027, 5, 19)


def test_a_review_meeting_held_leads_to_a_decision_within_4_weeks_and_late_says_so():
    meeting = date(2027, 4, 1)
    tracker = build(
        facts(
            stage="under_review",
            today=date(2027, 5, 10),
            final_issued_on=date(2026, 5, 20),
            draft_served_on=date(2026, 4, 20),
            plan_to_be_issued=True,
            next_review_meeting_on=meeting,
            deadlines=(
                DeadlineFact("review_decision", date(2027, 4, 29), "missed", ref=meeting.isoformat()),
            ),
        )
    )
    review = tracker.step(Key.ANNUAL_REVIEW)
    assert review.state == State.LATE
    assert review.due_on == date(2027, 4, 29)
    assert texts(review.happened) == ["The review meeting was on 2027-04-01."]


def test_a_refusal_gives_the_right_to_appeal_within_2_months():
    from portal.tracker import decisions

    found = decisions(
        facts(stage="not_assessed", assessment_decided_on=date(2026, 2, 9), assessment_agreed=False)
    )
    assert [d.key for d in found] == ["refuse_assessment"]
    assert found[0].appealable
    assert found[0].appeal_by == date(2026, 4, 9)
    assert any("mediation" in line.text for line in found[0].rights)


def test_a_final_plan_can_be_appealed_and_an_agreement_cannot():
    from portal.tracker import decisions

    found = decisions(
        facts(
            assessment_decided_on=date(2026, 2, 9),
            assessment_agreed=True,
            issue_decided_on=date(2026, 4, 13),
            plan_to_be_issued=True,
            final_issued_on=date(2026, 5, 20),
        )
    )
    assert [(d.key, d.appealable) for d in found] == [
        ("issue_final_plan", True),
        ("agree_to_issue", False),
        ("agree_to_assess", False),
    ]
    assert found[0].appeal_by == date(2026, 7, 20)
