"""Disposal anonymises what is due and keeps every report figure as it was."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from harken.cases.demo import build_demo
from harken.cases.models import Case, CaseParty, CaseRead, Person, Status, TimelineEvent
from harken.core.audit import record_read
from harken.correspondence.models import MailItem
from harken.documents.models import Document
from harken.registers.models import OmbudsmanCase
from harken.reports.metrics import build_report
from harken.reports.periods import Period
from harken.reports.renderers import render
from harken.retention import services
from harken.retention.coverage import DISPOSED_WITH_CASE, REPLACED
from harken.retention.disposal import personal_fields
from harken.retention.models import DisposedCase, DisposedRecord, RunStatus
from harken.retention.selectors import held

from .conftest import FAR, dispose_all

pytestmark = pytest.mark.django_db


PAYMENT_REASON = re.compile(r"\.tables\[\d+\]\.rows\[\d+\]\.values\.reason$")


def _periods() -> list[Period]:
    """Every financial year and half year the records fall in, and the whole span."""
    first = Case.objects.order_by("received_on").values_list("received_on", flat=True).first()
    last = dt.date.today()
    assert first is not None
    periods = [Period(first, last)]
    year = first.year - 1
    while dt.date(year, 4, 1) <= last:
        periods.append(Period(dt.date(year, 4, 1), dt.date(year + 1, 3, 31)))
        periods.append(Period(dt.date(year, 4, 1), dt.date(year, 9, 30)))
        periods.append(Period(dt.date(year, 10, 1), dt.date(year + 1, 3, 31)))
        year += 1
    return periods


def _report_json(period: Period) -> Any:
    body, _ = render(build_report(period), "json")
    data = json.loads(body)
    data.pop("generated_at", None)
    return data


def _leaves(value: Any, path: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            out.update(_leaves(item, f"{path}.{key}"))
        return out
    if isinstance(value, list):
        out = {}
        for i, item in enumerate(value):
            out.update(_leaves(item, f"{path}[{i}]"))
        return out
    return {path: value}


def _rights_and_mail(officer: Any) -> None:
    """What the demo does not make: a rights request decided long ago about a person on a
    case, a shared mailbox e-mail on a closed case, one set aside and one not feedback."""
    from harken.correspondence import services as mailbox
    from harken.correspondence.tests.conftest import make_email
    from harken.subjectaccess import rights

    case = Case.objects.filter(status=Status.CLOSED).exclude(held()).order_by("pk").first()
    assert case is not None
    request = rights.rights_request_create(
        actor=officer,
        person=case.parties.first().person,  # type: ignore[union-attr]
        kind="erasure",
        received_on=dt.date(2020, 1, 6),
        description="Delete my details",
    )
    rights.rights_request_refuse(
        actor=officer,
        request=request,
        decided_on=dt.date(2020, 1, 20),
        reason="must_keep",
        outcome="The complaints record must be kept",
    )
    long_ago = dt.datetime(2022, 5, 3, 9, 0, tzinfo=dt.UTC)
    for headers in ({"Auto-Submitted": "auto-replied"}, {}, {}):
        item = mailbox.item_store(raw=make_email(headers=headers), received_at=long_ago).item
        if item.in_inbox and not MailItem.objects.filter(status="not_feedback").exists():
            mailbox.item_not_feedback(item=item, actor=officer, reason="spam")
        elif item.in_inbox:
            status = case.status
            Case.objects.filter(pk=case.pk).update(status=Status.OPEN)
            mailbox.item_attach(item=item, actor=officer, case=case)
            Case.objects.filter(pk=case.pk).update(status=status)


@pytest.mark.parametrize("seed", [3, 11, 2024])
def test_report_figures_are_the_same_after_disposal(seed, admin_user, officer, media, settings):
    """Every figure of every report for a past period, before and after disposing of every
    closed case and every ended record not linked to a case (the demo's answered subject
    access requests and ended contact restrictions, a refused rights request, the shared
    mailbox's e-mails set aside or not feedback; an e-mail on a case goes with it), compared
    one by one (random demo records, three seeds)."""
    settings.HARKEN_CLAMD_SOCKET = ""
    settings.HARKEN_CLAMD_HOST = ""
    build_demo(seed=seed, years=2, scale=0.25)
    _rights_and_mail(officer)
    # The demo's Ombudsman cases still awaiting a decision hold their cases (not disposed).
    closed = Case.objects.exclude(status=Status.OPEN).exclude(held()).count()
    periods = _periods()
    before = {str(p): _leaves(_report_json(p)) for p in periods}

    run = dispose_all(admin_user)

    assert run.status == RunStatus.COMPLETED
    assert closed > 50
    assert DisposedCase.objects.count() == closed
    records = DisposedRecord.objects.count()
    assert run.disposed_total == closed + records
    assert {"sar", "restriction", "rights", "mail"} <= set(
        DisposedRecord.objects.values_list("kind", flat=True)
    )
    # (The demo's reply on an open case stays: that case is not disposed.)
    on_case = MailItem.objects.filter(case__isnull=False).exclude(case__status=Status.OPEN)
    assert on_case.exists()
    assert not on_case.exclude(sender_address="").exists()  # gone with its case
    for period in periods:
        after = _leaves(_report_json(period))
        expected = before[str(period)]
        assert after.keys() == expected.keys(), period
        # A payment's reason is the council's free text about the case, so it goes with it
        # (the internal edition's payments table); its amount, kind and dates stay.
        reasons = {k for k in expected if PAYMENT_REASON.search(k)}
        different = {
            k: (expected[k], after[k])
            for k in expected
            if expected[k] != after[k] and k not in reasons
        }
        assert not different, f"{period}: {different}"
        assert all(after[k] in ("", expected[k]) for k in reasons), period


def _filled(label: str, obj: Any, name: str) -> bool:
    value = getattr(obj, name)
    if (label, name) in REPLACED:
        return value != REPLACED[(label, name)]
    return value not in (None, "", {}, [])


def test_every_personal_field_is_removed(admin_user, officer, media):
    """After disposal no row of a disposed case, nor a person only on disposed cases, holds a
    value in any field the table calls personal; stored files are gone."""
    build_demo(seed=5, years=2, scale=0.2)
    case = Case.objects.exclude(status=Status.OPEN).order_by("pk").first()
    assert case is not None
    name = default_storage.save("documents/retention-test.bin", ContentFile(b"a letter"))
    Document.objects.create(
        case=case,
        kind="uploaded",
        filename="Letter from Mrs Smith.pdf",
        storage_name=name,
        content_type="application/pdf",
        size=8,
        sha256="0" * 64,
        description="Mrs Smith's letter",
        uploaded_by=officer,
    )
    record_read(case=case, user=officer, via="web")
    disposed_people = set(
        CaseParty.objects.exclude(case__status=Status.OPEN).values_list("person_id", flat=True)
    ) - set(CaseParty.objects.filter(case__status=Status.OPEN).values_list("person_id", flat=True))
    assert disposed_people

    dispose_all(admin_user)

    assert not default_storage.exists(name)
    ids = list(DisposedCase.objects.values_list("case_id", flat=True))
    checked = 0
    for label, covered in DISPOSED_WITH_CASE.items():
        if covered.to_case is None:
            continue
        model = apps.get_model(label)
        lookup = f"{covered.to_case}__in" if covered.to_case else "pk__in"
        rows = model._default_manager.filter(**{lookup: ids})
        for obj in rows.exclude(
            **({"verb": "disposed"} if model is TimelineEvent else {})
        ).iterator():
            for field in personal_fields(label):
                if model._meta.get_field(field).many_to_many:
                    assert not getattr(obj, field).exists(), (label, field)
                else:
                    assert not _filled(label, obj, field), (label, field, obj.pk)
                checked += 1
    assert checked > 1000
    for person in Person.objects.filter(pk__in=disposed_people):
        for field in personal_fields("cases.Person"):
            assert not _filled("cases.Person", person, field), (field, person.pk)
    assert not CaseRead.objects.filter(case_id__in=ids, user__isnull=False).exists()
    assert Document.objects.get(case=case).size == 8  # statistical metadata kept


def test_open_cases_and_people_on_them_are_kept(admin_user, officer, media):
    build_demo(seed=8, years=2, scale=0.2)
    open_ids = set(Case.objects.filter(status=Status.OPEN).values_list("pk", flat=True))
    summaries = dict(Case.objects.filter(pk__in=open_ids).values_list("pk", "summary"))
    live_people = dict(
        Person.objects.filter(parties__case__in=open_ids).values_list("pk", "last_name")
    )

    dispose_all(admin_user)

    assert not DisposedCase.objects.filter(case_id__in=open_ids).exists()
    assert dict(Case.objects.filter(pk__in=open_ids).values_list("pk", "summary")) == summaries
    assert (
        dict(Person.objects.filter(pk__in=live_people).values_list("pk", "last_name"))
        == live_people
    )


def test_a_hold_stops_disposal_until_released(admin_user, officer, media):
    build_demo(seed=9, years=1, scale=0.1)
    held, other = Case.objects.exclude(status=Status.OPEN).order_by("pk")[:2]
    hold = services.hold_place(
        case=held, reason="litigation", explanation="Claim issued", actor=admin_user
    )
    dispose_all(admin_user)
    assert not DisposedCase.objects.filter(case=held).exists()
    assert DisposedCase.objects.filter(case=other).exists()
    held.refresh_from_db()
    assert held.summary != "Removed under the retention schedule"

    services.hold_release(hold=hold, reason="Claim settled", actor=admin_user)
    dispose_all(admin_user)
    assert DisposedCase.objects.filter(case=held).exists()


def test_an_open_ombudsman_case_holds_its_case(admin_user, media):
    build_demo(seed=10, years=1, scale=0.1)
    case = Case.objects.exclude(status=Status.OPEN).order_by("pk").first()
    OmbudsmanCase.objects.create(
        case=case, ombudsman_reference="24 001 234", enquiry_received_on=dt.date(2025, 1, 6)
    )
    dispose_all(admin_user)
    assert not DisposedCase.objects.filter(case=case).exists()


def test_a_case_held_after_approval_is_left(admin_user, media):
    """What is approved is disposed of only if still due when the run is carried out."""
    build_demo(seed=12, years=1, scale=0.1)
    run = services.disposal_preview_scheduled(day=FAR)
    assert run is not None
    services.disposal_approve(run=run, actor=admin_user)
    first = run.candidates.filter(case__isnull=False).order_by("pk").first()
    assert first is not None
    assert first.case_id is not None
    case = Case.objects.get(pk=first.case_id)
    services.hold_place(case=case, reason="inquiry", explanation="Inquiry", actor=admin_user)
    run.refresh_from_db()
    services.disposal_carry_out(run=run)
    run.refresh_from_db()
    assert run.skipped == 1
    assert not DisposedCase.objects.filter(case=case).exists()
    assert run.disposed_total == run.total - 1


def test_nothing_is_disposed_before_approval_or_after_rejection(admin_user, media):
    build_demo(seed=13, years=1, scale=0.1)
    run = services.disposal_preview_scheduled(day=FAR)
    assert run is not None
    assert run.total > 0
    assert not DisposedCase.objects.exists()
    assert services.disposal_preview_scheduled(day=FAR) is None  # one awaits approval
    services.disposal_reject(run=run, actor=admin_user)
    assert not DisposedCase.objects.exists()
    assert not run.candidates.exists()


def test_nothing_is_due_within_the_schedule(admin_user, media):
    """Demo records are at most two years old: on today's date nothing is due."""
    build_demo(seed=14, years=1, scale=0.1)
    assert services.disposal_preview_scheduled(day=dt.date.today()) is None


def test_each_disposed_case_says_so_on_its_timeline(admin_user, media):
    build_demo(seed=15, years=1, scale=0.1)
    dispose_all(admin_user)
    disposed = DisposedCase.objects.count()
    assert disposed
    assert TimelineEvent.objects.filter(verb="disposed").count() == disposed
