"""The case page in parts (MOJ sub navigation): each part its own address that works without
JavaScript, the safeguarding concern first on every part, every part's view logged, and the
same refusals on every part."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from harken.cases import services
from harken.cases.models import CaseRead
from harken.casework.actions import ACTIONS_BY_NAME
from harken.casework.views import CASE_TAB_SLUGS

from .test_actions import act, done

pytestmark = pytest.mark.django_db

D = dt.date

PARTS = {
    "": "Summary and deadlines",
    "people/": "People",
    "points/": "Points of complaint and outcomes",
    "stages/": "Stages",
    "documents/": "Documents and letters",
    "timeline/": "Notes and timeline",
}


def test_no_action_has_the_name_of_a_part():
    """A part's address would hide an action of the same name."""
    assert set(CASE_TAB_SLUGS).isdisjoint(ACTIONS_BY_NAME)


@pytest.mark.parametrize(("part", "label"), PARTS.items())
def test_each_part_is_its_own_page_marked_in_the_sub_navigation(
    officer, sign_in, case, part, label
):
    response = sign_in(officer).get(f"/staff/cases/{case.reference}/{part}")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="moj-sub-navigation"' in html
    link = r'<a class="moj-sub-navigation__link" href="([^"]+)" aria-current="page"'
    current = re.findall(link, html)
    assert current == [f"/staff/cases/{case.reference}/{part}"]
    for other in PARTS.values():
        assert f">{other}</a>" in html
    title = re.search(r"<title>(.*?)</title>", html, re.S)
    assert title is not None
    expected = f"{label} \N{EN DASH} {case.reference}" if part else case.reference
    assert title.group(1).startswith(expected)


@pytest.mark.parametrize("part", PARTS)
def test_the_safeguarding_concern_comes_first_on_every_part(officer, sign_in, case, part):
    services.safeguarding_record(
        case=case,
        raised_on=D(2024, 6, 5),
        description="Bruise seen on a visit",
        referred_to="none",
        actor=officer,
    )
    html = sign_in(officer).get(f"/staff/cases/{case.reference}/{part}").content.decode()
    main = html[html.index('id="main-content"') :]
    assert "Safeguarding concern raised 5 June 2024" in main
    assert main.index("Safeguarding concern raised") < main.index("<h1")
    assert main.index("Safeguarding concern raised") < main.index("moj-sub-navigation")


@pytest.mark.parametrize("part", PARTS)
def test_every_parts_view_is_logged_as_a_read(officer, sign_in, case, part):
    client = sign_in(officer)
    client.get(f"/staff/cases/{case.reference}/{part}")
    assert CaseRead.objects.filter(case=case, user=officer, via="web").count() == 1


@pytest.mark.parametrize("part", PARTS)
def test_a_restricted_case_is_refused_on_every_part(officer, admin_user, sign_in, case, part):
    services.case_restrict(case=case, restricted=True, people=[], actor=admin_user)
    response = sign_in(officer).get(f"/staff/cases/{case.reference}/{part}")
    assert response.status_code == 404
    assert not CaseRead.objects.filter(case=case, user=officer).exists()


@pytest.mark.parametrize("part", PARTS)
def test_another_teams_manager_is_refused_on_every_part(other_manager, sign_in, case, part):
    assert sign_in(other_manager).get(f"/staff/cases/{case.reference}/{part}").status_code == 404


def test_each_part_shows_its_own_things(officer, sign_in, case):
    services.note_add(case=case, text="Rang mum back", actor=officer)
    client = sign_in(officer)
    summary = client.get(f"/staff/cases/{case.reference}/").content.decode()
    timeline = client.get(f"/staff/cases/{case.reference}/timeline/").content.decode()
    documents = client.get(f"/staff/cases/{case.reference}/documents/").content.decode()
    assert "Rang mum back" in timeline
    assert "Rang mum back" not in summary
    assert 'class="moj-timeline"' not in summary
    assert "What they said" in summary
    assert "Stage 1 acknowledgement due" in summary  # the deadline is on every part
    assert "Stage 1 acknowledgement due" in timeline
    assert "Documents and letters</h2>" in documents


def test_an_action_lands_on_the_part_that_shows_what_it_changed(officer, sign_in, case):
    client = sign_in(officer)
    done(act(client, case, "note", text="Rang mum back"), case, "timeline/")
    done(act(client, case, "add-element", summary="Missed visit"), case, "points/")
    done(act(client, case, "acknowledge", acknowledged_on=D(2024, 6, 4)), case, "")
