"""The research site of ``kg serve`` over HTTP: question pages, downloads, the endpoint, refusals, the child's life.

The session's one real ``kg serve --port 0`` (the shipped graph; conftest.py) serves the module: started
as a subprocess, waited for against a deadline, stopped with SIGTERM at the
end, its stderr in every failure message. The browser checks are in
``test_site_browser.py``.
"""

from __future__ import annotations

import csv
import gzip
import html
import http.client
import io
import json
import os
import queue
import re
import select
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from kg.cli import main
from kg.errors import ExitCode, QueryError
from kg.publish.paths import page_path
from kg.site.editor import refuse_service
from kg.site.questions import form_fields
from kg.sparql.compare import canonical, read_expected
from kg.sparql.files import find_query
from kg.sparql.protocol import parse_results_json
from kg_serve import start_kg_serve, stop_kg_serve

FIXTURES = Path(__file__).parent / "fixtures" / "query"


def start_site(
    *args: str, env: dict[str, str] | None = None, fixed: dict[str, float] | None = None
) -> tuple[subprocess.Popen[str], str]:
    """``kg serve --port 0 ARGS`` (``fixed``: limits of its own, tests/kg_serve.py): it and its URL."""
    return start_kg_serve("--port", "0", *args, env=env, fixed=fixed)


stop = stop_kg_serve


def get(url: str, *, accept: str | None = None) -> tuple[int, str, str]:
    """Status, Content-Type and body (UTF-8) of a GET, error statuses included."""
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers["Content-Type"], response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers["Content-Type"], exc.read().decode("utf-8")


def post(url: str, body: bytes, content_type: str, accept: str = "*/*") -> tuple[int, str, str]:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": content_type, "Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers["Content-Type"], response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers["Content-Type"], exc.read().decode("utf-8")


class _Table(HTMLParser):
    """The result table of a page: header names, and per row the cells' text and first link."""

    def __init__(self) -> None:
        super().__init__()
        self.header: list[str] = []
        self.rows: list[list[tuple[str, str | None]]] = []
        self.inputs: dict[str, str] = {}
        self._in: str | None = None
        self._text = ""
        self._link: str | None = None
        self._links = 0
        self._search = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self._search = "search" in (a.get("class") or "")
        if tag == "input" and a.get("name") and not self._search:  # not the search box of every page
            self.inputs[a["name"] or ""] = a.get("value") or ""
        if tag == "tr":
            self._row: list[tuple[str, str | None]] = []
        if tag in ("th", "td"):
            self._in, self._text, self._link, self._links = tag, "", None, 0
        if tag == "a" and self._in == "td":
            self._links += 1
            if self._links == 1:
                self._link = a.get("href")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._search = False
        if tag == "th":
            self.header.append(self._text.strip())
        elif tag == "td":
            self._row.append((self._text.strip().removesuffix("◎").strip(), self._link))
        elif tag == "tr" and self._row:
            self.rows.append(self._row)
        if tag in ("th", "td"):
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in:
            self._text += data


def table_of(page: str) -> _Table:
    parser = _Table()
    parser.feed(page)
    return parser


def srj(name: str) -> tuple[list[str], list[dict]]:
    document = json.loads(find_query(name).expected_path().read_text(encoding="utf-8"))
    return document["head"]["vars"], document["results"]["bindings"]


def keys(rows) -> list:
    return sorted(tuple(sorted((k, canonical(v)) for k, v in row.items())) for row in rows)


# --------------------------------------------------------------------------- pages


@pytest.mark.server
def test_the_home_page_lists_every_question_in_english_and_persian(site):
    status, _, page = get(site)
    names = [q.stem for q in sorted(find_query("cq01").path.parent.glob("*.rq"))]
    assert status == 200
    assert re.findall(r'href="/q/([\w-]+)\?lang=en"', page) == names
    _, _, persian = get(site + "?lang=fa")
    assert '<html lang="fa" dir="rtl">' in persian
    assert find_query("cq01").question("fa") in persian
    assert "پرسش‌ها" in persian


