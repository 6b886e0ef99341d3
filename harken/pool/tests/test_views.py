"""The pool's pages: who may open each (403/404 for the rest), what they show, and the
refusals of appointing from the pool beside the field, nothing saved."""

from __future__ import annotations

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from harken.cases.models import Appointment
from harken.documents.models import Document
from harken.pool import services
from harken.pool.models import PoolEntry, PoolEvent
from harken.registers.models import InvestigationCost

from .conftest import D, make_entry, to_stage2, to_stage3

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _june_2024():
    with time_machine.travel("2024-06-03 10:00 +0100", tick=False):
        yield


PAGES = ["/staff/pool/", "/staff/pool/new/", "/staff/pool/{pk}/", "/staff/pool/{pk}/change/"]


@pytest.mark.parametrize("who", ["manager", "ip_user", "io_user", "report_viewer"])
@pytest.mark.parametrize("page", PAGES)
def test_only_the_feedback_team_opens_the_pool(request, sign_in, officer, entry, who, page):
    client = sign_in(request.getfixturevalue(who))
    assert client.get(page.format(pk=entry.pk)).status_code == 403


def test_signed_out_is_sent_to_sign_in(client, entry):
    response = client.get("/staff/pool/")
    assert response.status_code == 302
    assert "/staff/sign-in/" in response["Location"] or "login" in response["Location"]


def test_the_list_filters_and_flags_a_lapsed_dbs_check(sign_in, officer):
    make_entry(officer, name="Lapsed Larry", dbs_checked_on=D(2020, 1, 1))
    make_entry(officer, name="Current Cath", dbs_checked_on=D(2024, 1, 1))
    page = sign_in(officer).get("/staff/pool/").content.decode()
    assert "Lapsed Larry" in page
    assert "Current Cath" in page
    assert page.count("Over 3 years old") == 1
    filtered = sign_in(officer).get("/staff/pool/?dbs_lapsed=on").content.decode()
    assert "Lapsed Larry" in filtered
    assert "Current Cath" not in filtered


def test_a_bad_filter_is_a_message_not_a_500(sign_in, officer):
    response = sign_in(officer).get("/staff/pool/?role=nonsense")
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()


def test_the_entry_page_is_a_read_in_the_audit_trail(sign_in, officer, entry):
    page = sign_in(officer).get(f"/staff/pool/{entry.pk}/").content.decode()
    assert "Pat Independent" in page
    assert "£350.00" in page
    assert PoolEvent.objects.filter(entry=entry, verb=PoolEvent.Verb.VIEWED, actor=officer).exists()


def test_a_missing_entry_is_404(sign_in, officer):
    assert sign_in(officer).get("/staff/pool/999999/").status_code == 404


def test_adding_a_person_shows_errors_by_field_and_saves_nothing(sign_in, officer):
    client = sign_in(officer)
    response = client.post("/staff/pool/new/", {"name": "", "sharing": "to_partner"})
    page = response.content.decode()
    assert "Enter the name" in page
    assert "Select at least one role they can take" in page
    assert not PoolEntry.objects.exists()
    response = client.post(
        "/staff/pool/new/",
        {
            "name": "Nina New",
            "organisation_kind": "charity",
            "organisation": "",
            "employed_by_council": "no",
            "roles": ["ip"],
            "available": "yes",
            "sharing": "own",
        },
    )
    assert "Enter the name of the council or charity they work for." in response.content.decode()
    assert not PoolEntry.objects.exists()


def test_adding_a_person(sign_in, officer):
    response = sign_in(officer).post(
        "/staff/pool/new/",
        {
            "name": "Nina New",
            "organisation_kind": "other_council",
            "organisation": "South Tyneside Council",
            "employed_by_council": "no",
            "roles": ["ip", "panel_member"],
            "available": "yes",
            "day_rate": "£325",
            "dbs_checked_on_0": "4",
            "dbs_checked_on_1": "1",
            "dbs_checked_on_2": "2024",
            "sharing": "from_partner",
            "partner_council": "South Tyneside Council",
        },
    )
    entry = PoolEntry.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/staff/pool/{entry.pk}/"
    assert entry.roles == ["ip", "panel_member"]
    assert str(entry.day_rate) == "325.00"
    assert entry.dbs_checked_on == D(2024, 1, 4)


