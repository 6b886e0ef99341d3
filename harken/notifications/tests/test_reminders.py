"""Reminders: the right items on the right days (weekends, bank holidays), each sent once,
surviving a mail-server failure, to the right people, as they chose."""

from __future__ import annotations

import datetime as dt
import smtplib
from unittest import mock

import pytest
from django.core import mail
from django.core.management import CommandError

from harken.accounts.models import Role
from harken.accounts.tests.factories import make_user
from harken.cases import services as case_services
from harken.cases.models import AppointmentRole, Case, Stage
from harken.core.errors import ApplicationError
from harken.learning.models import ActionStatus
from harken.learning.tests.factories import action, recommendation, stage2_case, team
from harken.notifications import outbox, services
from harken.notifications.models import (
    MessageStatus,
    ReminderKind,
    ReminderPreference,
    SentReminder,
)

from .conftest import at, reminder_row, run, sent_to

pytestmark = pytest.mark.django_db

D = dt.date
FRIDAY = D(2025, 8, 22)  # before the late-summer bank holiday, Monday 25 August 2025
SATURDAY, BANK_HOLIDAY, TUESDAY = D(2025, 8, 23), D(2025, 8, 25), D(2025, 8, 26)


def body(message) -> str:
    return message.body


# --- Which days, which items ----------------------------------------------------------------


def test_digest_on_the_friday_before_a_bank_holiday_reaches_to_wednesday(
    officer, with_email, case_due
):
    """Due within 2 working days of Friday 22 August 2025: Tuesday 26 and Wednesday 27 (the
    weekend and the bank holiday are not working days); Thursday 28 is not yet listed."""
    with_email(officer)
    overdue = case_due(D(2025, 8, 21))
    today = case_due(FRIDAY)
    tuesday = case_due(TUESDAY)
    wednesday = case_due(D(2025, 8, 27))
    thursday = case_due(D(2025, 8, 28))
    with at(FRIDAY):
        run()
    (message,) = sent_to(officer)
    text = body(message)
    for case in (overdue, today, tuesday, wednesday):
        assert case.reference in text
    assert thursday.reference not in text
    assert "1 overdue, 3 due soon" in message.subject
    assert "Daily digest for 22 August 2025" in message.subject
    assert f"{overdue.reference}: Stage 1 response due 21 August 2025 (overdue)" in text
    assert f"/staff/cases/{tuesday.reference}/" in text
    reminder = SentReminder.objects.get(user=officer)
    assert (reminder.kind, reminder.period_key) == (ReminderKind.DIGEST, "digest:2025-08-22")
    assert reminder.status == MessageStatus.SENT
    assert reminder.sent_at is not None
    listed = [i["reference"] for i in reminder.items["sections"][0]["items"]]
    assert listed == [overdue.reference, today.reference, tuesday.reference, wednesday.reference]


def test_no_digest_on_a_saturday_or_a_bank_holiday(officer, with_email, case_due):
    with_email(officer)
    case_due(D(2025, 8, 21))
    for day in (SATURDAY, D(2025, 8, 24), BANK_HOLIDAY):
        with at(day):
            run()
    assert mail.outbox == []
    assert not SentReminder.objects.exists()
    with at(TUESDAY):
        run()
    assert len(sent_to(officer)) == 1
    assert SentReminder.objects.get().period_key == "digest:2025-08-26"


def test_digest_waits_for_the_reminder_hour(officer, with_email, case_due):
    """An hourly run before 7am London time records nothing; the 7am run sends the day's."""
    with_email(officer)
    case_due(FRIDAY)
    with at(FRIDAY, 6, 5):
        run()
    assert mail.outbox == []
    with at(FRIDAY, 7, 5):
        run()
    assert len(mail.outbox) == 1


def test_nothing_due_sends_nothing(officer, with_email, case_due):
    with_email(officer)
    case_due(D(2025, 9, 30))
    with at(FRIDAY):
        run()
    assert mail.outbox == []
    assert not SentReminder.objects.exists()


# --- Once, and once only --------------------------------------------------------------------


