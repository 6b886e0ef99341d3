"""vl-convert draws the report's charts from its own Liberation Sans in memory (ADR 0296): the
charts are the same as with the system's font files, and nothing else's fonts change."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from harken.reports import charts

ROOT = Path(__file__).resolve().parents[3]
# Labels as a council writes them, with letters beyond English and one Liberation Sans lacks.
SPEC = {
    "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
    "title": {"text": "Complaints by team", "anchor": "start", "fontSize": 13},
    "data": {
        "values": [
            {"category": "Children's social care \u2013 Gwasanaethau Plant", "value": 41},
            {"category": "Fostering (Zoë's team)", "value": 7},
            {"category": "Łódź twinning ↔ exchange", "value": 1230},
        ]
    },
    "mark": {"type": "bar", "color": charts.PALETTE[0]},
    "encoding": {
        "y": {"field": "category", "type": "nominal", "title": None},
        "x": {"field": "value", "type": "quantitative", "title": "Complaints"},
    },
    "config": {"font": charts.FONT},
}

DRAW = """
import json, os, sys
sys.path.insert(0, {root!r})
os.environ["FONTCONFIG_FILE"] = "/etc/fonts/fonts.conf"
if {prepare}:
    from harken.reports.fonts import prepare_chart_fonts
    assert prepare_chart_fonts()
    assert not prepare_chart_fonts()  # once a process
import vl_convert
svg = vl_convert.vegalite_to_svg(json.loads({spec!r}))
print(json.dumps({{"svg": svg, "fontconfig": os.environ.get("FONTCONFIG_FILE")}}))
"""


def draw_in_a_new_process(*, prepare: bool) -> dict[str, str]:
    code = DRAW.format(root=str(ROOT), prepare=prepare, spec=json.dumps(SPEC))
    done = subprocess.run(  # noqa: S603  # this interpreter, our own code
        [sys.executable, "-c", code], capture_output=True, check=True, text=True, timeout=120
    )
    return json.loads(done.stdout)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fontdb reads fontconfig on Linux")
def test_a_chart_is_drawn_the_same_from_the_font_in_memory():
    """The same chart, byte for byte, with every label (and the same widths, so the bars start
    where they did); the environment variable WeasyPrint's fontconfig reads is as it was."""
    plain = draw_in_a_new_process(prepare=False)
    prepared = draw_in_a_new_process(prepare=True)
    assert prepared["svg"] == plain["svg"]
    for label in ("Gwasanaethau Plant", "Zoë", "Łódź twinning ↔ exchange", "1,200"):
        assert label.replace("'", "&#39;") in prepared["svg"] or label in prepared["svg"]
    assert prepared["fontconfig"] == "/etc/fonts/fonts.conf"
