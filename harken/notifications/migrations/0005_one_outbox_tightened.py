"""The one outbox, after the copy (0003): each message's reference unique, each reminder
pointing at its message, and the reminders' old sending fields removed."""

import uuid

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0004_one_outbox_copy"),
    ]

    operations = [
        migrations.AlterField(
            model_name="message",
            name="reference",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AlterField(
            model_name="sentreminder",
            name="message",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="reminder",
                to="notifications.message",
            ),
        ),
        migrations.AddIndex(
            model_name="message",
            index=models.Index(fields=["status", "next_attempt_at"], name="message_due_idx"),
        ),
        migrations.RemoveIndex(model_name="sentreminder", name="sent_reminder_pending"),
        migrations.RemoveField(model_name="sentreminder", name="attempts"),
        migrations.RemoveField(model_name="sentreminder", name="handed_over_at"),
        migrations.RemoveField(model_name="sentreminder", name="last_attempt_at"),
        migrations.RemoveField(model_name="sentreminder", name="last_error"),
        migrations.RemoveField(model_name="sentreminder", name="queued_at"),
        migrations.RemoveField(model_name="sentreminder", name="sending_since"),
        migrations.RemoveField(model_name="sentreminder", name="sent_at"),
        migrations.RemoveField(model_name="sentreminder", name="status"),
    ]