def test_running_twice_sends_once(officer, admin_user, with_email, case_due):
    with_email(officer, admin_user)
    case_due(FRIDAY)
    with at(FRIDAY):
        run()
        run()
    with at(FRIDAY, 15):
        run()
    assert len(mail.outbox) == 2  # one each
    assert SentReminder.objects.count() == 2
    assert set(SentReminder.objects.values_list("message__attempts", flat=True)) == {1}


def test_mail_server_failure_is_recorded_and_retried_once_later(officer, with_email, case_due):
    """The server refuses: the run carries on, the attempt and error are recorded, nothing is
    marked sent. The next run sends it, once, and records it sent."""
    with_email(officer)
    case_due(FRIDAY)
    refused = ConnectionRefusedError(111, "Connection refused")
    with at(FRIDAY), mock.patch("django.core.mail.EmailMessage.send", side_effect=refused):
        run()  # does not raise
    assert mail.outbox == []
    reminder = SentReminder.objects.get()
    assert reminder.status == MessageStatus.RETRYING
    assert reminder.sent_at is None
    assert reminder.attempts == 1
    assert reminder.last_error == "ConnectionRefusedError: [Errno 111] Connection refused"
    disconnected = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
    with at(FRIDAY, 9), mock.patch("django.core.mail.EmailMessage.send", side_effect=disconnected):
        run()
    reminder = SentReminder.objects.get()
    assert (reminder.attempts, reminder.status) == (2, MessageStatus.RETRYING)
    assert "SMTPServerDisconnected" in reminder.last_error
    with at(FRIDAY, 10):
        run()
        run()
    assert len(sent_to(officer)) == 1
    reminder = SentReminder.objects.get()
    assert reminder.status == MessageStatus.SENT
    assert reminder.attempts == 3
    assert reminder.sent_at is not None


def test_a_digest_not_sent_by_the_end_of_its_day_is_given_up(officer, with_email, case_due):
    """Tuesday's digest replaces Friday's: Friday's is not sent late."""
    with_email(officer)
    case_due(FRIDAY)
    with at(FRIDAY), mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("down")):
        run()
    with at(TUESDAY):
        run()
    friday = SentReminder.objects.get(period_key="digest:2025-08-22")
    assert friday.status == MessageStatus.FAILED
    assert friday.sent_at is None
    (message,) = sent_to(officer)
    assert "26 August 2025" in message.subject


def test_attempts_run_out(officer, with_email, case_due, settings):
    settings.HARKEN_REMINDER_MAX_ATTEMPTS = 2
    with_email(officer)
    case_due(FRIDAY)
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("down")):
        for hour in (8, 9, 10):
            with at(FRIDAY, hour):
                run()
    reminder = SentReminder.objects.get()
    assert (reminder.attempts, reminder.status) == (2, MessageStatus.FAILED)


def test_a_task_already_sending_is_not_sent_twice(officer, with_email, case_due):
    """Two workers with the same reminder: the second finds it claimed and does nothing."""
    with_email(officer)
    case_due(FRIDAY)
    with at(FRIDAY):
        reminder = reminder_row(officer, ReminderKind.DIGEST, "digest:2025-08-22", FRIDAY)
        assert outbox.claim(reminder.message_id, dt.datetime.now(tz=dt.UTC))
        assert outbox.deliver(reminder.message_id).outcome == "not_claimed"
    assert mail.outbox == []


# --- Monthly reminders ----------------------------------------------------------------------


def monthly(user):
    return [m for m in sent_to(user) if "Your open actions" in m.subject]


@pytest.fixture
def open_action(officer, manager, with_email):
    """An open action owned by `manager`, due at the end of March 2026 (no digest before)."""
    with_email(manager)
    rec = recommendation(officer, stage2_case(officer))
    return action(officer, rec, manager, due_on=D(2026, 3, 31))


def test_monthly_action_reminder_on_the_first_working_day_only(open_action, manager):
    """January 2026 starts on a bank holiday: the reminder goes on Friday 2 January, once."""
    for day in (D(2025, 12, 31), D(2026, 1, 1), D(2026, 1, 2), D(2026, 1, 5), D(2026, 1, 6)):
        with at(day):
            run()
    (message,) = monthly(manager)
    assert "Your open actions, January 2026" in message.subject
    assert open_action.reference in message.body
    assert "31 March 2026" in message.body
    assert SentReminder.objects.get(kind=ReminderKind.ACTIONS).period_key == "actions:2026-01"
    with at(D(2026, 2, 2)):
        run()
    assert len(monthly(manager)) == 2


