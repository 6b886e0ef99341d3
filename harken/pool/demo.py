"""The demo's pool of independent people (issue 14): the council's own, people provided by
and lent to partner councils (seed 004 13.3: Gateshead and South Tyneside), some DBS checks
lapsed; each stage 2 Independent Person is appointed from it with a fee. Called by
`harken.cases.demo` when the pool is installed; its own random numbers, so the rest of the
demo is the same with or without it."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta

from harken.accounts.models import User
from harken.cases.models import AppointmentRole, Case

from . import services
from .models import FeeBasis, Organisation, PoolEntry, PoolRole, Sharing

IP, IO = PoolRole.INDEPENDENT_PERSON, PoolRole.INVESTIGATING_OFFICER
CHAIR, MEMBER = PoolRole.PANEL_CHAIR, PoolRole.PANEL_MEMBER


class DemoPool:
    def __init__(self, *, seed: int, users: dict[str, User], today: dt.date) -> None:
        self.rng = random.Random(seed + 14)  # noqa: S311  # made-up records, not secrets
        self.officer = users["officer"]
        self.today = today
        years = relativedelta(years=1)
        entries: list[tuple[str, dict[str, Any]]] = [
            (
                "Ruth Davies",
                {
                    "organisation_kind": Organisation.SELF_EMPLOYED,
                    "roles": [IP],
                    "user": users.get("ip"),
                    "day_rate": Decimal("320.00"),
                    "fixed_fee": Decimal("950.00"),
                    "dbs_checked_on": today - years,
                    "sharing": Sharing.TO_PARTNER,
                    "partner_council": "South Tyneside Council",
                    "email": "ruth.davies@example.org",
                },
            ),
            (
                "Ian Fletcher",
                {
                    "organisation_kind": Organisation.SELF_EMPLOYED,
                    "roles": [IO],
                    "user": users.get("io"),
                    "day_rate": Decimal("410.00"),
                    "dbs_checked_on": today - 2 * years,
                    "email": "ian.fletcher@example.org",
                },
            ),
            (
                "Graham Hughes",
                {
                    "organisation_kind": Organisation.CHARITY,
                    "organisation": "North East Advocacy Trust",
                    "roles": [CHAIR, MEMBER, PoolRole.ADVOCATE],
                    "user": users.get("panel1"),
                    "fixed_fee": Decimal("250.00"),
                    # Over three years old: flagged, and warned about when appointed.
                    "dbs_checked_on": today - 3 * years - dt.timedelta(days=40),
                },
            ),
            (
                "Gail Robson",
                {
                    "organisation_kind": Organisation.OTHER_COUNCIL,
                    "organisation": "Gateshead Council",
                    "roles": [IP, MEMBER],
                    "day_rate": Decimal("300.00"),
                    "dbs_checked_on": today - 2 * years,
                    "sharing": Sharing.FROM_PARTNER,
                    "partner_council": "Gateshead Council",
                    "phone": "0191 000 0000",
                },
            ),
            (
                "Sunil Mehta",
                {
                    "organisation_kind": Organisation.OTHER_COUNCIL,
                    "organisation": "South Tyneside Council",
                    "roles": [IP, IO],
                    "day_rate": Decimal("340.00"),
                    "dbs_checked_on": today - 4 * years,
                    "sharing": Sharing.FROM_PARTNER,
                    "partner_council": "South Tyneside Council",
                },
            ),
            (
                "Carol Wright",
                {
                    "organisation_kind": Organisation.THIS_COUNCIL,
                    "employed_by_council": True,
                    "roles": [IO, PoolRole.INDEPENDENT_VISITOR],
                    "dbs_checked_on": today - years,
                    "availability": "Two days a month",
                },
            ),
            (
                "Leon Baptiste",
                {
                    "organisation_kind": Organisation.SELF_EMPLOYED,
                    "roles": [IP, CHAIR, MEMBER],
                    "fixed_fee": Decimal("900.00"),
                    "dbs_checked_on": None,
                    "available": False,
                    "availability": "Not taking new work until the spring",
                },
            ),
        ]
        self.entries: dict[str, PoolEntry] = {}
        made = False
        for name, values in entries:
            # A second run keeps the pool it made the first time.
            existing = PoolEntry.objects.filter(name=name).first()
            if existing is None:
                made = True
                existing = services.pool_entry_create(actor=self.officer, name=name, **values)
            self.entries[name] = existing
        if not made:
            return
        services.pool_training_add(
            entry=self.entries["Ruth Davies"],
            actor=self.officer,
            course="Independent Person induction (regional)",
            completed_on=today - years,
        )
        services.pool_training_add(
            entry=self.entries["Gail Robson"],
            actor=self.officer,
            course="Getting the Best from Complaints refresher",
            completed_on=today - 2 * years,
        )

    def appoint_ip(self, case: Case, on: dt.date) -> None:
        """The stage 2 Independent Person, from the pool, with a fee at the day rate (or the
        fixed fee): half the council's own, the rest provided by partner councils."""
        name = self.rng.choices(["Ruth Davies", "Gail Robson", "Sunil Mehta"], weights=[5, 3, 2])[0]
        entry = self.entries[name]
        fixed = entry.fixed_fee is not None and self.rng.random() < 0.3
        services.pool_appoint(
            case=case,
            pool_entry=entry,
            role=AppointmentRole.INDEPENDENT_PERSON,
            on=on,
            fee_basis=FeeBasis.FIXED if fixed else FeeBasis.DAYS,
            days=None if fixed else str(self.rng.choice([1, 1.5, 2, 2.5, 3])),
            actor=self.officer,
        )

    def lent(self, start: dt.date) -> None:
        """A few appointments of Ruth Davies by South Tyneside, the partner she is lent to."""
        ruth = self.entries["Ruth Davies"]
        day = start + dt.timedelta(days=60)
        while day < self.today:
            services.partner_appointment_record(
                entry=ruth, actor=self.officer, role=IP, appointed_on=day
            )
            day += dt.timedelta(days=self.rng.randint(70, 150))
