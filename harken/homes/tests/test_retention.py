"""The homes' records under the retention schedule (RecordKind.HOME_VISIT, DROP_IN): a visit
is kept 15 years after it, a drop-in 6 years after it was held, then disposed of by the usual
disposal run with the issues raised there; an issue that became a case follows its case; the
home itself stays on the register."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import ProtectedError

from harken.cases.tests.factories import complaint
from harken.homes.models import DropIn, HomeEvent, Issue, Triage, Visit
from harken.retention import services as retention
from harken.retention.coverage import REMOVED_TEXT
from harken.retention.models import DisposedRecord, RetentionRule

from .factories import D, drop_in, home, visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }


@pytest.fixture
def world(officer, media):
    oak = home(officer, opened_on=D(2005, 1, 3))
    old = visit(officer, oak, visited_on=D(2009, 3, 2), sent_to_ofsted_on=D(2009, 3, 30))
    report = default_storage.save("home-visits/old.pdf", ContentFile(b"%PDF-1.4"))
    Visit.objects.filter(pk=old.pk).update(
        report_filename="oak-march.pdf", report_storage_name=report
    )
    kept = visit(officer, oak, visited_on=D(2010, 1, 5))  # 15 years end in January 2025
    Issue.objects.create(visit=old, summary="Bedtimes are too early", triage=Triage.NO_ACTION)
    # An issue that became a complaint, still open: it follows the complaint, not the visit.
    case = complaint(actor=officer, received_on=D(2009, 3, 3))
    Issue.objects.create(visit=old, summary="Says staff shout", triage=Triage.COMPLAINT, case=case)
    old_drop_in = drop_in(officer, oak, held_on=D(2017, 4, 3))
    Issue.objects.create(drop_in=old_drop_in, summary="Wants a bus pass", triage="no_action")
    recent_drop_in = drop_in(officer, oak, held_on=D(2019, 1, 7))
    return {
        "oak": oak,
        "old": old,
        "kept": kept,
        "report": report,
        "case": case,
        "old_drop_in": old_drop_in,
        "recent_drop_in": recent_drop_in,
    }


def test_the_shipped_rules_say_where_their_periods_come_from():
    visits = RetentionRule.objects.get(kind="home_visit")
    drop_ins = RetentionRule.objects.get(kind="drop_in")
    assert (visits.basis, visits.years) == ("closure", 15)
    assert "Children's Homes (England) Regulations 2015" in visits.source
    assert (drop_ins.basis, drop_ins.years) == ("closure", 6)


def test_the_disposal_run_disposes_of_the_visits_and_drop_ins_past_their_rule(admin_user, world):
    run = retention.disposal_preview_create(day=D(2024, 6, 28), actor=admin_user)
    lines = {line.kind: line.count for line in run.lines.all()}
    assert lines["home_visit"] == 1
    assert lines["drop_in"] == 1
    retention.disposal_approve(run=run, actor=admin_user)
    run.refresh_from_db()
    retention.disposal_carry_out(run=run)

    assert set(DisposedRecord.objects.values_list("kind", "record_id")) >= {
        ("home_visit", world["old"].pk),
        ("drop_in", world["old_drop_in"].pk),
    }
    old = Visit.objects.get(pk=world["old"].pk)
    # Who and what are gone, the report's file with them; the figures stay.
    assert (old.visitor_name, old.summary, old.report_filename, old.report_storage_name) == (
        "",
        "",
        "",
        "",
    )
    assert not default_storage.exists(world["report"])
    assert (old.visited_on, old.sent_to_ofsted_on, old.children_spoken_to) == (
        D(2009, 3, 2),
        D(2009, 3, 30),
        3,
    )
    assert not HomeEvent.objects.filter(visit=old, actor__isnull=False).exists()
    assert set(HomeEvent.objects.filter(visit=old).values_list("description", flat=True)) == {
        REMOVED_TEXT
    }
    by_triage = {i.triage: i.summary for i in old.issues.all()}
    assert by_triage[Triage.NO_ACTION] == REMOVED_TEXT
    assert by_triage[Triage.COMPLAINT] == "Says staff shout"  # follows its open complaint
    assert DropIn.objects.get(pk=world["old_drop_in"].pk).issues.get().summary == REMOVED_TEXT
    # Within their rules: untouched.
    assert Visit.objects.get(pk=world["kept"].pk).visitor_name == "Vera Visitor"
    assert DropIn.objects.get(pk=world["recent_drop_in"].pk).placement == ""
    assert HomeEvent.objects.filter(drop_in=world["recent_drop_in"], actor__isnull=False).exists()
    # The home stays on the register, its compliance figures unchanged.
    assert world["oak"].visits.count() == 2


def test_a_home_with_visits_cannot_be_deleted(world):
    with pytest.raises(ProtectedError):
        world["oak"].delete()
