"""The administrator's pages for the surveys' questions: adding, changing, reordering with
buttons that work without JavaScript, retiring an answered question (never rewording it), the
preview, each change in the surveys' trail, and every other role refused."""

from __future__ import annotations

import pytest

from harken.core.errors import ApplicationError

from .. import services
from ..models import Audience, Question, Survey, SurveyEvent
from .factories import letter_survey

pytestmark = pytest.mark.django_db


def _adult() -> Survey:
    return Survey.objects.get(audience=Audience.ADULT)


def _answer_first_scale(officer) -> Question:
    _case, token = letter_survey(officer)
    survey = _adult()
    scale = survey.questions.filter(kind="scale").order_by("position").first()
    assert scale is not None
    services.survey_answer(token=token, answers={scale.pk: "4"})
    return scale


def test_list_shows_both_versions_and_links_each(sign_in, admin_user):
    page = sign_in(admin_user).get("/staff/surveys/questions/")
    assert page.status_code == 200
    assert "Children and young people (plain words)" in page.text
    for survey in Survey.objects.all():
        assert f"/staff/surveys/questions/{survey.pk}/" in page.text


def test_navigation_names_the_page_for_administrators_only(sign_in, admin_user, officer):
    assert "/staff/surveys/questions/" in sign_in(admin_user).get("/staff/").text
    assert "/staff/surveys/questions/" not in sign_in(officer).get("/staff/").text


@pytest.mark.parametrize("who", ["officer", "manager", "io_user", "report_viewer"])
def test_every_other_role_is_refused(request, sign_in, who):
    client = sign_in(request.getfixturevalue(who))
    survey = _adult()
    question = survey.questions.first()
    assert question is not None
    base = f"/staff/surveys/questions/{survey.pk}/"
    for url in ("/staff/surveys/questions/", base, base + "add/", base + "preview/"):
        assert client.get(url).status_code == 403
    assert client.post(base + "add/", {"kind": "text", "text": "Sneaky?"}).status_code == 403
    assert client.post(f"{base}{question.pk}/move/", {"direction": "down"}).status_code == 403
    assert client.post(f"{base}{question.pk}/retire/").status_code == 403
    assert not survey.questions.filter(text="Sneaky?").exists()
    assert not SurveyEvent.objects.exists()


def test_added_question_is_asked_on_the_public_page(client, sign_in, admin_user, officer):
    survey = _adult()
    sent = sign_in(admin_user).post(
        f"/staff/surveys/questions/{survey.pk}/add/",
        {"kind": "yes_no", "text": "Would you tell a friend about us?", "required": "on"},
    )
    assert sent.status_code == 302
    assert "Question added" in sign_in(admin_user).get(sent["Location"]).text
    question = survey.questions.get(text="Would you tell a friend about us?")
    assert question.required
    assert question.position == survey.questions.count()
    event = SurveyEvent.objects.get(verb=SurveyEvent.Verb.QUESTION_ADDED)
    assert event.actor == admin_user
    client.logout()
    _case, token = letter_survey(officer)
    assert "Would you tell a friend about us?" in client.get(f"/survey/{token}/").text


def test_bad_question_gets_an_error_summary_and_saves_nothing(sign_in, admin_user):
    survey = _adult()
    before = survey.questions.count()
    page = sign_in(admin_user).post(f"/staff/surveys/questions/{survey.pk}/add/", {"text": ""})
    assert page.status_code == 200
    assert "There is a problem" in page.text
    assert "Enter the question" in page.text
    assert "Choose the kind of question" in page.text
    assert survey.questions.count() == before


def test_move_buttons_reorder_without_javascript(sign_in, admin_user):
    survey = _adult()
    first, second = services.live_questions(survey)[:2]
    client = sign_in(admin_user)
    moved = client.post(
        f"/staff/surveys/questions/{survey.pk}/{second.pk}/move/", {"direction": "up"}
    )
    assert moved.status_code == 302
    order = services.live_questions(survey)
    assert [order[0].pk, order[1].pk] == [second.pk, first.pk]
    page = client.get(f"/staff/surveys/questions/{survey.pk}/")
    assert page.text.index(second.text) < page.text.index(first.text)
    assert SurveyEvent.objects.filter(verb=SurveyEvent.Verb.QUESTION_MOVED).count() == 1
    # The first cannot go further up: the page says so.
    again = client.post(
        f"/staff/surveys/questions/{survey.pk}/{second.pk}/move/", {"direction": "up"}, follow=True
    )
    assert "This question is already first." in again.text


