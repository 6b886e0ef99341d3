"""vl-convert's fonts: its own Liberation Sans, read from memory, ahead of the system's files.

vl-convert measures every text of a chart by laying it out with usvg, which reads each glyph
through fontdb; a font found in a file is opened and mapped again for every glyph (42,000
times for the annual report's 18 charts), one kept in memory is not. Its list of fonts starts
with the system's, so the report's "Liberation Sans" was the file. Made once per process, the
list here starts with vl-convert's own copy of the same font (the same widths: the same charts,
byte for byte) and has the system's fonts after it, for any letter that font lacks
(ADR 0296).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

# A fontconfig file naming no folder of fonts (fontdb reads FONTCONFIG_FILE for its system
# fonts on Linux; elsewhere it reads fixed folders, and nothing here changes).
NO_SYSTEM_FONTS = Path(__file__).with_name("chart_fonts") / "fonts.conf"
# The folders fontdb reads when there is no fontconfig, added after vl-convert's own fonts.
SYSTEM_FONT_DIRS = (
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "~/.fonts",
    "~/.local/share/fonts",
)

_prepared = False


def prepare_chart_fonts() -> bool:
    """Make vl-convert's font list, once per process, before any chart is drawn; True if this
    call made it. Called from the app's `ready()`, before a server starts its threads: the
    environment variable is set for the moment vl-convert reads it, then put back."""
    global _prepared
    if _prepared or not sys.platform.startswith("linux"):
        return False
    _prepared = True
    import vl_convert

    dirs = [p for d in SYSTEM_FONT_DIRS if (p := Path(d).expanduser()).is_dir()]
    before = os.environ.get("FONTCONFIG_FILE")
    os.environ["FONTCONFIG_FILE"] = str(NO_SYSTEM_FONTS)
    try:
        # The first use of vl-convert's fonts makes its list, reading FONTCONFIG_FILE.
        vl_convert.register_font_directory(str(NO_SYSTEM_FONTS.parent))
    finally:
        if before is None:
            del os.environ["FONTCONFIG_FILE"]
        else:
            os.environ["FONTCONFIG_FILE"] = before
    for folder in dirs:
        vl_convert.register_font_directory(str(folder))
    return True
