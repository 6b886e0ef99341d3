"""A hold on a person, or a live subject access request about them, keeps every case they
are on out of disposal; the preview says which hold keeps what, and who placed it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from harken.cases.models import Case, CaseParty, Status, TimelineEvent
from harken.cases.tests.factories import complaint
from harken.core.errors import AccessDenied, ApplicationError
from harken.registers.models import SubjectAccessRequest
from harken.retention import selectors, services
from harken.retention.models import DisposedCase, LegalHold, RetentionEvent, RetentionRule

from .conftest import dispose_all

pytestmark = pytest.mark.django_db


def _closed(officer, received_on: dt.date) -> Case:
    case = complaint(actor=officer, received_on=received_on)
    Case.objects.filter(pk=case.pk).update(
        status=Status.CLOSED, closed_on=received_on + dt.timedelta(days=20)
    )
    case.refresh_from_db()
    return case


@pytest.fixture
def two_cases_of_one_person(officer, closed_case):
    """The complainant of `closed_case` is also on a second closed case; a third closed case
    is someone else's."""
    person = closed_case.parties.get().person
    second = _closed(officer, dt.date(2017, 5, 2))
    CaseParty.objects.create(case=second, person=person, role="child")
    other = _closed(officer, dt.date(2017, 6, 5))
    return person, [closed_case, second], other


def _due(day: dt.date = dt.date(2025, 1, 1)) -> set[int]:
    rule = RetentionRule.objects.get(kind="complaint")
    return set(selectors.due_cases(rule=rule, day=day).values_list("pk", flat=True))


def test_a_hold_on_a_person_keeps_every_case_they_are_on(admin_user, two_cases_of_one_person):
    person, theirs, other = two_cases_of_one_person
    assert {c.pk for c in theirs} | {other.pk} <= _due()
    hold = services.hold_place(
        person=person, reason="litigation", explanation="Claim issued", actor=admin_user
    )
    assert not {c.pk for c in theirs} & _due()
    assert other.pk in _due()
    # On each of their cases' timelines, and in the retention audit without the explanation.
    for case in theirs:
        assert TimelineEvent.objects.filter(case=case, verb="legal_hold_placed").exists()
    event = RetentionEvent.objects.get(verb="hold_placed", hold=hold)
    assert "Claim issued" not in event.description
    assert person.full_name not in event.description

    run = dispose_all(admin_user, day=dt.date(2025, 1, 1))
    assert set(DisposedCase.objects.filter(run=run).values_list("case_id", flat=True)) == {other.pk}
    person.refresh_from_db()
    assert person.full_name  # not anonymised: their cases are kept

    services.hold_release(hold=hold, reason="Claim settled", actor=admin_user)
    assert {c.pk for c in theirs} <= _due()
    assert RetentionEvent.objects.filter(verb="hold_released", hold=hold).exists()
    assert TimelineEvent.objects.filter(case=theirs[1], verb="legal_hold_released").exists()


def test_a_live_subject_access_request_holds_the_persons_cases_until_answered(
    two_cases_of_one_person,
):
    person, theirs, other = two_cases_of_one_person
    sar = SubjectAccessRequest.objects.create(
        reference="SAR-2024-0001",
        requester=person,
        received_on=dt.date(2024, 12, 1),
        clock_started_on=dt.date(2024, 12, 1),
        due_on=dt.date(2025, 1, 2),
        due_explanation="One calendar month",
    )
    assert not {c.pk for c in theirs} & _due()
    assert other.pk in _due()
    SubjectAccessRequest.objects.filter(pk=sar.pk).update(sent_on=dt.date(2024, 12, 20))
    assert {c.pk for c in theirs} <= _due()


def test_a_request_for_someone_elses_data_holds_the_subjects_cases(two_cases_of_one_person):
    from harken.cases.models import Person

    person, theirs, _other = two_cases_of_one_person
    parent = Person.objects.create(first_name="Asking", last_name="Parent")
    SubjectAccessRequest.objects.create(
        reference="SAR-2024-0002",
        requester=parent,
        subject=person,
        received_on=dt.date(2024, 12, 1),
        clock_started_on=dt.date(2024, 12, 1),
        due_on=dt.date(2025, 1, 2),
        due_explanation="One calendar month",
    )
    assert not {c.pk for c in theirs} & _due()


