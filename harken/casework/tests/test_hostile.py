"""Hostile text and dates on the staff pages: a message beside the field, nothing saved."""

from __future__ import annotations

import datetime as dt

import pytest

from harken.cases.models import Case, SafeguardingConcern

from .test_actions import act
from .test_recording import new_case

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.mark.parametrize("name", ["\u200b", "\u200b\u2060", "\u0301"])
def test_a_name_with_nothing_visible_is_asked_for(officer, sign_in, name):
    response = sign_in(officer).post(
        "/staff/cases/new/",
        new_case(**{"complainant-first_name": name, "complainant-last_name": "\u200d"}),
    )
    assert response.status_code == 200
    assert "Enter the person" in response.content.decode()
    assert Case.objects.count() == 0


def test_a_name_that_turns_the_text_direction_is_refused(officer, sign_in):
    response = sign_in(officer).post(
        "/staff/cases/new/", new_case(**{"complainant-last_name": "\u202edleifhtiW"})
    )
    assert response.status_code == 200
    assert "characters that change the direction of the text" in response.content.decode()
    assert Case.objects.count() == 0


def test_a_safeguarding_concern_dated_before_the_case_is_refused(officer, sign_in, case):
    response = act(
        sign_in(officer),
        case,
        "safeguarding",
        raised_on=D(2000, 6, 27),
        description="Disclosure during the call",
        referred_to="none",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "The date the concern was raised must be on or after the date the case was" in html
    assert SafeguardingConcern.objects.count() == 0
