"""Sections other apps add to the staff case page, without the case page knowing them.

An app registers a template in its AppConfig.ready():

    from harken.core.panels import register_case_panel
    register_case_panel("documents/case_panel.html", order=20)

The case page includes each registered template with `case` (and `user`) in the context.
"""

from __future__ import annotations

_CASE_PANELS: list[tuple[int, str]] = []


def register_case_panel(template: str, *, order: int = 50) -> None:
    if all(t != template for _, t in _CASE_PANELS):
        _CASE_PANELS.append((order, template))
        _CASE_PANELS.sort()


def case_panels() -> list[str]:
    return [template for _, template in _CASE_PANELS]
