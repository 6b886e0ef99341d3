"""The session store: Django's database sessions, read and written with plain statements."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.models import Session
from django.utils import timezone

from harken.core.sessions import SessionStore

pytestmark = pytest.mark.django_db


def _saved(**values: object) -> SessionStore:
    store = SessionStore()
    for name, value in values.items():
        store[name] = value
    store.save()
    return store


def test_what_is_saved_is_read_back_and_changes_are_kept():
    store = _saved(answers={"what_happened": "Ni ddaeth neb 🙁"})
    again = SessionStore(store.session_key)
    assert again["answers"] == {"what_happened": "Ni ddaeth neb 🙁"}
    again["answers"] = {"what_happened": "changed"}
    again.save()
    assert SessionStore(store.session_key)["answers"] == {"what_happened": "changed"}
    assert Session.objects.count() == 1


def test_saving_moves_the_expiry_on():
    store = _saved(n=1)
    first = Session.objects.get().expire_date
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=5)):
        store["n"] = 2
        store.save()
    assert Session.objects.get().expire_date >= first + dt.timedelta(minutes=5)


def test_an_expired_or_unknown_session_reads_as_empty():
    store = _saved(n=1)
    key = store.session_key
    with time_machine.travel(timezone.now() + dt.timedelta(days=2)):
        expired = SessionStore(key)
        assert "n" not in expired
        assert expired.session_key is None  # a new one is made when it is next saved
    unknown = SessionStore("x" * 32)
    assert dict(unknown.items()) == {}


def test_saving_a_session_deleted_meanwhile_is_refused():
    store = _saved(n=1)
    store["n"] = 2
    Session.objects.all().delete()
    with pytest.raises(UpdateError):
        store.save()


def test_the_forms_use_it(client, settings):
    assert settings.SESSION_ENGINE == "harken.core.sessions"
    client.get("/complaint/start/")
    assert Session.objects.count() == 1
    assert "harken_intake" in client.session
