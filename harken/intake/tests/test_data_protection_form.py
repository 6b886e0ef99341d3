"""The data-protection complaint form (s164A(2) DPA 2018: "a complaint form which can be
completed electronically"): every page, the record it makes and what the person is told."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from harken.cases.models import Case, Kind, PartyRole
from harken.cases.selectors import case_list
from harken.intake.models import FormKind, Submission

from .conftest import data_protection_pages

pytestmark = pytest.mark.django_db


def test_the_form_makes_a_data_protection_complaint_from_receipt(
    walker, frozen, officer, settings, django_capture_on_commit_callbacks
):
    """Whatever the council's triage setting, it is a complaint under the data-protection
    procedure from the day it arrives, with its 30-day acknowledgement date."""
    settings.HARKEN_WEB_TRIAGE = "contact"
    w = walker("data-protection")
    with django_capture_on_commit_callbacks(execute=True):
        page = w.complete(data_protection_pages())
    assert w.visited == [
        "what-is-it-about",
        "what-happened",
        "put-it-right",
        "documents-and-photos",
        "your-details",
        "how-to-contact-you",
        "contact-details",
        "help-you-need",
    ]
    case = Case.objects.get()
    assert case.kind == Kind.COMPLAINT
    assert case.procedure_version is not None
    assert case.procedure_version.procedure.code == "data-protection"
    stage = case.stages.get()
    # Received Wednesday 12 March 2025: 30 days later is Friday 11 April.
    assert stage.acknowledgement_due_on == dt.date(2025, 4, 11)
    assert case.next_due_on == dt.date(2025, 4, 11)
    assert "My information was shared with, or seen by, someone" in case.details
    assert "s164A" in case.details
    assert case.parties.get(role=PartyRole.COMPLAINANT).person.first_name == "Rhian"
    assert Submission.objects.get().form == FormKind.DATA_PROTECTION
    assert case in case_list(user=officer)
    html = page.content.decode()
    assert case.reference in html
    assert "11 April 2025 (within 30 days)" in html
    assert "Information Commissioner" in html
    assert "Local Government and Social Care Ombudsman" not in html
    message = mail.outbox[0]
    assert "11 April 2025" in message.body
    assert "Information Commissioner" in message.body


def test_leaving_the_topic_out_is_refused_by_name(walker, client, frozen):
    url = walker("data-protection").start()
    response = client.post(url, {})
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert html.count("Select what your complaint is about") == 2
    assert Case.objects.count() == 0


def test_an_unknown_topic_is_refused(walker, client, frozen):
    url = walker("data-protection").start()
    response = client.post(url, {"data_topic": "<script>"})
    assert response.status_code == 200
    assert "Select what your complaint is about" in response.content.decode()


def test_the_start_page_links_to_it(client, db):
    html = client.get("/").content.decode()
    assert reverse("intake:start", args=["data-protection"]) in html
