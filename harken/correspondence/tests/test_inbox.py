"""The inbox pages and API: the feedback team only (each denial proved), suggested cases,
one step to a new record through the creation services, attaching, claiming, not feedback."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from harken.accounts.models import Role
from harken.accounts.tests.factories import make_user
from harken.cases.models import Case, Channel, Kind
from harken.cases.tests.factories import complaint
from harken.correspondence import services
from harken.correspondence.models import ItemStatus, MailItem, MailItemEvent
from harken.documents.models import Document
from harken.registers.models import SubjectAccessRequest

from .conftest import make_email

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# 23:30 UTC on 30 June is 00:30 on 1 July in London: the day it arrived is 1 July.
ARRIVED = dt.datetime(2026, 6, 30, 23, 30, tzinfo=dt.UTC)


def store(**kwargs) -> MailItem:
    return services.item_store(raw=make_email(**kwargs), received_at=ARRIVED).item


@pytest.fixture
def item() -> MailItem:
    return store(
        subject="My son's support plan",
        text="Nobody called me back.\nPlease help.",
        attachments=[("notes.pdf", "application/pdf", PDF)],
    )


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


STEPS = ("claim", "convert", "attach", "not_feedback")
API_STEPS = ("claim", "convert", "attach", "not-feedback")


@pytest.mark.parametrize("role", [Role.MANAGER, Role.INVESTIGATING_OFFICER, Role.REPORT_VIEWER])
def test_only_the_feedback_team_sees_the_inbox(sign_in, role, item):
    client = sign_in(
        make_user(f"u-{role}", role, employed_by_council=role != Role.INVESTIGATING_OFFICER)
    )
    assert client.get(reverse("correspondence:inbox")).status_code == 403
    assert client.get(reverse("correspondence:item", args=[item.pk])).status_code == 403
    assert client.post(reverse("correspondence:poll")).status_code == 403
    for step in STEPS:
        assert client.post(reverse(f"correspondence:{step}", args=[item.pk])).status_code == 403
    api = client_for(
        make_user(f"a-{role}", role, employed_by_council=role != Role.INVESTIGATING_OFFICER)
    )
    assert api.get("/api/v1/inbox/").status_code == 403
    assert api.get(f"/api/v1/inbox/{item.pk}/").status_code == 403
    for step in API_STEPS:
        assert api.post(f"/api/v1/inbox/{item.pk}/{step}/", {}, format="json").status_code == 403
    item.refresh_from_db()
    assert (item.status, item.claimed_by) == (ItemStatus.NEW, None)
    assert not item.events.filter(actor__isnull=False).exists()


def test_signed_out_is_sent_to_sign_in(client, item):
    response = client.get(reverse("correspondence:inbox"))
    assert response.status_code == 302
    assert APIClient().get("/api/v1/inbox/").status_code in (401, 403)


def test_the_inbox_lists_sender_subject_day_attachments_and_suggestions(sign_in, officer, item):
    case = complaint(actor=officer, received_on=dt.date(2026, 6, 1))
    person = case.parties.get().person
    person.email = "jane.parent@example.org"
    person.save()
    other = complaint(actor=officer, received_on=dt.date(2026, 6, 2))
    store(subject="Another", text=f"About {other.reference.lower()} please", sender="x@example.net")
    page = sign_in(officer).get(reverse("correspondence:inbox")).content.decode()
    assert "My son&#x27;s support plan" in page
    assert "jane.parent@example.org" in page
    assert "1 July 2026" in page
    assert case.reference in page  # the sender's open case
    assert "an open case with the sender&#x27;s address" in page
    assert other.reference in page  # typed in the text
    assert "the e-mail names this reference" in page
    assert MailItemEvent.objects.filter(verb="listed", actor=officer).count() == 2


def test_a_restricted_case_is_not_suggested_to_someone_not_named_on_it(
    sign_in, officer, admin_user, item
):
    case = complaint(actor=admin_user, received_on=dt.date(2026, 6, 1), restricted=True)
    person = case.parties.get().person
    person.email = "jane.parent@example.org"
    person.save()
    page = sign_in(officer).get(reverse("correspondence:inbox")).content.decode()
    assert case.reference not in page


def test_the_inbox_page_costs_the_same_queries_for_3_or_25_items(
    sign_in, officer, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = sign_in(officer)
    for n in range(3):
        store(subject=f"Few {n}", sender=f"p{n}@example.org")
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("correspondence:inbox"))
    for n in range(22):
        store(
            subject=f"Many {n}",
            sender=f"q{n}@example.org",
            attachments=[("a.pdf", "application/pdf", PDF)],
        )
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("correspondence:inbox"))
    assert len(many) == len(few)


def test_the_item_page_shows_the_message_and_its_read_is_recorded(sign_in, officer, item):
    page = sign_in(officer).get(reverse("correspondence:item", args=[item.pk])).content.decode()
    assert "Nobody called me back." in page
    assert "notes.pdf" in page
    assert MailItemEvent.objects.filter(item=item, verb="viewed", actor=officer).exists()


def test_html_is_shown_sanitised_never_raw(sign_in, officer):
    raw = (
        b"From: a@example.org\r\nTo: b@example.org\r\nSubject: html\r\nMessage-ID: <h@x>\r\n"
        b"MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        b'<p onclick="steal()">Hello <b>there</b></p><script>alert(1)</script>'
        b'<img src="https://tracker.example/p.gif"><a href="javascript:alert(2)">x</a>\r\n'
    )
    item = services.item_store(raw=raw).item
    assert "<script" not in item.html
    assert "onclick" not in item.html
    assert "<img" not in item.html
    assert "javascript:" not in item.html
    assert item.text == "Hello there\nx"
    page = sign_in(officer).get(reverse("correspondence:item", args=[item.pk])).content.decode()
    assert "alert(1)" not in page
    assert "tracker.example" not in page
    policy = sign_in(officer).get(reverse("correspondence:item", args=[item.pk]))[
        "Content-Security-Policy"
    ]
    script_src = next(p for p in policy.split(";") if p.strip().startswith("script-src"))
    assert "unsafe-inline" not in script_src


def test_one_step_makes_a_complaint_prefilled_from_the_message(sign_in, officer, item):
    client = sign_in(officer)
    page = client.get(reverse("correspondence:item", args=[item.pk])).content.decode()
    assert 'value="Jane"' in page
    assert 'value="Parent"' in page
    assert 'value="1"' in page
    assert 'value="7"' in page
    assert 'value="2026"' in page
    response = client.post(
        reverse("correspondence:convert", args=[item.pk]),
        {
            "kind": Kind.COMPLAINT,
            "summary": "My son's support plan",
            "first_name": "Jane",
            "last_name": "Parent",
            "email": "jane.parent@example.org",
            "received_on_0": "1",
            "received_on_1": "7",
            "received_on_2": "2026",
            "procedure": "children-statutory",
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("casework:case", args=[case.reference])
    assert (case.kind, case.channel, case.received_on) == (
        Kind.COMPLAINT,
        Channel.EMAIL,
        dt.date(2026, 7, 1),
    )
    assert case.details == "Nobody called me back.\nPlease help."
    assert case.stages.count() == 1
    person = case.parties.get().person
    assert (person.first_name, person.last_name, person.email) == (
        "Jane",
        "Parent",
        "jane.parent@example.org",
    )
    names = sorted(Document.objects.filter(case=case).values_list("filename", flat=True))
    assert names == ["e-mail 2026-07-01.eml", "notes.pdf"]
    item.refresh_from_db()
    assert (item.status, item.case, item.done_by) == (ItemStatus.CONVERTED, case, officer)
    assert item.attachments.get().document is not None


def test_a_missing_summary_is_named_and_nothing_is_saved(sign_in, officer, item):
    response = sign_in(officer).post(
        reverse("correspondence:convert", args=[item.pk]), {"kind": Kind.CONTACT, "summary": ""}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Enter a summary" in page
    assert not Case.objects.exists()
    item.refresh_from_db()
    assert item.status == ItemStatus.NEW


def test_the_service_refusal_is_shown_beside_the_field(sign_in, officer, item):
    """No name: case_create's own refusal, beside the last name."""
    response = sign_in(officer).post(
        reverse("correspondence:convert", args=[item.pk]),
        {
            "kind": Kind.CONTACT,
            "summary": "A query",
            "received_on_0": "1",
            "received_on_1": "7",
            "received_on_2": "2026",
        },
    )
    assert response.status_code == 400
    assert "Enter the person&#x27;s name." in response.content.decode()
    assert not Case.objects.exists()


