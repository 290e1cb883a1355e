"""The panel's pure rules, with worked examples from councils' terms of reference."""

from datetime import date

from panel import rules
from panel.rules import AgendaEntry, Quorum, Tally


def test_quorum_by_number():
    quorum = Quorum(members=3)
    assert rules.check_quorum(quorum, ["education", "health", "social_care"]).met
    short = rules.check_quorum(quorum, ["education", "health"])
    assert not short.met
    assert short.explanation == "Not quorate: 2 of the 3 members needed are present"


def test_quorum_by_agency_needs_each_agency_named():
    quorum = Quorum(members=3, agencies={"educational_psychology": 1, "health": 1, "social_care": 1})
    assert rules.check_quorum(quorum, ["educational_psychology", "health", "social_care", "education"]).met
    # Enough people, but nobody from health: not quorate, and the page says who is missing.
    result = rules.check_quorum(quorum, ["educational_psychology", "education", "education", "social_care"])
    assert not result.met
    assert result.missing_agencies == ("health",)
    assert result.explanation == "Not quorate: nobody present from health"


def test_quorum_with_two_of_one_agency():
    quorum = Quorum(members=2, agencies={"education": 2})
    assert not rules.check_quorum(quorum, ["education", "health"]).met
    assert rules.check_quorum(quorum, ["education", "education"]).met


def test_tally_counts_each_choice():
    assert rules.tally(["yes", "no", "yes", "abstain"]) == Tally(yes=2, no=1, abstain=1)
    assert rules.tally([]).cast == 0


def test_majority_of_votes_cast_and_the_casting_vote():
    assert rules.majority(Tally(yes=3, no=1)) == "yes"
    assert rules.majority(Tally(yes=1, no=2, abstain=3)) == "no"
    # A tie: the chair's casting vote settles it; without one there is no majority.
    assert rules.majority(Tally(yes=2, no=2), chair_vote="no") == "no"
    assert rules.majority(Tally(yes=2, no=2), chair_vote="yes") == "yes"
    assert rules.majority(Tally(yes=2, no=2), chair_vote="abstain") is None
    assert rules.majority(Tally(abstain=4), chair_vote="yes") is None


def test_reasons_required_when_the_decision_differs_from_the_majority_or_the_band():
    assert not rules.reasons_required(outcome="yes", majority_of_votes="yes")
    assert rules.reasons_required(outcome="yes", majority_of_votes="no")
    assert rules.reasons_required(
        outcome="yes", majority_of_votes="yes", decided_band="C", suggested_band="B"
    )
    assert not rules.reasons_required(
        outcome="yes", majority_of_votes="yes", decided_band="B", suggested_band="B"
    )
    # A refusal always says why: the family can appeal it.
    assert rules.reasons_required(outcome="no", majority_of_votes="no")


def test_papers_close_five_working_days_before_skipping_weekends_and_holidays():
    # Thursday 12 March 2026: five working days before is Thursday 5 March.
    assert rules.papers_deadline(date(2026, 3, 12), 5) == date(2026, 3, 5)
    # A Monday meeting: the Friday before is one working day.
    assert rules.papers_deadline(date(2026, 3, 9), 1) == date(2026, 3, 6)
    # Good Friday and Easter Monday 2026 are not working days.
    holidays = [date(2026, 4, 3), date(2026, 4, 6)]
    assert rules.papers_deadline(date(2026, 4, 9), 5, holidays) == date(2026, 3, 31)


def test_weekly_dates_follow_the_first_meeting():
    first = date(2026, 1, 8)  # a Thursday
    assert rules.weekly_dates(first, after=date(2026, 3, 10), count=2) == [
        date(2026, 3, 12),
        date(2026, 3, 19),
    ]
    assert rules.weekly_dates(first, after=date(2026, 3, 12), count=1) == [date(2026, 3, 12)]
    assert rules.weekly_dates(first, after=date(2026, 3, 10), count=1, every_weeks=2) == [date(2026, 3, 19)]


def test_agenda_is_ordered_by_days_left_then_order_added():
    on = date(2026, 3, 12)
    entries = [
        AgendaEntry(key=1, due_on=date(2026, 4, 1), minutes=15, added_order=1),
        AgendaEntry(key=2, due_on=None, minutes=15, added_order=0),
        AgendaEntry(key=3, due_on=date(2026, 3, 14), minutes=15, added_order=3),
        AgendaEntry(key=4, due_on=date(2026, 4, 1), minutes=15, added_order=0),
    ]
    assert [e.key for e in rules.agenda_order(entries, on=on)] == [3, 4, 1, 2]


def test_time_boxes_run_one_after_another():
    assert rules.time_boxes([15, 20, 10], starts_at_minute=600) == [(600, 615), (615, 635), (635, 645)]


def test_missing_papers_for_a_decision_to_issue():
    assert rules.missing_papers("issue", [("educational", "submitted")]) == [
        "educational psychology advice not received"
    ]
    assert rules.missing_papers("issue", [("psychological", "submitted"), ("medical", "sent")]) == [
        "health advice not received"
    ]
    assert rules.missing_papers("issue", [("psychological", "reused"), ("medical", "withdrawn")]) == []
    # Deciding whether to assess needs the request only.
    assert rules.missing_papers("assess", []) == []
