"""Rights requests (rectification, restriction, erasure) and the shared mailbox's e-mails have
retention rules of their own (docs/adr/0152): previewed, disposed of and logged like the other
records not linked to a case, held by a hold on their person, every personal field removed and
every stored file deleted; an e-mail on a case goes with its case."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.apps import apps
from django.core.files.storage import default_storage

from harken.cases.models import Case, Person, Status
from harken.cases.tests.factories import complaint
from harken.correspondence import services as mail
from harken.correspondence.models import ItemStatus, MailAttachment, MailItem, MailItemEvent
from harken.correspondence.tests.conftest import make_email
from harken.retention import services
from harken.retention.coverage import REPLACED
from harken.retention.defaults import DEFAULT_RULES
from harken.retention.disposal import personal_fields
from harken.retention.models import DisposedCase, DisposedRecord, RetentionRule
from harken.subjectaccess import rights
from harken.subjectaccess.models import RightsRequest, RightsRequestEvent

pytestmark = pytest.mark.django_db
D = dt.date
DAY = D(2025, 1, 1)


def _filled(label: str, obj: Any, name: str) -> bool:
    value = getattr(obj, name)
    if (label, name) in REPLACED:
        return value != REPLACED[(label, name)]
    return value not in (None, "", {}, [])


def _assert_emptied(label: str, rows: Any) -> int:
    checked = 0
    for obj in rows:
        for name in personal_fields(label):
            assert not _filled(label, obj, name), (label, name)
            checked += 1
    return checked


@pytest.fixture
def storage(media, settings):
    settings.HARKEN_CLAMD_SOCKET = ""
    settings.HARKEN_CLAMD_HOST = ""
    return media


def _person(officer: Any, first: str, last: str, email: str = "") -> Person:
    case = complaint(actor=officer, received_on=D(2024, 3, 4))
    person = case.parties.get().person
    Person.objects.filter(pk=person.pk).update(first_name=first, last_name=last, email=email)
    person.refresh_from_db()
    return person


@pytest.fixture
def requests(officer):
    """Rights requests of every ending, about people with no case: a refused rectification
    and a carried-out erasure long ago, a restriction lifted long ago, and three running (an
    open request, a restriction in force, a restriction lifted recently)."""
    from harken.cases.services import person_create

    def request(first: str, kind: str, received: dt.date) -> RightsRequest:
        person = person_create(actor=officer, first_name=first, last_name="Rights")
        return rights.rights_request_create(
            actor=officer,
            person=person,
            kind=kind,
            received_on=received,
            description=f"{first} asks about their record",
        )

    refused = request("Rhea", "rectification", D(2019, 2, 4))
    rights.rights_request_refuse(
        actor=officer,
        request=refused,
        decided_on=D(2019, 2, 20),
        reason="accurate",
        outcome="The worker's opinion is recorded as theirs, Rhea was told",
    )
    erased = request("Ezra", "erasure", D(2019, 3, 4))
    rights.rights_request_carry_out(
        actor=officer, request=erased, done_on=D(2019, 3, 10), outcome="Contact details erased"
    )
    lifted = request("Lior", "restriction", D(2018, 1, 8))
    rights.rights_request_carry_out(
        actor=officer, request=lifted, done_on=D(2018, 1, 10), outcome="No letters"
    )
    rights.rights_request_lift(
        actor=officer, request=lifted, lifted_on=D(2019, 1, 10), reason="Lior agreed, told"
    )
    running = request("Oona", "rectification", D(2018, 5, 1))
    in_force = request("Fern", "restriction", D(2015, 5, 1))
    rights.rights_request_carry_out(
        actor=officer, request=in_force, done_on=D(2015, 5, 5), outcome="No letters"
    )
    recent = request("Remy", "restriction", D(2015, 5, 1))
    rights.rights_request_carry_out(
        actor=officer, request=recent, done_on=D(2015, 5, 5), outcome="No letters"
    )
    rights.rights_request_lift(
        actor=officer, request=recent, lifted_on=D(2024, 6, 1), reason="Remy agreed, told"
    )
    return {
        "refused": refused,
        "erased": erased,
        "lifted": lifted,
        "running": running,
        "in_force": in_force,
        "recent": recent,
    }


def _store(**kwargs: Any) -> MailItem:
    received = kwargs.pop("received", dt.datetime(2022, 5, 3, 9, 0, tzinfo=dt.UTC))
    return mail.item_store(raw=make_email(**kwargs), received_at=received).item


@pytest.fixture
def items(officer, storage):
    """E-mails to the shared mailbox: an automatic reply and one marked spam, both from 2022;
    one still in the inbox from 2022; one from last month marked spam."""
    auto = _store(sender="Away <away@example.org>", headers={"Auto-Submitted": "auto-replied"})
    spam = _store(
        sender="Sam Spam <sam@example.org>",
        subject="Cheap watches",
        attachments=[("offer.pdf", "application/pdf", b"%PDF-1.4 offer")],
    )
    mail.item_not_feedback(item=spam, actor=officer, reason="spam")
    waiting = _store(sender="Wanda Wait <wanda@example.org>")
    recent = _store(
        sender="Nia New <nia@example.org>", received=dt.datetime(2024, 12, 3, tzinfo=dt.UTC)
    )
    mail.item_not_feedback(item=recent, actor=officer, reason="other", note="A newsletter")
    return {"auto": auto, "spam": spam, "waiting": waiting, "recent": recent}


def test_each_new_kind_has_a_shipped_rule_with_its_source():
    shipped = {d["kind"]: d for d in DEFAULT_RULES}
    assert RetentionRule.objects.get(kind="rights").description == "2 years after closure"
    assert RetentionRule.objects.get(kind="mail").description == "1 year after closure"
    for kind in ("rights", "mail"):
        rule = RetentionRule.objects.get(kind=kind)
        assert rule.source == shipped[kind]["source"]
        assert "IRMS" in rule.source
        assert rule.versions.get().reason == "Shipped default"


def test_the_preview_counts_rights_requests_that_ended_and_leaves_the_running(admin_user, requests):
    run = services.disposal_preview_create(day=DAY, actor=admin_user)
    line = run.lines.get(kind="rights")
    assert line.count == 3
    # Counted from the day it was decided, or a restriction lifted (10 January 2019).
    assert (line.earliest_on, line.latest_on) == (D(2019, 1, 10), D(2019, 3, 10))
    due = set(run.candidates.filter(line=line).values_list("record_id", flat=True))
    assert due == {requests[k].pk for k in ("refused", "erased", "lifted")}
    services.disposal_reject(run=run, actor=admin_user)
    # Two years after the last of them was decided, not before.
    with pytest.raises(Exception, match="Nothing is due"):
        services.disposal_preview_create(day=D(2021, 1, 9), actor=admin_user)


def test_disposing_of_rights_requests_removes_their_personal_data(admin_user, requests):
    run = services.disposal_preview_create(day=DAY, actor=admin_user)
    services.disposal_approve(run=run, actor=admin_user)
    run.refresh_from_db()
    run = services.disposal_carry_out(run=run)
    line = run.lines.get(kind="rights")
    assert line.disposed == 3
    ids = [requests[k].pk for k in ("refused", "erased", "lifted")]
    assert set(
        DisposedRecord.objects.filter(kind="rights").values_list("record_id", flat=True)
    ) == set(ids)
    checked = _assert_emptied(
        "subjectaccess.RightsRequest", RightsRequest.objects.filter(pk__in=ids)
    )
    events = RightsRequestEvent.objects.filter(request_id__in=ids)
    assert events.count() >= 6
    checked += _assert_emptied("subjectaccess.RightsRequestEvent", events)
    assert checked > 20
    # What the register counts stays: kind, dates, status, the refusal's reason code.
    refused = RightsRequest.objects.get(pk=requests["refused"].pk)
    assert (refused.kind, refused.status, refused.refusal_reason, refused.decided_on) == (
        "rectification",
        "refused",
        "accurate",
        D(2019, 2, 20),
    )
    # Their people are anonymised; the running requests and their people are untouched.
    for first in ("Rhea", "Ezra", "Lior"):
        assert not Person.objects.filter(first_name=first).exists(), first
    for key, first in (("running", "Oona"), ("in_force", "Fern"), ("recent", "Remy")):
        kept = RightsRequest.objects.select_related("person").get(pk=requests[key].pk)
        assert kept.description.startswith(first)
        assert kept.person.first_name == first


def test_a_hold_on_the_person_keeps_their_rights_request(admin_user, requests):
    services.hold_place(
        person=requests["refused"].person,
        reason="litigation",
        explanation="Claim about the record",
        actor=admin_user,
    )
    run = services.disposal_preview_create(day=DAY, actor=admin_user)
    due = set(run.candidates.filter(line__kind="rights").values_list("record_id", flat=True))
    assert requests["refused"].pk not in due
    assert requests["erased"].pk in due


def test_an_open_rights_request_keeps_its_person_when_their_cases_go(
    admin_user, officer, closed_case, media
):
    """A person whose every case is disposed is not anonymised while a rights request about
    them is still open (it names them; a request's link to its person has no reverse name,
    so it was missed before)."""
    person = closed_case.parties.get().person
    rights.rights_request_create(
        actor=officer,
        person=person,
        kind="rectification",
        received_on=D(2024, 6, 3),
        description="My name is spelt wrongly",
    )
    run = services.disposal_preview_create(day=DAY, actor=admin_user)
    services.disposal_approve(run=run, actor=admin_user)
    run.refresh_from_db()
    services.disposal_carry_out(run=run)
    assert DisposedCase.objects.filter(case=closed_case).exists()
    person.refresh_from_db()
    assert person.last_name  # still named: the open request needs them


def test_the_preview_counts_mail_set_aside_or_not_feedback_a_year_after_it_arrived(
    admin_user, items
):
    run = services.disposal_preview_create(day=D(2024, 1, 1), actor=admin_user)
    line = run.lines.get(kind="mail")
    assert line.count == 2
    assert line.earliest_on == D(2022, 5, 3)  # the day it arrived, in London
    due = set(run.candidates.filter(line=line).values_list("record_id", flat=True))
    assert due == {items["auto"].pk, items["spam"].pk}  # not the inbox's, not last month's


def test_disposing_of_mail_deletes_the_raw_email_and_empties_its_fields(admin_user, items):
    names = {k: items[k].raw_storage_name for k in items}
    assert all(default_storage.exists(n) for n in names.values())
    run = services.disposal_preview_create(day=D(2024, 1, 1), actor=admin_user)
    services.disposal_approve(run=run, actor=admin_user)
    run.refresh_from_db()
    run = services.disposal_carry_out(run=run)
    assert run.lines.get(kind="mail").disposed == 2
    for key in ("auto", "spam"):
        assert not default_storage.exists(names[key]), key
    for key in ("waiting", "recent"):
        assert default_storage.exists(names[key]), key
    gone = MailItem.objects.filter(pk__in=[items["auto"].pk, items["spam"].pk])
    checked = _assert_emptied("correspondence.MailItem", gone)
    checked += _assert_emptied(
        "correspondence.MailAttachment", MailAttachment.objects.filter(item__in=gone)
    )
    events = MailItemEvent.objects.filter(item__in=gone)
    assert events.exists()
    checked += _assert_emptied("correspondence.MailItemEvent", events)
    assert checked > 30
    spam = MailItem.objects.get(pk=items["spam"].pk)
    assert (spam.status, spam.kind, spam.not_feedback_reason) == ("not_feedback", "message", "spam")
    assert spam.recipients == []  # a list stays a list
    assert MailItem.objects.get(pk=items["waiting"].pk).sender_address == "wanda@example.org"


def test_a_hold_on_a_person_keeps_the_mail_from_their_address(admin_user, officer, items):
    held = _person(officer, "Sam", "Spam", email="Sam@Example.org")
    services.hold_place(person=held, reason="inquiry", explanation="Inquiry", actor=admin_user)
    run = services.disposal_preview_create(day=D(2024, 1, 1), actor=admin_user)
    due = set(run.candidates.filter(line__kind="mail").values_list("record_id", flat=True))
    assert due == {items["auto"].pk}


def test_mail_on_a_case_goes_with_the_case(admin_user, officer, closed_case, storage):
    """An e-mail added to a case is disposed of with it: its raw .eml and the case's copy
    deleted from storage, its personal fields and its attachments' emptied."""
    Case.objects.filter(pk=closed_case.pk).update(status=Status.OPEN)
    item = _store(
        sender="Carla Case <carla@example.org>",
        attachments=[("photo.pdf", "application/pdf", b"%PDF-1.4 photo")],
    )
    mail.item_attach(item=item, actor=officer, case=closed_case)
    Case.objects.filter(pk=closed_case.pk).update(status=Status.CLOSED)
    item.refresh_from_db()
    assert item.status == ItemStatus.ATTACHED
    copies = list(closed_case.documents.values_list("storage_name", flat=True))
    assert len(copies) == 2  # the .eml and its attachment
    run = services.disposal_preview_create(day=DAY, actor=admin_user)
    assert item.pk not in set(
        run.candidates.filter(line__kind="mail").values_list("record_id", flat=True)
    )
    services.disposal_approve(run=run, actor=admin_user)
    run.refresh_from_db()
    services.disposal_carry_out(run=run)
    assert DisposedCase.objects.filter(case=closed_case).exists()
    assert not default_storage.exists(item.raw_storage_name)
    assert not any(default_storage.exists(n) for n in copies)
    item.refresh_from_db()
    assert item.case_id == closed_case.pk
    _assert_emptied("correspondence.MailItem", [item])
    _assert_emptied("correspondence.MailAttachment", item.attachments.all())
    _assert_emptied("correspondence.MailItemEvent", item.events.all())
    assert not DisposedRecord.objects.filter(kind="mail").exists()