def test_no_monthly_reminder_without_open_actions(open_action, manager, officer):
    from harken.learning import services as learning_services

    learning_services.action_cancel(action=open_action, actor=officer, reason="Not needed")
    with at(D(2026, 1, 2)):
        run()
    assert monthly(manager) == []


def test_overdue_summary_goes_to_senior_managers(
    officer, manager, other_manager, report_viewer, admin_user, with_email
):
    with_email(manager, other_manager, report_viewer, admin_user)
    rec = recommendation(officer, stage2_case(officer))
    late = action(officer, rec, manager, due_on=D(2025, 8, 29))
    services.senior_managers_set(users=[other_manager, report_viewer], actor=admin_user)
    ReminderPreference.objects.filter(user=manager).update(senior_manager=False)
    with at(D(2025, 9, 1)):  # Monday 1 September: the first working day
        run()
    (viewer_mail,) = [m for m in sent_to(report_viewer)]
    assert "Overdue actions, September 2025" in viewer_mail.subject
    assert "Children's social care: 1 overdue of 1 open" in viewer_mail.body
    assert late.reference not in viewer_mail.body  # figures only for report viewers
    summaries = SentReminder.objects.filter(kind=ReminderKind.OVERDUE_SUMMARY)
    assert set(summaries.values_list("user", flat=True)) == {other_manager.pk, report_viewer.pk}
    # other_manager (SEND) may not see the Assessment recommendation: counted, not listed.
    (summary,) = [m for m in sent_to(other_manager) if "Overdue actions" in m.subject]
    assert late.reference not in summary.body
    assert "1 overdue" in summary.body
    # The owner got the monthly reminder listing it as overdue.
    (owner_mail,) = [m for m in sent_to(manager) if "Your open actions" in m.subject]
    assert f"{late.reference}: Action due 29 August 2025 (overdue)" in owner_mail.body


def test_the_summary_is_not_for_people_from_outside_the_council(manager, io_user, admin_user):
    services.senior_managers_set(users=[manager], actor=admin_user)
    with pytest.raises(ApplicationError, match="not investigating officers"):
        services.senior_managers_set(users=[manager, io_user], actor=admin_user)
    chosen = ReminderPreference.objects.filter(senior_manager=True)
    assert list(chosen.values_list("user", flat=True)) == [manager.pk]


def test_senior_manager_can_turn_the_summary_off(officer, manager, admin_user, with_email):
    with_email(manager)
    rec = recommendation(officer, stage2_case(officer))
    action(officer, rec, officer, due_on=D(2025, 8, 29))
    services.senior_managers_set(users=[manager], actor=admin_user)
    services.preferences_update(
        user=manager,
        actor=manager,
        daily_digest=True,
        monthly_actions=True,
        overdue_summary=False,
    )
    with at(D(2025, 9, 1)):
        run()
    assert not SentReminder.objects.filter(kind=ReminderKind.OVERDUE_SUMMARY).exists()


# --- Who is told what -----------------------------------------------------------------------


def test_managers_get_their_teams_items_not_others(
    officer, manager, other_manager, with_email, case_due
):
    with_email(manager, other_manager)
    ours_overdue = case_due(D(2025, 8, 20))
    ours_soon = case_due(TUESDAY)
    theirs = case_due(D(2025, 8, 20), team="SEND Team")
    rec = recommendation(officer, stage2_case(officer))  # for the Assessment Teams
    team_action = action(officer, rec, officer, due_on=D(2025, 8, 21))  # owned by the officer
    send_rec = recommendation(
        officer, stage2_case(officer, team="SEND Team"), team=team("SEND Team")
    )
    owned = action(officer, send_rec, manager, due_on=D(2025, 8, 27))  # manager owns it
    with at(FRIDAY):
        run()
    (mine,) = sent_to(manager)
    for item in (
        ours_overdue.reference,
        ours_soon.reference,
        team_action.reference,
        owned.reference,
    ):
        assert item in mine.body
    assert theirs.reference not in mine.body
    (other,) = sent_to(other_manager)
    assert theirs.reference in other.body
    assert ours_overdue.reference not in other.body
    assert team_action.reference not in other.body
    assert owned.reference in other.body  # the SEND team's action, whoever owns it


