"""The one outbox (ADR 0070), its schema: `Email` becomes `Message`, for every message on
every channel, with the fields the confirmations and reminders need. The rows move in 0004;
0005 tightens what the copy filled."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0002_reference_data"),
        ("intake", "0004_confirmation_hand_over_and_in_doubt"),
        ("notifications", "0002_email_outbox_and_hand_over"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(model_name="email", name="email_due_idx"),
        migrations.RenameModel(old_name="Email", new_name="Message"),
        migrations.AlterField(
            model_name="message",
            name="case",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="messages",
                to="cases.case",
            ),
        ),
        migrations.AlterField(
            model_name="message",
            name="user",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="messages",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="message",
            name="channel",
            field=models.CharField(
                choices=[("email", "E-mail"), ("sms", "Text message"), ("letter", "Letter")],
                default="email",
                max_length=8,
            ),
        ),
        migrations.AlterField(
            model_name="message",
            name="kind",
            field=models.CharField(
                choices=[
                    ("confirmation", "Confirmation of an online form"),
                    ("compliment", "Compliment passed on"),
                    ("password_link", "Link to set a password"),
                    ("digest", "Daily digest"),
                    ("actions", "Monthly action reminder"),
                    ("overdue_summary", "Monthly overdue-actions summary"),
                ],
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="message",
            name="submission",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="messages",
                to="intake.submission",
            ),
        ),
        migrations.AddField(
            model_name="message",
            name="reference",
            field=models.UUIDField(null=True, editable=False),
        ),
        migrations.AddField(
            model_name="message",
            name="expires_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="message",
            name="queued_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="message",
            name="last_attempt_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="message",
            name="status",
            field=models.CharField(
                choices=[
                    ("queued", "Waiting to be sent"),
                    ("sending", "Being sent"),
                    ("sent", "Sent"),
                    ("retrying", "Not sent yet: it failed and will be tried again"),
                    (
                        "failed",
                        "Not sent: gave up after repeated failures, or too late to send",
                    ),
                    (
                        "in_doubt",
                        "May have been sent: the worker stopped while handing it over",
                    ),
                    ("not_needed", "Not sent: nothing was due by then"),
                    ("not_wanted", "Not sent: switched off, or no address"),
                ],
                default="queued",
                max_length=12,
            ),
        ),
        migrations.AddField(
            model_name="sentreminder",
            name="message",
            field=models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="reminder",
                to="notifications.message",
            ),
        ),
    ]
