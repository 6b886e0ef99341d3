"""`harken retention` and `harken disposal`, and the disposal part of `harken run-scheduled`."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from harken.retention.models import DisposalRun, DisposedCase, LegalHold, RetentionRule, RunStatus

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_rules_and_set_rule(admin_user, officer):
    assert "6 years after closure" in _run("retention", "rules")
    with pytest.raises(CommandError, match="not an active administrator"):
        _run(
            "retention",
            "set-rule",
            "complaint",
            "--years",
            "7",
            "--reason",
            "x",
            "--actor",
            officer.username,
        )
    with pytest.raises(CommandError, match="whole number"):
        _run(
            "retention",
            "set-rule",
            "complaint",
            "--years",
            "7.5",
            "--reason",
            "x",
            "--actor",
            admin_user.username,
        )
    out = _run(
        "retention",
        "set-rule",
        "complaint",
        "--years",
        "7",
        "--reason",
        "New",
        "schedule",
        "--actor",
        admin_user.username,
    )
    assert "7 years after closure (version 2)" in out
    latest = RetentionRule.objects.get(kind="complaint").versions.first()
    assert latest is not None
    assert latest.reason == "New schedule"


def test_hold_and_release(admin_user, closed_case):
    with pytest.raises(CommandError, match="no case with that reference"):
        _run(
            "retention",
            "hold",
            "HK-0",
            "--reason",
            "sar",
            "--explanation",
            "x",
            "--actor",
            admin_user.username,
        )
    _run(
        "retention",
        "hold",
        closed_case.reference,
        "--reason",
        "sar",
        "--explanation",
        "Live",
        "SAR",
        "--actor",
        admin_user.username,
    )
    hold = LegalHold.objects.get()
    assert hold.explanation == "Live SAR"
    assert closed_case.reference in _run("retention", "holds")
    _run(
        "retention", "release", str(hold.pk), "--reason", "Answered", "--actor", admin_user.username
    )
    assert _run("retention", "holds") == ""


def test_preview_approve_carry_out_and_log(admin_user, closed_case):
    out = _run("disposal", "preview", "--actor", admin_user.username)
    assert "Complaints" in out
    run = DisposalRun.objects.get()
    with pytest.raises(CommandError, match="not approved"):
        _run("disposal", "carry-out", str(run.pk), "--actor", admin_user.username)
    _run("disposal", "approve", str(run.pk), "--actor", admin_user.username)
    _run("disposal", "carry-out", str(run.pk), "--actor", admin_user.username, "--batch-size", "1")
    assert DisposedCase.objects.filter(case=closed_case).exists()
    log = _run("disposal", "log")
    assert f"Disposal {run.pk}: Carried out" in log
    assert closed_case.reference not in log
    with pytest.raises(CommandError, match="no disposal with that number"):
        _run("disposal", "show", "999")


def test_run_scheduled_previews_then_carries_out_once_approved(admin_user, closed_case):
    out = _run("run_scheduled")
    assert "previewed: 1 record(s) due, awaiting approval" in out
    run = DisposalRun.objects.get()
    assert "previewed" not in _run("run_scheduled")  # one awaits approval already
    assert not DisposedCase.objects.exists()
    _run("disposal", "approve", str(run.pk), "--actor", admin_user.username)
    out = _run("run_scheduled")
    assert f"Disposal {run.pk} carried out: 1 record(s) anonymised, 0 left" in out
    run.refresh_from_db()
    assert run.status == RunStatus.COMPLETED


def test_hold_every_record_of_a_person(admin_user, closed_case):
    person = closed_case.parties.get().person
    common = ["--reason", "litigation", "--explanation", "Claim", "--actor", admin_user.username]
    with pytest.raises(CommandError, match="not both"):
        _run("retention", "hold", closed_case.reference, "--person", str(person.pk), *common)
    with pytest.raises(CommandError, match="no person with that number"):
        _run("retention", "hold", "--person", "999999", *common)
    with pytest.raises(CommandError, match="must be a number"):
        _run("retention", "hold", "--person", "x1", *common)
    assert not LegalHold.objects.exists()
    out = _run("retention", "hold", "--person", str(person.pk), *common)
    hold = LegalHold.objects.get()
    assert hold.person == person
    assert hold.case is None
    assert "every record of person" in out
    assert f"person {person.pk}" in _run("retention", "holds")
