"""Each online form end to end: every page, check your answers, confirmation, the record."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from harken.accounts.models import Team
from harken.cases.models import Case, Kind, PartyRole
from harken.cases.selectors import case_list
from harken.intake.models import FormKind, Submission
from harken.notifications.models import MessageStatus

from .conftest import (
    comment_pages,
    complaint_pages,
    compliment_pages,
    confirmation_of,
    date_parts,
    young_person_pages,
)

pytestmark = pytest.mark.django_db


def test_complaint_for_a_child_arrives_as_an_initial_contact(
    walker, frozen, officer, django_capture_on_commit_callbacks
):
    """By default a complaint arrives as an initial contact with the complainant and the child,
    the person's words exactly in the details, on the officers' caseload, with an e-mail."""
    team = Team.objects.get(name="Fostering Team")
    w = walker("complaint")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        page = w.complete(complaint_pages(team.pk))
    assert len(callbacks) == 1
    assert w.visited == [
        "about-you",
        "for-a-child",
        "child-details",
        "does-the-child-know",
        "what-happened",
        "when-did-it-happen",
        "which-service",
        "put-it-right",
        "documents-and-photos",
        "your-details",
        "how-to-contact-you",
        "contact-details",
        "help-you-need",
    ]
    case = Case.objects.get()
    html = page.content.decode()
    assert case.reference in html
    assert "govuk-panel--confirmation" in html
    assert "26 March 2025" in html  # 10 working days after 12 March
    assert case.kind == Kind.CONTACT
    assert case.channel == "web"
    assert case.received_on == dt.date(2025, 3, 12)
    assert case.due_on == dt.date(2025, 3, 26)
    assert case.grounds_arose_on == dt.date(2025, 2, 3)
    assert list(case.teams.all()) == [team]
    assert "Nobody came to the review meeting." in case.details
    assert "An apology and a new meeting." in case.details
    assert case.summary == "Nobody came to the review meeting."
    complainant = case.parties.get(role=PartyRole.COMPLAINANT)
    assert complainant.relationship == "parent"
    assert complainant.person.first_name == "Siân"
    assert complainant.person.email == "sian@example.com"
    assert complainant.person.contact_preference == "email"
    assert complainant.person.language == "Welsh"
    assert complainant.person.looked_after is False
    child = case.parties.get(role=PartyRole.CHILD)
    assert child.person.first_name == "Ffion"
    assert child.person.date_of_birth == dt.date(2014, 5, 2)
    assert child.child_knows is True
    assert case in case_list(user=officer)
    submission = Submission.objects.get()
    assert submission.case == case
    assert submission.form == FormKind.COMPLAINT
    assert confirmation_of(submission).status == MessageStatus.SENT
    assert confirmation_of(submission).sent_at is not None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["sian@example.com"]
    assert case.reference in message.subject
    assert case.reference in message.body
    assert "26 March 2025" in message.body
    assert "Nobody came" not in message.body  # the complaint itself is not e-mailed


def test_complaint_setting_makes_a_stage_1_complaint_under_the_teams_procedure(
    walker, frozen, settings
):
    """With HARKEN_WEB_TRIAGE=complaint the form opens stage 1 under the team's procedure."""
    settings.HARKEN_WEB_TRIAGE = "complaint"
    team = Team.objects.get(name="SEND Team")
    page = walker("complaint").complete(complaint_pages(team.pk))
    case = Case.objects.get()
    assert case.kind == Kind.COMPLAINT
    assert case.procedure_version is not None
    assert case.procedure_version.procedure.code == "corporate-lgsco-2024"
    assert case.stages.get().number == 1
    html = page.content.decode()
    assert "We&#x27;ll let you know we have received your complaint by" in html


def test_complaint_about_an_unknown_team_follows_the_childrens_procedure(walker, frozen, settings):
    settings.HARKEN_WEB_TRIAGE = "complaint"
    walker("complaint").complete(complaint_pages())
    case = Case.objects.get()
    assert case.procedure_version is not None
    assert case.procedure_version.procedure.code == "children-statutory"
    assert not case.teams.exists()
    stage = case.stages.get()
    assert stage.due_on == dt.date(2025, 3, 26)


@pytest.mark.parametrize("triage", ["contact", "complaint"])
def test_more_than_a_year_ago_gets_a_gentle_page_and_is_still_accepted(
    walker, frozen, settings, triage
):
    """Over a year: a page says it can still be considered; the case records when it arose
    and (as a complaint) the late reason, so the time-limit rule is met."""
    settings.HARKEN_WEB_TRIAGE = triage
    w = walker("complaint")
    pages = complaint_pages(
        when_did_it_happen=date_parts("happened_on", dt.date(2023, 6, 1)),
        more_than_a_year_ago={"late_reason": "I was scared to say — ŵ ŷ"},
    )
    w.to_check(pages)
    assert "more-than-a-year-ago" in w.visited
    response = w.send()
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.grounds_arose_on == dt.date(2023, 6, 1)
    assert case.late_complaint_reason.startswith("Submitted online; to be considered.")
    assert "I was scared to say — ŵ ŷ" in case.late_complaint_reason
    assert "I was scared to say — ŵ ŷ" in case.details


