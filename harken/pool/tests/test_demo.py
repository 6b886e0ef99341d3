"""The demo data's pool: partner councils, lapsed DBS checks, appointments with fees."""

from __future__ import annotations

import pytest

from harken.cases.demo import build_demo
from harken.cases.models import Appointment
from harken.pool.models import PartnerAppointment, PoolEntry, PoolFee, Sharing
from harken.pool.selectors import dbs_lapsed_q

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_shared_pool_with_fees():
    build_demo(seed=3, years=1, scale=0.5)
    assert PoolEntry.objects.filter(sharing=Sharing.FROM_PARTNER).exists()
    assert PoolEntry.objects.filter(sharing=Sharing.TO_PARTNER).exists()
    assert PoolEntry.objects.filter(dbs_lapsed_q()).count() >= 2
    from_pool = Appointment.objects.filter(pool_entry__isnull=False)
    assert from_pool.exists()
    assert PoolFee.objects.count() == from_pool.filter(pool_fee__isnull=False).count() > 0
    assert from_pool.filter(pool_entry__sharing=Sharing.FROM_PARTNER).exists()
    assert PartnerAppointment.objects.exists()
    # The demo IP's account is the pool entry's: they see the cases they are appointed to.
    ruth = PoolEntry.objects.get(name="Ruth Davies")
    assert ruth.user is not None
    assert ruth.user.username == "ip"
