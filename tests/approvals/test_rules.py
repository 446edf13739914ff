"""Line building (결재선) for each rule shape, and working hours, without the database."""

from dataclasses import dataclass
from datetime import date, datetime

import pytest

from approvals.rules import LineRule, LineRuleError, build_line, working_hours_between


@dataclass(frozen=True)
class P:
    pk: int


APPLICANT, LEAD, CHIEF, DIRECTOR = P(1), P(2), P(3), P(4)
CHAIN = [LEAD, CHIEF, DIRECTOR]


def shape(line):
    return [(s.order, s.kind, s.approver.pk) for s in line]


def test_two_levels_is_lead_review_then_chief_final():
    line = build_line(applicant=APPLICANT, chain=CHAIN, rule=LineRule(levels=2))
    assert shape(line) == [(1, "review", 2), (2, "final", 3)]
    assert not line[-1].delegated_final


def test_one_level_is_lead_final_without_delegation():
    line = build_line(applicant=APPLICANT, chain=CHAIN, rule=LineRule(levels=1))
    assert shape(line) == [(1, "final", 2)]
    assert not line[0].delegated_final


def test_three_levels_climb_to_the_director():
    line = build_line(applicant=APPLICANT, chain=CHAIN, rule=LineRule(levels=3))
    assert shape(line) == [(1, "review", 2), (2, "review", 3), (3, "final", 4)]


def test_delegated_final_at_the_cutoff_stops_at_the_lead():
    rule = LineRule(levels=2, delegated_max_days=5)
    line = build_line(applicant=APPLICANT, chain=CHAIN, rule=rule, span_days=5)
    assert shape(line) == [(1, "final", 2)]
    assert line[0].delegated_final


def test_request_across_the_cutoff_goes_to_the_chief():
    rule = LineRule(levels=2, delegated_max_days=5)
    line = build_line(applicant=APPLICANT, chain=CHAIN, rule=rule, span_days=6)
    assert shape(line) == [(1, "review", 2), (2, "final", 3)]


def test_no_delegation_rule_never_cuts_the_line():
    line = build_line(applicant=APPLICANT, chain=CHAIN, rule=LineRule(levels=2), span_days=1)
    assert shape(line)[-1] == (2, "final", 3)


def test_extra_reviewers_come_first_in_order():
    rule = LineRule(levels=2, allow_extra_reviewers=True)
    line = build_line(applicant=APPLICANT, chain=CHAIN, rule=rule, reviewers=[P(10), P(11)])
    assert shape(line) == [(1, "review", 10), (2, "review", 11), (3, "review", 2), (4, "final", 3)]
    assert line[0].added_by_applicant


def test_cooperators_run_in_parallel_before_the_final_approver():
    rule = LineRule(levels=2, allow_cooperators=True)
    line = build_line(applicant=APPLICANT, chain=CHAIN, rule=rule, cooperators=[P(20), P(21)])
    assert shape(line) == [
        (1, "review", 2),
        (2, "cooperate", 20),
        (2, "cooperate", 21),
        (3, "final", 3),
    ]


def test_additions_the_rules_refuse_raise():
    with pytest.raises(LineRuleError):
        build_line(applicant=APPLICANT, chain=CHAIN, rule=LineRule(), reviewers=[P(10)])
    with pytest.raises(LineRuleError):
        build_line(applicant=APPLICANT, chain=CHAIN, rule=LineRule(), cooperators=[P(10)])


def test_nobody_appears_twice_and_never_the_applicant():
    rule = LineRule(levels=2, allow_extra_reviewers=True, allow_cooperators=True)
    line = build_line(
        applicant=APPLICANT,
        chain=CHAIN,
        rule=rule,
        reviewers=[APPLICANT, LEAD, P(10)],
        cooperators=[P(10), CHIEF],
    )
    assert shape(line) == [(1, "review", 10), (2, "review", 2), (3, "final", 3)]


def test_absent_approver_routes_to_substitute():
    substitute = P(30)
    line = build_line(
        applicant=APPLICANT,
        chain=CHAIN,
        rule=LineRule(levels=2),
        substitute_for=lambda p: substitute if p == LEAD else None,
    )
    assert line[0].approver == substitute
    assert line[0].acting_for == LEAD


def test_no_approver_raises():
    with pytest.raises(LineRuleError):
        build_line(applicant=APPLICANT, chain=[], rule=LineRule())


def test_working_hours_skip_lunch_nights_weekends_and_holidays():
    friday_5pm = datetime(2026, 3, 6, 17, 0)
    monday_10am = datetime(2026, 3, 9, 10, 0)
    assert working_hours_between(friday_5pm, monday_10am) == 2.0
    assert working_hours_between(datetime(2026, 3, 9, 11), datetime(2026, 3, 9, 14)) == 2.0
    holiday = date(2026, 3, 9)
    assert working_hours_between(friday_5pm, monday_10am, lambda d: d == holiday) == 1.0