def test_late_page_says_it_can_still_be_considered(walker, client, frozen):
    w = walker("complaint")
    url = w.start()
    for slug, data in complaint_pages().items():
        if slug == "when-did-it-happen":
            break
        url = client.post(url, data)["Location"]
    response = client.post(url, date_parts("happened_on", dt.date(2022, 1, 5)))
    late = client.get(response["Location"])
    assert "we can still consider yours" in late.content.decode()


def test_complaining_about_myself_asks_nothing_about_a_child(walker, frozen):
    w = walker("complaint")
    w.complete(complaint_pages(about_you={"relationship": "child"}))
    assert "for-a-child" not in w.visited
    case = Case.objects.get()
    assert not case.parties.filter(role=PartyRole.CHILD).exists()
    assert case.parties.get().relationship == "child"


def test_young_person_journey_records_advocate_and_uses_friendly_words(walker, frozen):
    w = walker("young-people")
    page = w.complete(young_person_pages())
    assert "get-help-now" not in w.visited
    html = page.content.decode()
    assert "Thank you for telling us" in html
    assert "advocate" in html
    case = Case.objects.get()
    assert case.kind == Kind.CONTACT
    party = case.parties.get()
    assert party.relationship == "child"
    assert party.person.phone == "07700 900982"
    assert party.person.contact_preference == "text"
    submission = Submission.objects.get()
    assert submission.advocate_requested is True
    assert submission.answers["advocate"] == "yes"
    assert submission.unsafe is False
    assert "Would like an advocate: yes." in case.details


@pytest.mark.parametrize("answer", ["no", "not_sure"])
def test_young_person_not_safe_is_signposted_and_flagged_for_officers(walker, frozen, answer):
    """'Are you safe right now?' answered no: a page of help (999, Childline), and the case
    leads with the concern for the officer."""
    w = walker("young-people")
    w.to_check(young_person_pages(are_you_safe={"safe_now": answer}))
    assert "get-help-now" in w.visited
    w.send()
    case = Case.objects.get()
    assert case.summary.startswith("SAFETY:")
    assert case.details.startswith("SAFETY:")
    assert Submission.objects.get().unsafe is True


def test_get_help_page_shows_childline(walker, client, frozen):
    w = walker("young-people")
    url = w.start()
    response = client.post(url, {"safe_now": "no"})
    page = client.get(response["Location"]).content.decode()
    assert "0800 1111" in page
    assert "999" in page


def test_anonymous_compliment_has_no_person_and_no_email(walker, frozen):
    page = walker("compliment").complete(compliment_pages())
    case = Case.objects.get()
    assert case.kind == Kind.COMPLIMENT
    assert case.praised_worker == "Jo in the Fostering Team"
    assert not case.parties.exists()
    assert Submission.objects.get().confirmation is None  # no address: nothing to send
    assert "pass your compliment on" in page.content.decode()


def test_compliment_wanting_a_reply_needs_a_name(walker, client, frozen):
    w = walker("compliment")
    pages = compliment_pages(
        reply={"contact_preference": "email"},
        contact_details={"email": "a@example.com", "consent": "on"},
    )
    url = w.start()
    for slug in ("your-compliment", "who-is-it-for", "which-service", "reply", "contact-details"):
        url = client.post(url, pages[slug])["Location"]
    response = client.post(url, {"first_name": "", "last_name": ""})
    assert response.status_code == 200
    assert "Enter your first name" in response.content.decode()


@pytest.mark.parametrize(
    ("choice", "kind"),
    [("enquiry", Kind.ENQUIRY), ("comment", Kind.COMMENT), ("suggestion", Kind.SUGGESTION)],
)
def test_question_or_comment_becomes_an_enquiry_comment_or_suggestion(walker, frozen, choice, kind):
    page = walker("question-or-comment").complete(
        comment_pages(what_would_you_like_to_do={"comment_type": choice})
    )
    case = Case.objects.get()
    assert case.kind == kind
    assert case.due_on == dt.date(2025, 3, 26)
    person = case.parties.get().person
    assert person.postcode == "AB1 2CD"
    assert person.address == "1 High Street\nTown"
    assert person.accessibility_needs == "Large print"
    assert "26 March 2025" in page.content.decode()


def test_check_answers_lists_every_answer_with_change_links(walker, client, frozen):
    w = walker("complaint")
    check = w.to_check(complaint_pages())
    html = client.get(check).content.decode()
    assert "Check your answers before sending your complaint" in html
    assert "Nobody came to the review meeting." in html
    assert "Child&#x27;s first name" in html
    assert html.count("?change=1") >= 12
    assert 'name="key"' in html


