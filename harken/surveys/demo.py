"""Demo surveys (issue 14): closed demo cases' surveys sent as letter links, a share answered
with a few comments, and an imported parents' survey with comments, some triaged. Through
the services, dated as the demo's stories are."""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from harken.cases.models import Case, Kind, Status
from harken.core.audit import events_dated
from harken.core.dates import LONDON, today

from . import returns, services
from .models import Audience, Comment, Decision, Invitation, Response, ReturnBatch

DEMO_COMMENTS = (
    "It took a long time before anyone called me back.",
    "The officer explained everything clearly, thank you.",
    "I still do not know what will change.",
    "My daughter said the advocate really listened to her.",
    "The letter used words I did not understand.",
)
PARENTS_SURVEY = "Parents' survey after an assessment"
MOST_SENT = 60


def add_demo_surveys(builder: Any) -> None:
    officer = builder.officer
    closed = Case.objects.filter(
        status=Status.CLOSED,
        kind__in=(Kind.COMPLAINT, Kind.CONTACT),
        closed_on__gte=today() - dt.timedelta(days=400),
        surveys__isnull=True,  # a second run leaves the first's surveys alone
    ).order_by("closed_on", "id")
    chosen = [c for c in closed if builder.chance(0.35)][-MOST_SENT:]
    for case in chosen:
        sent_on = min(builder.closed(case) + dt.timedelta(days=2), today())
        audience = Audience.CHILD if builder.chance(0.25) else Audience.ADULT
        with events_dated(sent_on):
            sent = services.invitation_send(
                case=case,
                audience=audience,
                channel="letter",
                actor=officer,
                base_url="http://localhost:8000/",
            )
        # The dates are moved back after the answer: the link is open while it is answered.
        at = dt.datetime.combine(sent_on, dt.time(12), tzinfo=LONDON)
        expires_at = at + dt.timedelta(days=services.link_days())
        if builder.chance(0.45):
            _answer(builder, sent, sent_on)
        Invitation.objects.filter(pk=sent.invitation.pk).update(
            sent_on=sent_on, expires_at=expires_at
        )
    _parents_survey(builder, officer)


def _answer(builder: Any, sent: services.Sent, sent_on: dt.date) -> None:
    token = sent.link.rstrip("/").rsplit("/", 1)[-1]
    answered_on = min(sent_on + dt.timedelta(days=builder.rng.randint(1, 20)), today())
    questions = services.live_questions(sent.invitation.survey)
    answers: dict[int, Any] = {}
    for q in questions:
        if q.kind == "scale":
            answers[q.pk] = str(builder.choice([1, 2, 3, 4, 4, 5, 5]))
        elif q.kind == "yes_no":
            answers[q.pk] = builder.choice(["yes", "yes", "no"])
        elif builder.chance(0.3):
            answers[q.pk] = builder.choice(DEMO_COMMENTS)
    with events_dated(answered_on):
        response = services.survey_answer(token=token, answers=answers)
    Response.objects.filter(pk=response.pk).update(received_on=answered_on)
    Invitation.objects.filter(pk=sent.invitation.pk).update(
        answered_at=dt.datetime.combine(answered_on, dt.time(15), tzinfo=LONDON)
    )


def _parents_survey(builder: Any, officer: Any) -> None:
    """Last quarter's parents' survey: forty returns, a few with comments to triage."""
    if ReturnBatch.objects.filter(name=PARENTS_SURVEY).exists():
        return
    end = today() - dt.timedelta(days=7)
    rows = [["received_on", "satisfaction", "comment", "theme"]]
    for _ in range(40):
        day = end - dt.timedelta(days=builder.rng.randint(0, 80))
        comment, theme = "", ""
        if builder.chance(0.2):
            comment = builder.choice(DEMO_COMMENTS)
            theme = builder.choice(["Communication", "Speed of service or delays", ""])
        rows.append([day.isoformat(), str(builder.choice([2, 3, 4, 4, 5])), comment, theme])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "parents-survey.csv"
        with path.open("w", encoding="utf-8", newline="") as out:
            csv.writer(out).writerows(rows)  # quoted: a comment may hold a comma
        result = returns.returns_import(path=path, name=PARENTS_SURVEY, actor=officer)
    if not result.ok:  # a theme renamed in this council's data: no demo return then
        return
    for item in Comment.objects.filter(response__batch=result.batch)[:2]:
        services.comment_triage(comment=item, decision=Decision.NO_ACTION, actor=officer)
