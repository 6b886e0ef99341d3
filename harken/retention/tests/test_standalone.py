"""Register records not linked to a case (a subject access request; an Ombudsman case, a
contact restriction or an advocacy referral recorded on its own) have rules of their own, are
previewed and disposed of with the same guarantees as cases: running records and held people
are kept, every personal field goes, the statistical ones stay."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from harken.cases.models import Person
from harken.core.errors import ApplicationError
from harken.registers import services as registers
from harken.registers.models import (
    AdvocacyReferral,
    ContactRestriction,
    OmbudsmanCase,
    Payment,
    RegisterEvent,
    SubjectAccessRequest,
)
from harken.retention import services
from harken.retention.coverage import DISPOSED_WITH_CASE, REPLACED
from harken.retention.defaults import DEFAULT_RULES
from harken.retention.disposal import personal_fields
from harken.retention.models import DisposedRecord, RetentionRule
from harken.retention.standalone import STANDALONE

pytestmark = pytest.mark.django_db
D = dt.date
DAY = D(2025, 1, 1)


def _filled(label: str, obj: Any, name: str) -> bool:
    value = getattr(obj, name)
    if (label, name) in REPLACED:
        return value != REPLACED[(label, name)]
    return value not in (None, "", {}, [])


@pytest.fixture
def records_team(assessment_team):
    return assessment_team


def _survey_comment_and_pool(officer, team):
    """Issue 14: an imported survey comment on no case, triaged in 2020; a person who left the
    pool in 2017 after an appointment by a partner council that ended then."""
    import tempfile
    from pathlib import Path

    import time_machine

    from harken.pool import services as pool
    from harken.surveys import returns
    from harken.surveys import services as surveys

    with time_machine.travel(dt.datetime(2020, 6, 1, 10, tzinfo=dt.UTC)):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "returns.csv"
            path.write_text(
                "received_on,satisfaction,comment\n2020-05-20,2,Mrs Jones at the desk was rude\n"
            )
            returns.returns_import(path=path, name="Parents' survey, Q1", actor=officer)
        from harken.surveys.models import Comment

        comment = surveys.comment_triage(
            comment=Comment.objects.get(text__startswith="Mrs Jones"),
            decision="passed",
            actor=officer,
            team=team,
            person="Tina Teamlead",
            passed_on=D(2020, 6, 1),
        )
    with time_machine.travel(dt.datetime(2017, 3, 1, 10, tzinfo=dt.UTC)):
        entry = pool.pool_entry_create(
            actor=officer,
            name="Peta Poole",
            organisation_kind="self_employed",
            roles=["ip"],
            email="peta@example.org",
            phone="0191 000 0000",
            address="1 Pool Lane",
            dbs_checked_on=D(2016, 1, 4),
            sharing="to_partner",
            partner_council="Gateshead Council",
        )
        made = pool.partner_appointment_record(
            entry=entry, actor=officer, role="ip", appointed_on=D(2017, 2, 1)
        )
        pool.partner_appointment_end(
            appointment=made, actor=officer, ended_on=D(2017, 2, 28), outcome="completed"
        )
        entry = pool.pool_entry_update(entry=entry, actor=officer, active=False)
    return comment, entry


@pytest.fixture
def records(officer, media, records_team):
    """One ended record of each kind, long past its rule, each about its own person; and one
    of each still running (a request not answered, a restriction in force)."""
    sar = registers.sar_create(
        actor=officer,
        received_on=D(2020, 3, 2),
        identity_verified_on=D(2020, 3, 2),
        requester_details={"first_name": "Sara", "last_name": "Quill"},
        description="Copies of my records from 2015",
    )
    sar = registers.sar_update(
        sar=sar,
        actor=officer,
        sent_on=D(2020, 3, 20),
        pages_disclosed=40,
        redactions_count=3,
        redactions="Names of two foster carers",
    )
    from harken.subjectaccess.models import Bundle

    name = default_storage.save("subjectaccess/old-bundle.zip", ContentFile(b"zip"))
    Bundle.objects.create(
        sar=sar, person=sar.requester, storage_name=name, release_method="Post to 1 High St"
    )
    ombudsman = registers.ombudsman_case_create(
        actor=officer,
        ombudsman_reference="23 001 234",
        enquiry_received_on=D(2017, 5, 1),
        person_details={"first_name": "Omar", "last_name": "Budd"},
        summary="Went to the Ombudsman about a school transport decision",
        decision="upheld",
        decision_on=D(2017, 9, 1),
        injustice=True,
        notes="The Ombudsman found fault in the delay",
    )
    registers.payment_create(
        actor=officer,
        amount=Decimal("250.00"),
        paid_on=D(2017, 10, 2),
        reason="For the distress Mr Budd was caused",
        ombudsman_case=ombudsman,
    )
    restriction = registers.restriction_create(
        actor=officer,
        decision_on=D(2016, 2, 1),
        reason="Daily calls to the team",
        restrictions="One call a week",
        person_details={"first_name": "Rita", "last_name": "Stone"},
        review_on=D(2016, 8, 1),
    )
    registers.restriction_update(
        restriction=restriction,
        actor=officer,
        reviewed_on=D(2016, 8, 1),
        ended_on=D(2016, 8, 1),
        end_reason="Contact is reasonable now",
    )
    advocacy = registers.advocacy_referral_create(
        actor=officer,
        referred_on=D(2017, 1, 9),
        provider="independent",
        provider_name="Coram Voice",
        child_details={"first_name": "Adam", "last_name": "Vale"},
        outcome="provided",
        outcome_on=D(2017, 1, 20),
        outcome_notes="Adam met his advocate at school",
    )
    live_sar = registers.sar_create(
        actor=officer,
        received_on=D(2024, 6, 3),
        requester_details={"first_name": "Lena", "last_name": "Open"},
    )
    in_force = registers.restriction_create(
        actor=officer,
        decision_on=D(2015, 1, 5),
        reason="Threats to staff",
        restrictions="Written contact only",
        person_details={"first_name": "Fred", "last_name": "Force"},
    )
    from harken.cases.services import person_create
    from harken.correspondence import services as mailbox
    from harken.correspondence.tests.conftest import make_email
    from harken.subjectaccess import rights

    rights_request = rights.rights_request_create(
        actor=officer,
        person=person_create(actor=officer, first_name="Rhea", last_name="Wright"),
        kind="erasure",
        received_on=D(2020, 1, 6),
        description="Delete everything you hold on me",
    )
    rights.rights_request_refuse(
        actor=officer,
        request=rights_request,
        decided_on=D(2020, 1, 20),
        reason="must_keep",
        outcome="The complaints record must be kept; Rhea was told",
    )
    auto_reply = mailbox.item_store(
        raw=make_email(
            sender="Away Person <away@example.org>", headers={"Auto-Submitted": "auto-replied"}
        ),
        received_at=dt.datetime(2022, 5, 3, 9, 0, tzinfo=dt.UTC),
    ).item
    # Issue 14 (homes): a Regulation 44 visit 15 years and more before DAY, with its report and
    # an issue raised; a drop-in more than 6 years before.
    from harken.homes import services as homes

    oak = homes.home_create(
        actor=officer,
        name="Oak Lodge",
        provider="Shire County Council",
        ownership="own",
        ofsted_urn="SC100200",
        places=4,
        opened_on=D(2005, 1, 3),
    )
    old_visit = homes.visit_record(
        actor=officer,
        home=oak,
        visited_on=D(2009, 3, 2),
        visitor_name="Vera Visitor",
        announced=False,
        children_spoken_to=2,
        parents_spoken_to=0,
        staff_spoken_to=3,
        safeguarded="yes",
        wellbeing_promoted="yes",
        summary="The garden is overgrown",
        sent_to_ofsted_on=D(2009, 3, 20),
    )
    report = default_storage.save("home-visits/old-report.pdf", ContentFile(b"%PDF-1.4"))
    type(old_visit).objects.filter(pk=old_visit.pk).update(
        report_filename="oak-march-2009.pdf", report_storage_name=report, report_sha256="ab" * 32
    )
    homes.issue_record(
        actor=officer, visit=old_visit, summary="Bedtimes too early", triage="no_action"
    )
    old_drop_in = homes.drop_in_record(
        actor=officer, held_on=D(2017, 4, 3), officer=officer, young_people=6, home=oak
    )
    homes.issue_record(
        actor=officer, drop_in=old_drop_in, summary="Wants a bus pass", triage="no_action"
    )
    comment, left_pool = _survey_comment_and_pool(officer, records_team)
    return {
        "visit": old_visit,
        "drop_in": old_drop_in,
        "report_file": report,
        "survey_comment": comment,
        "pool": left_pool,
        "rights": rights_request,
        "mail": auto_reply,
        "sar": sar,
        "ombudsman": ombudsman,
        "restriction": restriction,
        "advocacy": advocacy,
        "live_sar": live_sar,
        "in_force": in_force,
        "bundle_file": name,
    }


def test_each_standalone_kind_has_a_shipped_rule_with_its_source():
    shipped = {d["kind"]: d for d in DEFAULT_RULES}
    for kind in STANDALONE:
        rule = RetentionRule.objects.get(kind=kind)
        assert rule.source == shipped[kind]["source"]
        assert rule.source
        assert rule.versions.get().reason == "Shipped default"


def test_the_preview_counts_each_kind_and_leaves_running_records(admin_user, records):
    run = services.disposal_preview_create(day=DAY, actor=admin_user)
    lines = {line.kind: line for line in run.lines.all()}
    for kind in STANDALONE:
        assert lines[kind].count == 1, kind
    assert lines["sar"].earliest_on == D(2020, 3, 20)  # counted from the response
    assert lines["ombudsman"].earliest_on == D(2017, 9, 1)  # from the decision
    candidates = {(c.line.kind, c.record_id) for c in run.candidates.select_related("line")}
    assert ("sar", records["live_sar"].pk) not in candidates  # not answered yet
    assert ("restriction", records["in_force"].pk) not in candidates  # still in force
    services.disposal_reject(run=run, actor=admin_user)
    # Within every rule (the SAR answered in March 2020 is kept 2 years): nothing is due.
    with pytest.raises(ApplicationError, match="Nothing is due"):
        services.disposal_preview_create(day=D(2021, 3, 1), actor=admin_user)


def test_disposal_removes_every_personal_field_and_keeps_the_figures(admin_user, records):
    run = services.disposal_preview_create(day=DAY, actor=admin_user)
    services.disposal_approve(run=run, actor=admin_user)
    run.refresh_from_db()
    run = services.disposal_carry_out(run=run)
    assert {d.kind for d in DisposedRecord.objects.all()} == set(STANDALONE)
    assert run.disposed_total >= len(STANDALONE)
    assert not default_storage.exists(records["bundle_file"])
    assert not default_storage.exists(records["report_file"])

    checked = 0
    for kind, spec in STANDALONE.items():
        ids = list(DisposedRecord.objects.filter(kind=kind).values_list("record_id", flat=True))
        labels = [(spec.label, {"pk__in": ids})] + [
            (part.label, {f"{part.to_record}__in": ids, **dict(part.extra)}) for part in spec.parts
        ]
        for label, lookup in labels:
            model = apps.get_model(label)
            for obj in model._default_manager.filter(**lookup):
                for field in personal_fields(label):
                    assert not _filled(label, obj, field), (label, field)
                    checked += 1
        if spec.register:
            events = RegisterEvent.objects.filter(register=spec.register, record_id__in=ids)
        else:  # an audit trail of its own
            assert spec.events is not None
            label, to_record, _ = spec.events
            events = apps.get_model(label)._default_manager.filter(**{f"{to_record}__in": ids})
        assert events.exists(), kind
        assert not events.filter(actor__isnull=False).exists(), kind
    assert checked > 20

    # The people only these records named are anonymised; the statistical fields stay.
    for first in ("Sara", "Omar", "Rita", "Adam", "Rhea"):
        assert not Person.objects.filter(first_name=first).exists(), first
    sar = SubjectAccessRequest.objects.get(pk=records["sar"].pk)
    assert (sar.received_on, sar.sent_on, sar.pages_disclosed, sar.redactions_count) == (
        D(2020, 3, 2),
        D(2020, 3, 20),
        40,
        3,
    )
    ombudsman = OmbudsmanCase.objects.get(pk=records["ombudsman"].pk)
    assert (ombudsman.decision, ombudsman.decision_on) == ("upheld", D(2017, 9, 1))
    assert Payment.objects.get(ombudsman_case=ombudsman).amount == Decimal("250.00")
    assert ContactRestriction.objects.get(pk=records["restriction"].pk).ended_on == D(2016, 8, 1)
    assert AdvocacyReferral.objects.get(pk=records["advocacy"].pk).outcome == "provided"
    # Issue 14: the comment keeps its decision and dates, the pool entry its roles and rates.
    from harken.pool.models import PoolEntry
    from harken.surveys.models import Comment

    comment = Comment.objects.get(pk=records["survey_comment"].pk)
    assert "Mrs Jones" not in comment.text
    assert (comment.decision, comment.passed_on, comment.passed_to_person) == (
        "passed",
        D(2020, 6, 1),
        "",
    )
    entry = PoolEntry.objects.get(pk=records["pool"].pk)
    assert (entry.name, entry.email, entry.dbs_checked_on) == (
        "Former member of the pool",
        "",
        None,
    )
    assert entry.roles == ["ip"]
    assert entry.partner_appointments.get().outcome == "completed"
    visit = type(records["visit"]).objects.get(pk=records["visit"].pk)
    assert (visit.visited_on, visit.sent_to_ofsted_on, visit.children_spoken_to) == (
        D(2009, 3, 2),
        D(2009, 3, 20),
        2,
    )
    assert (visit.visitor_name, visit.summary, visit.report_storage_name) == ("", "", "")
    assert visit.issues.get().triage == "no_action"
    assert type(records["drop_in"]).objects.get(pk=records["drop_in"].pk).young_people == 6
    # Still running: untouched.
    assert (
        SubjectAccessRequest.objects.get(pk=records["live_sar"].pk).requester.first_name == "Lena"
    )
    assert ContactRestriction.objects.get(pk=records["in_force"].pk).reason == "Threats to staff"


def test_a_hold_on_the_person_keeps_their_register_records(admin_user, records):
    person = records["restriction"].person
    hold = services.hold_place(
        person=person, reason="litigation", explanation="Claim issued", actor=admin_user
    )
    run = services.disposal_preview_create(day=DAY, actor=admin_user)
    assert "restriction" not in {line.kind for line in run.lines.all()}
    services.disposal_reject(run=run, actor=admin_user)
    services.hold_release(hold=hold, reason="Claim settled", actor=admin_user)
    # Held after approval: left when carried out, and counted as left.
    run = services.disposal_preview_create(day=DAY, actor=admin_user)
    assert "restriction" in {line.kind for line in run.lines.all()}
    services.disposal_approve(run=run, actor=admin_user)
    services.hold_place(person=person, reason="inquiry", explanation="Inquiry", actor=admin_user)
    run.refresh_from_db()
    run = services.disposal_carry_out(run=run)
    assert not DisposedRecord.objects.filter(kind="restriction").exists()
    assert ContactRestriction.objects.get(pk=records["restriction"].pk).reason
    assert run.skipped == 1


def test_a_live_sar_about_the_person_keeps_their_earlier_request(officer, admin_user, records):
    registers.sar_create(
        actor=officer, received_on=D(2024, 6, 10), requester=records["sar"].requester
    )
    run = services.disposal_preview_create(day=DAY, actor=admin_user)
    assert "sar" not in {line.kind for line in run.lines.all()}


def test_every_register_model_that_stands_without_a_case_has_a_rule():
    """A register model with no case, or a case it may lack, is a standalone kind or a part of
    one: otherwise its records would be kept for ever. Fails naming the model."""
    parts = {p.label for spec in STANDALONE.values() for p in spec.parts}
    kinds = {spec.label for spec in STANDALONE.values()}
    audit_or_config = {"registers.RegisterEvent", "registers.RegisterRead", "registers.SarCounter"}
    missing = []
    for model in apps.get_app_config("registers").get_models():
        label = model._meta.label
        if label in audit_or_config:
            continue
        names = {f.name: f for f in model._meta.concrete_fields}
        case = names.get("case")
        if (case is None or case.null) and label not in kinds | parts:
            missing.append(label)
    assert not missing, "Give these a rule in harken/retention/standalone.py: " + ", ".join(missing)
    for label in kinds | parts:
        assert label in DISPOSED_WITH_CASE, label


def test_a_last_entry_rule_counts_from_the_records_last_history_entry(admin_user, records):
    """Under "after the last entry" a request is due only once its last history entry (the
    response recorded today, here) is old enough, not from the day it was answered."""
    rule = RetentionRule.objects.get(kind="sar")
    services.rule_update(
        rule=rule, basis="last_entry", years=2, reason="Council policy", actor=admin_user
    )
    run = services.disposal_preview_create(day=DAY, actor=admin_user)
    assert "sar" not in {line.kind for line in run.lines.all()}
    with pytest.raises(ApplicationError, match="count to a birthday"):
        services.rule_update(rule=rule, basis="birthday_75", years=75, reason="x", actor=admin_user)


def test_held_and_left_out_counts_register_records_on_page_api_and_command(
    admin_user, officer, records, sign_in, api_for
):
    """A hold on a person keeps their register record (a contact restriction) and an e-mail
    from their address out of the preview: the preview page, the API and `harken disposal
    show` count both as held and left out, not only cases."""
    import io

    from django.core.management import call_command
    from django.urls import reverse

    from harken.retention import selectors

    person = records["restriction"].person
    Person.objects.filter(pk=person.pk).update(email="away@example.org")  # the auto-reply's
    hold = services.hold_place(
        person=person, reason="litigation", explanation="Claim issued", actor=admin_user
    )
    run = services.disposal_preview_create(day=DAY, actor=admin_user)
    kinds = {line.kind for line in run.lines.all()}
    assert "restriction" not in kinds
    assert "mail" not in kinds
    held = selectors.held_from_run(run)
    [found] = [h for h in held if h.hold == hold]
    assert found.records == {
        ("restriction", records["restriction"].pk),
        ("mail", records["mail"].pk),
    }
    assert (found.count, found.cases, found.other_records) == (2, 0, 2)
    assert selectors.held_total(held) == 2

    page = sign_in(admin_user).get(reverse("retention:disposal", kwargs={"pk": run.pk}))
    text = page.content.decode()
    assert "2 records the schedule makes due are held and left out" in text
    assert "0 cases, 2 other" in text

    body = api_for(admin_user).get(f"/api/v1/retention/disposals/{run.pk}/").json()
    assert body["held_total"] == 2
    assert body["held"] == [
        {
            "hold": hold.pk,
            "sar": None,
            "case": None,
            "person": person.pk,
            "count": 2,
            "cases": 0,
            "other_records": 2,
        }
    ]

    out = io.StringIO()
    call_command("disposal", "show", str(run.pk), stdout=out)
    assert "Held and left out: 2 record(s)" in out.getvalue()
    assert f"hold {hold.pk} on person {person.pk} (Litigation): 0 case(s), 2 other record(s)" in (
        out.getvalue()
    )