def test_an_e_mail_can_become_a_subject_access_request(officer, item):
    services.item_convert(
        item=item,
        actor=officer,
        kind=services.SAR,
        summary="All records about my son",
        first_name="Jane",
        last_name="Parent",
        email="jane.parent@example.org",
    )
    sar = SubjectAccessRequest.objects.get()
    assert sar.received_on == dt.date(2026, 7, 1)
    item.refresh_from_db()
    assert (item.status, item.sar) == (ItemStatus.CONVERTED, sar)


def test_attach_to_a_case_puts_it_on_the_timeline(sign_in, officer, item):
    case = complaint(actor=officer, received_on=dt.date(2026, 6, 1))
    response = sign_in(officer).post(
        reverse("correspondence:attach", args=[item.pk]), {"reference": case.reference.lower()}
    )
    assert response.status_code == 302
    assert case.events.filter(verb="email_attached").exists()
    assert Document.objects.filter(case=case).count() == 2
    item.refresh_from_db()
    assert (item.status, item.case) == (ItemStatus.ATTACHED, case)


def test_attach_to_a_case_the_officer_cannot_see_is_refused(sign_in, officer, admin_user, item):
    case = complaint(actor=admin_user, received_on=dt.date(2026, 6, 1), restricted=True)
    response = sign_in(officer).post(
        reverse("correspondence:attach", args=[item.pk]), {"reference": case.reference}
    )
    assert response.status_code == 400
    assert "There is no case with that reference you can see" in response.content.decode()
    assert not Document.objects.filter(case=case).exists()