@pytest.mark.server
def test_a_question_page_shows_its_exact_rows_with_labels_linked_to_their_iris(site):
    status, content_type, page = get(site + "q/cq01")
    assert (status, content_type) == (200, "text/html; charset=utf-8")
    table = table_of(page)
    assert table.header == ["Agreement", "Kind", "Party", "Country"], "the names of the query file's # column: lines"
    assert table_of(get(site + "q/cq01?lang=fa")[2]).header == ["سند", "نوع", "طرف", "کشور"]
    _, bindings = srj("cq01")
    expected = [
        [
            (b["agreementLabel"]["value"], "/" + page_path(b["agreement"]["value"])),
            (b["kindLabel"]["value"], None),
            (b["partyLabel"]["value"], "/" + page_path(b["party"]["value"])),
            (b["countryLabel"]["value"], None),
        ]
        for b in bindings
    ]
    assert table.rows == expected
    assert 'title="@en"' in page
    assert "@en" not in re.sub(r' title="[^"]*"', "", page)  # the language is a tooltip, not noise in the text
    assert "/explorer#lang=en&amp;node=agreement:" in page  # the explorer opens in the page's language


@pytest.mark.server
def test_literals_show_their_value_with_the_datatype_as_a_tooltip(site):
    _, _, page = get(site + "q/cq04")
    assert '<td data-label="Start offset" dir="ltr" class="number" title="xsd:integer">3667</td>' in page
    assert "^^" not in page
    _, _, page = get(site + "q/cq04?lang=fa")
    assert '<td data-label="جایگاه آغاز" dir="ltr" class="number" title="xsd:integer">۳۶۶۷</td>' in page


@pytest.mark.server
def test_csv_json_and_srj_on_the_same_url_give_the_expected_rows(site):
    variables, bindings = srj("cq01")
    expected = read_expected(find_query("cq01").expected_path())
    status, content_type, text = get(site + "q/cq01.csv?lang=en")
    assert (status, content_type) == (200, "text/csv; charset=utf-8")
    assert text.startswith("\ufeff"), "a byte-order mark, so that Excel reads the Persian as UTF-8"
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0] == variables
    assert rows[1:] == [[b[v]["value"] if v in b else "" for v in variables] for b in bindings]
    status, content_type, text = get(site + "q/cq01.json?lang=en")
    assert (status, content_type) == (200, "application/json; charset=utf-8")
    assert keys(parse_results_json(text).rows) == keys(expected.rows)
    status, content_type, srj_text = get(site + "q/cq01.srj?lang=en")
    assert (status, content_type, srj_text) == (200, "application/sparql-results+json; charset=utf-8", text)


@pytest.mark.server
def test_the_form_round_trip_keeps_the_values_in_a_shareable_url(site):
    _, _, page = get(site + "q/cq04")
    assert table_of(page).inputs == {"speaker": "kgi:ebrahim-raisi"}
    assert 'action="/q/cq04-statements-by-speaker"' in page
    url = (
        site + "q/cq04-statements-by-speaker?" + urllib.parse.urlencode({"speaker": "kgi:ebrahim-raisi", "lang": "fa"})
    )
    status, _, page = get(url)
    table = table_of(page)
    assert status == 200 and table.inputs == {"speaker": "kgi:ebrahim-raisi"}
    assert '<option value="fa" lang="fa" selected>' in page
    assert [row[2][0] for row in table.rows][:2] == ["نقل غیرمستقیم", "نقل مستقیم"]
    assert 'href="/q/cq04-statements-by-speaker.csv?speaker=kgi%3Aebrahim-raisi&amp;lang=fa"' in page
    assert 'href="/editor?q=cq04-statements-by-speaker&amp;speaker=kgi%3Aebrahim-raisi&amp;lang=fa"' in page


