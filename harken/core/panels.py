"""Sections other apps add to the staff case page, without the case page knowing them.

An app registers a template in its AppConfig.ready(), naming the part (tab) of the case page
it belongs on:

    from harken.core.panels import register_case_panel
    register_case_panel("documents/case_panel.html", order=20, tab="documents")

A panel registered with `tab=EVERY_TAB` is a warning shown at the top of every part, just
after the safeguarding concerns (contact restrictions). The case page includes each
registered template with `case` (and `user`) in the context.
"""

from __future__ import annotations

EVERY_TAB = "*"

_CASE_PANELS: list[tuple[int, str, str]] = []


def register_case_panel(template: str, *, order: int = 50, tab: str = "summary") -> None:
    if all(t != template for _, t, _ in _CASE_PANELS):
        _CASE_PANELS.append((order, template, tab))
        _CASE_PANELS.sort()


def case_panels(tab: str | None = None) -> list[str]:
    """The templates of one part of the case page, in order (all of them when `tab` is None)."""
    return [template for _, template, on in _CASE_PANELS if tab is None or on == tab]
