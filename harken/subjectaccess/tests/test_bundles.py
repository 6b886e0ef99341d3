"""A SAR bundle: proposals reviewed, accepted redactions removed for real, stored, released."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.core.files.storage import default_storage

from harken.cases import services as case_services
from harken.cases.tests.factories import complaint
from harken.core.errors import AccessDenied, ApplicationError
from harken.documents import services as document_services
from harken.registers.models import Register, RegisterEvent
from harken.registers.tests import factories as register_factories
from harken.subjectaccess import services
from harken.subjectaccess.models import BundleStatus, RedactionDecision, RedactionKind

from .conftest import pdf_upload, pdftotext

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def setup(officer):
    """Casey's complaint names another person (Jordan Pike, with a phone number) in its
    details and in an uploaded PDF."""
    case = complaint(
        actor=officer,
        received_on=D(2024, 3, 4),
        details="Casey Marlowe says Jordan Pike (07700 900123) shouted at her.",
    )
    person = case.parties.get().person
    case_services.person_update(
        person=person, actor=officer, first_name="Casey", last_name="Marlowe"
    )
    document_services.document_upload(
        case=case,
        file=pdf_upload("statement.pdf", "Statement of Casey Marlowe", "Witness: Jordan Pike"),
        actor=officer,
    )
    sar = register_factories.sar(actor=officer, requester=person)
    return case, person, sar


def _files(bundle) -> dict[str, bytes]:
    data = b"".join(services.bundle_file(bundle=bundle, actor=bundle.created_by))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_third_parties_and_patterns_are_proposed_but_not_the_subject(officer, setup):
    _case, _person, sar = setup
    bundle = services.bundle_start(sar=sar, actor=officer)
    proposed = {(r.text, r.kind) for r in bundle.redactions.all()}
    assert ("07700 900123", RedactionKind.PHONE) in proposed
    texts = {t for t, _k in proposed}
    assert "Casey Marlowe" not in texts
    assert bundle.status == BundleStatus.REVIEW


def test_an_accepted_redaction_is_removed_from_the_records_and_the_original_pdf(officer, setup):
    _case, _person, sar = setup
    bundle = services.bundle_start(sar=sar, actor=officer)
    with pytest.raises(ApplicationError, match="still to review"):
        services.bundle_build(bundle=bundle, actor=officer)
    services.redaction_add(bundle=bundle, actor=officer, text="Jordan Pike", reason="TP")
    for row in bundle.redactions.filter(decision=RedactionDecision.PROPOSED):
        services.redaction_decide(
            redaction_row=row, actor=officer, decision="accepted", reason="CD"
        )
    services.bundle_build(bundle=bundle, actor=officer)
    bundle.refresh_from_db()
    assert bundle.status == BundleStatus.BUILT
    assert default_storage.exists(bundle.storage_name)
    files = _files(bundle)
    records = pdftotext(files["01-records.pdf"])
    assert "Casey Marlowe" in records
    assert "Jordan Pike" not in records
    assert "07700 900123" not in records
    assert "[redacted TP]" in records
    (statement_name,) = [n for n in files if n.startswith("documents/")]
    statement = pdftotext(files[statement_name])
    assert "Statement of Casey Marlowe" in statement
    assert "Jordan" not in statement
    assert "Pike" not in statement
    index = pdftotext(files["00-index.pdf"])
    assert "Redaction log" in index
    assert "TP: third party" in index
    assert "Jordan Pike" not in index  # the log gives the reason, not what was removed


def test_release_records_the_response_and_every_step_is_audited(officer, setup):
    _case, _person, sar = setup
    bundle = services.bundle_start(sar=sar, actor=officer)
    with pytest.raises(ApplicationError, match="Build the bundle"):
        services.bundle_release(
            bundle=bundle, actor=officer, released_on=D(2024, 6, 20), method="Post"
        )
    for row in bundle.redactions.all():
        services.redaction_decide(redaction_row=row, actor=officer, decision="rejected")
    services.bundle_build(bundle=bundle, actor=officer)
    with pytest.raises(ApplicationError) as exc:
        services.bundle_release(bundle=bundle, actor=officer, released_on=D(2024, 6, 20), method="")
    assert "method" in exc.value.field_errors
    services.bundle_release(
        bundle=bundle, actor=officer, released_on=D(2024, 6, 20), method="Secure e-mail"
    )
    sar.refresh_from_db()
    assert sar.sent_on == D(2024, 6, 20)
    assert sar.pages_disclosed == bundle.pages
    assert (bundle.pages or 0) > 0
    verbs = list(
        RegisterEvent.objects.filter(register=Register.SAR, record_id=sar.pk).values_list(
            "verb", flat=True
        )
    )
    assert verbs[-1] == "sar_bundle_released"
    assert "sar_bundle_built" in verbs
    assert "sar_redaction_decided" in verbs
    with pytest.raises(ApplicationError, match="released"):
        services.redaction_add(bundle=bundle, actor=officer, text="Anything", reason="TP")


def test_an_accepted_redaction_needs_a_reason_code(officer, setup):
    _case, _person, sar = setup
    bundle = services.bundle_start(sar=sar, actor=officer)
    row = bundle.redactions.get(text="07700 900123")
    with pytest.raises(ApplicationError) as exc:
        services.redaction_decide(redaction_row=row, actor=officer, decision="accepted", reason="")
    assert "reason" in exc.value.field_errors
    row.refresh_from_db()
    assert row.decision == RedactionDecision.PROPOSED


@pytest.mark.parametrize("who", ["manager", "report_viewer", "io_user"])
def test_only_the_feedback_team_builds_bundles(request, officer, setup, who):
    _case, _person, sar = setup
    with pytest.raises(AccessDenied):
        services.bundle_start(sar=sar, actor=request.getfixturevalue(who))


def test_records_outside_the_cases_are_in_the_bundle_redacted(officer, setup):
    """The person's register records, rights requests and e-mails to the shared mailbox go
    in the records with the cases; a third party's number in them is proposed and removed;
    a register record on a case outside the bundle stays out."""
    from django.utils import timezone

    from harken.correspondence.models import ItemStatus, MailItem
    from harken.subjectaccess import rights

    case, person, sar = setup
    case_services.person_update(person=person, actor=officer, email="casey@example.org")
    register_factories.restriction(
        actor=officer, case=case, reason="Calls about Jordan Pike on 07700 900456 daily"
    )
    rights.rights_request_create(
        actor=officer,
        person=person,
        kind="rectification",
        received_on=D(2024, 4, 2),
        description="Correct my address; my neighbour's is 07700 900789",
    )
    MailItem.objects.create(
        dedupe_key="k1",
        raw_storage_name="mail/k1.eml",
        raw_size=10,
        raw_sha256="0" * 64,
        received_at=timezone.now(),
        sender_address="casey@example.org",
        subject="About my complaint",
        text="Please call me back about the school transport",
        status=ItemStatus.NOT_FEEDBACK,
    )
    other = complaint(actor=officer, received_on=D(2024, 3, 5))
    type(other).objects.filter(pk=other.pk).update(restricted=True)  # not named on it
    other_restriction = register_factories.restriction(
        actor=officer, case=other, reason="Not for this bundle"
    )
    other_restriction.person = person
    other_restriction.save()

    bundle = services.bundle_start(sar=sar, actor=officer)
    proposed = {r.text for r in bundle.redactions.all()}
    assert {"07700 900456", "07700 900789"} <= proposed
    for row in bundle.redactions.all():
        services.redaction_decide(
            redaction_row=row, actor=officer, decision="accepted", reason="TP"
        )
    services.bundle_build(bundle=bundle, actor=officer)
    files = _files(bundle)
    records = " ".join(pdftotext(files["01-records.pdf"]).split())
    assert "Persistent contact decision" in records
    assert "Correct my address" in records
    assert "Please call me back about the school transport" in records
    assert "07700 900456" not in records
    assert "07700 900789" not in records
    assert "Not for this bundle" not in records
    index = " ".join(pdftotext(files["00-index.pdf"]).split())
    assert "Other records" in index
    assert "E-mail to the shared mailbox" in index
