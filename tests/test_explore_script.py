"""The explorer's script (kg.explore.script): its ES modules joined into one inline script, and their unit
tests under Node's own test runner (tests/js/*.test.mjs), which need no browser."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from kg.errors import OutputError
from kg.explore.script import MODULES, bundle_modules, bundle_script, module_order, read_module, read_sources
from kg.explore.sparql import WORKER_ENTRY
from kg.text import fold

JS_TESTS = Path(__file__).parent / "js"


def test_node_runs_the_unit_tests_of_the_modules():
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed (CI: apt-get install nodejs)")
    files = sorted(str(p) for p in JS_TESTS.glob("*.test.mjs"))
    assert len(files) >= 5
    run = subprocess.run(
        [node, "--test", *files], capture_output=True, text=True, encoding="utf-8", timeout=120, check=False
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert "# fail 0" in run.stdout


def test_the_fold_cases_the_script_is_tested_on_are_what_python_folds():
    cases = json.loads((JS_TESTS / "fold-cases.json").read_text(encoding="utf-8"))
    assert len(cases) >= 20
    assert any("\u200c" in case["text"] for case in cases)  # ZWNJ, diacritics, both digit sets
    assert any("\u064e" in case["text"] for case in cases)
    assert any("۱" in case["text"] for case in cases) and any("١" in case["text"] for case in cases)
    assert [case["folded"] for case in cases] == [fold(case["text"]) for case in cases]


def test_the_page_script_is_the_entry_and_every_module_it_needs_in_dependency_order():
    sources = read_sources()
    modules = {name: read_module(name, text) for name, text in sources.items()}
    order = module_order(modules)
    worker = module_order(modules, WORKER_ENTRY)  # the SPARQL engine's worker: the one other entry
    assert order[-1] == "main.js" and set(order) | set(worker) == set(sources)  # no module is dead weight
    assert order.index("fold-table.js") < order.index("fold.js") < order.index("search.js")
    script = bundle_script()
    assert script.startswith('(function () {\n"use strict";\n') and script.endswith("})();\n")
    assert "\nimport " not in script and "\nexport " not in script
    assert (
        "const $fold_table = (() => {" in script
        and "const { FOLD, SPACES, MARKS, HAMZA_YEH, HAMZA_CONTEXT } = $fold_table;" in script
    )


def test_imports_with_renames_become_bindings_of_the_dependency():
    script = bundle_modules(
        {
            "a.js": "export const x = 1;\nexport function f() {\n  return 2;\n}\nconst hidden = 3;\n",
            "main.js": 'import { x as y, f } from "./a.js";\nconsole.log(y, f());\n',
        }
    )
    assert "const { x: y, f } = $a;" in script
    assert "return { x, f };" in script and "hidden" in script and "return { hidden" not in script
    assert script.index("const $a =") < script.index("const $main =")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("let a = 1;\nexport default a;\n", r"main\.js:2: 'export default a;' is outside"),
        ("export let a = 1;\n", r"main\.js:1: 'export let a = 1;' is outside"),
        ('import * as a from "./a.js";\n', r"main\.js:1: 'import \* as a from"),
        ('import { a } from "https://example.org/a.js";\n', r"main\.js:1: 'import \{ a \} from \"https"),
        ("export { a };\n", r"main\.js:1: 'export \{ a \};' is outside"),
    ],
)
def test_a_module_form_the_bundle_does_not_support_is_refused_with_its_line(text, message):
    with pytest.raises(OutputError, match=message):
        bundle_modules({"main.js": text})


def test_a_cycle_a_missing_module_and_a_missing_export_are_refused():
    with pytest.raises(OutputError, match=r"in a cycle: a\.js -> b\.js -> a\.js$"):
        bundle_modules(
            {
                "main.js": 'import { a } from "./a.js";\n',
                "a.js": 'import { b } from "./b.js";\nexport const a = 1;\n',
                "b.js": 'import { a } from "./a.js";\nexport const b = 2;\n',
            }
        )
    with pytest.raises(OutputError, match=r"main\.js imports gone\.js, which is not a module"):
        bundle_modules({"main.js": 'import { a } from "./gone.js";\n'})
    with pytest.raises(OutputError, match=r"main\.js imports b from a\.js, which does not export it"):
        bundle_modules({"main.js": 'import { b } from "./a.js";\n', "a.js": "export const a = 1;\n"})


def test_the_modules_ship_inside_the_package():
    names = {item.name for item in MODULES.iterdir()}
    assert {"main.js", "fold.js", "fold-table.js", "search.js", "tables.js", "urlstate.js", "format.js"} <= names