def test_the_form_has_an_input_of_the_right_type_for_each_parameter_type():
    q = find_query("fx07", FIXTURES / "queries")
    fields = form_fields(q, {"limit": "3"})
    assert [(f["name"], f["type"], f["input"], f["step"], f["value"]) for f in fields] == [
        ("min", "decimal", "number", "any", "1000000.0"),
        ("approximate", "boolean", "select", "", ""),
        ("limit", "integer", "number", "1", "3"),
        ("after", "date", "date", "", "2022-01-01"),
    ]
    fields = form_fields(find_query("fx06", FIXTURES / "queries"), {})
    assert [(f["name"], f["input"], f["value"]) for f in fields] == [("label", "text", "قزاقستان@fa")]


@pytest.mark.server
@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        (
            "q/cq04?speaker=nope",
            400,
            "The value ⁨nope⁩ is not accepted for ⁨the person or organisation who spoke⁩, which takes an IRI or "
            "prefixed name, e.g. kgi:iran.",
        ),
        (
            "q/cq04?speaker=nope&lang=fa",
            400,
            "مقدار ⁨nope⁩ برای ⁨شخص یا سازمانی که سخن گفته است⁩ پذیرفته نیست؛ این پارامتر نشانی (IRI) یا نام "
            "پیشونددار، مانند kgi:iran می‌گیرد.",
        ),
        ("q/cq04?speker=kgi:iran", 400, "The question has no parameter ⁨speker⁩. Its parameters: ⁨lang, speaker⁩."),
        ("q/cq04?speker=kgi:iran&lang=fa", 400, "این پرسش پارامتری به نام ⁨speker⁩ ندارد. پارامترهایش: ⁨lang, speaker⁩."),
        ("q/cq17?country=kgi:tehran", 400, "is not a kg:Country; allowed: kgi:china, kgi:iran, kgi:kazakhstan"),
        ("q/cq99", 404, "There is no question named ⁨cq99⁩."),
        ("q/cq99?lang=fa", 404, "پرسشی به نام ⁨cq99⁩ نیست."),
        ("q/cq01.xlsx", 404, "There is no download format ⁨.xlsx⁩. The formats are ⁨.csv, .json, .srj⁩."),
        ("nowhere", 404, "The graph has no resource at this address."),
        ("nowhere?lang=fa", 404, "گراف در این نشانی منبعی ندارد."),
    ],
)
def test_bad_requests_get_a_clear_message_and_no_traceback(site, path, status, message):
    got, content_type, page = get(site + path)
    assert (got, content_type) == (status, "text/html; charset=utf-8")
    assert message in page
    assert "Traceback" not in page


