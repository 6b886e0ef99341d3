"""The public form's note on late complaints reads the procedure's own time limit, the one
the services check when the case is made: a council's procedure with another limit changes
when the note is shown and what it says."""

from __future__ import annotations

import datetime as dt

import pytest

from harken.accounts.models import Team
from harken.cases.models import Case
from harken.intake import journeys
from harken.procedures.definitions import CHILDREN_STATUTORY
from harken.procedures.services import procedure_version_create

from .conftest import complaint_pages, date_parts

pytestmark = pytest.mark.django_db


def council_limit(months: int | None, code: str = "children-statutory") -> None:
    """A new version of the procedure, as a council's administrator would add it."""
    definition = CHILDREN_STATUTORY.to_dict()
    definition["time_limit_months"] = months
    if code != definition["code"]:
        definition["code"] = code
        definition["name"] = "Our own procedure"
    procedure_version_create(definition=definition, actor=None)


def late_page(client, walker, happened_on: dt.date):
    """The page after 'When did it happen?', reached as a browser without JavaScript."""
    url = walker("complaint").start()
    for slug, data in complaint_pages().items():
        if slug == "when-did-it-happen":
            break
        url = client.post(url, data)["Location"]
    response = client.post(url, date_parts("happened_on", happened_on))
    return client.get(response["Location"])


def test_a_six_month_limit_shows_the_note_after_seven_months(client, walker, frozen):
    """Seven months ago is within a year, but past a six-month limit: the note says six."""
    council_limit(6)
    page = late_page(client, walker, dt.date(2024, 8, 1))
    html = page.content.decode()
    assert page.request["PATH_INFO"].endswith("/more-than-a-year-ago/")
    assert "It happened more than 6 months ago" in html
    assert "complaints made within 6 months of what happened" in html
    assert "a year" not in html


def test_the_shipped_limit_still_reads_a_year(client, walker, frozen):
    page = late_page(client, walker, dt.date(2023, 6, 1))
    html = page.content.decode()
    assert "<title>It happened more than a year ago" in html
    assert "complaints made within a year of what happened" in html
    # One page heading: the question's label is not a second <h1> (it was, at 320 px too).
    assert html.count("<h1") == 1


@pytest.mark.parametrize(
    ("months", "happened_on"), [(24, dt.date(2023, 6, 1)), (None, dt.date(2010, 1, 4))]
)
def test_no_note_within_a_longer_limit_or_with_none(client, walker, frozen, months, happened_on):
    """Twenty-one months ago is within a two-year limit; a procedure with no limit has no
    note at all; the form goes on to the service question and the case is accepted."""
    council_limit(months)
    page = late_page(client, walker, happened_on)
    assert page.request["PATH_INFO"].endswith("/which-service/")
    walker_pages = complaint_pages(when_did_it_happen=date_parts("happened_on", happened_on))
    w = walker("complaint")
    w.complete(walker_pages)
    assert "more-than-a-year-ago" not in w.visited
    assert Case.objects.get().grounds_arose_on == happened_on


def test_the_chosen_teams_procedure_decides(frozen):
    """Once a team is chosen, its procedure's limit is the one that counts."""
    council_limit(3, code="our-own")
    team = Team.objects.get(name="Fostering Team")
    team.default_procedure_code = "our-own"
    team.save()
    answers = {"happened_on": "2024-11-01"}  # four months before 12 March 2025
    assert not journeys.past_the_time_limit(answers)
    assert journeys.past_the_time_limit({**answers, "team": str(team.pk)})
    assert journeys.late_context({**answers, "team": str(team.pk)})["title"] == (
        "It happened more than 3 months ago"
    )


@pytest.mark.parametrize(
    ("months", "words"), [(12, "a year"), (24, "2 years"), (1, "a month"), (18, "18 months")]
)
def test_the_limit_in_words(months, words):
    assert journeys.limit_words(months) == words


def test_a_question_page_reads_the_time_limit_once(client, walker):
    """Whether the late page applies is asked of every page's answers several times a
    request; the procedure's time limit is read once a request, however often it is asked."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = walker("complaint").start()
    for slug, data in complaint_pages(
        when_did_it_happen=date_parts("happened_on", dt.date.today() - dt.timedelta(days=30))
    ).items():
        if slug == "which-service":
            break
        if url.endswith(f"/{slug}/"):  # pages that do not apply are not shown
            url = client.post(url, data)["Location"]
    assert url.endswith("/which-service/")
    for method in ("get", "post"):
        with CaptureQueriesContext(connection) as queries:
            response = getattr(client, method)(url, *([{"team": "not_sure"}] * (method == "post")))
        assert response.status_code in (200, 302)
        reads = [q for q in queries.captured_queries if "procedures_procedureversion" in q["sql"]]
        assert len(reads) <= 1, method
