"""Points of complaint (elements): each gets a theme and team when it is made, can be changed,
split or merged until it is answered, and a stage cannot conclude while one has no theme."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from harken.accounts.models import Team
from harken.cases import services
from harken.cases.models import Case, Element, Kind, Theme, TimelineEvent
from harken.core.errors import ApplicationError

from .factories import complaint, respond_all

pytestmark = pytest.mark.django_db

D = dt.date
P = services.ElementInput


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2024, 6, 28, 12, 0, tzinfo=dt.UTC), tick=False):
        yield


def theme(name: str) -> Theme:
    return Theme.objects.get(name=name)


def team(name: str) -> Team:
    return Team.objects.get(name=name)


def points(case: Case) -> list[tuple[int, str, str | None, str | None]]:
    return [
        (e.number, e.summary, e.theme.name if e.theme else None, e.team.name if e.team else None)
        for e in case.elements.select_related("theme", "team").order_by("number")
    ]


def bare_complaint(officer, **extra) -> Case:
    """A stage 1 complaint with no themes, and two points the officer gave no theme."""
    extra.setdefault("teams", [team("Assessment Teams")])
    return services.case_create(
        actor=officer,
        kind=Kind.COMPLAINT,
        channel="phone",
        received_on=D(2024, 6, 3),
        summary="Missed visits",
        procedure_code="children-statutory",
        elements=[P(summary="Missed visits"), P(summary="No reply")],
        **extra,
    )


def test_progressing_a_contact_gives_each_point_the_case_theme_and_team(officer):
    """The default route of an online complaint: the points made when the contact becomes a
    stage 1 complaint take the theme and team the officer set on the case."""
    contact = services.case_create(
        actor=officer,
        kind=Kind.CONTACT,
        channel="web",
        received_on=D(2024, 6, 3),
        summary="Missed visits",
        teams=[team("Assessment Teams")],
        themes=[theme("Communication")],
    )
    case = services.contact_progress(
        case=contact,
        on=D(2024, 6, 5),
        actor=officer,
        elements=[P(summary="Missed visits"), P(summary="Wrong school", theme=theme("Transport"))],
    )
    assert points(case) == [
        (1, "Missed visits", "Communication", "Assessment Teams"),
        (2, "Wrong school", "Transport", "Assessment Teams"),
    ]


def test_a_point_added_later_defaults_to_the_case_first_theme_and_team(officer):
    """With several themes, a point the officer gives none takes the first recorded (the
    report's 'main theme' rule)."""
    case = bare_complaint(
        officer, themes=[theme("Transport"), theme("Communication")], teams=[team("SEND Team")]
    )
    added = services.element_add(case=case, item=P(summary="Late bus"), actor=officer)
    assert (str(added.theme), str(added.team)) == ("Transport", "SEND Team")
    assert points(case)[0][2:] == ("Transport", "SEND Team")


def test_a_stage_cannot_conclude_while_a_point_has_no_theme(officer):
    """The report counts every point under its theme: the response is refused, naming the
    point, until it has one."""
    case = bare_complaint(officer)
    with pytest.raises(ApplicationError) as err:
        respond_all(case, on=D(2024, 6, 14), actor=officer)
    assert err.value.field_errors["themes"] == [
        "Give points 1 and 2 a theme before concluding stage 1: the report counts every point "
        "under its theme."
    ]
    assert case.stages.get().response_sent_on is None
    first, second = case.elements.order_by("number")
    for element in (first, second):
        services.element_update(
            case=case,
            element=element,
            summary=element.summary,
            theme=theme("Communication"),
            team=element.team,
            actor=officer,
        )
    respond_all(case, on=D(2024, 6, 14), actor=officer)
    assert case.stages.get().concluded_on == D(2024, 6, 14)


def test_changing_a_point_is_audited_with_old_and_new_values(officer):
    case = complaint(actor=officer, received_on=D(2024, 6, 3))
    element = case.elements.get(number=1)
    services.element_update(
        case=case,
        element=element,
        summary="Missed two visits",
        theme=theme("Social worker conduct"),
        team=team("Assessment Teams"),
        actor=officer,
    )
    event = TimelineEvent.objects.get(case=case, verb="element_changed")
    assert event.description == "Point 1 changed"
    assert event.changes == {
        "point 1 summary": ["Point 1", "Missed two visits"],
        "point 1 theme": ["Communication", "Social worker conduct"],
    }
    assert event.actor == officer
    # Saved again unchanged: nothing more on the timeline.
    services.element_update(
        case=case,
        element=element,
        summary="Missed two visits",
        theme=theme("Social worker conduct"),
        team=team("Assessment Teams"),
        actor=officer,
    )
    assert TimelineEvent.objects.filter(case=case, verb="element_changed").count() == 1


def test_a_point_answered_at_a_concluded_stage_stays_as_it_was_answered(officer):
    """Once its stage concludes a point keeps its record; at stage 2 a new point is added
    (and that one can be changed)."""
    case = complaint(actor=officer, received_on=D(2024, 6, 3))
    respond_all(case, on=D(2024, 6, 14), actor=officer)
    answered = case.elements.get(number=1)
    with pytest.raises(ApplicationError, match="Stage 1 is concluded"):
        services.element_update(
            case=case,
            element=answered,
            summary="x",
            theme=answered.theme,
            team=answered.team,
            actor=officer,
        )
    services.complaint_escalate(case=case, requested_on=D(2024, 6, 20), actor=officer)
    with pytest.raises(ApplicationError, match="Point 1 was answered at stage 1"):
        services.element_split(
            case=case, element=answered, parts=[P(summary="a"), P(summary="b")], actor=officer
        )
    new = services.element_add(case=case, item=P(summary="Stage 2 point"), actor=officer)
    services.element_update(
        case=case,
        element=new,
        summary="Stage 2 point, reworded",
        theme=None,
        team=None,
        actor=officer,
    )
    assert points(case)[2][1] == "Stage 2 point, reworded"


def test_splitting_a_point_keeps_its_theme_and_team_for_each_part(officer):
    case = complaint(actor=officer, received_on=D(2024, 6, 3), elements=3)
    second = case.elements.get(number=2)
    parts = services.element_split(
        case=case,
        element=second,
        parts=[
            P(summary="Missed visit in May"),
            P(summary="Missed visit in June"),
            P(summary="Rude on the phone", theme=theme("Attitude or behaviour of staff")),
        ],
        actor=officer,
    )
    assert [p.number for p in parts] == [2, 4, 5]
    assert points(case) == [
        (1, "Point 1", "Communication", "Assessment Teams"),
        (2, "Missed visit in May", "Communication", "Assessment Teams"),
        (3, "Point 3", "Communication", "Assessment Teams"),
        (4, "Missed visit in June", "Communication", "Assessment Teams"),
        (5, "Rude on the phone", "Attitude or behaviour of staff", "Assessment Teams"),
    ]
    event = TimelineEvent.objects.get(case=case, verb="element_split")
    assert event.description == "Point 2 split into points 2, 4 and 5"
    assert event.changes["point 2 summary"] == ["Point 2", "Missed visit in May"]
    assert event.changes["point 5"] == [
        None,
        "Rude on the phone (Attitude or behaviour of staff; Assessment Teams)",
    ]
    with pytest.raises(ApplicationError, match="at least two"):
        services.element_split(case=case, element=second, parts=[P(summary="x")], actor=officer)


def test_merging_points_closes_the_gap_in_their_numbers(officer):
    case = complaint(actor=officer, received_on=D(2024, 6, 3), elements=4)
    two, three = case.elements.filter(number__in=[2, 3]).order_by("number")
    kept = services.element_merge(
        case=case,
        elements=[three, two],
        summary="Missed visits",
        theme=None,
        team=None,
        actor=officer,
    )
    assert kept.pk == two.pk
    assert points(case) == [
        (1, "Point 1", "Communication", "Assessment Teams"),
        (2, "Missed visits", "Communication", "Assessment Teams"),
        (3, "Point 4", "Communication", "Assessment Teams"),
    ]
    assert not Element.objects.filter(pk=three.pk).exists()
    event = TimelineEvent.objects.get(case=case, verb="elements_merged")
    assert event.description == "Points 2 and 3 merged into point 2"
    assert event.changes == {
        "point 2 summary": ["Point 2", "Missed visits"],
        "point 3": ["Point 3 (Communication; Assessment Teams)", None],
        "point 4 number": ["4", "3"],
    }
    with pytest.raises(ApplicationError, match="two or more"):
        services.element_merge(
            case=case, elements=[kept], summary="x", theme=None, team=None, actor=officer
        )


def test_a_point_of_another_case_is_refused(officer):
    case = complaint(actor=officer, received_on=D(2024, 6, 3))
    other = complaint(actor=officer, received_on=D(2024, 6, 3))
    with pytest.raises(ApplicationError, match="not a point of this complaint"):
        services.element_update(
            case=case,
            element=other.elements.get(number=1),
            summary="x",
            theme=None,
            team=None,
            actor=officer,
        )


def test_a_manager_cannot_change_points(officer, manager):
    case = complaint(actor=officer, received_on=D(2024, 6, 3))
    from harken.core.errors import AccessDenied

    with pytest.raises(AccessDenied):
        services.element_update(
            case=case,
            element=case.elements.get(number=1),
            summary="x",
            theme=None,
            team=None,
            actor=manager,
        )
