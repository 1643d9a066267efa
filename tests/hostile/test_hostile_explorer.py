"""A shared explorer page built from a hostile data file: labels are text, links are checked, nothing runs or leaves.

SECURITY.md, "Explorer pages". One copy of data/article.ttl with six nodes'
English labels hostile (:data:`LABELS`) and Tokayev's Wikidata link a
``javascript:`` one, built with ``kg explore --data F --out PAGE`` in-process,
opened once in Debian's Chromium (a page of the session's ``tabs``) with the
request log and the dialog hook. Each node selected in turn: no dialog, no
request but the page itself, no console error, the label shown character for
character as text, no element or script added, no ``javascript:`` link, and the
label isolated (``<bdi>``: unicode-bidi isolate).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from explorer_page import open_page
from kg import resources
from kg.cli import main
from kg.errors import ExitCode

pytestmark = pytest.mark.browser

TOKAYEV = "kgi:kassym-jomart-tokayev"
#: Each hostile label, and the node whose English label it replaces (one page holds them all).
LABELS = {
    "script": ("kgi:kassym-jomart-tokayev", "<script>alert('script')</script>"),
    "attribute-breakout": ("kgi:russia", '"><img src=x onerror=alert(1)>'),
    "end-of-script": ("kgi:china", "</script><script>alert(document.domain)</script>"),
    "javascript-url": ("kgi:turkey", "javascript:alert(1)//"),
    "right-to-left-override": ("kgi:syria", "Invoice \u202efdp.exe"),
    "entities-and-template": ("kgi:ukraine", "&lt;b&gt; {{7*7}} ${alert(1)} <!--"),
}


def _turtle_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@pytest.fixture(scope="module")
def hostile_page(tmp_path_factory) -> Path:
    """One explorer page of the shipped data with every label of :data:`LABELS` put in, and a bad Wikidata id."""
    source = resources.data_path().read_text(encoding="utf-8")
    hostile = source.replace(
        "owl:sameAs wd:Q200881 ;", "owl:sameAs <http://www.wikidata.org/entity/javascript:alert(1)> ;"
    )
    for node, label in LABELS.values():
        pattern = re.compile(rf'(^{re.escape(node)} a kg:\w+ ;\n\s+rdfs:label )"[^"]*"@en', re.MULTILINE)
        hostile, replaced = pattern.subn(lambda m, label=label: m.group(1) + _turtle_string(label) + "@en", hostile)
        assert replaced == 1, node
    folder = tmp_path_factory.mktemp("hostile-explorer")
    data = folder / "hostile.ttl"
    data.write_text(hostile, encoding="utf-8")
    page = folder / "explorer.html"
    assert main(["explore", "--data", str(data), "--out", str(page)]) == ExitCode.OK
    return page


def test_a_hostile_label_is_shown_as_text_and_runs_nothing(tabs, hostile_page):
    """Each label of :data:`LABELS` in turn, selected in one open page (each case named in its failure)."""
    html = hostile_page.read_text(encoding="utf-8")
    tab = open_page(tabs, hostile_page)  # the session's page (tests/chromium.py), a new document, less motion
    page, requests, dialogs = tab.page, tab.requests, tab.dialogs
    try:
        scripts = page.evaluate("() => document.scripts.length")
        for case, (node, label) in LABELS.items():
            # escaped in the page's JSON
            assert label not in html or case in ("javascript-url", "right-to-left-override"), case
            page.evaluate("(id) => kgExplorer.selectNode(id)", node)
            heading = page.locator("#entity-heading bdi")
            heading.wait_for(state="attached", timeout=30_000)
            shown = heading.evaluate("(e) => [e.textContent, e.children.length, getComputedStyle(e).unicodeBidi]")
            assert shown == [label, 0, "isolate"], case
            assert page.evaluate("() => document.scripts.length") == scripts, case
            assert page.evaluate("() => document.querySelectorAll('img, iframe, object, embed').length") == 0, case
            hrefs = page.evaluate("() => [...document.querySelectorAll('[href]')].map((e) => e.getAttribute('href'))")
            assert [h for h in hrefs if h.strip().lower().startswith(("javascript:", "data:", "vbscript:"))] == [], case
            if node == TOKAYEV:
                assert not any("wikidata" in h for h in hrefs)  # the bad Wikidata id gives no link at all
            page.mouse.click(5, 5)  # a user gesture, in case something waits for one
            assert dialogs == [], case
            assert [text for kind, text in tab.console if kind == "error"] + tab.errors == [], case
        assert [url.split("#")[0] for url in requests] == [hostile_page.as_uri()], "a request off the page"
    finally:
        tab.close()
