"""kg.publish.sparql: the static site's SPARQL page, its engine as separate cached files, live questions in Chromium."""

from __future__ import annotations

import functools
import http.server
import json
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.explore.sparql import worker_script
from kg.publish.description import load_publication
from kg.publish.pages import Renderer
from kg.publish.sparql import sparql_files
from kg.sparql import query
from kg.sparql.browser import engine_wasm


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("site")
    for relative, content in sparql_files(Renderer(load_publication(), root="", static=True)).items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return folder


def _settings(page: str) -> dict:
    return json.loads(re.search(r'id="kg-sparql-settings">(.*?)</script>', page, re.S).group(1))


def test_the_engine_is_files_of_its_own_named_by_their_content(site):
    names = sorted(p.name for p in (site / "sparql").iterdir())
    assert [re.sub(r"-[0-9a-f]{12}\.", "-HASH.", n) for n in names] == [
        ".htaccess",
        "console-HASH.js",
        "data-HASH.nt.gz",
        "engine-HASH.js",
        "oxigraph-0.5.11.wasm.gz",
    ]
    engine = next((site / "sparql").glob("engine-*.js"))
    assert engine.read_text(encoding="utf-8") == worker_script()
    assert (site / "sparql" / "oxigraph-0.5.11.wasm.gz").read_bytes() == engine_wasm()
    assert "immutable" in (site / "sparql" / ".htaccess").read_text(encoding="utf-8")


def test_the_pages_do_not_carry_the_engine(site):
    for name, lang in (("sparql.html", "en"), ("sparql.fa.html", "fa")):
        page = (site / name).read_text(encoding="utf-8")
        assert len(page.encode("utf-8")) < 400_000 and "AGFzbQ" not in page  # no base64 wasm ("\0asm")
        settings = _settings(page)
        assert settings["lang"] == lang and settings["files"]["worker"].startswith("sparql/engine-")
        assert all((site / path).is_file() for path in settings["files"].values())
        assert settings["pages"]["https://w3id.org/iran-kazakhstan-kg/id/kazakhstan"][0] == (
            "id/kazakhstan.fa.html" if lang == "fa" else "id/kazakhstan.html"
        )
        assert re.search(r'<script src="sparql/console-[0-9a-f]{12}\.js"></script>', page)
        assert f'href="{name}"' in page  # the static site's navigation leads to it (base.html)


@pytest.fixture(scope="module")
def served(site) -> Iterator[str]:
    """The folder on a loopback port, as a static host serves it."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    thread.join(timeout=10)


@pytest.mark.browser
def test_a_question_link_runs_live_on_the_static_site(tabs, served):
    """sparql.html?q=cq04&speaker=… opens with cq04 run in the browser: kg query's rows, linked to the site's pages."""
    expected = query("cq04", {"speaker": "kgi:kassym-jomart-tokayev"})
    tab = tabs.lend()  # the session's page (tests/chromium.py), a new document
    page, requests, errors = tab.page, tab.requests, tab.errors
    try:
        page.goto(served + "sparql.html?q=cq04-statements-by-speaker&speaker=kgi:kassym-jomart-tokayev")
        page.locator("#sparql-table, #sparql-error").first.wait_for(timeout=60_000)  # the answer, or why not
        assert page.locator("#sparql-error").count() == 0, page.locator("#sparql-error").inner_text()
        rows = page.locator("#sparql-table tbody tr")
        assert rows.count() == len(expected.rows) >= 2
        link = rows.nth(0).locator("a").first.get_attribute("href")
        assert link.startswith("id/statement/") and link.endswith(".html")
        assert "Statement" in page.locator("#sparql-table thead").inner_text()
        assert "null" not in page.locator("#sparql-results").inner_text()  # a missing part once showed as "null"
        answer = page.evaluate(
            "async () => kgSparql.sparql('ASK { ?s a <https://w3id.org/iran-kazakhstan-kg/ontology#Agreement> }')"
        )
        assert answer["boolean"] is True
        crashed = page.evaluate(  # 990 brackets in each other (the policy lets 1 000 pass: pyoxigraph reads them)
            "async (text) => kgSparql.sparql(text).then(() => 'answered', (error) => error.code)",  # overflow the
            "SELECT ?x { BIND(" + "(" * 990 + "1" + ")" * 990 + " AS ?x) }",  # page's engine, which is left unusable
        )
        assert crashed == "crashed"
        assert page.evaluate("async () => kgSparql.sparql('ASK {}')")["boolean"] is True  # a fresh engine answers
        page.goto(served + "sparql.fa.html?q=cq04-statements-by-speaker&speaker=kgi:kassym-jomart-tokayev")
        page.locator("#sparql-table").wait_for(timeout=60_000)
        info = page.locator("#sparql-info").inner_text()  # the explorer's strings and digits (format.js)
        begins = page.locator("#sparql-table tbody td:last-child").all_inner_texts()  # ?begin: an offset, integer
        assert begins and all(re.fullmatch(r"[۰-۹٬]+", cell) for cell in begins), begins  # not «4283»
        assert info.startswith(f"سطرها: {len(expected.rows)}".translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")))
        assert not re.search(r"[0-9]", info.replace("CSV", "")), info
        status = page.locator("#sparql-status").inner_text()  # «۰٫۷۵ ثانیه», not «۰.۷۵»: the one number formatter
        assert re.fullmatch(r"موتور در [۰-۹]+٫[۰-۹]{2} ثانیه آماده شد: [۰-۹٬]+ سه‌تایی.*", status), status
        kinds = page.locator(
            "#sparql-params .description"
        ).all_inner_texts()  # each parameter's type, in Persian as on kg serve
        assert kinds and all(not re.match(r"(iri|string|langstring|integer|decimal|boolean|date) ", k) for k in kinds)
        assert any(k.startswith("نشانی (IRI) یا نام پیشونددار") for k in kinds), kinds
        page.fill("#sparql-params input[name=speaker]", "javascript:alert(1)")  # a wrong value: named as the form
        page.click("#sparql-run")  # names its field (it was «پارامتر speaker: …»), as kg serve names it
        wrong = page.locator("#sparql-error > p").inner_text()
        assert wrong.startswith("پارامتر \u2068شخص یا سازمانی که سخن گفته است\u2069: ") and "speaker" not in wrong, (
            wrong
        )
        page.select_option("#sparql-question", "")  # the reader's own query, with a mistake on its second line
        page.fill("#sparql-editor", "SELECT *\nWHERE { ?s ?p }")
        page.click("#sparql-run")
        said = page.locator("#sparql-error > p").inner_text()  # it was «پرس‌وجو اجرا نشد: error at 1:19: …»
        assert said.startswith("پرس‌وجو در سطر ۲، ستون ۱۶ با دستور زبان SPARQL سازگار نیست"), said
        assert not re.search(r"[0-9]|error|expected|\[_\]", said) and "LATERAL" in said, said
        engine = page.locator("#sparql-error details pre")  # the engine's own words, kept apart, folded
        assert engine.get_attribute("lang") == "en" and not engine.is_visible()
        assert engine.text_content().startswith("error at 2:16: expected")
        assert all(url.startswith(served) for url in requests), requests  # nothing off the site
        assert errors == []
    finally:
        tab.close()
