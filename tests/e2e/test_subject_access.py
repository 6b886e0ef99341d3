"""Subject access in a browser: an officer builds a SAR bundle with a redaction (the text is
then gone from the stored PDFs), and pauses and restarts a SAR's clock. axe on every page and
state visited."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from .axe import assert_accessible
from .test_registers import RegisterForm


@pytest.fixture
def sa_setup(settings, tmp_path) -> None:
    from harken.cases import reference_data
    from harken.procedures.services import install_shipped_procedures

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.HARKEN_CLAMD_SOCKET = ""
    settings.HARKEN_CLAMD_HOST = ""
    reference_data.install()
    install_shipped_procedures()


def _pdf(*lines: str) -> bytes:
    import pymupdf

    doc = pymupdf.open()
    page = doc.new_page()
    for i, line in enumerate(lines):
        page.insert_text((72, 100 + 20 * i), line, fontsize=11)
    return bytes(doc.tobytes())


def _pdftotext(data: bytes) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "in.pdf"
        path.write_bytes(data)
        return subprocess.run(  # noqa: S603
            ["/usr/bin/pdftotext", str(path), "-"], check=True, capture_output=True, text=True
        ).stdout


def _officer_and_sar(received: dt.date, *, with_document: bool = False) -> tuple[Any, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from harken.accounts.models import Role
    from harken.accounts.tests.factories import make_user
    from harken.cases import services as case_services
    from harken.cases.tests.factories import complaint
    from harken.documents import services as document_services
    from harken.registers import services as register_services

    officer = make_user("olive_officer", Role.FEEDBACK_OFFICER)
    case = complaint(
        actor=officer,
        received_on=received,
        details="Casey Marlowe says Jordan Pike (07700 900123) shouted at her.",
    )
    person = case.parties.get().person
    case_services.person_update(
        person=person, actor=officer, first_name="Casey", last_name="Marlowe"
    )
    if with_document:
        document_services.document_upload(
            case=case,
            file=SimpleUploadedFile(
                "statement.pdf",
                _pdf("Statement of Casey Marlowe", "Witness: Jordan Pike"),
                content_type="application/pdf",
            ),
            actor=officer,
        )
    sar = register_services.sar_create(
        actor=officer, received_on=received, requester=person, identity_verified_on=received
    )
    return officer, sar


def test_officer_builds_a_sar_bundle_with_a_redaction(page, server, login_as, sa_setup):
    from harken.subjectaccess.models import Bundle

    officer, sar = _officer_and_sar(dt.date.today() - dt.timedelta(days=5), with_document=True)
    login_as(officer)
    form = RegisterForm(page)
    page.goto(server + reverse("registers:sar", kwargs={"pk": sar.pk}))
    page.get_by_role("link", name="Find everything held on the person").click()
    expect(page.get_by_role("heading", name="Disclosure bundle")).to_be_visible()
    expect(page.get_by_role("cell", name="Complainant")).to_be_visible()
    assert_accessible(page, context="SAR disclosure")
    form.save("Start a bundle")
    expect(page.get_by_text("Bundle started")).to_be_visible()
    assert_accessible(page, context="bundle review")

    # The phone number proposed: redact without a reason is refused beside the field.
    phone = page.get_by_role("group", name="Phone number: “07700 900123” (1 place)")
    phone.get_by_label("Redact").check()
    form.save("Save decisions")
    assert "Select the reason for the redaction." in form.error_summary()
    assert_accessible(page, context="bundle review with errors")
    phone = page.get_by_role("group", name="Phone number: “07700 900123” (1 place)")
    phone.get_by_label("Redact").check()
    page.get_by_label("Reason for redacting “07700 900123”").select_option("CD")
    form.save("Save decisions")
    expect(page.get_by_text("Decisions saved")).to_be_visible()

    # A name the proposals could not know about, added by the officer.
    form.text("Text to redact", "Jordan Pike")
    page.get_by_label("Reason", exact=True).select_option("TP")
    form.save("Add redaction")
    expect(page.get_by_text("Redaction added")).to_be_visible()
    form.save("Build the bundle")
    expect(page.get_by_text("Bundle built")).to_be_visible()
    expect(page.get_by_role("link", name="Download the bundle (zip)")).to_be_visible()
    assert_accessible(page, context="built bundle")

    bundle = Bundle.objects.get()
    from harken.subjectaccess import services

    data = b"".join(services.bundle_file(bundle=bundle, actor=officer))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        pdfs = {n: archive.read(n) for n in archive.namelist() if n.endswith(".pdf")}
    assert len(pdfs) == 3  # index, records, the statement
    for name, pdf in pdfs.items():
        text = _pdftotext(pdf)
        assert "Jordan Pike" not in text, name
        assert "07700 900123" not in text, name
    assert "Casey Marlowe" in _pdftotext(pdfs["01-records.pdf"])

    page.get_by_role("button", name="Record its release").click()
    assert_accessible(page, context="release form")
    form.date("Date the bundle was sent", dt.date.today())
    form.text("How it was sent", "Secure e-mail")
    form.save("Record release")
    expect(page.get_by_text("Release recorded")).to_be_visible()


def test_officer_pauses_and_restarts_a_sar_clock(page, server, login_as, sa_setup):
    today = dt.date.today()
    received = today - dt.timedelta(days=10)
    officer, sar = _officer_and_sar(received)
    login_as(officer)
    form = RegisterForm(page)
    page.goto(server + reverse("registers:sar", kwargs={"pk": sar.pk}))
    page.get_by_role("button", name="Pause the clock").click()
    expect(page.get_by_role("heading", name="Pause the clock")).to_be_visible()
    assert_accessible(page, context="pause the clock")
    # The clock is usually paused the day the requester is asked: the date starts as today.
    from harken.core.dates import today as london_today

    asked = page.get_by_role("group", name="Date the requester was asked")
    expect(asked.get_by_label("Day")).to_have_value(str(london_today().day))
    expect(asked.get_by_label("Year")).to_have_value(str(london_today().year))
    form.save("Pause the clock")
    summary = form.error_summary()
    assert "Select why the clock is paused" in summary
    assert "Enter the date the requester was asked" not in summary
    assert_accessible(page, context="pause the clock with errors")
    form.choose("Waiting for the requester to confirm their identity")
    form.date("Date the requester was asked", received + dt.timedelta(days=2))
    form.save("Pause the clock")
    expect(page.get_by_text("Clock paused", exact=True)).to_be_visible()
    expect(page.locator(".govuk-inset-text")).to_contain_text(
        "The clock is paused, waiting for identity since"
    )
    expect(page.get_by_role("cell", name="Still paused")).to_be_visible()
    assert_accessible(page, context="SAR paused")

    page.get_by_role("button", name="Restart the clock").click()
    assert_accessible(page, context="restart the clock")
    form.date("Date the requester's reply arrived", received + dt.timedelta(days=5))
    form.save("Restart the clock")
    expect(page.get_by_text("Clock restarted", exact=True)).to_be_visible()
    expect(page.locator(".govuk-inset-text")).to_contain_text("plus 3 days the clock was paused")
    assert_accessible(page, context="SAR restarted")


def test_officer_restricts_processing_sees_the_banner_and_a_letter_refused(
    page, server, login_as, sa_setup
):
    """An officer records a restriction request from the person's page and carries it out;
    the person's page and their case's page then say so in the MOJ alert, and a letter on
    the case is refused with the reason beside the template; lifting it lets letters go."""
    officer, sar = _officer_and_sar(dt.date.today() - dt.timedelta(days=5))
    case = sar.requester.parties.get().case
    login_as(officer)
    form = RegisterForm(page)
    page.goto(server + reverse("subjectaccess:person", kwargs={"pk": sar.requester_id}))
    page.get_by_role("link", name="Record a rectification, restriction or erasure request").click()
    form.choose("Restriction (art. 18): limit how their data is used")
    form.date("Date the request was received", dt.date.today() - dt.timedelta(days=1))
    form.text("What they asked for", "Do not use my address until it is checked")
    form.save("Save request")
    expect(page.get_by_text("Request recorded", exact=True)).to_be_visible()
    assert_accessible(page, context="restriction request")
    page.get_by_label("What was done", exact=True).fill("No letters until the address is checked")
    form.save("Record it as carried out")
    expect(page.get_by_text("Request carried out", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Lift the restriction")).to_be_visible()
    assert_accessible(page, context="restriction carried out")

    from harken.core.dates import format_date
    from harken.core.dates import today as london_today

    since = f"is restricted since {format_date(london_today())}"
    page.get_by_role("link", name="Back to Casey Marlowe").click()
    alert = page.get_by_role("region", name="warning: processing restricted")
    expect(alert).to_contain_text(f"Processing of this person's data {since}")
    expect(alert).to_contain_text("No letters until the address is checked")
    assert_accessible(page, context="person page, restricted")

    page.goto(server + reverse("casework:case", kwargs={"reference": case.reference}))
    alert = page.get_by_role("region", name="warning: processing restricted")
    expect(alert).to_contain_text(f"Processing of Casey Marlowe's data {since}")
    assert_accessible(page, context="case page, restricted")

    page.goto(server + reverse("documents:letter_new", kwargs={"reference": case.reference}))
    page.get_by_label("Acknowledgement", exact=True).check()
    form.save("Preview the letter")
    summary = form.error_summary()
    assert f"Processing of Casey Marlowe's data {since}" in summary
    assert "no letter was made" in summary
    assert_accessible(page, context="letter refused")

    # Lifted (the person told first): the letter can be previewed again.
    from harken.subjectaccess.models import RightsRequest

    restriction = RightsRequest.objects.get(kind="restriction")
    page.goto(server + reverse("subjectaccess:rights", kwargs={"pk": restriction.pk}))
    form.text("Why it is lifted, and when the person was told", "Address checked; told today")
    form.save("Lift the restriction")
    expect(page.locator(".govuk-notification-banner__heading")).to_have_text("Restriction lifted")
    assert_accessible(page, context="restriction lifted")
    page.goto(server + reverse("documents:letter_new", kwargs={"reference": case.reference}))
    page.get_by_label("Acknowledgement", exact=True).check()
    form.save("Preview the letter")
    expect(page.get_by_role("button", name="Create Word and PDF")).to_be_visible()