def test_change_link_returns_to_check_answers(walker, client, frozen):
    w = walker("complaint")
    check = w.to_check(complaint_pages())
    url = reverse("intake:step", args=["complaint", "what-happened"]) + "?change=1"
    page = client.get(url)
    assert "Nobody came" in page.content.decode()
    assert f'href="{check}"' in page.content.decode()  # back goes to check answers
    response = client.post(url, {"what_happened": "Changed words"})
    assert response["Location"] == check
    assert "Changed words" in client.get(check).content.decode()


def test_changing_a_branch_asks_the_new_questions_before_check(walker, client, frozen):
    """Saying 'for a child' after all asks the child's details before checking again."""
    w = walker("complaint")
    w.to_check(complaint_pages(for_a_child={"for_child": "no"}))
    assert "child-details" not in w.visited
    url = reverse("intake:step", args=["complaint", "for-a-child"]) + "?change=1"
    response = client.post(url, {"for_child": "yes"})
    assert response["Location"].startswith(
        reverse("intake:step", args=["complaint", "child-details"])
    )
    check = client.get(reverse("intake:check", args=["complaint"]))
    assert check.status_code == 302  # child details still missing


def test_back_button_shows_saved_answers(walker, client, frozen):
    """Going back shows what was typed (drawn from the session), and pages are not cached."""
    w = walker("complaint")
    url = w.start()
    client.post(url, {"relationship": "foster_carer"})
    page = client.get(url)
    assert 'value="foster_carer" checked' in page.content.decode()
    assert page["Cache-Control"] == "no-store"


def test_errors_are_shown_in_a_summary_and_beside_the_field(walker, client, frozen):
    w = walker("complaint")
    url = w.start()
    response = client.post(url, {})
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert html.count("Select which of these best describes you") == 2
    assert "<title>Error: " in html


def test_start_pages_link_to_every_form(client, db):
    html = client.get("/").content.decode()
    for journey in ("complaint", "compliment", "question-or-comment"):
        assert reverse("intake:start", args=[journey]) in html
    assert reverse("intake:young_people") in html
    young = client.get("/young-people/").content.decode()
    assert "You can have an advocate" in young
    assert "0800 1111" in young
    assert reverse("intake:start", args=["young-people"]) in young


def test_unknown_form_is_not_found(client, db):
    assert client.get("/no-such-form/start/").status_code == 404
    assert client.get("/complaint/no-such-page/").status_code == 404


@pytest.mark.parametrize(
    ("journey", "step", "name"),
    [
        ("complaint", "what-happened", "what_happened"),
        ("compliment", "your-compliment", "compliment"),
        ("question-or-comment", "your-message", "message"),
        ("young-people", "whats-wrong", "what_happened"),
    ],
)
def test_long_answers_are_text_areas(client, db, journey, step, name):
    client.get(reverse("intake:start", args=[journey]))
    html = client.get(reverse("intake:step", args=[journey, step])).content.decode()
    assert f'<textarea class="govuk-textarea" id="id_{name}" name="{name}" rows="8"' in html
    assert 'maxlength="5000"' in html


def test_changing_how_to_be_contacted_asks_for_the_new_details(walker, client, frozen):
    """E-mail changed to post from check your answers: the address page comes next."""
    w = walker("complaint")
    w.to_check(complaint_pages())
    url = reverse("intake:step", args=["complaint", "how-to-contact-you"]) + "?change=1"
    response = client.post(url, {"contact_preference": "post"})
    details = reverse("intake:step", args=["complaint", "contact-details"]) + "?change=1"
    assert response["Location"] == details
    page = client.get(details).content.decode()
    assert "What is your address?" in page
    response = client.post(
        details, {"address": "2 Stryd Fawr", "postcode": "SA1 1AA", "consent": "on"}
    )
    assert response["Location"] == reverse("intake:check", args=["complaint"])
    w.send()
    person = Case.objects.get().parties.get(role=PartyRole.COMPLAINANT).person
    assert (person.contact_preference, person.postcode, person.email) == ("post", "SA1 1AA", "")


@pytest.mark.parametrize("young_first", [True, False])
def test_each_form_keeps_its_own_words_for_a_question_they_share(client, db, young_first):
    """The complaint and the young people's form ask the same question in their own words
    (the page's fields are made once per page and reused): whichever is shown first, each
    keeps its own label and hint, on the page and in its error message."""
    pages = [
        ("young-people", "whats-wrong", "What&#x27;s wrong?", "Tell us in your own words."),
        ("complaint", "what-happened", "What happened?", "Tell us what went wrong"),
    ]
    if not young_first:
        pages.reverse()
    for _ in range(2):
        for journey, step, label, hint in pages:
            client.get(reverse("intake:start", args=[journey]))
            url = reverse("intake:step", args=[journey, step])
            html = client.get(url).content.decode()
            assert f">{label}</label>" in html
            assert hint in html
            others = next(p for p in pages if p[0] != journey)
            assert f">{others[2]}</label>" not in html
            assert others[3] not in html
            error = client.post(url, {"what_happened": ""}).content.decode()
            assert "There is a problem" in error
            assert f">{label}</label>" in error