@pytest.mark.server
def test_untrusted_text_is_escaped_in_the_page(site):
    hostile = '<script>alert(1)</script>"'
    _, _, page = get(site + "q/cq04?" + urllib.parse.urlencode({"speaker": hostile}))
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.server
def test_the_ad_hoc_page_uses_the_same_table(site):
    query = (
        'SELECT ?c ?cLabel WHERE { VALUES ?c { kgi:kazakhstan } ?c rdfs:label ?cLabel FILTER(LANG(?cLabel) = "fa") }'
    )
    text = (
        "PREFIX kgi: <https://w3id.org/iran-kazakhstan-kg/id/>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    )
    status, _, page = post(
        site + "ad-hoc", urllib.parse.urlencode({"query": text + query}).encode(), "application/x-www-form-urlencoded"
    )
    table = table_of(page)
    assert status == 200
    assert (table.header, table.rows) == (
        ["?cLabel"],
        [[("قزاقستان", "/id/kazakhstan.html")]],
    )


@pytest.mark.server
def test_the_explorer_and_the_editor_assets_are_served_by_the_site(site):
    status, content_type, page = get(site + "explorer")
    assert (status, content_type) == (200, "text/html; charset=utf-8")
    assert "<title>" in page and "vis-network" in page
    # gzipped for a client that takes it (1.1 MB -> about a quarter), the same page
    request = urllib.request.Request(site + "explorer", headers={"Accept-Encoding": "gzip, deflate, br"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert (response.headers["Content-Encoding"], response.headers["Vary"]) == ("gzip", "Accept-Encoding")
        packed = response.read()
    assert gzip.decompress(packed).decode("utf-8") == page and len(packed) < len(page.encode()) // 3
    for name, media in (("yasgui.min.js", "text/javascript"), ("yasgui.min.css", "text/css")):
        status, content_type, body = get(site + "yasgui/" + name)
        assert (status, content_type.split(";")[0], len(body) > 10_000) == (200, media, True)
    assert get(site + "yasgui/store")[0] == 404
    status, _, prefixes = get(site + "prefixes.json")
    assert json.loads(prefixes)["kgi"] == "https://w3id.org/iran-kazakhstan-kg/id/"


def test_the_explorer_of_a_build_is_served_only_for_the_inputs_it_was_made_from(built, tmp_path):
    """kg serve served ./build/explorer.html whatever its --data and however old the page: now only a page that
    the build's record says was made from the same files by the same code."""
    from kg.build import INPUTS_FILE, built_explorer

    page = built.folder / "explorer.html"
    assert built_explorer(page, None) == page  # the shipped data, this code: the built page
    assert built_explorer(page, [FIXTURES / "mini.ttl"]) is None  # other data: rendered from it instead
    copy = tmp_path / "explorer.html"
    copy.write_bytes(page.read_bytes())
    assert built_explorer(copy, None) is None  # no record beside it
    (tmp_path / INPUTS_FILE).write_text(json.dumps({"explorer.html": "0" * 64}), encoding="utf-8")
    assert built_explorer(copy, None) is None  # an older build's (or other code's) page


# --------------------------------------------------------------------------- the endpoint


@pytest.mark.server
def test_the_endpoint_speaks_the_sparql_protocol_with_content_negotiation(site):
    query = "ASK { <https://w3id.org/iran-kazakhstan-kg/id/kazakhstan> ?p ?o }"
    status, content_type, body = get(
        site + "query?" + urllib.parse.urlencode({"query": query}), accept="application/sparql-results+json"
    )
    assert (status, content_type.split(";")[0], json.loads(body)) == (
        200,
        "application/sparql-results+json",
        {"head": {}, "boolean": True},
    )
    select_query = "SELECT (COUNT(*) AS ?n) WHERE { <https://w3id.org/iran-kazakhstan-kg/id/kazakhstan> a ?c }"
    status, content_type, body = post(site + "query", select_query.encode(), "application/sparql-query", "text/csv")
    assert (status, content_type.split(";")[0], body.splitlines()[0]) == (200, "text/csv", "n")
    form = urllib.parse.urlencode({"query": select_query}).encode()
    status, _, body = post(site + "query", form, "application/x-www-form-urlencoded", "text/csv")
    assert (status, body.splitlines()[0]) == (200, "n")


LIBRARY_FILES = sorted(Path(__file__).resolve().parents[1].joinpath("queries").glob("*.rq"))


@pytest.mark.server
@pytest.mark.parametrize("path", LIBRARY_FILES, ids=[p.stem for p in LIBRARY_FILES])
def test_sparqlwrapper_reads_every_library_file_as_is_from_the_endpoint(site, path):
    """Another tool, the Python client researchers use (SPARQLWrapper), sends the .rq file unchanged to
    kg serve's SPARQL 1.1 Protocol endpoint and gets the rows of its .srj (the store holds the RDFS
    closure, the rows are the same without it)."""
    from SPARQLWrapper import JSON, POST, SPARQLWrapper

    client = SPARQLWrapper(site + "query")
    client.setMethod(POST)
    client.setReturnFormat(JSON)
    client.setQuery(path.read_text(encoding="utf-8"))
    answer = client.query().convert()
    expected = json.loads(path.with_suffix(".srj").read_text(encoding="utf-8"))
    if "boolean" in expected:
        assert answer["boolean"] == expected["boolean"]
        return
    assert answer["head"]["vars"] == expected["head"]["vars"]
    got = parse_results_json(json.dumps(answer))
    assert keys(got.rows) == keys(read_expected(path.with_suffix(".srj")).rows)


@pytest.mark.server
@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:PORT/sparql> { ?s ?p ?o } }",
        "select * where { service <http://127.0.0.1:PORT/sparql> { ?s ?p ?o } }",
        "PREFIX ab: <http://127.0.0.1:PORT/> PREFIX SERVICEab: <http://unused.invalid/> "
        "SELECT * WHERE { SERVICEab:sparql { ?s ?p ?o } }",
        "PREFIX SERVICE: <http://127.0.0.1:PORT/> SELECT * WHERE { OPTIONAL { SERVICE:sparql { ?s ?p ?o } } }",
        "SELECT * WHERE { ?s ?p ?o .\\u0053ERVICE <http://127.0.0.1:PORT/sparql> { ?s ?p ?o } }",
    ],
    ids=["upper", "lower", "prefix-glued", "prefix-named-service", "escaped"],
)
def test_service_is_refused_by_the_endpoint_and_the_ad_hoc_page_and_nothing_is_contacted(site, tripwire, query):
    text = query.replace("PORT", str(tripwire.port))
    status, _, body = get(site + "query?" + urllib.parse.urlencode({"query": text}))
    assert (status, body.split(": ", 1)[1]) == (
        403,
        "SERVICE is refused: queries do not reach the network (--allow-external permits it)",
    )
    status, _, page = post(
        site + "ad-hoc", urllib.parse.urlencode({"query": text}).encode(), "application/x-www-form-urlencoded"
    )
    assert status == 400 and "SERVICE is refused" in page
    assert tripwire.contacted == []


