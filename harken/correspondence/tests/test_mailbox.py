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


def test_a_poller_killed_between_storing_and_marking_stores_nothing_twice(mailbox, settings):
    """Chunks of 3: killed after storing the second chunk (before marking it): the first
    chunk is marked, the second stored and not marked; the next poll stores the rest and
    only marks the second chunk's; twelve items, twelve flags."""
    from harken.correspondence import mailbox as reader

    settings.HARKEN_MAILBOX_BATCH = 50
    mailbox.deliver(*(make_email(subject=f"Batch {n}") for n in range(12)))
    calls = []

    def die_in_the_second_chunk(uid, stored):
        calls.append(uid)
        if len(calls) == 5:
            raise Stop

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(reader, "CHUNK_MESSAGES", 3)
        with pytest.raises(Stop):
            mailbox_poll(after_store=die_in_the_second_chunk)
        assert MailItem.objects.count() == 6
        assert mailbox.flagged() == (12, 3)
        result = mailbox_poll()
    assert (result.stored, result.already) == (6, 3)
    assert MailItem.objects.count() == 12
    assert mailbox.flagged() == (12, 12)


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
    # Stored (one chunk, one transaction) before the server went; none of them marked.
    assert MailItem.objects.count() == 6
    assert mailbox.flagged() == (6, 0)
    result = mailbox_poll()
    assert (result.stored, result.already) == (0, 6)
    assert MailItem.objects.count() == 6
    assert sorted(MailItem.objects.values_list("subject", flat=True)) == [
        f"Restart {n}" for n in range(6)
    ]
    assert mailbox.flagged() == (6, 6)


def mailbox_module():
    return mailbox


def test_losing_the_database_leaves_the_message_unmarked_for_the_next_poll(mailbox, monkeypatch):
    """The database connection lost while storing the 2nd of 3 (the driver's error raised
    where the rows are written): the chunk's transaction is undone and its files deleted, the
    first stored on its own, the 2nd not (nothing half-saved, no file left, not marked) and
    the poll stops there; the next poll stores the other two."""
    from django.db import OperationalError

    mailbox.deliver(*(make_email(subject=f"Database {n}") for n in range(3)))
    real = MailItem.objects.bulk_create

    def gone(items, *args, **kwargs):
        if any(item.subject == "Database 1" for item in items):
            raise OperationalError("server closed the connection unexpectedly")
        return real(items, *args, **kwargs)

    monkeypatch.setattr(MailItem.objects, "bulk_create", gone)
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


def test_a_chunk_stores_each_message_once_in_one_transaction(django_assert_max_num_queries):
    """The same message twice in a chunk, and one already stored: one item each, in order;
    the chunk's new rows in a few statements whatever their number."""
    old = make_email(subject="Already here")
    first = services.item_store(raw=old).item
    a, b = make_email(subject="A"), make_email(subject="B")
    many = [make_email(subject=f"More {n}") for n in range(8)]
    # The look-up, the items, their history (no attachments here), and the savepoint and its
    # release that the test's own transaction turns the store's transaction into.
    with django_assert_max_num_queries(5):
        results = services.items_store([services.Incoming(r) for r in (a, old, a, b, *many)])
    assert [(r.item.subject, r.created) for r in results[:4]] == [
        ("A", True),
        ("Already here", False),
        ("A", False),
        ("B", True),
    ]
    assert results[1].item.pk == first.pk
    assert results[0].item.pk == results[2].item.pk
    assert MailItem.objects.count() == 11
    assert all(item.events.count() == 2 for item in MailItem.objects.exclude(pk=first.pk))
