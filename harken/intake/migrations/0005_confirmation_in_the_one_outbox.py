"""The confirmation e-mail's state moved to the one outbox (notifications 0003, which copied
it): the submission keeps only the address it goes to."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0004_confirmation_hand_over_and_in_doubt"),
        ("notifications", "0005_one_outbox_tightened"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="submission", name="intake_email_idx"),
        migrations.RemoveField(model_name="submission", name="email_attempts"),
        migrations.RemoveField(model_name="submission", name="email_claimed_at"),
        migrations.RemoveField(model_name="submission", name="email_handed_over_at"),
        migrations.RemoveField(model_name="submission", name="email_last_error"),
        migrations.RemoveField(model_name="submission", name="email_next_attempt_at"),
        migrations.RemoveField(model_name="submission", name="email_sent_at"),
        migrations.RemoveField(model_name="submission", name="email_status"),
    ]
