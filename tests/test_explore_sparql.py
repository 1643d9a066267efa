"""kg.explore.sparql and ``kg explore --sparql``: what the console adds to the page, and what the default page lacks."""

from __future__ import annotations

import base64
import gzip
import hashlib
import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from kg.explore import CSP, render_html, write_explorer
from kg.explore.sparql import console_assets, console_csp, worker_script
from kg.limits import MAX_HTML_BYTES
from kg.load import load_graph
from kg.sparql.browser import ENGINE_WASM_SHA256, dataset_ntriples

FIXTURE = Path(__file__).parent / "fixtures" / "explorer" / "mini.ttl"
ELEMENT = re.compile(r'<script type="([^"]+)" id="(kg-sparql-[a-z]+)"[^>]*>(.*?)</script>', re.S)


@pytest.fixture(scope="module")
def assets():
    return console_assets([FIXTURE])


@pytest.fixture(scope="module")
def page(assets) -> str:
    return render_html(load_graph([FIXTURE]), sparql=assets)


def _elements(html: str) -> dict[str, tuple[str, str]]:
    return {name: (kind, body) for kind, name, body in ELEMENT.findall(html)}


def test_the_page_holds_the_engine_the_triples_and_the_worker(page):
    found = _elements(page)
    assert {name: kind for name, (kind, _) in found.items()} == {
        "kg-sparql-worker": "text/plain",
        "kg-sparql-wasm": "application/octet-stream",
        "kg-sparql-data": "application/octet-stream",
    }
    wasm = gzip.decompress(base64.b64decode(found["kg-sparql-wasm"][1]))
    assert hashlib.sha256(wasm).hexdigest() == ENGINE_WASM_SHA256
    triples = gzip.decompress(base64.b64decode(found["kg-sparql-data"][1]))
    assert triples == dataset_ntriples([FIXTURE])  # the fixture's triples and their closure, as kg query has them


def test_the_page_data_carries_the_questions_limits_prefixes_and_strings(page):
    data = json.loads(re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', page, re.S).group(1))
    sparql = data["sparql"]
    assert sparql["limits"] == {
        "timeoutMs": 5000,
        "maxRows": 10000,
        "maxNesting": 1000,
        "maxParts": 500,
        "maxTerms": 128,
    }
    assert sparql["prefixes"]["kgi"] == "https://w3id.org/iran-kazakhstan-kg/id/"
    assert [q["name"] for q in sparql["questions"]][:2] == ["cq01-agreements-and-parties", "cq02-agreements-by-domain"]
    assert data["i18n"]["fa"]["sparqlRun"] == "اجرا" and data["i18n"]["en"]["title"]  # the explorer's strings stay


def test_the_csp_adds_only_what_the_engine_needs(page):
    csp = html.unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1))
    assert csp == console_csp(CSP)
    assert "script-src 'unsafe-inline' 'wasm-unsafe-eval';" in csp and csp.endswith("; worker-src blob:")
    assert "'unsafe-eval'" not in csp and "connect-src" not in csp and "default-src 'none'" in csp


def test_the_default_page_has_no_engine_and_its_csp_is_unchanged():
    page = render_html(load_graph([FIXTURE]))
    assert _elements(page) == {}
    csp = html.unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1))
    assert csp == CSP and "wasm-unsafe-eval" not in page


def test_the_worker_script_is_classic_and_needs_nothing_else(assets):
    script = worker_script()
    assert not re.search(r"^\s*(import|export)\b", script, re.M) and "import.meta" not in script
    assert "class Store" in script and "self.onmessage" in script and "const $sparql_policy" in script
    assert "</script" not in script.lower() and "<!--" not in script


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
def test_the_worker_script_parses_as_a_classic_script(tmp_path):
    path = tmp_path / "worker.js"
    path.write_text(worker_script(), encoding="utf-8")
    done = subprocess.run(["node", "--check", str(path)], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr


def test_kg_explore_sparql_writes_the_console_and_the_budget_leaves_the_engine_out(tmp_path, monkeypatch, assets):
    """The size budget counts the explorer, not the 2 MB of engine the console page holds besides."""
    import kg.explore.page as page_module

    monkeypatch.setattr(page_module, "MAX_HTML_BYTES", 1_200_000)  # above the page, below the page and its engine
    result = write_explorer(tmp_path / "console.html", data=[FIXTURE], sparql=True)
    assert result.size > 1_200_000 > result.size - assets.size
    assert result.view["shownNodes"] == result.view["totalNodes"]  # no node was dropped for the engine's bytes
    assert "kg-sparql-wasm" in result.path.read_text(encoding="utf-8")
    assert MAX_HTML_BYTES == 3 * 1024 * 1024  # the real budget, which the shipped console page is far below


def test_the_cli_flag(run_kg, tmp_path):
    code, out, err = run_kg("explore", "--data", str(FIXTURE), "--sparql", "--out", str(tmp_path / "c.html"))
    assert code == 0, err
    assert "wrote explorer" in out and "kg-sparql-worker" in (tmp_path / "c.html").read_text(encoding="utf-8")
