"""Who may import whom, read from the code with `ast`: the action server never imports the gateway, the gateway
never imports the action server or the knowledge package, and the nurse-side domain imports none of them, nor Flask."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from scripts.model import ROOT

FORBIDDEN = {
    "actions": {"channels"},
    "channels": {"actions", "knowledge"},
    "nursing": {"channels", "actions", "knowledge", "flask", "flask_login"},
}


def imported(path: Path) -> set[str]:
    """Top-level names of every module the file imports, at module level or inside functions."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_package_imports_across_its_boundary(package):
    files = sorted((ROOT / package).rglob("*.py"))
    assert files
    crossings = [f"{path.relative_to(ROOT)} imports {name}" for path in files
                 for name in sorted(imported(path) & FORBIDDEN[package])]
    assert crossings == []


def test_the_check_sees_function_level_imports(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from channels.store import escalations\n    import flask.json\n")
    assert imported(module) == {"channels", "flask"}