def test_mail_made_into_a_subject_access_request_goes_with_the_request(
    admin_user, officer, storage
):
    from harken.registers import services as registers

    item = _store(sender="Sara Quill <sara@example.org>", subject="All my records please")
    item = mail.item_convert(
        item=item,
        actor=officer,
        kind="sar",
        summary="Copies of my records",
        first_name="Sara",
        last_name="Quill",
        email="sara@example.org",
        received=D(2020, 3, 2),
    )
    assert item.sar is not None
    registers.sar_update(
        sar=item.sar, actor=officer, identity_verified_on=D(2020, 3, 2), sent_on=D(2020, 3, 20)
    )
    run = services.disposal_preview_create(day=DAY, actor=admin_user)
    assert run.lines.filter(kind="sar").exists()
    assert not run.lines.filter(kind="mail").exists()
    services.disposal_approve(run=run, actor=admin_user)
    run.refresh_from_db()
    services.disposal_carry_out(run=run)
    assert not default_storage.exists(item.raw_storage_name)
    item.refresh_from_db()
    _assert_emptied("correspondence.MailItem", [item])
    _assert_emptied("correspondence.MailItemEvent", item.events.all())


def test_every_model_of_the_mailbox_and_the_rights_requests_is_disposed_of():
    """The shared mailbox's and the rights requests' models are no longer kept for ever."""
    from harken.retention.coverage import DISPOSED_WITH_CASE, KEPT_MODELS

    for app in ("correspondence",):
        for model in apps.get_app_config(app).get_models():
            assert model._meta.label in DISPOSED_WITH_CASE, model._meta.label
    for label in ("subjectaccess.RightsRequest", "subjectaccess.RightsRequestEvent"):
        assert label in DISPOSED_WITH_CASE
        assert label not in KEPT_MODELS


def test_a_text_message_set_aside_goes_with_the_row_notify_gave(admin_user, officer, storage):
    """A text marked not feedback is disposed of a year after it came, and the row GOV.UK
    Notify's callback stored (the sender's number, the words) is emptied with it."""
    from django.utils import timezone

    from harken.notifications.models import InboundText

    text = InboundText.objects.create(
        notify_id="n-1",
        source_number="447700900123",
        destination_number="07700900000",
        message="Please stop texting me",
        received_at=timezone.make_aware(dt.datetime(2022, 5, 3, 9, 0)),
    )
    item = mail.text_store(text=text).item
    mail.item_not_feedback(item=item, actor=officer, reason="misdirected")
    run = services.disposal_preview_create(day=D(2024, 1, 1), actor=admin_user)
    assert item.pk in set(
        run.candidates.filter(line__kind="mail").values_list("record_id", flat=True)
    )
    services.disposal_approve(run=run, actor=admin_user)
    run.refresh_from_db()
    services.disposal_carry_out(run=run)
    text.refresh_from_db()
    assert text.source_number != "447700900123"
    assert "stop texting" not in text.message
    assert _assert_emptied("notifications.InboundText", [text]) == 2
    assert text.destination_number == "07700900000"  # the council's own number, kept