def test_refuse_service_points_at_the_keyword_and_lets_names_containing_service_pass():
    with pytest.raises(QueryError) as caught:
        refuse_service("SELECT * WHERE {\n  ?s ?p ?o .\n  Service <http://x.invalid/> { } }")
    assert str(caught.value).startswith("<request>:3:3: SERVICE is refused")
    refuse_service('SELECT ?service WHERE { ?service kg:serviceOf "SERVICE" } # SERVICE')


# --------------------------------------------------------------------------- the command


@pytest.mark.parametrize("port", ["70000", "-1", "99999", "http", "1.5"])
def test_a_bad_port_is_a_usage_error(port, capsys):
    with pytest.raises(SystemExit) as caught:
        main(["serve", "--port", port])
    err = capsys.readouterr().err
    assert caught.value.code == ExitCode.USAGE
    assert err.splitlines() == [
        f"kg serve: error: argument --port: {port!r} is not a port (1–65535, or 0 for a free one)",
        "(see kg serve --help)",
    ]
    assert "Traceback" not in err


def _children(pid: int) -> list[int]:
    text = Path(f"/proc/{pid}/task/{pid}/children").read_text(encoding="utf-8")
    return [int(p) for p in text.split()]


@pytest.mark.server
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_the_oxigraph_child_dies_when_kg_serve_is_killed(tmp_path):
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    process, _ = start_site("--data", str(FIXTURES / "mini.ttl"), env=env)
    children: list[int] = []
    try:
        children = _children(process.pid)
        assert len(children) == 2, children  # the Oxigraph server, and the one where /query is tried first
        assert all(Path(f"/proc/{c}/cmdline").read_bytes().split(b"\0")[1] == b"serve-read-only" for c in children)
        watches = [os.pidfd_open(child) for child in children]
        process.kill()  # SIGKILL: kg serve gets no chance to stop the children itself
        process.wait(10)
        try:
            ended = set()
            deadline = time.monotonic() + 10
            while len(ended) < len(watches) and time.monotonic() < deadline:
                # a pidfd turns readable when its process ends
                ended |= set(select.select(watches, [], [], max(0, deadline - time.monotonic()))[0])
        finally:
            for watch in watches:
                os.close(watch)
        assert len(ended) == 2, f"oxigraph (pids {children}) outlived kg serve by 10 s"
        assert [p.name for p in tmp_path.glob("kg-oxigraph-*")] != []  # a kill -9 leaves the store ...
        process, _ = start_site("--data", str(FIXTURES / "mini.ttl"), env=env)
        assert len(list(tmp_path.glob("kg-oxigraph-*"))) == 1  # ... which the next start removes
    finally:
        stop(process)
        for child in children:
            if Path(f"/proc/{child}").exists():
                os.kill(child, signal.SIGKILL)  # do not leave it behind when the test fails
    assert list(tmp_path.glob("kg-oxigraph-*")) == []


