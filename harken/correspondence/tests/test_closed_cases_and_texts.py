"""What issue 13 left open in the inbox: a suggested case is a read of that case (and a case
the viewer may not see is never suggested); a reply to a closed case joins its timeline and
waits in the inbox for a decision; text messages received through GOV.UK Notify are items of
the same inbox, dealt with by the same steps."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from harken.cases.models import Case, CaseRead, Channel, Kind, Status
from harken.cases.services import case_withdraw
from harken.cases.tests.factories import complaint, respond_all
from harken.correspondence import selectors, services
from harken.correspondence.models import ItemKind, ItemStatus, MailItem, MailItemEvent
from harken.documents.models import Document
from harken.notifications.models import InboundText, Message, MessageKind
from harken.notifications.outbox import message_id

from .conftest import make_email

pytestmark = pytest.mark.django_db

TOKEN = "callback-token-for-the-tests-0123456789"
PARENT = "jane.parent@example.org"


def _case(actor, *, restricted: bool = False, email: str = PARENT, phone: str = "") -> Case:
    case = complaint(actor=actor, received_on=dt.date(2026, 11, 2), restricted=restricted)
    person = case.parties.get().person
    person.email, person.phone = email, phone
    person.save()
    return case


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


# --- 1. Suggestions are reads of the cases suggested ---------------------------------------


def test_each_case_suggested_on_the_inbox_is_recorded_as_read(sign_in, officer):
    by_address = _case(officer)
    named = _case(officer, email="someone@example.net")
    services.item_store(raw=make_email(text=f"About {named.reference} and my son"))
    page = sign_in(officer).get(reverse("correspondence:inbox")).content.decode()
    assert by_address.reference in page
    assert named.reference in page
    reads = CaseRead.objects.filter(user=officer, via=selectors.SUGGESTION_READ)
    assert sorted(reads.values_list("case__reference", flat=True)) == sorted(
        [by_address.reference, named.reference]
    )


def test_the_item_page_and_the_api_record_the_suggestions_they_show(sign_in, officer):
    case = _case(officer)
    item = services.item_store(raw=make_email()).item
    sign_in(officer).get(reverse("correspondence:item", args=[item.pk]))
    assert CaseRead.objects.filter(case=case, via="inbox suggestion").count() == 1
    body = api(officer).get(f"/api/v1/inbox/{item.pk}/").json()
    assert [s["case"] for s in body["suggestions"]] == [case.reference]
    assert CaseRead.objects.filter(case=case, via="inbox suggestion").count() == 2


def test_a_case_the_viewer_may_not_see_is_neither_suggested_nor_read(sign_in, officer, admin_user):
    hidden = _case(admin_user, restricted=True, email="someone.else@example.net")
    # The sender's address is on this one: an open case, restricted too.
    theirs = _case(admin_user, restricted=True)
    # Its reference named in the subject (not joined: the sender is not on it) and the text.
    item = services.item_store(
        raw=make_email(subject=f"Re: {hidden.reference}", text=f"See {hidden.reference}")
    ).item
    assert (item.status, item.suggested_case) == (ItemStatus.NEW, hidden)
    client = sign_in(officer)
    for url in (reverse("correspondence:inbox"), reverse("correspondence:item", args=[item.pk])):
        page = client.get(url).content.decode()
        # The e-mail's own words name it; no link to it, no suggestion of either.
        assert reverse("casework:case", args=[hidden.reference]) not in page
        assert theirs.reference not in page
    listed = api(officer).get("/api/v1/inbox/").json()["results"]
    assert listed[0]["suggestions"] == []
    assert not CaseRead.objects.filter(user=officer).exists()
    # Whoever may see them is shown them, and the reads are theirs.
    assert len(selectors.suggestions_for([item], user=admin_user)[item.pk]) == 2
    assert CaseRead.objects.filter(user=admin_user, via="inbox suggestion").count() == 2


def test_an_item_dealt_with_shows_no_suggestions_and_records_no_read(sign_in, officer):
    case = _case(officer)
    item = services.item_store(raw=make_email()).item
    services.item_not_feedback(item=item, actor=officer, reason="spam")
    sign_in(officer).get(reverse("correspondence:item", args=[item.pk]))
    assert not CaseRead.objects.filter(case=case, via="inbox suggestion").exists()


# --- 3. A reply to a closed case -------------------------------------------------------------


def _sent_from(case: Case) -> Message:
    return Message.objects.create(kind=MessageKind.CASE_EMAIL, to=[PARENT], case=case)


def _reply(case: Case, **kwargs) -> MailItem:
    sent = _sent_from(case)
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    return services.item_store(
        raw=make_email(
            subject="Re: your letter",
            headers={"In-Reply-To": message_id(sent)},
            attachments=[("more.pdf", "application/pdf", pdf)],
            **kwargs,
        )
    ).item


@pytest.fixture
def withdrawn(officer) -> Case:
    case = _case(officer)
    return case_withdraw(case=case, on=dt.date(2026, 11, 9), reason="Sorted", actor=officer)


def test_a_reply_to_a_closed_case_joins_its_timeline_and_waits_in_the_inbox(
    sign_in, officer, withdrawn
):
    item = _reply(withdrawn)
    assert item.status == ItemStatus.NEW
    assert item.case == withdrawn
    assert item.closed_case_reply
    # Nothing lost: the e-mail and its attachment are the case's, on its timeline.
    names = sorted(Document.objects.filter(case=withdrawn).values_list("filename", flat=True))
    assert names[1] == "more.pdf"
    assert names[0].endswith(".eml")
    event = withdrawn.events.get(verb="email_received")
    assert "received after the case was closed" in event.description
    assert item.events.filter(verb=MailItemEvent.Verb.CLOSED_CASE_REPLY).exists()
    client = sign_in(officer)
    inbox = client.get(reverse("correspondence:inbox")).content.decode()
    assert "Reply to a closed case" in inbox
    assert withdrawn.reference in inbox
    page = client.get(reverse("correspondence:item", args=[item.pk])).content.decode()
    assert "Reopen the case" in page
    assert "Leave it on the case" in page
    assert "Make it a new record" in page


def test_a_reply_to_an_open_case_still_joins_it_by_itself(officer):
    case = _case(officer)
    item = _reply(case)
    assert (item.status, item.case, item.closed_case_reply) == (ItemStatus.JOINED, case, False)


def test_the_officer_reopens_the_case_through_the_reopen_step(sign_in, officer, withdrawn):
    item = _reply(withdrawn)
    client = sign_in(officer)
    url = reverse("correspondence:reopen_case", args=[item.pk])
    empty = client.post(url, {"reopen-reason": ""})
    assert empty.status_code == 400
    assert "Enter why the case is reopened" in empty.content.decode()
    response = client.post(url, {"reopen-reason": "She says it is not sorted"})
    assert response.status_code == 302
    withdrawn.refresh_from_db()
    item.refresh_from_db()
    assert withdrawn.status == Status.OPEN
    assert withdrawn.events.filter(verb="reopened").exists()
    assert item.status == ItemStatus.JOINED
    assert item.done_by == officer
    assert item.events.filter(verb=MailItemEvent.Verb.CASE_REOPENED).exists()


def test_a_case_the_workflow_will_not_reopen_is_refused_in_its_words(sign_in, officer):
    case = _case(officer)
    respond_all(case, on=dt.date(2026, 11, 10), actor=officer)
    case.refresh_from_db()
    assert case.status != Status.OPEN
    item = _reply(case)
    assert item.closed_case_reply
    response = sign_in(officer).post(
        reverse("correspondence:reopen_case", args=[item.pk]), {"reopen-reason": "Again"}
    )
    assert response.status_code == 400
    assert "Stage 1 was concluded" in response.content.decode()
    item.refresh_from_db()
    case.refresh_from_db()
    assert item.status == ItemStatus.NEW
    assert case.status != Status.OPEN
    # The API gives the same refusal, as JSON.
    answer = api(officer).post(
        f"/api/v1/inbox/{item.pk}/reopen-case/", {"reason": "Again"}, format="json"
    )
    assert answer.status_code == 400
    assert "Stage 1 was concluded" in answer.json()["message"]


def test_no_action_leaves_it_on_the_case_and_out_of_the_inbox(officer, withdrawn):
    item = _reply(withdrawn)
    answer = api(officer).post(
        f"/api/v1/inbox/{item.pk}/no-action/", {"note": "Just a thank you"}, format="json"
    )
    assert answer.status_code == 200
    assert answer.json()["status"] == "joined"
    item.refresh_from_db()
    assert item.status == ItemStatus.JOINED
    assert item.case == withdrawn
    assert "Just a thank you" in item.events.get(verb=MailItemEvent.Verb.NO_ACTION).description
    withdrawn.refresh_from_db()
    assert withdrawn.status == Status.WITHDRAWN


def test_no_action_is_only_for_a_reply_to_a_closed_case(officer):
    item = services.item_store(raw=make_email()).item
    answer = api(officer).post(f"/api/v1/inbox/{item.pk}/no-action/", {}, format="json")
    assert answer.status_code == 400
    assert "not a reply to a closed case" in answer.json()["message"]


def test_a_new_contact_from_a_reply_to_a_closed_case(officer, withdrawn):
    item = _reply(withdrawn)
    item = services.item_convert(
        item=item, actor=officer, kind=Kind.CONTACT, summary="New worry", last_name="Parent"
    )
    assert item.status == ItemStatus.CONVERTED
    assert item.case is not None
    assert item.case != withdrawn
    # Both keep the e-mail: the closed case's timeline, and the new contact's documents.
    assert Document.objects.filter(case=withdrawn, filename="more.pdf").exists()
    assert Document.objects.filter(case=item.case, filename="more.pdf").exists()


def test_it_cannot_be_added_again_to_the_case_it_is_on(officer, withdrawn):
    item = _reply(withdrawn)
    answer = api(officer).post(
        f"/api/v1/inbox/{item.pk}/attach/", {"case": withdrawn.reference}, format="json"
    )
    assert answer.status_code == 400
    assert "already on case" in answer.json()["message"]
    assert Document.objects.filter(case=withdrawn, filename="more.pdf").count() == 1


@pytest.mark.parametrize("role", ["manager", "report_viewer"])
def test_only_the_feedback_team_decides(sign_in, officer, withdrawn, role, request):
    item = _reply(withdrawn)
    user = request.getfixturevalue(role)
    client = sign_in(user)
    assert client.post(reverse("correspondence:reopen_case", args=[item.pk]), {}).status_code == 403
    assert client.post(reverse("correspondence:no_action", args=[item.pk]), {}).status_code == 403
    for step in ("reopen-case", "no-action"):
        assert api(user).post(f"/api/v1/inbox/{item.pk}/{step}/", {}).status_code == 403
    item.refresh_from_db()
    assert item.status == ItemStatus.NEW


# --- 2. Text messages in the same inbox ------------------------------------------------------


@pytest.fixture
def callback(settings, client):
    settings.HARKEN_NOTIFY_CALLBACK_TOKEN = TOKEN

    def post(number: str, words: str, notify_id: str = "9a8b7c6d-0000-4000-8000-000000000001"):
        return client.post(
            reverse("notify:received_texts"),
            data=json.dumps(
                {
                    "id": notify_id,
                    "source_number": number,
                    "destination_number": "07700900000",
                    "message": words,
                    "date_received": "2026-11-20T09:05:00.000000Z",
                }
            ),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {TOKEN}",
        )

    return post


def test_a_text_received_is_an_item_of_the_inbox_once(callback, sign_in, officer):
    assert callback("447700900123", "My foster placement is ending").json()["result"] == "stored"
    assert callback("447700900123", "My foster placement is ending").json()["result"] == (
        "unchanged"
    )
    text = InboundText.objects.get()
    item = MailItem.objects.get()
    assert (item.kind, item.status, item.inbound_text) == (ItemKind.TEXT, ItemStatus.NEW, text)
    assert item.sender_phone == "447700900123"
    assert services.item_raw(item).decode().endswith("My foster placement is ending\n")
    page = sign_in(officer).get(reverse("correspondence:inbox")).content.decode()
    assert "Text message" in page
    assert "My foster placement is ending" in page
    assert "447700900123" in page
    item_page = sign_in(officer).get(reverse("correspondence:item", args=[item.pk]))
    assert "Text message from 447700900123" in item_page.content.decode()
    listed = api(officer).get("/api/v1/inbox/").json()["results"]
    assert [(r["kind"], r["sender_phone"]) for r in listed] == [("text", "447700900123")]


def test_a_text_from_a_number_on_an_open_case_suggests_it(callback, sign_in, officer):
    open_case = _case(officer, phone="07700 900123")
    closed = _case(officer, phone="+44 (0)7700-900123")
    case_withdraw(case=closed, on=dt.date(2026, 11, 9), reason="Sorted", actor=officer)
    _case(officer, phone="07700 900999")  # another number
    callback("447700900123", "Nobody rang me back")
    item = MailItem.objects.get()
    found = selectors.suggestions_for([item], user=officer)[item.pk]
    assert [(s.case, s.why) for s in found] == [
        (open_case, "an open case with the sender's phone number")
    ]
    page = sign_in(officer).get(reverse("correspondence:inbox")).content.decode()
    assert open_case.reference in page
    assert closed.reference not in page
    assert CaseRead.objects.filter(case=open_case, via="inbox suggestion").exists()


def test_a_text_becomes_a_complaint_through_the_same_step(callback, sign_in, officer):
    from harken.accounts.models import Team

    callback("447700900123", "The social worker never visits\nPlease help")
    item = MailItem.objects.get()
    client = sign_in(officer)
    page = client.get(reverse("correspondence:item", args=[item.pk])).content.decode()
    assert "What the text message is" in page
    assert 'value="07700 900123"' in page  # the number, prefilled
    response = client.post(
        reverse("correspondence:convert", args=[item.pk]),
        {
            "kind": Kind.COMPLAINT,
            "summary": "The social worker never visits",
            "last_name": "Sender",
            "phone": "07700 900123",
            "received_on_0": "20",
            "received_on_1": "11",
            "received_on_2": "2026",
            "team": Team.objects.get(name="Assessment Teams").pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    item.refresh_from_db()
    case = item.case
    assert item.status == ItemStatus.CONVERTED
    assert case is not None
    assert (case.kind, case.channel, case.received_on) == (
        Kind.COMPLAINT,
        Channel.TEXT,
        dt.date(2026, 11, 20),
    )
    assert case.parties.get().person.phone == "07700 900123"
    assert "never visits" in case.details
    assert Document.objects.get(case=case).filename == "text message 2026-11-20.txt"


def test_a_text_is_attached_to_a_case_or_marked_not_feedback(callback, officer):
    case = _case(officer)
    callback("447700900123", "Update: the meeting is on Friday", notify_id="a-1")
    callback("447700900456", "WIN A PRIZE", notify_id="a-2")
    update, spam = MailItem.objects.order_by("sender_phone")
    answer = api(officer).post(
        f"/api/v1/inbox/{update.pk}/attach/", {"case": case.reference}, format="json"
    )
    assert answer.status_code == 200
    event = case.events.get(verb="text_attached")
    assert "Text message added from 447700900123" in event.description
    assert "the meeting is on Friday" in event.description
    services.item_not_feedback(item=spam, actor=officer, reason="spam")
    spam.refresh_from_db()
    assert spam.status == ItemStatus.NOT_FEEDBACK
    assert MailItem.objects.count() == 2  # nothing deleted


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("447700900123", "7700900123"),
        ("+44 7700 900123", "7700900123"),
        ("07700 900123", "7700900123"),
        ("0044 (0)7700-900123", "7700900123"),
        ("61234", ""),
        ("", ""),
    ],
)
def test_phone_numbers_match_however_they_were_written(typed, key):
    assert services.phone_key(typed) == key
