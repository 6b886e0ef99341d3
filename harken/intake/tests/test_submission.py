"""Never lost, never abused: one record per form, e-mail retried, files checked, limits."""

from __future__ import annotations

import datetime as dt
import smtplib
import uuid
from pathlib import Path
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import IntegrityError
from django.urls import reverse

from harken.cases.models import Case, ReferenceCounter
from harken.intake import services
from harken.intake.journeys import COMPLAINT
from harken.intake.models import Attachment, Submission
from harken.intake.views import SESSION_KEY
from harken.notifications import outbox
from harken.notifications.models import MessageStatus

from .conftest import NOW, complaint_pages, compliment_pages, confirmation_of, young_person_pages

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 64
ATTACHMENTS = reverse("intake:step", args=["complaint", "documents-and-photos"])


# --- One record per form ------------------------------------------------------------------


def test_double_submit_makes_one_case_and_shows_the_same_reference(walker, client, frozen):
    """A double click or the page sent again: the second post finds the first record."""
    w = walker("complaint")
    w.to_check(complaint_pages())
    key = w.key
    first = w.send(key)
    second = w.send(key)
    assert first["Location"] == second["Location"]
    assert Case.objects.count() == 1
    assert Submission.objects.count() == 1
    page = client.get(second["Location"]).content.decode()
    assert Case.objects.get().reference in page


def test_resubmitted_after_the_answers_left_the_session_still_finds_the_record(
    walker, client, frozen
):
    w = walker("complaint")
    w.to_check(complaint_pages())
    key = w.key
    w.send(key)
    client.cookies.clear()  # a different browser session, the same form posted again
    response = client.post(reverse("intake:check", args=["complaint"]), {"key": key})
    assert response.status_code == 302
    assert Case.objects.count() == 1


def test_the_confirmation_says_what_the_record_says_the_person_was_told(walker, client, frozen):
    """The confirmation's reference and next steps are kept with the record (with the dates as
    they stood), shown again on a refresh, and the e-mail sent later says the same."""
    with mock.patch("harken.notifications.outbox.message_enqueue"):
        page = walker("complaint").complete(complaint_pages())
    submission = Submission.objects.get()
    case = Case.objects.get()
    html = page.content.decode()
    assert submission.next_steps[0].startswith("We'll read your complaint and contact you by")
    assert "26 March 2025" in submission.next_steps[0]
    for step in submission.next_steps:
        assert step.replace("'", "&#x27;") in html
    assert "We'll send an e-mail with your reference number" in html
    again = client.get(reverse("intake:confirmation", args=["complaint"])).content.decode()
    assert case.reference in again
    assert again.count('<p class="govuk-body">') == html.count('<p class="govuk-body">')
    # The e-mail goes days later, after the council changed its closure days: same words.
    Submission.objects.filter(pk=submission.pk).update(
        next_steps=["We'll read your complaint and contact you by 27 March 2025."]
    )
    services.confirmation_send(submission_id=submission.pk)
    assert "contact you by 27 March 2025." in mail.outbox[0].body


def test_the_email_sent_after_the_contact_was_progressed_quotes_the_same_reference(
    walker, frozen, officer
):
    """The confirmation page gave HK-…; the contact is progressed before the e-mail goes (the
    mail server was down): the e-mail quotes the reference on the confirmation, which the
    complaint now carries."""
    from harken.cases import services as case_services

    with mock.patch("harken.notifications.outbox.message_enqueue"):
        walker("complaint").complete(complaint_pages())
    submission = Submission.objects.get()
    contact = submission.case
    assert contact is not None
    given = contact.reference
    complaint = case_services.contact_progress(
        case=contact,
        on=contact.received_on,
        actor=officer,
        procedure_code="children-statutory",
        elements=[case_services.ElementInput(summary="The point")],
    )
    assert complaint.reference == given
    services.confirmation_send(submission_id=submission.pk)
    assert f"Your reference number is {given}." in mail.outbox[0].body
    assert given in mail.outbox[0].subject


def test_without_an_address_the_confirmation_asks_to_note_the_reference(walker, frozen):
    pages = complaint_pages(
        how_to_contact_you={"contact_preference": "phone"},
        contact_details={"phone": "01632 960001", "consent": "on"},
    )
    html = walker("complaint").complete(pages).content.decode()
    assert "Please write down your reference number" in html
    assert "send an e-mail" not in html
    assert Submission.objects.get().next_steps