def test_an_investigating_officer_gets_only_their_appointment(
    officer, io_user, ip_user, with_email, case_due
):
    with_email(io_user)
    appointed = stage2_case(officer)
    other = stage2_case(officer)
    for case in (appointed, other):
        case_services.statement_agree(case=case, on=D(2024, 2, 5), actor=officer)
    case_services.appointment_make(
        case=appointed,
        user=io_user,
        role=AppointmentRole.INVESTIGATING_OFFICER,
        on=D(2024, 2, 6),
        actor=officer,
    )
    Stage.objects.filter(number=2).update(due_on=TUESDAY)
    Case.objects.filter(pk__in=[appointed.pk, other.pk]).update(next_due_on=TUESDAY)
    case_due(FRIDAY)
    with at(FRIDAY):
        run()
    (message,) = sent_to(io_user)
    assert f"{appointed.reference}: Stage 2 adjudication due 26 August 2025" in message.body
    assert other.reference not in message.body
    assert "Your appointments: 1 due soon" in message.body
    assert "Action plan" not in message.body


def test_restricted_cases_are_only_told_to_people_named(officer, admin_user, with_email, case_due):
    with_email(officer, admin_user)
    secret = case_due(FRIDAY)
    case_services.case_restrict(case=secret, restricted=True, people=[], actor=admin_user)
    with at(FRIDAY):
        run()
    assert secret.reference in sent_to(admin_user)[0].body
    assert sent_to(officer) == []


def test_emails_name_no_complainant(officer, with_email, case_due):
    with_email(officer)
    case = case_due(FRIDAY)
    surname = case.parties.get().person.last_name
    with at(FRIDAY):
        run()
    (message,) = mail.outbox
    assert surname not in message.body
    assert surname not in message.subject
    assert case.summary not in message.body


def test_preferences_are_respected(officer, manager, with_email, case_due, open_action):
    with_email(officer)
    case_due(FRIDAY)
    for user in (officer, manager):
        services.preferences_update(
            user=user, actor=user, daily_digest=False, monthly_actions=False, overdue_summary=True
        )
    with at(D(2025, 9, 1)):
        run()
    with at(FRIDAY):
        run()
    assert mail.outbox == []


def test_turned_off_after_it_was_recorded_is_not_sent(officer, with_email, case_due):
    with_email(officer)
    case_due(FRIDAY)
    with at(FRIDAY), mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("down")):
        run()
    services.preferences_update(
        user=officer, actor=officer, daily_digest=False, monthly_actions=True, overdue_summary=True
    )
    with at(FRIDAY, 9):
        run()
    assert mail.outbox == []
    assert SentReminder.objects.get().status == MessageStatus.NOT_WANTED


def test_people_without_email_or_inactive_get_nothing(officer, with_email, case_due):
    case_due(FRIDAY)
    gone = make_user("gus_officer", Role.FEEDBACK_OFFICER)
    with_email(gone)
    gone.is_active = False
    gone.save()
    with at(FRIDAY):
        run()
    assert mail.outbox == []


def test_completed_actions_are_not_reminded(officer, manager, with_email):
    from harken.learning import services as learning_services

    with_email(manager)
    rec = recommendation(officer, stage2_case(officer))
    act = action(officer, rec, manager, due_on=D(2025, 8, 21))
    learning_services.action_record_progress(
        action=act,
        actor=manager,
        status=ActionStatus.COMPLETED,
        evidence="Done",
        completed_on=D(2025, 7, 30),
    )
    with at(FRIDAY):
        run()
    assert all(act.reference not in m.body for m in mail.outbox)
    assert all("Action plan" not in m.body for m in mail.outbox)


# --- Registers ------------------------------------------------------------------------------


