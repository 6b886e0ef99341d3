"""Issue 14's records under the schedule (docs/adr/0250): a case's survey goes with it (the
words of the answers and the comment, the trail's details; the satisfaction figure stays);
a comment that became an initial contact follows that contact; a person who left the pool is
anonymised only once no open appointment or kept case names them."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from harken.core.dates import today
from harken.pool import services as pool
from harken.pool.tests.conftest import to_stage2
from harken.retention import services
from harken.retention.models import DisposedRecord
from harken.surveys import services as surveys
from harken.surveys.models import Answer, Comment, Invitation, Response, SurveyEvent
from harken.surveys.tests.factories import closed_complaint, letter_survey

from .conftest import dispose_all

pytestmark = pytest.mark.django_db
D = dt.date


def _answered(officer, text: str):
    case = closed_complaint(officer, received_on=D(2018, 1, 8))
    _, token = letter_survey(officer, case)
    invitation = Invitation.objects.get(case=case)
    questions = surveys.live_questions(invitation.survey)
    scale = next(q for q in questions if q.kind == "scale")
    free = next(q for q in questions if q.kind == "text")
    surveys.survey_answer(token=token, answers={scale.pk: "2", free.pk: text})
    return case


def test_a_cases_survey_goes_with_the_case_and_its_figure_stays(admin_user, officer, media):
    case = _answered(officer, "Ms Green shouted at my son")
    comment = Comment.objects.get(case=case)
    surveys.comment_triage(
        comment=comment,
        decision="safeguarding",
        actor=officer,
        note="Ms Green shouted at a child",
        referred_to="none",
    )
    dispose_all(admin_user, day=D(2125, 1, 1))
    comment.refresh_from_db()
    assert "Ms Green" not in comment.text
    assert comment.safeguarding_note == ""
    assert comment.triaged_by is None
    assert (comment.decision, comment.safeguarding_flag) == ("safeguarding", True)
    answer = Answer.objects.get(response__invitation__case=case, question__kind="text")
    assert answer.text == ""
    assert Response.objects.get(invitation__case=case).satisfaction == 2
    events = SurveyEvent.objects.filter(invitation__case=case) | SurveyEvent.objects.filter(
        comment=comment
    )
    assert events.exists()
    assert not events.filter(actor__isnull=False).exists()
    assert not events.exclude(changes={}).exists()


def test_a_comment_that_became_a_contact_follows_the_contact(admin_user, officer, media):
    case = _answered(officer, "Nobody called me back")
    comment = Comment.objects.get(case=case)
    surveys.comment_triage(comment=comment, decision="contact", actor=officer)
    # The complaint is due; the contact it became is open, so the comment keeps its words.
    dispose_all(admin_user, day=D(2125, 1, 1))
    comment.refresh_from_db()
    assert comment.text == "Nobody called me back"
    assert comment.contact is not None
    assert not hasattr(comment.contact, "disposal") or comment.contact.disposal is None


def test_a_person_who_left_the_pool_goes_only_when_nothing_names_them(admin_user, officer):
    with time_machine.travel(dt.datetime(2017, 3, 1, 10, tzinfo=dt.UTC)):
        still_in = pool.pool_entry_create(
            actor=officer, name="Stella Still", organisation_kind="self_employed", roles=["ip"]
        )
        gone = pool.pool_entry_create(
            actor=officer, name="Gwen Gone", organisation_kind="self_employed", roles=["ip"]
        )
        pool.pool_entry_update(entry=gone, actor=officer, active=False)
        on_a_case = pool.pool_entry_create(
            actor=officer, name="Carl Case", organisation_kind="self_employed", roles=["io"]
        )
    case = to_stage2(officer)
    pool.pool_appoint(case=case, pool_entry=on_a_case, role="io", on=D(2024, 2, 6), actor=officer)
    pool.pool_entry_update(entry=on_a_case, actor=officer, active=False)
    run = services.disposal_preview_create(day=today(), actor=admin_user)
    due = {c.record_id for c in run.candidates.filter(line__kind="pool")}
    assert due == {gone.pk}
    assert still_in.pk not in due
    services.disposal_approve(run=run, actor=admin_user)
    run.refresh_from_db()
    services.disposal_carry_out(run=run)
    assert DisposedRecord.objects.filter(kind="pool", record_id=gone.pk).exists()
    gone.refresh_from_db()
    on_a_case.refresh_from_db()
    assert gone.name == "Former member of the pool"
    assert on_a_case.name == "Carl Case"