def _oxigraph_children(pid: int) -> dict[str, int]:
    """The Oxigraph children of kg serve ``pid`` (started by any of its threads), among its forked workers, by
    role: ``main``, and ``first`` (its time limit 1 s) where /query is tried first."""
    children = [int(c) for task in Path(f"/proc/{pid}/task").iterdir() for c in (task / "children").read_text().split()]
    found = {}
    for child in children:
        command = Path(f"/proc/{child}/cmdline").read_bytes().decode().split("\0")
        if "serve-read-only" in command:
            found["first" if command[command.index("--timeout-s") + 1] == "1" else "main"] = child
    assert sorted(found) == ["first", "main"], found
    return found


def _cpu_ticks(pid: int) -> int:
    """The CPU time process ``pid`` has used (user + system, in clock ticks)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def _fake_oxigraph(folder: Path, restart: str) -> Path:
    """An ``oxigraph`` for kg serve (``KG_OXIGRAPH``): the real one at the first start of each child (KEY: ``first``
    for the one with the 1 s limit where /query is tried first, else ``main``); at a restart, after the test opens
    ``folder/gate-KEY`` (``restart="gated"``), or a broken store's error at once (``"broken"``)."""
    from kg.store_server import find_binary

    real = find_binary()
    for key in ("first", "main"):
        os.mkfifo(folder / f"gate-{key}")
    broken = 'echo "Error: the store is broken" >&2; exit 1'
    then = f'read word < "{folder}/gate-$key"' if restart == "gated" else broken
    script = folder / "oxigraph"
    script.write_text(
        f'#!/bin/sh\ncase " $* " in *" --timeout-s 1 "*) key=first;; *) key=main;; esac\n'
        f'if [ -e "{folder}/started-$key" ]; then {then}; fi\ntouch "{folder}/started-$key"\nexec "{real}" "$@"\n',
        encoding="utf-8",
    )
    script.chmod(0o755)
    return script


def _lines(stream: Any) -> queue.Queue[str]:
    """The lines of ``stream`` as they come (read in a thread), to wait for one without sleeping."""
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in stream], daemon=True).start()
    return lines


def _ask(url: str, text: str) -> tuple[int, str, str, str | None]:
    """Status, Content-Type, body and Retry-After of a SPARQL query sent by GET to ``url``."""
    request = urllib.request.Request(url + "query?" + urllib.parse.urlencode({"query": text}))
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, response.headers["Content-Type"], response.read().decode(), None
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers["Content-Type"], exc.read().decode(), exc.headers["Retry-After"]


