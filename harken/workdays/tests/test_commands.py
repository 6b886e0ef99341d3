"""The `closure-days` and `working-days` management commands."""

import datetime as dt
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from harken.workdays.models import ClosureDay

pytestmark = pytest.mark.django_db

D = dt.date


def run(*args, **options):
    out = StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


def test_working_days_prints_the_explanation():
    """`harken working-days 2023-12-18 10` prints the deadline sentence."""
    assert run("working_days", "2023-12-18", "10") == (
        "Due 4 January 2024: 10 working days after 18 December 2023, "
        "not counting 25 and 26 December and 1 January.\n"
    )


def test_working_days_months():
    """`--months N` counts calendar months instead."""
    assert run("working_days", "2025-01-31", "--months", "1") == (
        "Due 28 February 2025: 1 calendar month after 31 January 2025 (February has no 31st).\n"
    )


def test_working_days_verbose_lists_reasons():
    """-v 2 lists each day not counted and why."""
    out = run("working_days", "2023-12-18", "10", verbosity=2)
    assert out.splitlines()[1:] == [
        "  25 December 2023: Christmas Day",
        "  26 December 2023: Boxing Day",
        "  1 January 2024: New Year's Day",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["18/12/2023", "10"], "START must be a date written YYYY-MM-DD"),
        (["2023-02-30", "10"], "START must be a date written YYYY-MM-DD"),
        (["2023-12-18", "ten"], "DAYS must be a whole number"),
        (["2023-12-18", "-1"], "DAYS must be between 0 and 5000"),
        (["2023-12-18", "10", "--months", "1"], "not both"),
        (["2023-12-18"], "Give a number of working days \\(e.g. 10\\) or --months N"),
        (["2023-12-18", "--months", "x"], "--months must be a whole number"),
    ],
)
def test_working_days_errors(args, message):
    """Bad input is refused with a message saying what was expected."""
    with pytest.raises(CommandError, match=message):
        run("working_days", *args)


def test_closure_days_add_list_remove():
    """Administrators add, list and remove closure days."""
    out = run("closure_days", "add", "2023-12-27", "Christmas", "shutdown")
    assert out == "Added closure day 27 December 2023: Christmas shutdown.\n"
    assert ClosureDay.objects.get().reason == "Christmas shutdown"
    run("closure_days", "add", "2024-12-27", "Christmas shutdown")
    assert run("closure_days", "list") == (
        "2023-12-27  Wed  Christmas shutdown\n2024-12-27  Fri  Christmas shutdown\n"
    )
    assert run("closure_days", "list", "--year", "2024") == "2024-12-27  Fri  Christmas shutdown\n"
    out = run("closure_days", "remove", "2023-12-27")
    assert out == "Removed closure day 27 December 2023: Christmas shutdown.\n"
    assert list(ClosureDay.objects.values_list("date", flat=True)) == [D(2024, 12, 27)]


def test_closure_days_list_empty():
    """An empty list says so."""
    assert run("closure_days", "list") == "No closure days.\n"
    assert run("closure_days", "list", "--year", "2024") == "No closure days in 2024.\n"


def test_closure_days_add_notes_a_day_already_off():
    """Adding a bank holiday works but notes that it was not a working day anyway."""
    out = run("closure_days", "add", "2023-12-25", "Shutdown")
    assert "Note: it was not a working day anyway (Christmas Day)." in out


def test_closure_days_change_only_the_teams_target():
    """A closure day added by the command is a working day for the statutory deadline (said
    so at once), and moves the team's own target, shown on a line of its own."""
    run("closure_days", "add", "2023-12-27", "Shutdown")
    assert run("working_days", "2023-12-18", "10").splitlines() == [
        "Due 4 January 2024: 10 working days after 18 December 2023, not counting 25 and 26 "
        "December and 1 January; 27 December, a council closure day, counts as a working day.",
        "The team's own target, where closure days are not counted: Due 5 January 2024: 10 "
        "working days after 18 December 2023, not counting 25, 26 and 27 December and 1 "
        "January (27 December: a council closure day).",
    ]
    out = run("working_days", "2023-12-18", "10", verbosity=2)
    assert "  27 December 2023: Council closure: Shutdown (the team's target only)" in out


def test_working_days_on_a_database_not_yet_migrated(tmp_path):
    """On a new database (no tables yet) the command explains the deadline without closure
    days and says so, rather than crashing."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'new.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
    }
    done = subprocess.run(
        [sys.executable, "-m", "harken", "working-days", "2023-12-18", "10"],
        capture_output=True,
        text=True,
        env=env,
        cwd=Path(__file__).resolve().parents[3],
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout.splitlines() == [
        "Due 4 January 2024: 10 working days after 18 December 2023, not counting 25 and 26 "
        "December and 1 January.",
        "The council's closure days could not be read (the database is not set up yet: run "
        "`harken migrate`), so none are named here. They do not move a statutory deadline.",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add", "27-12-2023", "Shutdown"], "DATE must be a date written YYYY-MM-DD"),
        (["remove", "2023-12-28"], "28 December 2023 is not a closure day"),
        (["add", "2023-12-27", " "], "Give the reason"),
        ([], "list|add|remove"),
    ],
)
def test_closure_days_errors(args, message):
    """Bad input is refused with a clear message."""
    with pytest.raises(CommandError, match=message):
        run("closure_days", *args)


def test_closure_days_refuses_a_duplicate():
    """The same day cannot be added twice."""
    run("closure_days", "add", "2023-12-27", "Shutdown")
    with pytest.raises(CommandError, match="already a closure day \\(Shutdown\\)"):
        run("closure_days", "add", "2023-12-27", "Again")
