"""Django's database sessions, read and written with one plain statement each.

Every request of the public forms reads the session and most write it, so this is on the
busiest path Harken has: the ORM's building of `Session.objects.get(...)` costs several times
the CPU of running it, and its save wraps the one UPDATE in a transaction of its own
(three round trips). Behaviour is Django's own `db` backend's: an expired or unknown key
reads as an empty session, a save of a session deleted meanwhile raises `UpdateError`
(which the session middleware turns into "session interrupted"), new sessions are inserted by
Django's own code.

    SESSION_ENGINE = "harken.core.sessions"
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import UpdateError
from django.db import connections, router
from django.utils import timezone


class SessionStore(db.SessionStore):
    def _table(self, using: str) -> str:
        return str(connections[using].ops.quote_name(self.model._meta.db_table))

    def _get_session_from_db(self) -> Any:
        key = self.session_key
        if key is None:
            return None
        using = router.db_for_read(self.model)
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT session_data FROM {self._table(using)} "  # noqa: S608
                "WHERE session_key = %s AND expire_date > %s",
                [key, connection.ops.adapt_datetimefield_value(timezone.now())],
            )
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return self.model(session_key=key, session_data=row[0])

    def save(self, must_create: bool = False) -> None:
        if self.session_key is None or must_create:
            super().save(must_create=must_create)
            return
        data = self.encode(self._get_session(no_load=False))  # type: ignore[attr-defined]
        using = router.db_for_write(self.model)
        connection = connections[using]
        expire_date = connection.ops.adapt_datetimefield_value(self.get_expiry_date())
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {self._table(using)} SET session_data = %s, expire_date = %s "  # noqa: S608
                "WHERE session_key = %s",
                [data, expire_date, self.session_key],
            )
            if cursor.rowcount != 1:
                raise UpdateError
