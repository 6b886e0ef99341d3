"""Changing, splitting and merging points of complaint through the case page."""

from __future__ import annotations

import datetime as dt

import pytest

from harken.cases.models import Theme, TimelineEvent
from harken.cases.tests.factories import respond_all

from .test_actions import act, done

pytestmark = pytest.mark.django_db

D = dt.date


def page(client, case) -> str:
    return client.get(f"/staff/cases/{case.reference}/points/").content.decode()


def test_a_point_is_changed_from_its_change_link(officer, sign_in, case):
    client = sign_in(officer)
    point = case.elements.get(number=1)
    link = f"/staff/cases/{case.reference}/change-point/?element={point.pk}"
    assert link.replace("&", "&amp;") in page(client, case)
    form = client.get(link).content.decode()
    assert "Point 1" in form
    privacy = Theme.objects.get(name="Privacy")
    values = {"element": point.pk, "summary": "Shared my address", "theme": privacy.pk, "team": ""}
    done(act(client, case, "change-point", **values), case)
    point.refresh_from_db()
    assert (point.summary, point.theme, point.team) == ("Shared my address", privacy, None)
    assert TimelineEvent.objects.filter(case=case, verb="element_changed").exists()


def test_a_point_is_split_and_points_merged(officer, sign_in, case):
    client = sign_in(officer)
    first = case.elements.get(number=1)
    values = {"element": first.pk, "parts": "Missed May visit\r\nMissed June visit"}
    done(act(client, case, "split-point", **values), case)
    assert list(case.elements.order_by("number").values_list("summary", flat=True)) == [
        "Missed May visit",
        "Point 2",
        "Missed June visit",
    ]
    ids = list(case.elements.filter(number__in=[1, 3]).values_list("pk", flat=True))
    done(act(client, case, "merge-points", elements=ids, summary="Missed visits"), case)
    assert list(case.elements.order_by("number").values_list("summary", flat=True)) == [
        "Missed visits",
        "Point 2",
    ]


def test_answered_points_offer_no_change_and_refuse_one(officer, sign_in, case):
    """After the stage concludes the page offers no change; a change posted anyway is
    refused beside the field, nothing saved."""
    respond_all(case, on=D(2024, 6, 17), actor=officer)
    client = sign_in(officer)
    html = page(client, case)
    assert "/change-point/" not in html
    assert "/merge-points/" not in html
    point = case.elements.get(number=1)
    response = act(client, case, "change-point", element=point.pk, summary="x")
    assert response.status_code == 302  # "does not apply to this case now"
    point.refresh_from_db()
    assert point.summary == "Point 1"


def test_a_response_with_a_point_without_a_theme_is_refused_on_the_page(officer, sign_in, case):
    point = case.elements.get(number=2)
    client = sign_in(officer)
    done(act(client, case, "change-point", element=point.pk, summary="Point 2"), case)
    outcomes = {f"outcome_{e.pk}": "upheld" for e in case.elements.all()}
    response = act(client, case, "respond", on=D(2024, 6, 17), **outcomes)
    assert response.status_code == 200
    assert "Give point 2 a theme before concluding stage 1" in response.content.decode()
    assert case.stages.get().response_sent_on is None


def test_a_manager_may_not_change_points(manager, sign_in, case):
    point = case.elements.get(number=1)
    client = sign_in(manager)
    assert "/change-point/" not in page(client, case)
    response = act(client, case, "change-point", element=point.pk, summary="x")
    assert response.status_code == 403
