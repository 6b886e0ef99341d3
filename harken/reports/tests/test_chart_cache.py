"""Drawn charts are kept in the shared chart cache by the hash of their whole spec: a report of
the same figures, rebuilt in another process, draws none of them again (ADR 0295)."""

from __future__ import annotations

import copy

import pytest
import vl_convert

from harken.reports import charts

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_chart_cache():
    charts.clear_cache(shared=True)
    yield
    charts.clear_cache(shared=True)


def charted(report):
    return [t for t in report.tables if charts.vega_lite(t) is not None]


def count_drawings(monkeypatch) -> list[str]:
    drawn: list[str] = []
    real = vl_convert.vegalite_to_svg

    def drawing(spec, *args, **kwargs):
        drawn.append(spec["title"]["text"])
        return real(spec, *args, **kwargs)

    monkeypatch.setattr(vl_convert, "vegalite_to_svg", drawing)
    return drawn


def test_the_same_figures_rebuilt_elsewhere_draw_no_chart(seed_report, monkeypatch):
    """A second process (the task worker after the report page) gets the same charts without
    drawing them."""
    tables = charted(seed_report)
    assert len(tables) > 10
    first = [charts.svg(t) for t in tables]
    charts.clear_cache()  # this process forgets; the shared cache keeps them
    drawn = count_drawings(monkeypatch)
    again = [charts.svg(t) for t in tables]
    assert again == first
    assert drawn == []


def test_changed_figures_draw_a_new_chart(seed_report, monkeypatch):
    """A chart whose figures changed is drawn again with the new figure, never the old one."""
    table = charted(seed_report)[0]
    before = charts.svg(table)
    assert before is not None
    changed = copy.deepcopy(table)
    row = changed.row(changed.chart.rows[0])
    column = changed.chart.columns[0]
    row.values[column] = 987654
    drawn = count_drawings(monkeypatch)
    after = charts.svg(changed)
    assert drawn == [table.chart.title]
    assert after is not None
    assert after != before
    assert "987,654" in after


def test_a_chart_store_that_cannot_be_reached_still_draws_the_chart(seed_report, monkeypatch):
    """The cache saves drawing; it is never a reason for a report to fail."""

    class Down:
        calls = 0

        def get(self, *args, **kwargs):
            Down.calls += 1
            raise ConnectionError("the cache is down")

        set = get

        def clear(self):
            pass

    monkeypatch.setattr(charts, "caches", {"charts": Down()})
    table = charted(seed_report)[0]
    assert "<svg" in (charts.svg(table) or "")
    assert Down.calls == 2  # asked, then told: both failed, the chart drawn regardless