def test_restriction_reviews_follow_the_registers_in_force_rule(officer, with_email):
    """A restriction with a planned end date is still in force: its overdue review is in the
    digest (as on the register's "review due" list); one already ended is not."""
    from harken.cases.models import Person
    from harken.registers.models import ContactRestriction

    with_email(officer)
    person = Person.objects.create(first_name="Rhiannon", last_name="Quill")
    common = {"person": person, "reason": "Repeated calls", "restrictions": "One call a week"}
    ending = ContactRestriction.objects.create(
        decision_on=D(2025, 2, 1), review_on=D(2025, 8, 1), ended_on=D(2025, 12, 1), **common
    )
    ended = ContactRestriction.objects.create(
        decision_on=D(2025, 1, 1), review_on=D(2025, 8, 4), ended_on=D(2025, 8, 10), **common
    )
    with at(FRIDAY):
        run()
    (officer_mail,) = sent_to(officer)
    assert f"Contact restriction {ending.pk}" in officer_mail.body
    assert f"Contact restriction {ended.pk}" not in officer_mail.body


def test_register_deadlines_are_in_the_digest(officer, manager, with_email, case_due):
    from harken.cases.models import Person
    from harken.registers.models import (
        ContactRestriction,
        OmbudsmanCase,
        OmbudsmanRemedy,
        SubjectAccessRequest,
    )

    with_email(officer, manager)
    linked = case_due(D(2025, 9, 30))  # Assessment Teams: the manager's
    ombudsman = OmbudsmanCase.objects.create(
        case=linked,
        ombudsman_reference="25 001 234",
        enquiry_received_on=D(2025, 7, 1),
        response_due_on=TUESDAY,
    )
    OmbudsmanRemedy.objects.create(ombudsman_case=ombudsman, kind="apology", due_on=D(2025, 8, 20))
    person = Person.objects.create(first_name="Rhiannon", last_name="Quill")
    sar = SubjectAccessRequest.objects.create(
        reference="SAR-2025-0007",
        requester=person,
        received_on=D(2025, 7, 22),
        clock_started_on=D(2025, 7, 22),
        due_on=FRIDAY,
        due_explanation="One calendar month",
    )
    ContactRestriction.objects.create(
        person=person,
        decision_on=D(2025, 2, 1),
        reason="Repeated calls",
        restrictions="One call a week",
        review_on=D(2025, 8, 1),
    )
    with at(FRIDAY):
        run()
    (officer_mail,) = sent_to(officer)
    text = officer_mail.body
    assert "Ombudsman 25 001 234: Response to the Ombudsman due 26 August 2025" in text
    assert "Ombudsman 25 001 234: Apology remedy due 20 August 2025 (overdue)" in text
    assert f"{sar.reference}: Subject access request due 22 August 2025" in text
    assert "Contact restriction" in text
    assert "Review of the restriction due 1 August 2025 (overdue)" in text
    assert "Quill" not in text
    assert "Rhiannon" not in text
    (manager_mail,) = sent_to(manager)
    assert "25 001 234" in manager_mail.body  # linked to a case of their team
    assert sar.reference not in manager_mail.body  # standalone: officers only
    assert "Contact restriction" not in manager_mail.body


# --- The command ----------------------------------------------------------------------------


def test_date_option_acts_as_that_day(officer, with_email, case_due):
    with_email(officer)
    case_due(FRIDAY)
    with at(SATURDAY, 3):
        run("--date", "2025-08-22")
    assert len(mail.outbox) == 1
    # Catching up on an earlier day by hand leaves later reminders alone.
    with at(TUESDAY), mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("x")):
        run()
    with at(TUESDAY, 9):
        run("--date", "2025-08-22")
    tuesday = SentReminder.objects.get(period_key="digest:2025-08-26")
    assert tuesday.status == MessageStatus.RETRYING
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run("--date", "22/08/2025")


def test_kinds_due_follow_working_days():
    assert services.kinds_due(FRIDAY) == [ReminderKind.DIGEST]
    assert services.kinds_due(BANK_HOLIDAY) == []
    assert services.kinds_due(D(2026, 1, 2)) == [
        ReminderKind.DIGEST,
        ReminderKind.ACTIONS,
        ReminderKind.OVERDUE_SUMMARY,
    ]
    assert services.first_working_day(2026, 1) == D(2026, 1, 2)
    assert services.first_working_day(2025, 11) == D(2025, 11, 3)
