"""axe-core on a page: no violations allowed."""

from __future__ import annotations

from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Error as PlaywrightError

_axe = Axe()
_ATTEMPTS = 3


def _run(page: Any, options: dict[str, Any]) -> Any:
    """Run axe once the page has loaded. A click does not wait for the navigation it starts, so
    axe can be injected into the page being left; when that page goes away mid-run, wait for the
    new one and run again."""
    for attempt in range(_ATTEMPTS):
        page.wait_for_load_state("load")
        try:
            return _axe.run(page, options=options)
        except PlaywrightError as error:
            navigated = "context was destroyed" in str(error) or "navigat" in str(error)
            if not navigated or attempt == _ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def assert_accessible(page: Any, *, context: str = "") -> None:
    """Fail with every axe-core violation (WCAG 2.0/2.1/2.2 A and AA) on the page as it is now."""
    results = _run(
        page,
        {
            "runOnly": {
                "type": "tag",
                "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
            }
        },
    )
    violations = results.response.get("violations", [])
    if violations:
        lines = [
            f"{v['id']}: {v['help']} ({len(v['nodes'])}x) e.g. {v['nodes'][0]['html'][:200]}"
            for v in violations
        ]
        raise AssertionError(
            f"axe found {len(violations)} violation(s) on {page.url} {context}\n" + "\n".join(lines)
        )
