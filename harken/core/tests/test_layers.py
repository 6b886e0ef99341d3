"""The ground floor is ground: nothing in harken.core imports another part of Harken."""

from __future__ import annotations

import ast
from pathlib import Path

import harken

HARKEN = Path(harken.__file__).parent
CORE = HARKEN / "core"


def _imports(tree: ast.AST) -> list[tuple[int, str]]:
    """Every module an import names, wherever it stands (top level, inside a function, under
    TYPE_CHECKING), as an absolute name."""
    names: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "harken":  # `from harken import cases` names the app
                names.extend((node.lineno, f"harken.{alias.name}") for alias in node.names)
            else:
                names.append((node.lineno, node.module))
    return names


def _foreign(tree: ast.AST) -> list[str]:
    return [
        f"line {line}: {name}"
        for line, name in _imports(tree)
        if name.startswith("harken.")
        and name != "harken.core"
        and not name.startswith("harken.core.")
    ]


def _core_modules() -> list[Path]:
    return sorted(p for p in CORE.rglob("*.py") if "tests" not in p.relative_to(CORE).parts)


def test_core_imports_nothing_from_the_rest_of_harken():
    """Every module under harken/core/ (migrations included, tests apart) imports only the
    standard library, Django, third-party packages and harken.core itself."""
    found = {
        str(path.relative_to(HARKEN.parent)): bad
        for path in _core_modules()
        if (bad := _foreign(ast.parse(path.read_text(), filename=str(path))))
    }
    assert found == {}


def test_a_lazy_import_of_another_app_is_caught():
    """The check sees imports inside functions and under TYPE_CHECKING, and `from harken
    import x`, not only those at the top of a module."""
    source = (
        "from typing import TYPE_CHECKING\n"
        "from harken.core.errors import AccessDenied\n"
        "if TYPE_CHECKING:\n"
        "    from harken.accounts.models import User\n"
        "def f():\n"
        "    import harken.cases.models\n"
        "    from harken import access\n"
    )
    assert _foreign(ast.parse(source)) == [
        "line 4: harken.accounts.models",
        "line 6: harken.cases.models",
        "line 7: harken.access",
    ]


def test_the_check_reads_every_core_module():
    names = {p.name for p in _core_modules()}
    assert {"audit.py", "web.py", "models.py", "context_processors.py"} <= names
