"""The server loads the bank-holiday tables at start-up, not in someone's request."""

import datetime as dt

import time_machine

from harken.workdays import rules


@time_machine.travel(dt.datetime(2026, 11, 23, 12, tzinfo=dt.UTC))
def test_warm_up_loads_this_year_and_next():
    rules._holidays.cache_clear()
    rules.warm_up()
    info = rules._holidays.cache_info()
    assert info.currsize == 2
    before = info.hits
    assert rules._holidays("ENG", 2027)[dt.date(2027, 12, 27)]  # Christmas Day substitute
    assert rules._holidays.cache_info().hits == before + 1