def test_the_appointment_page_offers_those_free_and_eligible_with_their_load(sign_in, officer):
    free = make_entry(officer, name="Fran Free")
    make_entry(officer, name="Una Unavailable", available=False)
    make_entry(
        officer, name="Cora Council", organisation_kind="this_council", employed_by_council=True
    )
    make_entry(officer, name="Ivo Io only", roles=["io"])
    busy = make_entry(officer, name="Bea Busy")
    services.pool_appoint(
        case=to_stage2(officer), pool_entry=busy, role="ip", on=D(2024, 2, 6), actor=officer
    )
    case = to_stage2(officer)
    client = sign_in(officer)
    case_page = client.get(f"/staff/cases/{case.reference}/").content.decode()
    assert f"/staff/pool/cases/{case.reference}/appoint/" in case_page
    page = client.get(f"/staff/pool/cases/{case.reference}/appoint/?role=ip").content.decode()
    assert "Fran Free" in page
    assert "Bea Busy" in page
    assert page.index("Fran Free") < page.index("Bea Busy")  # the least loaded first
    assert "1 open appointment." in page
    for left_out in ("Una Unavailable", "Cora Council", "Ivo Io only"):
        assert left_out not in page
    assert "Not offered: 1 in the pool who work for the council (reg 2)." in page
    response = client.post(
        f"/staff/pool/cases/{case.reference}/appoint/?role=ip",
        {
            "pool_entry": str(free.pk),
            "on_0": "6",
            "on_1": "2",
            "on_2": "2024",
            "fee_basis": "days",
            "days": "2",
        },
    )
    assert response.status_code == 302
    appointment = Appointment.objects.get(stage__case=case, pool_entry=free)
    assert appointment.pool_fee.amount == 700
    assert InvestigationCost.objects.get(case=case).amount == 700


