"""The report's survey section: response rate and satisfaction by stage and quarter, comments
by theme and what became of them, suppressed in the published edition, in every format."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from harken.core.dates import today
from harken.reports import suppression
from harken.reports.metrics import build_report
from harken.reports.periods import Period
from harken.reports.renderers import FORMATS
from harken.reports.structures import SUPPRESSED

from .. import services
from ..models import Invitation
from .factories import letter_survey

pytestmark = pytest.mark.django_db


def _period() -> Period:
    end = today()
    return Period(end - dt.timedelta(days=364), end)


def _answer(officer, satisfaction: str) -> None:
    case, token = letter_survey(officer)
    invitation = Invitation.objects.get(case=case)
    scale = invitation.survey.questions.filter(kind="scale").first()
    text = invitation.survey.questions.get(kind="text")
    assert scale is not None
    services.survey_answer(token=token, answers={scale.pk: satisfaction, text.pk: "Slow"})


def test_the_survey_tables_count_what_was_sent_and_answered(officer):
    _answer(officer, "5")
    _answer(officer, "2")
    letter_survey(officer)  # sent, not answered
    report = build_report(_period())
    by_id = {t.id: t for t in report.tables}
    rate = by_id["survey-response-rate"]
    assert rate.section == "surveys"
    stage1 = rate.row("stage1")
    assert (stage1.get("sent"), stage1.get("answered"), stage1.get("satisfied")) == (3, 2, 1)
    assert str(stage1.get("rate")) == "67"
    satisfaction = by_id["survey-satisfaction"]
    assert satisfaction.row("answered").get("total") == 2
    assert satisfaction.row("satisfied").get("total") == 1
    comments = by_id["survey-comments"]
    assert comments.row("total").get("untriaged") == 2
    # The published edition hides the small counts and the percentages worked from them.
    published = {t.id: t for t in suppression.published(report).tables}
    assert published["survey-response-rate"].row("stage1").get("sent") is SUPPRESSED
    assert published["survey-response-rate"].row("stage1").get("rate") is SUPPRESSED


def test_the_section_is_in_every_format(client, sign_in, officer):
    _answer(officer, "4")
    period = _period()
    c = sign_in(officer)
    query = f"from={period.start.isoformat()}&to={period.end.isoformat()}"
    title = "Satisfaction surveys: response rate and satisfaction by stage"
    page = c.get(f"/staff/reports/report/?{query}")
    assert title in page.text
    for fmt in FORMATS:
        response = c.get(f"/staff/reports/report/download/{fmt}/?{query}")
        assert response.status_code == 200, fmt
        if fmt == "json":
            data = json.loads(response.content)
            assert "survey-response-rate" in json.dumps(data)
