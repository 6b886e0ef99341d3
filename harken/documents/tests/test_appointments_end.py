"""Appointments end when their stage concludes or the case ends: the IO, IP or panel member no
longer sees the case (page, caseload, API, notes), keeps their own uploaded documents for
HARKEN_APPOINTEE_DOCUMENT_DAYS, and the case page says who still has access."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from harken.cases import services
from harken.cases.models import Appointment, AppointmentEnd, AppointmentRole
from harken.cases.tests.factories import complaint, respond_all
from harken.documents.services import document_upload

from .conftest import pdf_bytes

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def stage2(officer, io_user, ip_user):
    case = complaint(actor=officer, received_on=D(2024, 3, 1))
    respond_all(case, on=D(2024, 3, 8), actor=officer)
    services.complaint_escalate(case=case, requested_on=D(2024, 3, 12), actor=officer)
    services.statement_agree(case=case, on=D(2024, 3, 14), actor=officer)
    for user, role in (
        (io_user, AppointmentRole.INVESTIGATING_OFFICER),
        (ip_user, AppointmentRole.INDEPENDENT_PERSON),
    ):
        services.appointment_make(case=case, user=user, role=role, on=D(2024, 3, 13), actor=officer)
    return case


def _upload(case, user, name):
    return document_upload(
        case=case, file=SimpleUploadedFile(name, pdf_bytes(), "application/pdf"), actor=user
    )


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_concluding_the_stage_ends_the_appointments(sign_in, officer, io_user, ip_user, stage2):
    report = _upload(stage2, io_user, "io-report.pdf")
    other = _upload(stage2, officer, "officer-letter.pdf")
    io_page = sign_in(io_user)
    assert io_page.get(f"/staff/cases/{stage2.reference}/").status_code == 200
    respond_all(stage2, on=D(2024, 6, 20), actor=officer)

    # The case itself is gone for the IO, on every path.
    assert io_page.get(f"/staff/cases/{stage2.reference}/").status_code == 404
    assert io_page.get(f"/staff/cases/{stage2.reference}/note/").status_code == 404
    assert stage2.reference not in io_page.get("/staff/").content.decode()
    assert _api(io_user).get("/api/v1/cases/").json()["results"] == []
    assert _api(io_user).get(f"/api/v1/cases/{stage2.reference}/").status_code == 404
    assert (
        _api(io_user)
        .post(f"/api/v1/cases/{stage2.reference}/notes/", {"text": "More"}, format="json")
        .status_code
        == 404
    )
    # Their own report stays theirs for a while; nobody else's document does.
    assert io_page.get(f"/staff/documents/{report.pk}/").status_code == 200
    assert io_page.get(f"/staff/documents/{other.pk}/").status_code == 404
    yours = io_page.get("/staff/documents/yours/").content.decode()
    assert "io-report.pdf" in yours
    assert "officer-letter.pdf" not in yours
    with time_machine.travel(dt.datetime(2024, 7, 21, 12, tzinfo=dt.UTC), tick=False):
        later = sign_in(io_user)  # a new session: the old one has long timed out
        assert later.get(f"/staff/documents/{report.pk}/").status_code == 404
        assert "io-report.pdf" not in later.get("/staff/documents/yours/").content.decode()

    ended = Appointment.objects.filter(stage__case=stage2)
    assert {(a.ended_on, a.end_reason) for a in ended} == {
        (D(2024, 6, 20), AppointmentEnd.STAGE_CONCLUDED)
    }
    assert stage2.events.filter(
        description__startswith="Appointments ended on 20 June 2024, as the stage concluded"
    ).exists()


def test_case_page_shows_who_still_has_access(sign_in, officer, io_user, stage2):
    page = sign_in(officer).get(f"/staff/cases/{stage2.reference}/").content.decode()
    assert "Appointed, so can see it" in page
    assert "Ivy Tester (Investigating Officer), Ian Tester (Independent Person)" in page
    _upload(stage2, io_user, "io-report.pdf")
    respond_all(stage2, on=D(2024, 6, 20), actor=officer)
    page = sign_in(officer).get(f"/staff/cases/{stage2.reference}/").content.decode()
    assert "Nobody" in page.split("Appointed, so can see it")[1][:200]
    assert "Ivy Tester (Investigating Officer) until 20 July 2024" in page


def test_withdrawing_ends_the_appointments_and_reopening_restores_them(
    sign_in, officer, io_user, stage2
):
    services.case_withdraw(case=stage2, on=D(2024, 6, 21), reason="Resolved", actor=officer)
    assert sign_in(io_user).get(f"/staff/cases/{stage2.reference}/").status_code == 404
    assert set(
        Appointment.objects.filter(stage__case=stage2).values_list("end_reason", flat=True)
    ) == {AppointmentEnd.CASE_ENDED}
    services.case_reopen(case=stage2, reason="Recorded in error", actor=officer)
    assert sign_in(io_user).get(f"/staff/cases/{stage2.reference}/").status_code == 200


def test_an_appointment_ended_by_hand_stays_ended_on_reopening(sign_in, officer, io_user, stage2):
    appointment = Appointment.objects.get(stage__case=stage2, user=io_user)
    services.appointment_end(appointment=appointment, on=D(2024, 6, 20), actor=officer)
    services.case_withdraw(case=stage2, on=D(2024, 6, 21), reason="Resolved", actor=officer)
    services.case_reopen(case=stage2, reason="Recorded in error", actor=officer)
    assert sign_in(io_user).get(f"/staff/cases/{stage2.reference}/").status_code == 404


def test_appointments_left_open_on_finished_stages_are_ended_by_the_migration(
    sign_in, officer, io_user, stage2
):
    import importlib

    from django.apps import apps

    respond_all(stage2, on=D(2024, 6, 20), actor=officer)
    # As the data stood before: concluded, yet still appointed.
    Appointment.objects.update(ended_on=None, end_reason="")
    assert sign_in(io_user).get(f"/staff/cases/{stage2.reference}/").status_code == 200
    migration = importlib.import_module(
        "harken.cases.migrations.0003_appointments_end_with_their_stage"
    )
    migration.end_appointments_of_finished_stages(apps, None)
    assert sign_in(io_user).get(f"/staff/cases/{stage2.reference}/").status_code == 404
    assert set(Appointment.objects.values_list("ended_on", "end_reason")) == {
        (D(2024, 6, 20), "stage_concluded")
    }