def test_same_key_sent_at_the_same_moment_makes_one_record(walker, frozen):
    """The second insert of a key (another request's, at the same moment, or the page sent
    again) is refused by the unique key and the first record is returned: nothing
    half-saved, no second case, no reference used up."""
    w = walker("complaint")
    w.to_check(complaint_pages())
    key = uuid.UUID(w.key)
    saved = w.client.session["harken_intake"]["complaint"]["saved"]
    winner, created = services.submission_create(journey=COMPLAINT, key=key, saved=saved)
    assert created
    again, created = services.submission_create(journey=COMPLAINT, key=key, saved=saved)
    assert not created
    assert again.pk == winner.pk
    assert again.case == winner.case
    assert Case.objects.count() == 1
    assert Submission.objects.count() == 1
    assert ReferenceCounter.objects.get().last == 1


def test_a_failed_case_write_leaves_nothing_behind(walker, frozen):
    w = walker("complaint")
    w.to_check(complaint_pages())
    with (
        mock.patch("harken.intake.services.case_create", side_effect=IntegrityError("disk full")),
        pytest.raises(IntegrityError),
    ):
        w.send()
    assert Submission.objects.count() == 0
    assert Case.objects.count() == 0
    # The answers are still there: sending again works.
    assert w.send()["Location"] == reverse("intake:confirmation", args=["complaint"])
    assert Case.objects.count() == 1


# --- The confirmation e-mail ----------------------------------------------------------------


def test_mail_server_down_keeps_the_case_and_sends_later_exactly_once(
    walker, frozen, django_capture_on_commit_callbacks
):
    """Sending fails: the record and reference stand; the e-mail waits; the periodic command
    sends it once; running the command again sends nothing more."""
    with (
        mock.patch(
            "django.core.mail.EmailMessage.send", side_effect=ConnectionRefusedError("down")
        ),
        django_capture_on_commit_callbacks(execute=True),
    ):
        page = walker("complaint").complete(complaint_pages())
    case = Case.objects.get()
    assert case.reference in page.content.decode()
    submission = Submission.objects.get()
    message = confirmation_of(submission)
    assert message.status == MessageStatus.RETRYING
    assert message.attempts == 1
    assert "ConnectionRefusedError" in message.last_error
    assert message.next_attempt_at == NOW + dt.timedelta(minutes=1)
    assert mail.outbox == []

    call_command("send_pending_confirmations")  # not due yet
    assert mail.outbox == []
    frozen.shift(dt.timedelta(minutes=2))
    call_command("send_pending_confirmations")
    assert len(mail.outbox) == 1
    assert case.reference in mail.outbox[0].body
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert message.attempts == 2
    call_command("send_pending_confirmations")
    call_command("send_pending_confirmations", "--inline")
    assert len(mail.outbox) == 1


def test_retries_back_off_and_give_up_after_the_limit(walker, frozen, settings):
    settings.HARKEN_INTAKE_EMAIL_MAX_ATTEMPTS = 3
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("no route")):
        walker("complaint").complete(complaint_pages())
        submission = Submission.objects.get()
        for _ in range(5):
            frozen.shift(dt.timedelta(hours=13))
            call_command("send_pending_confirmations", "--inline")
    message = confirmation_of(submission)
    assert message.status == MessageStatus.FAILED
    assert message.attempts == 3
    assert Case.objects.count() == 1


def test_a_worker_that_died_while_sending_is_retried_after_the_claim_times_out(walker, frozen):
    with mock.patch("harken.notifications.outbox.message_enqueue"):
        walker("complaint").complete(complaint_pages())
    submission = Submission.objects.get()
    submission.messages.update(status=MessageStatus.SENDING, claimed_at=NOW)
    call_command("send_pending_confirmations")
    assert mail.outbox == []
    frozen.shift(dt.timedelta(minutes=11))
    call_command("send_pending_confirmations")
    assert len(mail.outbox) == 1


