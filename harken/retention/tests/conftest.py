from __future__ import annotations

import datetime as dt

import pytest

from harken.retention import services
from harken.retention.models import DisposalRun

# A day by which every closed demo case is due under every shipped rule (the looked-after
# rule runs to the child's 75th birthday).
FAR = dt.date(2125, 1, 1)


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return tmp_path / "media"


def dispose_all(admin, day: dt.date = FAR, batch_size: int = 50) -> DisposalRun:
    """Preview what is due on `day`, approve it and carry it out in small batches."""
    run = services.disposal_preview_scheduled(day=day)
    assert run is not None
    services.disposal_approve(run=run, actor=admin)
    run.refresh_from_db()
    return services.disposal_carry_out(run=run, batch_size=batch_size)


@pytest.fixture
def closed_case(officer):
    """A stage 1 complaint, answered and closed seven years ago (due under the 6-year rule)."""
    from harken.cases.models import Case, Status
    from harken.cases.tests.factories import complaint

    case = complaint(actor=officer, received_on=dt.date(2018, 1, 8))
    Case.objects.filter(pk=case.pk).update(status=Status.CLOSED, closed_on=dt.date(2018, 2, 1))
    case.refresh_from_db()
    return case


@pytest.fixture
def api_for():
    from rest_framework.test import APIClient

    def make(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return make
