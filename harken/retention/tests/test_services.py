"""The schedule and holds refuse what they must, keep their history and audit each change."""

from __future__ import annotations

import datetime as dt

import pytest

from harken.cases.models import TimelineEvent
from harken.core.errors import AccessDenied, ApplicationError
from harken.retention import selectors, services
from harken.retention.models import RetentionEvent, RetentionRule

pytestmark = pytest.mark.django_db


def _rule(kind: str = "complaint") -> RetentionRule:
    return RetentionRule.objects.get(kind=kind)


def test_the_shipped_schedule_has_a_rule_for_every_kind_with_its_source():
    rules = {r.kind: r for r in RetentionRule.objects.all()}
    assert set(rules) == {
        "complaint", "contact", "compliment", "representation", "looked_after",
        "sar", "ombudsman", "restriction", "advocacy", "rights", "mail",
        "survey_comment", "pool",
        "home_visit", "drop_in",
    }  # fmt: skip
    assert rules["home_visit"].description == "15 years after closure"
    assert rules["sar"].description == "2 years after closure"
    assert rules["complaint"].description == "6 years after closure"
    assert rules["looked_after"].description == "Until the child's 75th birthday"
    assert all(r.source and r.versions.count() == 1 for r in rules.values())


def test_changing_a_rule_keeps_the_old_version_and_is_audited(admin_user):
    services.rule_update(
        rule=_rule(), basis="closure", years="7", reason="Schedule of 2026", actor=admin_user
    )
    rule = _rule()
    assert (rule.years, rule.version) == (7, 2)
    assert [(v.version, v.years) for v in rule.versions.all()] == [(2, 7), (1, 6)]
    event = RetentionEvent.objects.get(verb="rule_changed")
    assert event.actor == admin_user
    assert event.changes == {"years": ["6", "7"]}


@pytest.mark.parametrize(
    ("basis", "years", "reason", "field", "message"),
    [
        ("closure", "", "why", "years", "Enter the number of years."),
        ("closure", "six", "why", "years", "The number of years must be a whole number."),
        ("closure", "²", "why", "years", "The number of years must be a whole number."),
        ("closure", "0", "why", "years", "The number of years must be between 1 and 120."),
        ("closure", "121", "why", "years", "The number of years must be between 1 and 120."),
        ("never", "6", "why", "basis", "Select what the years are counted from."),
        ("birthday_75", "75", "why", "basis", "Only the rule for looked-after children"),
        ("closure", "7", "  ", "reason", "Enter why the rule is changing."),
        ("closure", "6", "why", "years", "Change the basis or the number of years."),
    ],
)
def test_a_bad_rule_change_is_refused_beside_its_field(
    admin_user, basis, years, reason, field, message
):
    with pytest.raises(ApplicationError) as refused:
        services.rule_update(
            rule=_rule(), basis=basis, years=years, reason=reason, actor=admin_user
        )
    assert refused.value.field_errors[field][0].startswith(message)
    assert _rule().version == 1


@pytest.mark.parametrize("who", ["officer", "manager", "report_viewer", "io_user"])
def test_only_administrators_change_the_schedule_or_holds(request, who, closed_case):
    user = request.getfixturevalue(who)
    with pytest.raises(AccessDenied):
        services.rule_update(rule=_rule(), basis="closure", years="7", reason="x", actor=user)
    with pytest.raises(AccessDenied):
        services.hold_place(case=closed_case, reason="litigation", explanation="x", actor=user)
    with pytest.raises(AccessDenied):
        services.disposal_preview_create(day=dt.date.today(), actor=user)
    assert _rule().version == 1
    assert not closed_case.legal_holds.exists()


def test_a_hold_is_on_the_case_timeline_and_its_explanation_is_not_in_the_audit(
    admin_user, closed_case
):
    hold = services.hold_place(
        case=closed_case,
        reason="litigation",
        explanation="Claim by the family, solicitor's letter 3 March",
        actor=admin_user,
    )
    assert TimelineEvent.objects.filter(case=closed_case, verb="legal_hold_placed").exists()
    event = RetentionEvent.objects.get(verb="hold_placed")
    assert "Claim by the family" not in event.description
    assert closed_case.reference in event.description
    with pytest.raises(ApplicationError) as refused:
        services.hold_release(hold=hold, reason="", actor=admin_user)
    assert "release_reason" in refused.value.field_errors
    services.hold_release(hold=hold, reason="Settled", actor=admin_user)
    with pytest.raises(ApplicationError):
        services.hold_release(hold=hold, reason="Again", actor=admin_user)


@pytest.mark.parametrize(
    ("reason", "explanation", "field"),
    [("", "x", "reason"), ("because", "x", "reason"), ("sar", " ", "explanation")],
)
def test_a_bad_hold_is_refused(admin_user, closed_case, reason, explanation, field):
    with pytest.raises(ApplicationError) as refused:
        services.hold_place(
            case=closed_case, reason=reason, explanation=explanation, actor=admin_user
        )
    assert field in refused.value.field_errors
    assert not closed_case.legal_holds.exists()


def test_a_closed_complaint_is_due_six_years_after_closure(closed_case):
    rule = _rule()
    assert not selectors.due_cases(rule=rule, day=dt.date(2024, 1, 31)).exists()
    assert list(selectors.due_cases(rule=rule, day=dt.date(2024, 2, 1))) == [closed_case]


def test_a_looked_after_childs_case_follows_the_birthday_rule(closed_case, admin_user):
    from harken.cases.models import CaseParty, Person

    child = Person.objects.create(
        first_name="Ava", last_name="Example", date_of_birth=dt.date(2010, 5, 1), looked_after=True
    )
    CaseParty.objects.create(case=closed_case, person=child, role="child")
    assert not selectors.due_cases(rule=_rule(), day=dt.date(2030, 1, 1)).exists()
    looked_after = _rule("looked_after")
    assert not selectors.due_cases(rule=looked_after, day=dt.date(2085, 4, 30)).exists()
    assert selectors.due_cases(rule=looked_after, day=dt.date(2085, 5, 1)).exists()
    services.rule_update(
        rule=looked_after,
        basis="last_entry",
        years="15",
        reason="Council decision",
        actor=admin_user,
    )
    looked_after.refresh_from_db()
    last = TimelineEvent.objects.filter(case=closed_case).order_by("-at").first()
    assert last is not None
    day = selectors.years_before(last.at.date(), -15)
    assert selectors.due_cases(rule=looked_after, day=day).exists()
    assert not selectors.due_cases(rule=looked_after, day=day - dt.timedelta(days=2)).exists()


def test_a_preview_for_a_day_to_come_or_with_nothing_due_is_refused(admin_user, closed_case):
    with pytest.raises(ApplicationError) as refused:
        services.disposal_preview_create(day=dt.date(2017, 1, 1), actor=admin_user)
    assert refused.value.field_errors["due_on"] == [
        "Nothing is due for disposal on 1 January 2017."
    ]
    with pytest.raises(ApplicationError) as refused:
        services.disposal_preview_create(
            day=dt.date.today() + dt.timedelta(days=1), actor=admin_user
        )
    assert "today or in the past" in refused.value.message
    run = services.disposal_preview_create(day=dt.date.today(), actor=admin_user)
    assert run.total == 1
    with pytest.raises(ApplicationError):
        services.disposal_preview_create(day=dt.date.today(), actor=admin_user)
