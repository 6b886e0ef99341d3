"""Reading the mailbox from a real Dovecot: every message stored exactly once, whatever stops
the poll (a crash between storing and marking, the IMAP server restarting, the database
gone), and only marked on the server once stored."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage

from harken.correspondence import conf, mailbox, services
from harken.correspondence.models import ItemStatus, MailItem

from .conftest import make_email

pytestmark = pytest.mark.django_db


class Stop(Exception):
    """The poller dies here (between storing a message and marking it on the server)."""


def test_each_message_is_stored_whole_then_marked(mailbox):
    """Three e-mails delivered: three items, each .eml stored byte for byte, all flagged."""
    raws = [make_email(subject=f"Complaint {n}") for n in range(3)]
    mailbox.deliver(*raws)
    result = mailbox_poll()
    assert (result.stored, result.already, result.failed) == (3, 0, 0)
    stored = {item.subject: services.item_raw(item) for item in MailItem.objects.all()}
    assert sorted(stored) == ["Complaint 0", "Complaint 1", "Complaint 2"]
    assert sorted(stored.values()) == sorted(raws)
    assert mailbox.flagged() == (3, 3)
    # Polling again finds nothing new.
    assert mailbox_poll().seen == 0


def mailbox_poll(**kwargs):
    return mailbox.poll(config=conf.mailbox_settings(), **kwargs)


def test_a_poller_killed_between_storing_and_marking_stores_nothing_twice(mailbox):
    """Killed after storing the 3rd of 5 (before marking it): the next poll stores the other
    two and only marks the 3rd; five items, five flags."""
    mailbox.deliver(*(make_email(subject=f"Batch {n}") for n in range(5)))
    calls = []

    def die_on_third(uid, stored):
        calls.append(uid)
        if len(calls) == 3:
            raise Stop

    with pytest.raises(Stop):
        mailbox_poll(after_store=die_on_third)
    assert MailItem.objects.count() == 3
    assert mailbox.flagged() == (5, 2)
    result = mailbox_poll()
    assert (result.stored, result.already) == (2, 1)
    assert MailItem.objects.count() == 5
    assert mailbox.flagged() == (5, 5)


def test_a_message_without_a_message_id_is_stored_once_by_its_content(mailbox):
    raw = make_email(message_id=None, subject="No id")
    mailbox.deliver(raw, raw)  # the same bytes delivered twice
    mailbox_poll()
    assert MailItem.objects.filter(subject="No id").count() == 1
    assert mailbox.flagged() == (2, 2)


def test_the_same_message_id_is_one_item_even_without_the_check(mailbox):
    """The unique constraint, not only the look-up, keeps the second copy out."""
    raw = make_email(message_id="<same@example.org>")
    first = services.item_store(raw=raw)
    assert first.created
    again = services.item_store(raw=raw.replace(b"support plan", b"support plans"))
    assert not again.created
    assert again.item.pk == first.item.pk
    assert MailItem.objects.count() == 1


def test_restarting_the_imap_server_mid_batch_loses_and_doubles_nothing(mailbox):
    mailbox.deliver(*(make_email(subject=f"Restart {n}") for n in range(6)))
    calls = []

    def restart_on_second(uid, stored):
        calls.append(uid)
        if len(calls) == 2:
            mailbox.restart()

    with pytest.raises(mailbox_module().IMAP_ERRORS):
        mailbox_poll(after_store=restart_on_second)
    assert MailItem.objects.count() == 2
    mailbox_poll()
    assert MailItem.objects.count() == 6
    assert sorted(MailItem.objects.values_list("subject", flat=True)) == [
        f"Restart {n}" for n in range(6)
    ]
    assert mailbox.flagged() == (6, 6)


def mailbox_module():
    return mailbox


def test_losing_the_database_leaves_the_message_unmarked_for_the_next_poll(mailbox, monkeypatch):
    """The database connection lost while storing the 2nd of 3 (the driver's error raised
    where the row is written): nothing half-saved, no file left, the message not marked; the
    next poll stores it."""
    from django.db import OperationalError

    mailbox.deliver(*(make_email(subject=f"Database {n}") for n in range(3)))
    real = MailItem.objects.create
    calls = []

    def gone(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise OperationalError("server closed the connection unexpectedly")
        return real(**kwargs)

    monkeypatch.setattr(MailItem.objects, "create", gone)
    result = mailbox_poll()
    assert (result.stored, result.failed) == (1, 1)
    assert mailbox.flagged() == (3, 1)
    _, files = default_storage.listdir(services.STORAGE_PREFIX)
    assert len(files) == 1  # the failed message's file was deleted again
    monkeypatch.undo()
    mailbox_poll()
    assert MailItem.objects.count() == 3
    assert mailbox.flagged() == (3, 3)


def test_tls_with_the_servers_certificate(settings, dovecot_tls):
    for name, value in dovecot_tls.settings().items():
        setattr(settings, name, value)
    dovecot_tls.deliver(make_email(subject="Over TLS"))
    assert mailbox_poll().stored == 1
    assert MailItem.objects.get().status == ItemStatus.NEW


def test_tls_refuses_a_certificate_it_does_not_trust(settings, dovecot_tls):
    for name, value in dovecot_tls.settings().items():
        setattr(settings, name, value)
    settings.HARKEN_MAILBOX_CA_FILE = ""
    import ssl

    with pytest.raises(ssl.SSLError):
        mailbox_poll()
    assert MailItem.objects.count() == 0


def test_a_wrong_password_is_a_clear_refusal(mailbox, settings):
    from harken.core.errors import ApplicationError

    settings.HARKEN_MAILBOX_PASSWORD = "wrong"
    with pytest.raises(ApplicationError, match="refused the mailbox's sign-in"):
        mailbox_poll()


def test_xoauth2_without_a_token_says_how_to_give_one(mailbox, settings):
    from harken.core.errors import ApplicationError

    settings.HARKEN_MAILBOX_AUTH = "xoauth2"
    with pytest.raises(ApplicationError, match="no access token"):
        mailbox_poll()


def test_the_command_polls_once_and_says_what_it_did(mailbox):
    import io

    from django.core.management import call_command

    mailbox.deliver(make_email(subject="By the command"))
    out = io.StringIO()
    call_command("mailbox", "poll", "--once", stdout=out)
    assert out.getvalue().strip() == (
        "1 message(s) read: 1 stored, 0 already stored, 0 left for the next poll"
    )
    assert MailItem.objects.get().subject == "By the command"


def test_the_command_without_a_mailbox_says_what_to_set(settings):
    from django.core.management import CommandError, call_command

    settings.HARKEN_MAILBOX_HOST = ""
    with pytest.raises(CommandError, match="set HARKEN_MAILBOX_HOST"):
        call_command("mailbox", "poll", "--once")


def test_run_scheduled_reads_the_mailbox_too(mailbox):
    import io

    from django.core.management import call_command

    mailbox.deliver(make_email(subject="On the schedule"))
    out = io.StringIO()
    call_command("run_scheduled", "--date", "2026-11-23", stdout=out)
    assert "Mailbox: 1 message(s) read: 1 stored" in out.getvalue()
    assert MailItem.objects.get().subject == "On the schedule"


def test_run_scheduled_reports_a_mail_server_it_cannot_reach(settings, mailbox):
    import io

    from django.core.management import call_command

    mailbox.stop()
    out = io.StringIO()
    call_command("run_scheduled", "--date", "2026-11-23", stdout=out)
    assert "Mailbox: not read: the mail server could not be reached" in out.getvalue()


def test_stored_e_mails_are_among_the_files_backups_and_storage_moves_copy():
    """`harken backup`, `migrate-documents` and `rotate-document-key` list the files records
    point to: a mailbox e-mail's .eml is one of them, with its SHA-256."""
    from harken.ops.storage import stored_files

    item = services.item_store(raw=make_email(subject="Backed up")).item
    assert (item.raw_storage_name, item.raw_sha256) in list(stored_files())
