"""kg.publish.script: the search box's script is one classic script (the static site may be opened from disk,
where module scripts do not load) that holds the one folding table and parses as JavaScript."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from kg.publish.script import search_script
from kg.text import fold_script


def test_the_script_is_one_classic_script_with_no_module_syntax():
    script = search_script()
    assert script.startswith('(function () {\n"use strict";')
    assert not [line for line in script.splitlines() if re.match(r"\s*(import|export)\b", line)]
    assert search_script() is script  # made once


def test_it_holds_the_folding_table_generated_from_kg_text_and_the_search_box():
    script = search_script()
    assert "/* ---- fold-table.js */" in script and "/* ---- search.js */" in script
    table = [line.removeprefix("export ") for line in fold_script().splitlines() if line.startswith("export const")]
    assert len(table) >= 2 and all(line in script for line in table)  # its definitions, without module syntax


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
def test_it_parses_as_javascript(tmp_path):
    path = tmp_path / "search.js"
    path.write_text(search_script(), encoding="utf-8")
    done = subprocess.run(["node", "--check", str(path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