def test_claim_release_and_another_officers_claim(officer, admin_user, item):
    services.item_claim(item=item, actor=officer)
    from harken.core.errors import ApplicationError

    with pytest.raises(ApplicationError, match="has claimed this e-mail already"):
        services.item_claim(item=item, actor=admin_user)
    with pytest.raises(ApplicationError, match="Only the officer who claimed"):
        services.item_release(item=item, actor=admin_user)
    services.item_release(item=item, actor=officer)
    services.item_claim(item=item, actor=admin_user)
    item.refresh_from_db()
    assert item.claimed_by == admin_user


def test_not_feedback_needs_a_reason_and_keeps_the_item(sign_in, officer, item):
    client = sign_in(officer)
    response = client.post(
        reverse("correspondence:not_feedback", args=[item.pk]), {"reason": "other"}
    )
    assert response.status_code == 400
    assert "Enter why this is not feedback" in response.content.decode()
    response = client.post(
        reverse("correspondence:not_feedback", args=[item.pk]), {"reason": "spam"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.not_feedback_reason) == (ItemStatus.NOT_FEEDBACK, "spam")
    assert MailItem.objects.filter(pk=item.pk).exists()
    page = client.get(reverse("correspondence:inbox") + "?view=done").content.decode()
    assert "My son&#x27;s support plan" in page
    # Out of the inbox: nothing more can be done to it.
    response = client.post(reverse("correspondence:claim", args=[item.pk]))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.claimed_by is None


def test_the_api_lists_reads_and_converts(officer, item):
    api = client_for(officer)
    listed = api.get("/api/v1/inbox/").json()
    assert listed["count"] == 1
    assert listed["results"][0]["subject"] == "My son's support plan"
    assert listed["results"][0]["attachments"][0]["accepted"] is True
    detail = api.get(f"/api/v1/inbox/{item.pk}/").json()
    assert detail["text"] == "Nobody called me back.\nPlease help."
    bad = api.post(f"/api/v1/inbox/{item.pk}/convert/", {"kind": "nonsense"}, format="json")
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {"kind", "summary"}
    made = api.post(
        f"/api/v1/inbox/{item.pk}/convert/",
        {
            "kind": "compliment",
            "summary": "Thanks to the team",
            "first_name": "Jane",
            "last_name": "Parent",
        },
        format="json",
    )
    assert made.status_code == 201
    case = Case.objects.get()
    assert made.json()["case"] == case.reference
    assert case.received_on == dt.date(2026, 7, 1)
    again = api.post(f"/api/v1/inbox/{item.pk}/claim/", {}, format="json")
    assert again.status_code == 400
    assert "no longer in the inbox" in again.json()["message"]


def test_the_api_attaches_claims_and_marks_not_feedback(officer, item):
    api = client_for(officer)
    case = complaint(actor=officer, received_on=dt.date(2026, 6, 1))
    other = store(subject="Spam offer")
    assert (
        api.post(f"/api/v1/inbox/{item.pk}/claim/", {}, format="json").json()["claimed_by"]
        == officer.username
    )
    assert (
        api.post(
            f"/api/v1/inbox/{item.pk}/attach/", {"case": "HK-1999-99999"}, format="json"
        ).status_code
        == 404
    )
    attached = api.post(f"/api/v1/inbox/{item.pk}/attach/", {"case": case.reference}, format="json")
    assert attached.status_code == 200
    assert attached.json()["status"] == "attached"
    marked = api.post(f"/api/v1/inbox/{other.pk}/not-feedback/", {"reason": "spam"}, format="json")
    assert marked.json()["status"] == "not_feedback"
    assert api.get("/api/v1/inbox/9999999/").status_code == 404


def test_the_schema_documents_the_inbox(officer):
    schema = (
        client_for(officer).get("/api/v1/schema/", HTTP_ACCEPT="application/json").content.decode()
    )
    for path in (
        "/api/v1/inbox/",
        "/api/v1/inbox/{id}/convert/",
        "/api/v1/inbox/{id}/not-feedback/",
    ):
        assert path in schema


def test_the_button_reads_the_mailbox_on_demand(sign_in, officer, mailbox):
    mailbox.deliver(make_email(subject="Read on demand"))
    client = sign_in(officer)
    assert "Check the mailbox now" in client.get(reverse("correspondence:inbox")).content.decode()
    response = client.post(reverse("correspondence:poll"), follow=True)
    page = response.content.decode()
    assert "The mailbox was read: 1 message(s) read: 1 stored" in page
    assert "Read on demand" in page


def test_no_button_without_a_mailbox(sign_in, officer, settings):
    settings.HARKEN_MAILBOX_HOST = ""
    page = sign_in(officer).get(reverse("correspondence:inbox")).content.decode()
    assert "Check the mailbox now" not in page


def test_the_lists_of_the_history_are_counted_and_paged_to_a_limit(sign_in, officer, monkeypatch):
    """'Dealt with' grows with the mailbox's history: its tab and pages stop at the limit
    (1,000; 3 here), so a page costs the same however many e-mails were ever received."""
    from harken.correspondence import selectors

    monkeypatch.setattr(selectors, "LISTED_AT_MOST", 3)
    monkeypatch.setattr(selectors, "PER_PAGE", 2)
    for n in range(5):
        services.item_not_feedback(
            item=store(subject=f"Spam {n}", sender=f"s{n}@example.net"),
            actor=officer,
            reason="spam",
        )
    store(subject="Still new", sender="new@example.org")
    client = sign_in(officer)
    page = client.get(reverse("correspondence:inbox"), {"view": "done"}).content.decode()
    assert "Dealt with (3+)" in page
    assert "Inbox (1)" in page
    assert "The newest 3 are listed here" in page
    assert "Page 1 of 2" in page
    last = client.get(reverse("correspondence:inbox"), {"view": "done", "page": 9})
    assert last.content.decode().count("Spam ") == 1  # the third newest, not the oldest
    assert "Spam 2" in last.content.decode()
