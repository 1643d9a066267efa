"""The SPARQL console of ``kg explore --sparql`` in Chromium: a fifth engine for the library, beside rdflib,
pyoxigraph, the Oxigraph server and Virtuoso (tests/test_virtuoso.py), with the page offline under its CSP.

One page load for the module: every library query runs in one ``evaluate`` through
``kgExplorer.sparql`` (the engine in its Web Worker) and each answer is compared with its ``.srj``;
then the console is driven as a reader drives it (a question chosen, a parameter typed, the query
edited, Run), and the policy and the time limit are checked in the page. Times are measured by
benchmarks/bench_sparql_browser.py, never asserted here. Screenshots go to test-results/sparql-console/ when
$KG_TEST_SCREENSHOTS is set (tests/chromium.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rdflib import URIRef

from chromium import poll, screenshot
from kg.explore import write_explorer
from kg.sparql import query
from kg.sparql.compare import compare, read_expected
from kg.sparql.files import list_queries
from kg.sparql.protocol import parse_results_json
from kg.sparql.results import Result
from kg.terms import curie

pytestmark = pytest.mark.browser

OUTPUT = Path(__file__).resolve().parents[1] / "test-results" / "sparql-console"
#: Generous limits for the library run: the busy test machine must not turn a correct query into a timeout.
GENEROUS = {"timeoutMs": 120_000, "maxRows": 0}


@pytest.fixture(scope="module")
def console_file(tmp_path_factory) -> Path:
    return write_explorer(tmp_path_factory.mktemp("console") / "console.html", sparql=True).path


class Opened:
    def __init__(self, page: Any, url: str) -> None:
        self.page, self.url = page, url
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.console: list[tuple[str, str]] = []

    def js(self, expression: str, arg: Any = None) -> Any:
        return self.page.evaluate(expression, arg)

    def wait_until(self, expression: str, timeout: float = 60.0) -> Any:
        return poll(self.page, expression, timeout, f"console: {self.console}; errors: {self.errors}")


@pytest.fixture(scope="module")
def opened(tabs, console_file) -> Iterator[Opened]:
    """The console page, opened from disk with the network off, its engine ready."""
    with tabs.open(viewport=(1400, 900), offline=True) as tab:
        visit = Opened(tab.page, console_file.resolve().as_uri())
        visit.requests, visit.console, visit.errors = tab.requests, tab.console, tab.errors
        tab.page.goto(visit.url + "#view=sparql")
        visit.wait_until("() => window.kgExplorer && kgExplorer.sparqlStats().status !== 'loading'")
        yield visit


@pytest.mark.slow  # every library query in the page
def test_every_library_query_gives_its_rows_in_the_page(opened):
    queries = [q for q in list_queries() if q.expected_path() is not None]
    answers = opened.js(
        """async ([queries, limits]) => {
            const out = {};
            for (const [name, text] of queries) {
                try { out[name] = await kgExplorer.sparql(text, limits); }
                catch (error) { out[name] = { error: error.code + ": " + error.message }; }
            }
            return out;
        }""",
        [[[q.name, q.text] for q in queries], GENEROUS],
    )
    problems = {}
    for q in queries:
        answer = answers[q.name]
        if "error" in answer:
            problems[q.name] = [answer["error"]]
            continue
        outcome = parse_results_json(json.dumps(answer))
        got = Result(q, outcome.kind, outcome.variables, outcome.rows, outcome.boolean)
        found = compare(got, read_expected(q.expected_path()))
        if answer.get("head", {}).get("vars") is not None and "boolean" not in answer:
            expected_vars = json.loads(q.expected_path().read_text(encoding="utf-8"))["head"]["vars"]
            if answer["head"]["vars"] != expected_vars:
                found.append(f"variables in another order: {answer['head']['vars']}")
        if found:
            problems[q.name] = found
    assert problems == {}
    assert len(queries) >= 30


def test_the_page_stays_offline_and_clean(opened):
    """Nothing but the file itself and the worker's Blob URL is requested (the network is off anyway)."""
    page_url = opened.url.split("#")[0]
    assert {url.split("#")[0] for url in opened.requests if not url.startswith("blob:")} == {page_url}
    assert all(url.startswith(("blob:", "file:")) for url in opened.requests), opened.requests
    assert opened.errors == []
    assert [text for kind, text in opened.console if kind == "error"] == []
    csp = opened.js("() => document.querySelector('meta[http-equiv=Content-Security-Policy]').content")
    assert "worker-src blob:" in csp and "'wasm-unsafe-eval'" in csp and "connect-src" not in csp
    assert "default-src 'none'" in csp and "'unsafe-eval'" not in csp


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", "refused"),
        ("SELECT * FROM <http://127.0.0.1:9/g> WHERE { ?s ?p ?o }", "refused"),
        ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "refused"),
        ("SELECT * WHERE { ?s ?p ", "error"),
        ("SELECT * { " + " ".join(f"BIND({i} AS ?b{i})" for i in range(1000)) + " }", "refused"),  # a planner's
        ("ASK { " + " ".join(f"BIND({i} AS ?b{i})" for i in range(500)) + " }", "answered"),  # stack held 1 000 not
    ],
    ids=["service", "from", "update", "syntax", "parts", "parts-at-limit"],
)
def test_the_policy_of_kg_query_holds_in_the_page(opened, text, code):
    got = opened.js(
        "async (text) => { try { await kgExplorer.sparql(text); return 'answered'; } catch (e) { return e.code; } }",
        text,
    )
    assert got == code