def test_answered_question_keeps_its_words_and_is_retired_not_removed(
    client, sign_in, admin_user, officer
):
    scale = _answer_first_scale(officer)
    survey = scale.survey
    admin = sign_in(admin_user)
    page = admin.post(
        f"/staff/surveys/questions/{survey.pk}/{scale.pk}/",
        {"text": "Something else entirely?", "hint": "", "low_label": "", "high_label": ""},
    )
    assert page.status_code == 200
    assert "its words cannot change" in page.text
    scale.refresh_from_db()
    assert scale.text != "Something else entirely?"
    # Its hint may change: that does not change what the answers mean.
    hinted = admin.post(
        f"/staff/surveys/questions/{survey.pk}/{scale.pk}/",
        {
            "text": scale.text,
            "hint": "Think about the whole time",
            "low_label": scale.low_label,
            "high_label": scale.high_label,
        },
    )
    assert hinted.status_code == 302
    confirm = admin.get(f"/staff/surveys/questions/{survey.pk}/{scale.pk}/retire/")
    assert "Retire this question?" in confirm.text
    assert admin.post(f"/staff/surveys/questions/{survey.pk}/{scale.pk}/retire/").status_code == 302
    scale.refresh_from_db()
    assert scale.retired_at is not None
    assert scale.answers.count() == 1
    assert "Retired questions" in admin.get(f"/staff/surveys/questions/{survey.pk}/").text
    client.logout()
    _case, token = letter_survey(officer)
    public = client.get(f"/survey/{token}/")
    assert scale.text not in public.text


def test_unanswered_question_is_removed(sign_in, admin_user):
    survey = _adult()
    question = services.question_add(survey=survey, actor=admin_user, kind="text", text="Else?")
    done = sign_in(admin_user).post(f"/staff/surveys/questions/{survey.pk}/{question.pk}/retire/")
    assert done.status_code == 302
    assert not Question.objects.filter(pk=question.pk).exists()
    assert SurveyEvent.objects.filter(verb=SurveyEvent.Verb.QUESTION_REMOVED).exists()


def test_last_question_cannot_go(admin_user):
    survey = Survey.objects.create(name="Tiny", audience=Audience.ADULT)
    only = services.question_add(survey=survey, actor=admin_user, kind="text", text="Anything?")
    with pytest.raises(ApplicationError, match="at least one question"):
        services.question_remove(question=only, actor=admin_user)
    with pytest.raises(ApplicationError, match="at least one question"):
        services.question_retire(question=only, actor=admin_user)


def test_survey_switched_off_cannot_be_sent(sign_in, admin_user, officer):
    for survey in Survey.objects.filter(audience=Audience.ADULT):
        page = sign_in(admin_user).post(
            f"/staff/surveys/questions/{survey.pk}/change/",
            {"name": survey.name, "introduction": "", "active": ""},
        )
        assert page.status_code == 302
    with pytest.raises(ApplicationError, match="no survey switched on"):
        letter_survey(officer)
    blank = sign_in(admin_user).post(
        f"/staff/surveys/questions/{_adult().pk}/change/", {"name": ""}
    )
    assert "Enter the survey&#x27;s name" in blank.text or "Enter the survey's name" in blank.text


def test_preview_shows_the_questions_and_cannot_be_sent(sign_in, admin_user):
    survey = Survey.objects.get(audience=Audience.CHILD)
    page = sign_in(admin_user).get(f"/staff/surveys/questions/{survey.pk}/preview/")
    assert page.status_code == 200
    assert "Preview" in page.text
    assert "Tell us how we did" in page.text
    for question in services.live_questions(survey):
        assert question.text in page.text
    assert "disabled" in page.text
