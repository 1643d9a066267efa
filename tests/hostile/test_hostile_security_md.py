"""SECURITY.md cites only tests that exist: every ``tests/...py::name`` is a test function of that file.

The files are read with :mod:`ast` (no import, no collection), so a renamed or
deleted test fails here with the id that SECURITY.md still cites.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CITED = re.compile(r"`(tests/[\w/]+\.py)(?:::(\w+))?`")


def _test_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return {node.name for node in tree.body if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")}


def test_every_test_cited_in_security_md_exists():
    text = (ROOT / "SECURITY.md").read_text(encoding="utf-8")
    cited = CITED.findall(text)
    assert len(cited) >= 40, "SECURITY.md should cite the tests that prove its promises"
    missing = []
    for file, name in cited:
        path = ROOT / file
        if not path.is_file() or (name and name not in _test_names(path)):
            missing.append(f"{file}::{name}" if name else file)
    assert missing == []


def test_every_hostile_test_is_cited_in_security_md():
    text = (ROOT / "SECURITY.md").read_text(encoding="utf-8")
    cited = {f"{file}::{name}" for file, name in CITED.findall(text) if name}
    here = Path(__file__).parent
    uncited = [
        f"tests/hostile/{path.name}::{name}"
        for path in sorted(here.glob("test_hostile_*.py"))
        if path.name != Path(__file__).name
        for name in sorted(_test_names(path))
        if f"tests/hostile/{path.name}::{name}" not in cited
    ]
    assert uncited == []
