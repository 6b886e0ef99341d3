"""Changes that move every deadline (closure days, procedure versions, deadlines worked out
again) are audited, and the Django admin cannot make them behind the services' back."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from harken.cases import services
from harken.core.models import AuditEvent, EventType
from harken.procedures.definitions import CHILDREN_STATUTORY
from harken.procedures.models import Procedure
from harken.procedures.services import procedure_version_create
from harken.workdays.models import ClosureDay
from harken.workdays.services import closure_day_add, closure_day_remove

pytestmark = pytest.mark.django_db

D = dt.date


def test_adding_and_removing_a_closure_day_is_audited(admin_user):
    closure_day_add(day=D(2024, 12, 27), reason="Council closed", actor=admin_user)
    closure_day_remove(day=D(2024, 12, 27), actor=admin_user)
    added, removed = AuditEvent.objects.order_by("pk")
    assert added.event_type == EventType.CLOSURE_DAY_ADDED
    assert added.actor == admin_user
    assert added.description == "Closure day 27 December 2024 added: Council closed"
    assert removed.event_type == EventType.CLOSURE_DAY_REMOVED
    assert removed.changes == {"closure day": ["2024-12-27 Council closed", None]}


def test_the_command_line_closure_day_is_audited_with_no_actor():
    call_command("closure_days", "add", "2024-12-30", "Council", "closed")
    event = AuditEvent.objects.get()
    assert event.event_type == EventType.CLOSURE_DAY_ADDED
    assert event.actor is None


def test_a_refused_closure_day_leaves_no_audit():
    with pytest.raises(Exception, match="Give the reason"):
        closure_day_add(day=D(2024, 12, 27), reason="  ")
    assert not AuditEvent.objects.exists()


def test_recomputing_the_deadlines_is_audited(officer):
    from harken.cases.tests.factories import complaint

    complaint(actor=officer, received_on=D(2024, 3, 1))
    count = services.deadlines_recompute()
    event = AuditEvent.objects.get(event_type=EventType.DEADLINES_RECOMPUTED)
    assert count == 1
    assert event.description == "Deadlines worked out again for 1 open stages"


def test_a_new_procedure_version_is_audited(admin_user):
    definition = CHILDREN_STATUTORY.to_dict()
    definition["stages"][1]["recorded_by"] = ["feedback_officer", "administrator"]
    version = procedure_version_create(definition=definition, actor=admin_user, note="Longer")
    event = AuditEvent.objects.get(event_type=EventType.PROCEDURE_VERSION_ADDED)
    assert event.actor == admin_user
    assert (
        event.description == f"{CHILDREN_STATUTORY.name}: version {version.number} added (Longer)"
    )


@pytest.mark.parametrize(
    "url",
    [
        "/django-admin/workdays/closureday/add/",
        "/django-admin/procedures/procedure/add/",
    ],
)
def test_the_admin_cannot_add_closure_days_or_procedures(sign_in, url):
    from harken.accounts.models import User

    superuser = User.objects.create_superuser("root", "root@example.invalid", "x" * 20)
    client = sign_in(superuser)
    assert client.get("/django-admin/").status_code == 200
    assert client.get(url).status_code == 403
    assert client.post(url, {"date": "2024-12-27", "reason": "x"}).status_code == 403
    assert not ClosureDay.objects.exists()


def test_the_admin_cannot_change_a_procedure(sign_in):
    from harken.accounts.models import User

    superuser = User.objects.create_superuser("root", "root@example.invalid", "x" * 20)
    client = sign_in(superuser)
    procedure = Procedure.objects.get(code=CHILDREN_STATUTORY.code)
    response = client.post(
        f"/django-admin/procedures/procedure/{procedure.pk}/change/",
        {"name": "Changed", "code": procedure.code, "kind": procedure.kind},
    )
    assert response.status_code == 403
    procedure.refresh_from_db()
    assert procedure.name == CHILDREN_STATUTORY.name
