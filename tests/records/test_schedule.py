"""The retention schedule's dates, with worked examples (pure: no database)."""

from datetime import date

from records import contributors, schedule
from records.schedule import Basis, CaseFacts, Method, RecordType, Rule

RULES = schedule.DEFAULT_RULES


def test_a_child_who_had_a_plan_is_kept_until_their_31st_birthday():
    due = schedule.due_for(
        rules=RULES,
        date_of_birth=date(2010, 3, 9),
        cases=[CaseFacts(date(2018, 1, 5), plan_issued=False), CaseFacts(date(2030, 7, 1), plan_issued=True)],
    )
    assert due == schedule.Due(RecordType.EHC_PLAN, date(2041, 3, 9))


def test_a_refused_request_is_kept_six_years_after_the_last_case_closed():
    due = schedule.due_for(
        rules=RULES,
        date_of_birth=date(2015, 6, 1),
        cases=[CaseFacts(date(2019, 2, 1), False), CaseFacts(date(2020, 11, 30), False)],
    )
    assert due == schedule.Due(RecordType.NO_PLAN, date(2026, 11, 30))


def test_nothing_is_due_while_a_case_is_open_or_when_there_is_no_case():
    assert (
        schedule.due_for(rules=RULES, date_of_birth=date(1990, 1, 1), cases=[CaseFacts(None, True)]) is None
    )
    assert schedule.due_for(rules=RULES, date_of_birth=date(1990, 1, 1), cases=[]) is None


def test_a_29_february_birthday_falls_on_28_february():
    assert schedule.add_years(date(2012, 2, 29), 31) == date(2043, 2, 28)
    assert schedule.add_years(date(2012, 2, 29), 4) == date(2016, 2, 29)


def test_a_councils_own_rule_replaces_the_default():
    rules = {
        **RULES,
        RecordType.NO_PLAN: Rule(RecordType.NO_PLAN, Basis.BIRTHDAY, 25, Method.DELETE_FILES, ""),
    }
    due = schedule.due_for(
        rules=rules, date_of_birth=date(2015, 6, 1), cases=[CaseFacts(date(2019, 2, 1), False)]
    )
    assert due.due_on == date(2040, 6, 1)


def test_the_defaults_name_their_source():
    assert all(rule.source for rule in RULES.values())
    assert RULES[RecordType.EHC_PLAN].years == 31 and RULES[RecordType.EHC_PLAN].basis == Basis.BIRTHDAY
    assert RULES[RecordType.NO_PLAN].years == 6 and RULES[RecordType.NO_PLAN].basis == Basis.CLOSURE


def test_the_registry_takes_folder_names_only():
    import pytest

    for bad in ("", "a/b", ".hidden"):
        with pytest.raises(ValueError):
            contributors.register(bad, export=lambda child: [])
    keys = [c.key for c in contributors.all_contributors()]
    assert keys[:3] == ["cases", "online_request", "advice"]