def test_a_hold_needs_a_case_or_a_person_not_both(admin_user, two_cases_of_one_person):
    person, theirs, _ = two_cases_of_one_person
    for kwargs in ({}, {"case": theirs[0], "person": person}):
        with pytest.raises(ApplicationError):
            services.hold_place(reason="other", explanation="x", actor=admin_user, **kwargs)
    with pytest.raises(ApplicationError) as refused:
        services.hold_place(person=person, reason="", explanation="x", actor=admin_user)
    assert "reason" in refused.value.field_errors
    assert not LegalHold.objects.exists()


def test_only_administrators_hold_a_person(officer, two_cases_of_one_person):
    person, _, _ = two_cases_of_one_person
    with pytest.raises(AccessDenied):
        services.hold_place(person=person, reason="other", explanation="x", actor=officer)
    assert not LegalHold.objects.exists()


def test_the_preview_shows_what_each_hold_keeps_and_who_placed_it(
    sign_in, admin_user, two_cases_of_one_person
):
    person, _theirs, _other = two_cases_of_one_person
    services.hold_place(
        person=person, reason="litigation", explanation="Claim issued", actor=admin_user
    )
    run = services.disposal_preview_create(day=dt.date(2025, 1, 1), actor=admin_user)
    assert run.total == 1  # only the other person's case
    held = selectors.held_from_run(run)
    assert [(h.hold.person_id, h.count) for h in held if h.hold] == [(person.pk, 2)]
    client = sign_in(admin_user)
    page = client.get(reverse("retention:disposal", kwargs={"pk": run.pk})).content.decode()
    assert "Held and left out" in page
    assert f"Every record of {person.full_name}" in page
    assert "Claim issued" in page
    assert str(admin_user) in page


def test_placing_and_releasing_a_person_hold_through_the_pages(
    sign_in, admin_user, two_cases_of_one_person
):
    person, _theirs, _ = two_cases_of_one_person
    client = sign_in(admin_user)
    page = client.get(reverse("subjectaccess:person", kwargs={"pk": person.pk})).content.decode()
    assert "Place a legal hold on every record of this person" in page
    url = reverse("retention:hold_new") + f"?person={person.pk}"
    refused = client.post(url, {"person": person.pk, "reason": "", "explanation": "x"})
    assert refused.status_code == 200
    assert "govuk-error-summary" in refused.content.decode()
    assert not LegalHold.objects.exists()
    done = client.post(
        url, {"person": person.pk, "reason": "inquiry", "explanation": "Inquiry into the home"}
    )
    assert done.status_code == 302
    hold = LegalHold.objects.get()
    assert hold.person == person
    assert hold.case is None
    page = client.get(reverse("subjectaccess:person", kwargs={"pk": person.pk})).content.decode()
    assert "Inquiry into the home" in page
    released = client.post(
        reverse("retention:hold_release", kwargs={"pk": hold.pk}), {"release_reason": "Ended"}
    )
    assert released.status_code == 302
    hold.refresh_from_db()
    assert hold.released_at is not None


def test_an_unknown_or_malformed_person_on_the_hold_form_is_not_found(sign_in, admin_user):
    client = sign_in(admin_user)
    for value in ("999999", "12a", "-1"):
        response = client.get(reverse("retention:hold_new") + f"?person={value}")
        assert response.status_code == 404


def test_the_person_page_offers_no_hold_to_a_feedback_officer(
    sign_in, officer, two_cases_of_one_person
):
    person, _, _ = two_cases_of_one_person
    client = sign_in(officer)
    page = client.get(reverse("subjectaccess:person", kwargs={"pk": person.pk}))
    assert page.status_code == 200
    assert "Place a legal hold" not in page.content.decode()
    assert client.get(reverse("retention:hold_new") + f"?person={person.pk}").status_code in (
        302,
        403,
    )