def test_a_query_past_its_time_limit_is_stopped_and_the_next_one_runs(opened):
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    got = opened.js(
        """async (slow) => {
            let code;
            try { await kgExplorer.sparql(slow, { timeoutMs: 300 }); code = 'answered'; } catch (e) { code = e.code; }
            const after = await kgExplorer.sparql('ASK { ?s ?p ?o }');
            return [code, after.boolean];
        }""",
        slow,
    )
    assert got == ["timeout", True]


def test_the_row_limit_cuts_and_says_so(opened):
    got = opened.js("async () => kgExplorer.sparql('SELECT ?s WHERE { ?s ?p ?o }', { maxRows: 7 })")
    assert len(got["results"]["bindings"]) == 7 and got["truncated"] is True


def test_a_reader_edits_a_library_question_and_runs_it(opened):
    """cq04 chosen, its speaker typed as Tokayev, its order reversed in the editor, Run: kg query's rows, reversed."""
    expected = [str(row["statement"]) for row in query("cq04", {"speaker": "kgi:kassym-jomart-tokayev"}).rows]
    page = opened.page
    page.select_option("#sparql-question", "cq04-statements-by-speaker")
    page.fill("input[name=speaker]", "kgi:kassym-jomart-tokayev")
    text = page.input_value("#sparql-editor")
    assert "ORDER BY ?begin" in text
    page.fill("#sparql-editor", text.replace("ORDER BY ?begin", "ORDER BY DESC(?begin)"))
    page.click("#sparql-run")
    opened.wait_until("() => document.querySelector('#sparql-results, #sparql-error')")
    assert page.locator("#sparql-error").count() == 0
    rows = page.locator("#sparql-results tbody tr")
    assert rows.count() == len(expected) >= 2
    shown = [rows.nth(i).locator("button.node").first.get_attribute("data-id") for i in range(rows.count())]
    assert shown == [curie(URIRef(iri)) for iri in reversed(expected)]
    header = page.locator("#sparql-results thead").inner_text()
    assert "Statement" in header and "Occasion" in header  # the library's column names
    opened.js(
        "() => { const editor = document.getElementById('sparql-editor'); editor.scrollTop = editor.scrollHeight; }"
    )
    screenshot(page, OUTPUT / "console-cq04-edited.png")
    rows.nth(0).locator("button.node").first.click()  # a statement is a node: the button selects it in the graph
    assert opened.js("() => kgExplorer.state().selected") == shown[0]
    csv = opened.js("() => kgExplorer.sparqlCsv()")
    assert csv.splitlines()[0].startswith("statement,") and len(csv.strip().splitlines()) == len(expected) + 1


def test_a_typed_parameter_that_is_not_of_its_type_is_named_in_persian(opened):
    page = opened.page
    opened.js("() => kgExplorer.setLang('fa')")
    page.select_option("#sparql-question", "cq04-statements-by-speaker")
    page.fill("input[name=speaker]", "kgi:a b")
    page.click("#sparql-run")
    message = page.locator("#sparql-error").inner_text()
    assert "پارامتر \u2068شخص یا سازمانی که سخن گفته است\u2069" in message  # as its field is named, not `speaker`
    assert "speaker" not in message
    opened.js("() => kgExplorer.setLang('en')")


def test_a_question_of_the_questions_view_opens_in_the_console(opened):
    page = opened.page
    opened.js("() => kgExplorer.setView('questions')")
    page.locator("details[data-name='cq17-organisations-of-a-country'] summary").click()
    page.locator("button[data-sparql='cq17-organisations-of-a-country']").click()
    assert opened.js("() => kgExplorer.state().view") == "sparql"
    assert page.input_value("#sparql-question") == "cq17-organisations-of-a-country"
    assert "VALUES ?country" in page.input_value("#sparql-editor")
