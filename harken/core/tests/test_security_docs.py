"""docs/security.md and docs/dpia.md point at the code and tests that provide each control:
every file and test they name exists, so a pointer cannot go stale unnoticed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

ROOT = Path(__file__).resolve().parents[3]
DOCUMENTS = ("docs/security.md", "docs/dpia.md")
# A path in backticks, with or without a test after "::", or a test of the last path named.
CITED = re.compile(
    r"`((?:harken|config|tests|docs|bench|deploy)/[^`\s:]+|uv\.lock|package-lock\.json|Dockerfile)?(?:::(\w+))?[^`]*`"
)


def citations(text: str) -> list[tuple[str, str | None, int]]:
    """(path, test or None, line number) for every pointer; `::name` alone belongs to the
    path named before it on the same line."""
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        current: str | None = None
        for match in CITED.finditer(line):
            path, name = match.group(1), match.group(2)
            if path:
                current = path
            if current is None or (not path and not name):
                continue
            found.append((current, name if (path or name) else None, number))
    return found


def _defined(path: Path, name: str) -> bool:
    return (
        re.search(rf"^\s*(?:async\s+)?def {re.escape(name)}\b", path.read_text(), re.M) is not None
    )


def test_every_path_and_test_the_security_documents_cite_exists():
    missing = []
    count = 0
    for document in DOCUMENTS:
        for path, name, line in citations((ROOT / document).read_text()):
            count += 1
            target = ROOT / path
            if not target.exists():
                missing.append(f"{document}:{line}: {path} does not exist")
            elif name and target.is_file() and not _defined(target, name):
                missing.append(f"{document}:{line}: {path} has no {name}")
    assert count > 100  # the check reads the tables, not nothing
    assert missing == []


def test_the_check_finds_a_stale_pointer():
    text = "| x | `harken/access/cases.py` | `harken/access/tests/test_cases.py::test_nothing` |"
    [(path, name, _), (test_path, test, _)] = citations(text)
    assert (path, name) == ("harken/access/cases.py", None)
    assert not _defined(ROOT / test_path, str(test))
    # "::test_x" before any path belongs to none, and is left out.
    assert citations("`::test_x` and `harken/a.py::test_y`, `::test_z`") == [
        ("harken/a.py", "test_y", 1),
        ("harken/a.py", "test_z", 1),
    ]


@pytest.mark.parametrize("password", ["Short1pass!", "password1234", "123456789012"])
def test_passwords_shorter_than_12_or_common_are_refused(password):
    """ASVS 2.1.1 and 2.1.7: at least 12 characters, and not a common or all-digit password."""
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_long_uncommon_password_is_accepted():
    validate_password("correct horse battery staple 7")