def test_the_api_places_and_releases_a_person_hold(
    api_for, admin_user, officer, two_cases_of_one_person
):
    person, theirs, _ = two_cases_of_one_person
    url = reverse("api-retention-holds")
    assert (
        api_for(officer)
        .post(url, {"person": person.pk, "reason": "other", "explanation": "x"}, format="json")
        .status_code
        == 403
    )
    admin = api_for(admin_user)
    for body in (
        {"reason": "other", "explanation": "x"},
        {"case": theirs[0].reference, "person": person.pk, "reason": "other", "explanation": "x"},
        {"person": 999999, "reason": "other", "explanation": "x"},
        {"person": "abc", "reason": "other", "explanation": "x"},
    ):
        response = admin.post(url, body, format="json")
        assert response.status_code == 400, body
    assert not LegalHold.objects.exists()
    made = admin.post(
        url, {"person": person.pk, "reason": "litigation", "explanation": "Claim"}, format="json"
    )
    assert made.status_code == 201
    assert made.json()["person"] == person.pk
    assert made.json()["case"] is None
    listed = admin.get(url).json()
    assert [h["person"] for h in listed] == [person.pk]
    hold_id = made.json()["id"]
    released = admin.post(
        reverse("api-retention-hold-release", kwargs={"pk": hold_id}),
        {"release_reason": "Settled"},
        format="json",
    )
    assert released.status_code == 200
    assert released.json()["released_at"]


def test_a_released_person_hold_goes_with_the_person_when_their_cases_are_disposed(
    admin_user, two_cases_of_one_person
):
    person, _theirs, _other = two_cases_of_one_person
    hold = services.hold_place(
        person=person, reason="litigation", explanation="Claim by the family", actor=admin_user
    )
    services.hold_release(hold=hold, reason="Settled with the family", actor=admin_user)
    dispose_all(admin_user, day=dt.date(2025, 1, 1))
    person.refresh_from_db()
    hold.refresh_from_db()
    assert not person.full_name
    assert "Claim by the family" not in hold.explanation
    assert "Settled with the family" not in hold.release_reason


def test_the_preview_page_records_a_read_of_each_record_it_says_is_held(
    sign_in, admin_user, two_cases_of_one_person
):
    """The page names who is held: each record a hold keeps back is read by the viewer
    (`via` disposal-preview); a record due and not held is not."""
    from harken.cases.models import CaseRead

    person, theirs, other = two_cases_of_one_person
    services.hold_place(
        person=person, reason="litigation", explanation="Claim issued", actor=admin_user
    )
    run = services.disposal_preview_create(day=dt.date(2025, 1, 1), actor=admin_user)
    sign_in(admin_user).get(reverse("retention:disposal", kwargs={"pk": run.pk}))
    read = set(
        CaseRead.objects.filter(user=admin_user, via="disposal-preview").values_list(
            "case_id", flat=True
        )
    )
    assert read == {c.pk for c in theirs}
    assert other.pk not in read


def _held_scene(officer, admin_user, n: int):
    """`n` closed cases of one person, held by a hold on the person and each by its own."""
    from harken.cases.services import person_create

    person = person_create(actor=officer, last_name="Held")
    for i in range(n):
        case = _closed(officer, dt.date(2016, 1, 4) + dt.timedelta(days=i))
        CaseParty.objects.create(case=case, person=person, role="child")
        services.hold_place(case=case, reason="inquiry", explanation="x", actor=admin_user)
    services.hold_place(person=person, reason="litigation", explanation="x", actor=admin_user)
    return person


@pytest.mark.parametrize("n", [3, 30])
def test_the_held_list_costs_the_same_statements_for_3_and_for_30_held_cases(
    officer, admin_user, n
):
    """What the holds keep back is worked out in a fixed number of statements, however many
    holds and held records there are: its cost follows the page, not the history."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    person = _held_scene(officer, admin_user, n)
    _closed(officer, dt.date(2017, 6, 5))  # due, and not held
    run = services.disposal_preview_create(day=dt.date(2025, 1, 1), actor=admin_user)
    run = type(run).objects.get(pk=run.pk)
    with CaptureQueriesContext(connection) as queries:
        held = selectors.held_from_run(run)
    assert [(h.hold.person_id, h.count) for h in held if h.hold and h.hold.person_id] == [
        (person.pk, n)
    ]
    assert sum(1 for h in held if h.hold and h.hold.case_id) == n
    # The rules, holds, live requests, the held people's cases and the cases held by their own
    # hold (5); their addresses, and one per kind and person field of the records not linked
    # to a case (7).
    assert len(queries) == 12, [q["sql"][:80] for q in queries.captured_queries]