def test_a_conflict_is_refused_beside_the_person_and_nothing_saved(sign_in, officer, io_user):
    ip = make_entry(officer)
    case = to_stage3(officer, io_user, ip)
    client = sign_in(officer)
    response = client.post(
        f"/staff/pool/cases/{case.reference}/appoint/?role=panel_member",
        {
            "pool_entry": str(ip.pk),
            "on_0": "20",
            "on_1": "3",
            "on_2": "2024",
            "fee_basis": "fixed",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "was the Independent Person at stage 2 and may not sit on the review panel." in page
    assert not Appointment.objects.filter(stage__number=3).exists()
    assert not InvestigationCost.objects.filter(stage_number=3).exists()


def test_a_lapsed_dbs_check_warns_after_appointing(sign_in, officer):
    lapsed = make_entry(officer, dbs_checked_on=D(2020, 5, 1))
    case = to_stage2(officer)
    client = sign_in(officer)
    response = client.post(
        f"/staff/pool/cases/{case.reference}/appoint/?role=ip",
        {
            "pool_entry": str(lapsed.pk),
            "on_0": "6",
            "on_1": "2",
            "on_2": "2024",
            "fee_basis": "none",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "DBS check is over three years old (checked on 1 May 2020)" in page


@pytest.mark.parametrize("who", ["manager", "ip_user", "report_viewer"])
def test_only_the_feedback_team_appoints_from_the_pool(request, sign_in, officer, entry, who):
    case = to_stage2(officer)
    client = sign_in(request.getfixturevalue(who))
    url = f"/staff/pool/cases/{case.reference}/appoint/?role=ip"
    assert client.get(url).status_code == 403
    assert client.post(url, {"pool_entry": str(entry.pk)}).status_code == 403
    assert not Appointment.objects.filter(pool_entry=entry).exists()


def test_the_appointment_page_and_your_appointments_are_reads_of_the_case(
    sign_in, officer, ip_user
):
    from harken.cases.models import CaseRead

    entry = make_entry(officer, user=ip_user)
    case = to_stage2(officer)
    sign_in(officer).get(f"/staff/pool/cases/{case.reference}/appoint/?role=ip")
    assert CaseRead.objects.filter(case=case, user=officer, via="pool-appoint").exists()
    services.pool_appoint(case=case, pool_entry=entry, role="ip", on=D(2024, 2, 6), actor=officer)
    sign_in(ip_user).get("/staff/pool/yours/")
    assert CaseRead.objects.filter(case=case, user=ip_user, via="pool-mine").exists()


def test_an_unknown_case_is_404(sign_in, officer):
    assert sign_in(officer).get("/staff/pool/cases/NOPE-1/appoint/").status_code == 404


# --- An independent person signs in -------------------------------------------------------


def _upload(client, case, name="report.pdf"):
    return client.post(
        f"/staff/documents/cases/{case.reference}/upload/",
        {
            "file": SimpleUploadedFile(name, b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"),
            "description": "My report",
        },
    )


def test_an_ip_sees_only_their_appointments_and_those_stages_documents(
    sign_in, officer, io_user, ip_user
):
    entry = make_entry(officer, user=ip_user)
    mine = to_stage2(officer)
    services.pool_appoint(case=mine, pool_entry=entry, role="ip", on=D(2024, 2, 6), actor=officer)
    other = to_stage2(officer)
    client = sign_in(ip_user)
    page = client.get("/staff/pool/yours/").content.decode()
    assert mine.reference in page
    assert other.reference not in page
    # Their report goes through the case's upload, and belongs to their stage.
    assert _upload(client, mine).status_code == 302
    report = Document.objects.get(case=mine, uploaded_by=ip_user)
    assert report.stage is not None
    assert report.stage.number == 2
    assert "report.pdf" in client.get("/staff/pool/yours/").content.decode()
    assert client.get(f"/staff/documents/{report.pk}/").status_code == 200
    # Nothing of another case: its page, its upload, its documents.
    officer_client = sign_in(officer)
    _upload(officer_client, other, "other.pdf")
    elsewhere = Document.objects.get(case=other)
    client = sign_in(ip_user)
    assert client.get(f"/staff/cases/{other.reference}/").status_code == 404
    assert client.get(f"/staff/documents/cases/{other.reference}/upload/").status_code == 404
    assert client.get(f"/staff/documents/{elsewhere.pk}/").status_code == 404


def test_an_appointee_does_not_see_another_stages_documents(sign_in, officer, io_user, ip_user):
    """A panel member at stage 3 does not see what the stage 2 IP uploaded to stage 2."""
    ip_entry = make_entry(officer, user=ip_user)
    case = to_stage2(officer)
    services.pool_appoint(
        case=case, pool_entry=ip_entry, role="ip", on=D(2024, 2, 6), actor=officer
    )
    _upload(sign_in(ip_user), case, "ip-report.pdf")
    stage2_report = Document.objects.get(case=case, uploaded_by=ip_user)
    from harken.cases import services as case_services
    from harken.cases.tests.factories import respond_all

    case_services.appointment_make(
        case=case, user=io_user, role="io", on=D(2024, 2, 6), actor=officer
    )
    respond_all(case, on=D(2024, 3, 1), actor=officer)
    case_services.complaint_escalate(case=case, requested_on=D(2024, 3, 11), actor=officer)
    from harken.accounts.models import Role
    from harken.accounts.tests.factories import make_user

    panel_user = make_user("pam_panel", Role.PANEL_MEMBER, employed_by_council=False)
    panel = make_entry(officer, name="Pam Panel", user=panel_user)
    services.pool_appoint(
        case=case, pool_entry=panel, role="panel_chair", on=D(2024, 3, 20), actor=officer
    )
    client = sign_in(panel_user)
    assert client.get(f"/staff/cases/{case.reference}/").status_code == 200
    assert client.get(f"/staff/documents/{stage2_report.pk}/").status_code == 404
    assert "ip-report.pdf" not in client.get("/staff/pool/yours/").content.decode()
    assert "ip-report.pdf" not in client.get(f"/staff/cases/{case.reference}/").content.decode()
    # The feedback team sees it.
    assert sign_in(officer).get(f"/staff/documents/{stage2_report.pk}/").status_code == 200


@pytest.mark.parametrize("who", ["officer", "manager", "report_viewer"])
def test_your_appointments_is_for_appointees(request, sign_in, who):
    assert sign_in(request.getfixturevalue(who)).get("/staff/pool/yours/").status_code == 403
