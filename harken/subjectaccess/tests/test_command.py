"""`harken subject-access`: the same services and refusals as the pages."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from harken.cases import services as case_services
from harken.cases.tests.factories import complaint
from harken.registers.tests import factories as register_factories
from harken.subjectaccess.models import Bundle, BundleStatus

pytestmark = pytest.mark.django_db
D = dt.date


def run(*args: str) -> str:
    out = StringIO()
    call_command("subject_access", *args, stdout=out)
    return out.getvalue()


def test_pause_restart_and_a_bundle_from_the_command_line(officer):
    case = complaint(actor=officer, received_on=D(2024, 3, 4), details="Ring 07700 900123.")
    person = case.parties.get().person
    case_services.person_update(person=person, actor=officer, first_name="Ali", last_name="Khan")
    sar = register_factories.sar(actor=officer, requester=person, received_on=D(2024, 6, 3))
    actor = ("--actor", officer.username)
    run(*actor, "pause", sar.reference, "--reason", "clarification", "--on", "2024-06-04")
    assert "Due 5 July 2024" in run(*actor, "restart", sar.reference, "--on", "2024-06-06")
    assert "Complainant" in run(*actor, "person", str(person.pk))
    run(*actor, "bundle-start", sar.reference)
    bundle = Bundle.objects.get()
    for row in bundle.redactions.all():
        run(*actor, "decide", str(bundle.pk), str(row.pk), "accepted", "--reason", "CD")
    run(*actor, "bundle-build", str(bundle.pk))
    run(*actor, "release", str(bundle.pk), "--on", "2024-06-20", "--method", "Post")
    bundle.refresh_from_db()
    assert bundle.status == BundleStatus.RELEASED


def test_refusals_are_command_errors(officer, manager):
    sar = register_factories.sar(actor=officer, received_on=D(2024, 6, 3))
    with pytest.raises(CommandError, match="feedback team"):
        run("--actor", manager.username, "bundle-start", sar.reference)
    with pytest.raises(CommandError, match="not paused"):
        run("--actor", officer.username, "restart", sar.reference, "--on", "2024-06-05")
    with pytest.raises(CommandError, match="not a date"):
        run(
            "--actor",
            officer.username,
            "pause",
            sar.reference,
            "--reason",
            "identity",
            "--on",
            "5/6/2024",
        )


def test_run_scheduled_extracts_the_text_of_new_uploads_for_the_person_search(officer):
    """A document uploaded since the last run is searched within the hour: `harken
    run-scheduled` extracts its text, and the person named in it is found on that case."""
    from harken.documents import services as document_services
    from harken.subjectaccess import selectors
    from harken.subjectaccess.models import DocumentText

    from .conftest import pdf_upload

    named = complaint(actor=officer, received_on=D(2024, 3, 4)).parties.get().person
    case_services.person_update(person=named, actor=officer, first_name="Ali", last_name="Khan")
    other = complaint(actor=officer, received_on=D(2024, 3, 5))
    document = document_services.document_upload(
        case=other, file=pdf_upload("minutes.pdf", "Present: Ali Khan"), actor=officer
    )
    assert not DocumentText.objects.filter(document=document).exists()
    out = StringIO()
    call_command("run_scheduled", "--date", "2024-06-28", stdout=out)
    assert "the text of 1 document(s) extracted" in out.getvalue()
    found = selectors.person_data(user=officer, person=named).findings
    assert ("Named in a document's text", other.pk) in {
        (f.where, f.case.pk if f.case else None) for f in found
    }
    out = StringIO()
    call_command("run_scheduled", "--date", "2024-06-28", stdout=out)
    assert "document(s) extracted" not in out.getvalue()  # once
