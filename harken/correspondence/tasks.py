"""The mailbox read on demand (the inbox's button) by the task worker."""

from __future__ import annotations

from django_tasks import task


@task()
def poll_mailbox() -> str:
    from .mailbox import poll_scheduled

    return poll_scheduled()
