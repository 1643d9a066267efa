"""The explorer page (kg.explore, `kg explore`): structure, escaping, no remote assets, UTF-8, atomic writes."""

from __future__ import annotations

import itertools
import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from rdflib import Literal

from kg.build import outputs
from kg.cli import main
from kg.errors import OutputError
from kg.explore import (
    CSP,
    UI_TEXT,
    VIS_JS,
    fold_table,
    json_for_script,
    render_html,
    sentence_spans,
    write_explorer,
)
from kg.load import load_graph
from kg.namespaces import ID, RDFS
from kg.project import load_projection
from kg.text import fold

FIXTURE = Path(__file__).parent / "fixtures" / "explorer" / "mini.ttl"
TEMPLATES = Path(__file__).parents[1] / "src" / "kg" / "templates"
EVIL = "Tokayev <img src=x onerror=alert(1)></script><script>alert(2)</script> & <!-- \u2028"


class Page(HTMLParser):
    """The tags, attributes and script bodies of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._script: dict[str, str | None] | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._script = dict(attrs)
            self.scripts.append((self._script, ""))

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None

    def handle_data(self, data):
        if self._script is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    return page


def data_of(page: Page, element_id: str):
    return json.loads(next(text for attrs, text in page.scripts if attrs.get("id") == element_id))


@pytest.fixture(scope="module")
def real_html() -> str:
    return render_html(load_projection())


@pytest.fixture(scope="module")
def evil_html() -> str:
    graph = load_graph([FIXTURE])
    graph.remove((ID["kassym-jomart-tokayev"], RDFS.label, Literal("Kassym-Jomart Tokayev", lang="en")))
    graph.add((ID["kassym-jomart-tokayev"], RDFS.label, Literal(EVIL, lang="en")))
    return render_html(graph)


# --------------------------------------------------------------------------- structure


def test_page_is_one_document_with_csp_first_and_only_inline_assets(real_html):
    page = parse(real_html)
    assert real_html.startswith('<!DOCTYPE html>\n<html lang="en" dir="ltr">')
    metas = [attrs for tag, attrs in page.tags if tag == "meta"]
    assert metas[0] == {"charset": "utf-8"}
    assert metas[1] == {"http-equiv": "Content-Security-Policy", "content": CSP}
    assert "default-src 'none'" in CSP and "unsafe-eval" not in CSP and "http" not in CSP
    loading = [(tag, attrs) for tag, attrs in page.tags if {"src", "href", "srcset", "action", "data"} & set(attrs)]
    assert loading == []
    assert not [tag for tag, _ in page.tags if tag in {"link", "iframe", "img", "object", "embed", "base", "form"}]
    ids = [attrs.get("id") for attrs, _ in page.scripts]
    assert ids == ["kg-nodes", "kg-edges", "kg-options", "kg-data", None, None]
    assert real_html.count("</script>") == 6


def test_no_remote_asset_nor_cdn_library(real_html):
    lowered = real_html.lower()
    for name in ("bootstrap", "tom-select", "tomselect", "cdnjs", "jsdelivr", "unpkg", "@import", "googleapis"):
        assert name not in lowered, name
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", real_html)
    # vis-network is the copy pyvis ships, inlined verbatim
    assert VIS_JS.read_text(encoding="utf-8") in real_html


def test_the_html_stays_small(real_html):
    size = len(real_html.encode("utf-8"))
    assert size < 1.5 * 1024 * 1024, f"{size / 1024:.0f} KiB"


def test_every_node_and_edge_of_the_projection_is_in_the_page(real_html):
    projection = load_projection()
    page = parse(real_html)
    nodes, edges = data_of(page, "kg-nodes"), data_of(page, "kg-edges")
    assert sorted(n["id"] for n in nodes) == sorted(projection)
    assert len(edges) == projection.number_of_edges() == len({e["id"] for e in edges})
    tokayev = next(n for n in nodes if n["id"] == "kgi:kassym-jomart-tokayev")
    assert (tokayev["label"], tokayev["kgGroup"]) == ("Kassym-Jomart Tokayev", "person")
    kg = data_of(page, "kg-data")
    assert kg["meta"]["kgi:kassym-jomart-tokayev"]["label"]["fa"] == "قاسم‌ژومارت توکایف"
    assert kg["text"] == projection.graph["text"]
    options = data_of(page, "kg-options")
    assert options["physics"]["stabilization"]["enabled"] is True


def test_rendering_is_reproducible_across_hash_seeds(tmp_path):
    """Same data, same bytes: sets and hash order must not leak into the page."""
    script = "import sys; from kg.explore import write_explorer; write_explorer(sys.argv[1], data=[sys.argv[2]])"
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run(
            [sys.executable, "-c", script, str(tmp_path / f"{seed}.html"), str(FIXTURE)], check=True, env=env
        )
    assert (tmp_path / "1.html").read_bytes() == (tmp_path / "2.html").read_bytes()


# --------------------------------------------------------------------------- escaping


def test_json_for_script_cannot_close_its_element():
    text = str(json_for_script({"a": "</script><!--<script>&\u2028\u2029"}))
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"a": "</script><!--<script>&\u2028\u2029"}


def test_a_hostile_label_is_data_not_markup(evil_html):
    assert "<img" not in evil_html and "onerror=alert" in evil_html  # escaped, present only inside JSON
    assert evil_html.count("</script>") == 6
    page = parse(evil_html)
    assert [tag for tag, _ in page.tags if tag == "img"] == []
    labels = {n["id"]: n["label"] for n in data_of(page, "kg-nodes")}
    assert labels["kgi:kassym-jomart-tokayev"] == EVIL
    assert data_of(page, "kg-data")["meta"]["kgi:kassym-jomart-tokayev"]["label"]["en"] == EVIL


def test_the_page_script_never_parses_html():
    script = (TEMPLATES / "explorer.js").read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function", "srcdoc"):
        assert sink not in script, sink


def test_the_template_escapes_by_default():
    template = (TEMPLATES / "explorer.html").read_text(encoding="utf-8")
    assert "|safe" not in template.replace(" ", "")
    assert "{% autoescape false" not in template


# --------------------------------------------------------------------------- text and language


def test_fold_table_is_kg_text_fold():
    table = fold_table()
    assert table["\u0643"] == "\u06a9" and table["\u064a"] == "\u06cc" and table["\u200c"] == ""
    assert table["۴"] == "4" and table["É"] == "e"
    assert all(len(ch) == 1 and fold(ch) == folded != ch for ch, folded in table.items())


def test_sentence_spans_cover_the_article_in_order():
    text = load_projection().graph["text"]
    spans = sentence_spans(text)
    assert all(b < e for b, e in spans)
    assert all(e1 <= b2 for (_, e1), (b2, _) in itertools.pairwise(spans))
    assert text[spans[0][0] : spans[0][1]] == "خیز ایران به سمت تقویت همکاریهای اقتصادی و سیاسی در آسیای مرکزی"


def test_interface_strings_exist_in_both_languages():
    assert UI_TEXT["en"].keys() == UI_TEXT["fa"].keys()
    used = set(re.findall(r'data-i18n(?:-placeholder)?="(\w+)"', (TEMPLATES / "explorer.html").read_text("utf-8")))
    used |= set(re.findall(r'\bt\("(\w+)"', (TEMPLATES / "explorer.js").read_text("utf-8")))
    assert used <= UI_TEXT["en"].keys(), used - UI_TEXT["en"].keys()


def test_page_can_open_in_persian():
    html = render_html(load_graph([FIXTURE]), lang="fa")
    assert html.startswith('<!DOCTYPE html>\n<html lang="fa" dir="rtl">')
    nodes = data_of(parse(html), "kg-nodes")
    assert next(n["label"] for n in nodes if n["id"] == "kgi:kassym-jomart-tokayev") == "قاسم‌ژومارت توکایف"


# --------------------------------------------------------------------------- writing


def test_write_explorer_writes_utf8_atomically(tmp_path):
    result = write_explorer(tmp_path / "out" / "explorer.html", data=[FIXTURE])
    assert result.path.read_bytes().decode("utf-8").startswith("<!DOCTYPE html>")
    assert "قاسم‌ژومارت توکایف" in result.path.read_text(encoding="utf-8")  # Persian verbatim, not \u-escaped
    assert (result.nodes, result.edges) == (24, 27)
    assert result.size == result.path.stat().st_size
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["explorer.html"]
    (tmp_path / "plain").write_text("", encoding="utf-8")
    assert result.path.stat().st_mode == (tmp_path / "plain").stat().st_mode  # not mkstemp's 0600


def test_write_explorer_reports_an_unwritable_target(tmp_path):
    (tmp_path / "taken").mkdir()
    with pytest.raises(OutputError, match=r"taken: is a directory; give a file name"):
        write_explorer(tmp_path / "taken", data=[FIXTURE])
    assert [p.name for p in tmp_path.iterdir()] == ["taken"]


def test_regression_pyvis_222_writing_under_a_non_utf8_locale(tmp_path):
    """pyvis's write_html opens the file in the locale's encoding and fails on Persian (pyvis issue #222)."""
    env = {**os.environ, "LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"}
    out = tmp_path / "explorer.html"
    done = subprocess.run(
        [sys.executable, "-m", "kg", "explore", "--data", str(FIXTURE), "--out", str(out)],
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert done.returncode == 0, done.stderr
    assert "قاسم‌ژومارت توکایف" in out.read_text(encoding="utf-8")


def test_explore_command(tmp_path, capsys):
    out = tmp_path / "x.html"
    assert main(["explore", "--data", str(FIXTURE), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith(f"wrote explorer: {out} (24 nodes, 27 edges, ")
    assert out.is_file()


def test_the_build_writes_the_explorer():
    assert ("explorer (one offline HTML page)", "explorer.html") in [(name, file) for name, file, _ in outputs()]