def test_task_sends_nothing_for_a_submission_already_sent(
    walker, frozen, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        walker("complaint").complete(complaint_pages())
    submission = Submission.objects.get()
    assert services.confirmation_send(submission_id=submission.pk) is False
    assert len(mail.outbox) == 1


def test_deferred_retry_is_queued_where_the_backend_can_defer(walker, frozen, settings):
    with mock.patch("harken.notifications.outbox.message_enqueue"):
        walker("complaint").complete(complaint_pages())
    submission = Submission.objects.get()
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import default_task_backend

    with (
        mock.patch(
            "django.core.mail.EmailMessage.send",
            side_effect=smtplib.SMTPRecipientsRefused({"sian@example.com": (550, b"no")}),
        ),
        pytest.raises(outbox.MessageNotSent) as failed,
    ):
        services.confirmation_send(submission_id=submission.pk)
    # The task's failure (logged by the worker) names no one.
    assert "example.com" not in str(failed.value)
    assert failed.value.__context__ is None or failed.value.__suppress_context__
    (retry,) = default_task_backend.results  # type: ignore[attr-defined]
    assert retry.task.name == "send_message"
    assert retry.args == [confirmation_of(submission).pk]
    assert retry.task.run_after == NOW + dt.timedelta(minutes=1)


# --- Files ----------------------------------------------------------------------------------


def _to_attachments(walker, client):
    w = walker("complaint")
    url = w.start()
    pages = complaint_pages()
    while not url.startswith(ATTACHMENTS):
        url = client.post(url, pages[url.rstrip("/").split("/")[-1]])["Location"]
    return w


def _upload(client, name, content, content_type="application/octet-stream"):
    return client.post(
        ATTACHMENTS,
        {"action": "upload", "file": SimpleUploadedFile(name, content, content_type)},
    )


def test_files_are_checked_by_content_stored_with_random_names_and_linked(walker, client, frozen):
    w = _to_attachments(walker, client)
    assert _upload(client, "photo.png", PNG, "image/png").status_code == 302
    assert _upload(client, "../../letter ‮fdp.exe", PDF).status_code == 302
    page = client.get(ATTACHMENTS).content.decode()
    assert "photo.png" in page
    stored = list(Attachment.objects.order_by("pk"))
    assert [a.content_type for a in stored] == ["image/png", "application/pdf"]
    assert stored[1].original_name == "letter fdp.exe"  # no folders, no direction override
    names = [str(a.file.name) for a in stored]
    assert names[0].startswith("intake/2025/03/")
    assert "photo" not in names[0]
    assert names[1].endswith(".pdf")
    client.post(ATTACHMENTS, {"action": "continue"})
    w.complete(complaint_pages())
    submission = Submission.objects.get()
    assert submission.attachments.count() == 2
    assert [f["name"] for f in submission.answers["files"]] == ["photo.png", "letter fdp.exe"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.pdf", EXE, "The selected file appears to be a program. It must be a PDF"),
        ("page.pdf", b"<html><body>hi</body></html>", "appears to be a web page"),
        ("empty.pdf", b"", "The selected file is empty"),
    ],
)
def test_files_of_the_wrong_type_or_empty_are_refused(
    walker, client, frozen, name, content, message
):
    _to_attachments(walker, client)
    response = _upload(client, name, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "<title>Error: " in response.content.decode()
    assert Attachment.objects.count() == 0


@pytest.mark.parametrize(
    ("result", "required", "message"),
    [
        ("infected", False, "The selected file contains a virus, so it has not been sent"),
        ("error", True, "The selected file could not be checked, so it has not been sent"),
    ],
)
def test_files_are_scanned_for_viruses_like_staff_uploads(
    walker, client, frozen, settings, result, required, message
):
    """Public uploads go through the same ClamAV check as staff uploads: a virus, or no
    answer from the scanner when scanning is required, keeps the file out."""
    from harken.documents.scanning import ScanResult

    settings.HARKEN_CLAMD_REQUIRED = required
    _to_attachments(walker, client)
    seen: list[bytes] = []

    def fake_scan(chunks):
        seen.append(b"".join(chunks))
        return ScanResult(result, signature="Eicar-Test-Signature")

    with mock.patch("harken.documents.scanning.scan", side_effect=fake_scan):
        response = _upload(client, "letter.pdf", PDF)
    assert seen == [PDF]  # the whole file went to the scanner
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Attachment.objects.count() == 0


def test_a_clean_scan_keeps_the_file(walker, client, frozen):
    from harken.documents.scanning import ScanResult

    _to_attachments(walker, client)
    with mock.patch("harken.documents.scanning.scan", return_value=ScanResult("clean")) as scanned:
        assert _upload(client, "letter.pdf", PDF).status_code == 302
    assert scanned.call_count == 1
    assert Attachment.objects.get().file.read() == PDF


def test_a_file_too_big_is_refused_while_it_arrives(walker, client, frozen, settings):
    settings.HARKEN_INTAKE_MAX_FILE_MB = 1
    _to_attachments(walker, client)
    response = _upload(client, "big.pdf", PDF + b"0" * (1024 * 1024))
    assert response.status_code == 200
    assert "The selected file must be smaller than 1MB" in response.content.decode()
    assert Attachment.objects.count() == 0


def test_too_many_files_are_refused(walker, client, frozen, settings):
    settings.HARKEN_INTAKE_MAX_FILES = 2
    _to_attachments(walker, client)
    _upload(client, "a.png", PNG)
    _upload(client, "b.png", PNG)
    page = client.get(ATTACHMENTS).content.decode()
    assert "You have added the most files you can send" in page
    response = _upload(client, "c.png", PNG)
    assert "You can only send up to 2 files" in response.content.decode()
    several = client.post(
        ATTACHMENTS,
        {
            "action": "upload",
            "file": [SimpleUploadedFile(n, PNG) for n in ("d.png", "e.png", "f.png")],
        },
    )
    assert "You can only send up to 2 files" in several.content.decode()
    assert Attachment.objects.count() == 2


def test_a_file_can_be_removed_before_sending(
    walker, client, frozen, django_capture_on_commit_callbacks
):
    _to_attachments(walker, client)
    _upload(client, "a.png", PNG)
    attachment = Attachment.objects.get()
    path = Path(attachment.file.path)
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(ATTACHMENTS, {"remove": str(attachment.pk)})
    assert Attachment.objects.count() == 0
    assert not path.exists()


def test_upload_without_a_file_asks_for_one(walker, client, frozen):
    _to_attachments(walker, client)
    response = client.post(ATTACHMENTS, {"action": "upload"})
    assert "Select a file to upload" in response.content.decode()


def test_abandoned_files_are_deleted(walker, client, frozen):
    _to_attachments(walker, client)
    _upload(client, "a.png", PNG)
    call_command("clear_abandoned_uploads")
    assert Attachment.objects.count() == 1
    frozen.shift(dt.timedelta(hours=4))
    call_command("clear_abandoned_uploads")
    assert Attachment.objects.count() == 0


def test_files_of_a_form_still_in_use_are_kept_however_old(walker, client, frozen):
    """Someone who uploads early and keeps going for hours keeps their file."""
    _to_attachments(walker, client)
    _upload(client, "a.png", PNG)
    client.post(ATTACHMENTS, {"action": "continue"})
    for _ in range(4):  # a page saved every 100 minutes: never idle for the limit
        frozen.shift(dt.timedelta(minutes=100))
        client.post(
            reverse("intake:step", args=["complaint", "your-details"]),
            {"first_name": "Siân", "last_name": "Jones"},
        )
    call_command("clear_abandoned_uploads")
    assert Attachment.objects.count() == 1


def test_a_file_removed_from_the_change_page_is_not_sent(walker, client, frozen):
    """Change, Remove, then the back link: the check page and the case agree with the files."""
    w = _to_attachments(walker, client)
    _upload(client, "a.png", PNG)
    _upload(client, "b.png", PNG)
    client.post(ATTACHMENTS, {"action": "continue"})
    check = w.to_check(complaint_pages())
    a = Attachment.objects.get(original_name="a.png")
    client.post(f"{ATTACHMENTS}?change=1", {"remove": str(a.pk)})
    page = client.get(check).content.decode()
    assert "a.png" not in page
    assert "b.png" in page
    w.send()
    case = Case.objects.get()
    assert "Documents and photos sent: 1." in case.details
    assert [f.original_name for f in Attachment.objects.filter(submission__case=case)] == ["b.png"]


def test_abandoned_answers_are_deleted_from_the_database(walker, client, frozen):
    from django.contrib.sessions.models import Session

    w = walker("complaint")
    w.to_check(complaint_pages())
    assert Session.objects.count() == 1
    frozen.shift(dt.timedelta(hours=2, minutes=30))
    call_command("clear_abandoned_uploads")
    assert Session.objects.count() == 1  # still says "you'll have to start again"
    frozen.shift(dt.timedelta(hours=1))
    call_command("clear_abandoned_uploads")
    assert Session.objects.count() == 0


# --- Any writing, stored and shown exactly ---------------------------------------------------

UNICODE = "Mae\u2019r gŵr yn dŷ — ŵ ŷ Ŵ Ŷ 🙂👩🏽‍🦱 مرحبا بالعالم עברית\nnew line"


def test_welsh_emoji_and_right_to_left_are_stored_and_shown_exactly(walker, client, frozen):
    w = walker("complaint")
    pages = complaint_pages(
        what_happened={"what_happened": UNICODE},
        your_details={"first_name": "Dafydd ŵ", "last_name": "الحسن"},
    )
    check = w.to_check(pages)
    html = client.get(check).content.decode()
    assert "Mae\u2019r gŵr yn dŷ — ŵ ŷ Ŵ Ŷ 🙂👩🏽‍🦱 مرحبا بالعالم עברית<br>new line" in html
    assert 'dir="auto"' in html
    w.send()
    case = Case.objects.get()
    assert UNICODE in case.details
    assert Submission.objects.get().answers["what_happened"] == UNICODE
    person = case.parties.get(role="complainant").person
    assert (person.first_name, person.last_name) == ("Dafydd ŵ", "الحسن")


def test_windows_line_endings_count_once(walker, client, frozen):
    w = walker("complaint")
    url = w.start()
    pages = complaint_pages()
    while "what-happened" not in url:
        url = client.post(url, pages[url.rstrip("/").split("/")[-1]])["Location"]
    response = client.post(url, {"what_happened": "a\r\n" * 2500})
    assert response.status_code == 302  # 5,000 characters once line endings are made plain


def test_every_text_answer_has_a_length_limit(walker, client, frozen):
    w = walker("complaint")
    url = w.start()
    pages = complaint_pages()
    while "what-happened" not in url:
        url = client.post(url, pages[url.rstrip("/").split("/")[-1]])["Location"]
    response = client.post(url, {"what_happened": "x" * 5001})
    assert "What happened must be 5,000 characters or fewer" in response.content.decode()
    from harken.intake.journeys import JOURNEYS

    for journey in JOURNEYS.values():
        for step in journey.steps:
            for name, field in step.form().fields.items():
                if hasattr(field, "max_length"):
                    assert field.max_length, (journey.slug, step.slug, name)


# --- Honeypot, rate limits, expiry -----------------------------------------------------------


def test_a_filled_honeypot_is_refused_without_making_a_case(walker, client, frozen):
    w = walker("complaint")
    url = w.start()
    response = client.post(url, {"relationship": "parent", "website": "http://spam"})
    assert response.status_code == 400
    assert "could not be sent" in response.content.decode()
    w.to_check(complaint_pages())
    response = client.post(
        reverse("intake:check", args=["complaint"]), {"key": w.key, "website": "x"}
    )
    assert response.status_code == 400
    assert Case.objects.count() == 0


def test_honeypot_is_hidden_from_people_and_assistive_technology(walker, client, frozen):
    url = walker("complaint").start()
    html = client.get(url).content.decode()
    assert '<div class="govuk-visually-hidden" aria-hidden="true">' in html
    assert 'tabindex="-1"' in html
    assert "Leave this field empty" in html


def test_too_many_posts_a_minute_get_a_friendly_429(walker, client, frozen, settings):
    settings.HARKEN_INTAKE_POSTS_PER_MINUTE = 3
    url = walker("complaint").start()
    for _ in range(3):
        assert client.post(url, {}).status_code == 200
    response = client.post(url, {})
    assert response.status_code == 429
    assert int(response["Retry-After"]) <= 60
    assert "Please wait before trying again" in response.content.decode()
    frozen.shift(dt.timedelta(seconds=61))
    assert client.post(url, {}).status_code == 200


def test_too_many_submissions_an_hour_are_refused_and_keep_the_answers(
    walker, client, frozen, settings
):
    settings.HARKEN_INTAKE_SUBMISSIONS_PER_HOUR = 1
    walker("compliment").complete(compliment_pages())
    w = walker("compliment")
    w.to_check(compliment_pages())
    response = w.send()
    assert response.status_code == 429
    assert Case.objects.count() == 1
    frozen.shift(dt.timedelta(hours=1))
    assert w.send().status_code == 302
    assert Case.objects.count() == 2


def test_rate_limits_can_be_turned_off(walker, client, frozen, settings):
    settings.HARKEN_INTAKE_RATE_LIMITS = False
    settings.HARKEN_INTAKE_POSTS_PER_MINUTE = 1
    url = walker("complaint").start()
    for _ in range(3):
        assert client.post(url, {}).status_code == 200


def test_limits_count_the_client_behind_trusted_proxies(rf, settings):
    from harken.intake.ratelimit import client_address

    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 10.0.0.1", REMOTE_ADDR="10.0.0.2")
    assert client_address(request) == "10.0.0.2"
    settings.HARKEN_INTAKE_TRUSTED_PROXIES = 1
    assert client_address(request) == "10.0.0.1"


def test_answers_expire_after_two_hours_idle(walker, client, frozen):
    w = walker("complaint")
    url = w.start()
    client.post(url, {"relationship": "parent"})
    frozen.shift(dt.timedelta(minutes=119))
    assert 'value="parent" checked' in client.get(url).content.decode()  # still there
    frozen.shift(dt.timedelta(minutes=121))
    page = client.get(url)
    assert "have to start again" in page.content.decode()
    assert "complaint" not in client.session["harken_intake"]
    fresh = client.get(client.get(reverse("intake:start", args=["complaint"]))["Location"])
    assert "checked" not in fresh.content.decode()


def test_posting_after_expiry_asks_to_start_again(walker, client, frozen):
    w = walker("complaint")
    w.to_check(complaint_pages())
    key = w.key
    frozen.shift(dt.timedelta(hours=3))
    response = client.post(reverse("intake:check", args=["complaint"]), {"key": key})
    assert "have to start again" in response.content.decode()
    assert Case.objects.count() == 0


def test_answers_leave_the_session_once_sent(walker, client, frozen):
    w = walker("young-people")
    w.complete(young_person_pages())
    assert "young-people" not in client.session["harken_intake"]
    assert "what_happened" not in str(dict(client.session))
    # Back to a page of the sent form: the confirmation, not the answers.
    back = client.get(reverse("intake:step", args=["young-people", "whats-wrong"]))
    assert back["Location"] == reverse("intake:confirmation", args=["young-people"])


def test_confirmation_needs_the_session_that_sent_it(client, db):
    response = client.get(reverse("intake:confirmation", args=["complaint"]))
    assert response.status_code == 302


def test_csrf_is_required(walker, frozen):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    url = strict.get(reverse("intake:start", args=["complaint"]))["Location"]
    assert strict.post(url, {"relationship": "parent"}).status_code == 403


def test_the_check_page_sends_back_to_a_page_whose_answer_is_no_longer_valid(
    walker, client, frozen
):
    """Answers are checked again before sending, e.g. a team that has since closed."""
    from harken.accounts.models import Team

    team = Team.objects.get(name="Adoption Team")
    w = walker("complaint")
    w.to_check(complaint_pages(team.pk))
    Team.objects.filter(pk=team.pk).update(active=False)
    response = w.send()
    assert response["Location"] == reverse("intake:step", args=["complaint", "which-service"])
    assert Case.objects.count() == 0


def test_a_service_closed_after_the_answers_were_shown_is_asked_again(walker, client, frozen):
    """Shown answers are not checked twice, but a service closed in between is still caught."""
    from harken.accounts.models import Team

    team = Team.objects.get(name="Adoption Team")
    w = walker("complaint")
    check = w.to_check(complaint_pages(team.pk))
    assert client.get(check).status_code == 200
    Team.objects.filter(pk=team.pk).update(active=False)
    response = w.send()
    assert response["Location"] == reverse("intake:step", args=["complaint", "which-service"])
    assert Case.objects.count() == 0
    assert Submission.objects.count() == 0


def test_answers_changed_after_they_were_shown_are_checked_before_sending(walker, client, frozen):
    w = walker("complaint")
    check = w.to_check(complaint_pages())
    assert client.get(check).status_code == 200
    session = client.session
    del session[SESSION_KEY]["complaint"]["saved"]["what-happened"]
    session.save()
    response = w.send()
    assert response["Location"] == reverse("intake:step", args=["complaint", "what-happened"])
    assert Case.objects.count() == 0


def test_time_zone_received_on_is_the_london_date(walker, frozen):
    with time_machine.travel(dt.datetime(2025, 6, 30, 23, 30, tzinfo=dt.UTC), tick=False):
        walker("compliment").complete(compliment_pages())
    assert Case.objects.get().received_on == dt.date(2025, 7, 1)


def test_the_time_answers_are_kept_is_the_councils_setting(walker, client, frozen, settings):
    settings.HARKEN_INTAKE_IDLE_MINUTES = 90
    assert "kept for 90 minutes" in client.get("/").content.decode()
    url = walker("complaint").start()
    frozen.shift(dt.timedelta(minutes=91))
    assert "did not do anything for 90 minutes" in client.get(url).content.decode()