SPARQL = "application/sparql-query"
#: A query that runs until it is stopped (the mini graph's closure, four times over itself).
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.mark.server
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("workers", [1, 2])
def test_kg_serve_restarts_oxigraph_when_it_dies_and_answers_503_meanwhile(tmp_path, workers):
    """Oxigraph killed under kg serve (its two processes, by their pids): the request it had is answered 502; what
    needs it is 503 with Retry-After (a Persian page for a Persian reader, a plain message for a SPARQL client)
    while it is started again on the same store; the rest goes on; then 200; and kg serve still ends cleanly."""
    env = {**os.environ, "TMPDIR": str(tmp_path), "KG_OXIGRAPH": str(_fake_oxigraph(tmp_path, "gated"))}
    # the connection kept for the end idles through the restart: seconds on a loaded machine, past the production
    # SERVE_IDLE_TIMEOUT (5 s) that closed it once (RemoteDisconnected at its last request)
    idle = {"SERVE_IDLE_TIMEOUT": 120}
    process, url = start_site("--data", str(FIXTURES / "mini.ttl"), "--workers", str(workers), env=env, fixed=idle)
    said = _lines(process.stderr)
    try:
        asked = "/query?" + urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"})
        kept = http.client.HTTPConnection(urllib.parse.urlsplit(url).netloc, timeout=60)  # one worker's
        kept.request("GET", asked)
        assert kept.getresponse().read() == b'{"head":{},"boolean":true}'
        children = _oxigraph_children(process.pid)
        before = sum(_cpu_ticks(child) for child in children.values())
        endless: list[tuple[int, str, str]] = []  # POSTed: the proxy's client retries no POST on a new connection
        thread = threading.Thread(target=lambda: endless.append(post(url + "query", ENDLESS.encode(), SPARQL)))
        thread.start()
        deadline = time.monotonic() + 60
        while (
            sum(_cpu_ticks(child) for child in children.values()) < before + 20
            and thread.is_alive()
            and time.monotonic() < deadline
        ):
            time.sleep(0.01)  # polling: Oxigraph runs the query once it has used 0.2 s of CPU more (idle, it uses none)
        for child in children.values():
            os.kill(child, signal.SIGKILL)
        thread.join(60)
        status, media, body = endless[0]
        assert (status, media) == (502, "text/plain; charset=utf-8")
        assert body == "the SPARQL server behind kg serve stopped while it answered this query; it is being restarted"
        assert {said.get(timeout=60), said.get(timeout=60)} == {
            f"kg serve: the {name}oxigraph server stopped with signal 9 (SIGKILL); restarting it on the same store\n"
            for name in ("", "first-try ")
        }
        # the restarted Oxigraph waits at the gate: every worker answers what needs it with 503
        for n in range(4):
            status, media, body, retry = _ask(url, f"ASK {{ FILTER({n} = {n}) }}")
            assert (status, media, retry) == (503, "text/plain; charset=utf-8", "1")
            assert body == "the SPARQL server behind kg serve stopped and is restarting; try again in 1 s"
        status, _, page = get(url + "q/cq01?lang=fa")
        assert status == 503 and '<html lang="fa" dir="rtl">' in page
        assert "سرور SPARQL پشت سایت از کار افتاد و دوباره راه می‌افتد. ۱ ثانیه دیگر دوباره امتحان کنید." in page
        status, media, body = get(url + "q/cq01.csv")
        assert (status, media) == (503, "text/plain; charset=utf-8") and "Try again in 1 s" in body
        status, _, page = post(url + "ad-hoc", b"query=ASK+%7B%7D", "application/x-www-form-urlencoded")
        assert status == 503 and "is starting again" in page
        kept.request("GET", asked)  # answered before by this connection's worker: from its cache
        answer = kept.getresponse()
        assert (answer.status, answer.read()) == (200, b'{"head":{},"boolean":true}')
        kept.close()
        assert get(url)[0] == 200  # the question list needs no Oxigraph
        for key in ("first", "main"):
            (tmp_path / f"gate-{key}").write_text("go\n", encoding="utf-8")  # opens the FIFO: the restart goes on
        again = sorted(said.get(timeout=60).split(" answers again (")[0] for _ in range(2))
        assert again == ["kg serve: the first-try oxigraph server", "kg serve: the oxigraph server"]
        for n in range(4):
            assert _ask(url, f"ASK {{ FILTER({n} = {n}) }}")[:3] == (200, "application/sparql-results+json",
                                                                   '{"head":{},"boolean":true}')  # fmt: skip
        assert get(url + "q/cq01?lang=fa")[0] == 200
        restarted = _oxigraph_children(process.pid)
        assert set(restarted.values()).isdisjoint(children.values())
        process.send_signal(signal.SIGTERM)
        stdout, _ = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0 and stdout.strip().endswith("stopped")
    assert not any(Path(f"/proc/{pid}").exists() for pid in restarted.values())
    assert list(tmp_path.glob("kg-oxigraph-*")) == []
    assert said.empty()  # no other line: no traceback


#: The restarts kg serve tries before it gives up, in test_kg_serve_gives_up_when_oxigraph_cannot_be_restarted.
RESTARTS = 3


@pytest.mark.server
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_kg_serve_gives_up_when_oxigraph_cannot_be_restarted(tmp_path):
    """After kg.limits.SERVE_RESTARTS failed starts (here :data:`RESTARTS`, 5 in production: the pauses between
    them double, 0.1 to 0.8 s) within the window."""
    env = {**os.environ, "TMPDIR": str(tmp_path), "KG_OXIGRAPH": str(_fake_oxigraph(tmp_path, "broken"))}
    process, _ = start_site("--data", str(FIXTURES / "mini.ttl"), env=env, fixed={"SERVE_RESTARTS": RESTARTS})
    try:
        os.kill(_oxigraph_children(process.pid)["main"], signal.SIGKILL)  # the main one; the first try's is left
        _, stderr = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
    lines = stderr.splitlines()
    assert process.returncode == ExitCode.SERVER
    assert lines[0] == "kg serve: the oxigraph server stopped with signal 9 (SIGKILL); restarting it on the same store"
    assert lines[1] == (
        "kg serve: the restarted oxigraph server did not come up: the oxigraph server exited with code 1: Error: the "
        "store is broken"
    )
    assert lines[2] == (
        "kg serve: the oxigraph server stopped with code 1 (Error: the store is broken); restarting it on the same "
        "store"
    )
    assert lines[-1] == (
        f"kg serve: error: the oxigraph server could not be started again, {RESTARTS} times within 60 s: kg serve "
        "gives up (the oxigraph server exited with code 1: Error: the store is broken)"
    )
    assert len(lines) == 2 * RESTARTS + 1  # a line for each of the deaths and each failed start, then the error
    assert "Traceback" not in stderr and list(tmp_path.glob("kg-oxigraph-*")) == []


@pytest.mark.server
@pytest.mark.parametrize(
    ("text", "said"),
    [
        (
            "SELECT * WHERE { ?a kg:party ?b }",
            "line 1, column 21: The prefix kg: is not declared. Add this line at the top of the query: "
            "PREFIX kg: <https://w3id.org/iran-kazakhstan-kg/ontology#>\n",
        ),
        (
            "SELECT * WHERE { ?s ?p ?o FILTER(?o = 1 }",
            "line 1, column 41: The parenthesis ( opened at line 1, column 33 is closed by } at line 1, column 41: "
            "close it with ) first.\n",
        ),
        (
            "SELECT * WHERE { ?s ?p ?o } LIMT 3",
            "line 1, column 29: The query cannot be read from line 1, column 29: LIMT is not expected there. "
            "Check the word or sign just before it.\n",
        ),
    ],
)
def test_the_protocol_endpoint_answers_a_mistake_with_a_short_400_in_words(site, text, said):
    """/query without PREFIX lines gave Oxigraph's raw 484-byte parser dump."""
    status, content_type, body = get(site + "query?" + urllib.parse.urlencode({"query": text}))
    assert (status, content_type, body) == (400, "text/plain; charset=utf-8", said)


@pytest.mark.server
@pytest.mark.parametrize("lang", ["en", "fa"])
def test_the_ad_hoc_page_keeps_a_wrong_query_in_its_box_with_the_place_marked(site, lang):
    """/ad-hoc showed `<-e>:2:24`, dropped the query box, and opened as an empty box."""
    text = "SELECT * WHERE {\n  ?s foaf:name ?o FILTER(?o = 1 }"
    status, _, page = get(site + "ad-hoc?" + urllib.parse.urlencode({"query": text, "lang": lang}))
    assert status == 400
    assert f">{html.escape(text, quote=False)}</textarea>" in page
    assert page.count("<mark>") == 3, "the undeclared prefix, where ( opened, and the } that closes it"
    assert "&lt;-e&gt;" not in page and "GROUP_CONCAT" not in page
    expected = {"en": "The prefix foaf: is not declared", "fa": "پیشوند \u2066foaf:\u2069 تعریف نشده است"}[lang]
    assert expected in page
    _, _, empty = get(site + f"ad-hoc?lang={lang}")
    assert "?agreement a kg:Agreement" in empty and "<dt><code>kgi:</code></dt>" in empty
    assert f'LANG(?agreementLabel) = "{lang}"' in html.unescape(empty)
