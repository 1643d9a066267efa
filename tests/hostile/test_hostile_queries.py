"""Hostile queries and parameters: no way to the network, to local files or to an update; bounded memory and rows.

SECURITY.md, "Queries and parameters". Every case runs ``kg query`` in-process
(the query itself runs in a forked child) and asserts the exit code, the message
with its position, that stdout is empty, and that a loopback tripwire on a free
port was never contacted.
"""

from __future__ import annotations

import re
import resource

import pytest

from kg.cli import main
from kg.errors import ExitCode

SERVICE = "SERVICE is refused: queries do not reach the network (--allow-external permits it)"
FROM = "FROM and FROM NAMED are refused: queries do not load remote or file: graphs (--allow-external permits it)"


def kg_query(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["query", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


#: Each way of writing SERVICE towards {url}: (text, line:column of the SERVICE Oxigraph would read).
SERVICE_BYPASSES = {
    "glued-prefix": ("PREFIX ab: <{url}> PREFIX SERVICEab: <http://unused.invalid/>\n"
                     "SELECT * WHERE { SERVICEab:sparql { ?s ?p ?o } }", "2:18"),
    "prefix-named-service": ("PREFIX SERVICE: <{url}>\n"
                             "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE:sparql { ?s ?p ?o } } }", "2:38"),
    "escaped-S": ("SELECT * WHERE { \\u0053ERVICE <{url}sparql> { ?s ?p ?o } }", "1:18"),
    "escaped-all-lower": ("SELECT * WHERE { \\u0073\\u0065rvice <{url}sparql> { ?s ?p ?o } }", "1:18"),
    "mixed-case": ("SELECT * WHERE {\n  SeRvIcE <{url}sparql> { ?s ?p ?o } }", "2:3"),
    "comment-inside": ("SELECT * WHERE { SERVICE # not here\n <{url}sparql> { ?s ?p ?o } }", "1:18"),
    "silent-variable": ("SELECT * WHERE { BIND(<{url}> AS ?e)\n SERVICE SILENT ?e { ?s ?p ?o } }", "2:2"),
    "relative-to-base": ("BASE <{url}>\nSELECT * WHERE { SERVICE <sparql> { ?s ?p ?o } }", "2:18"),
    "in-minus": ("SELECT * WHERE { ?s ?p ?o MINUS { SERVICE <{url}> { ?s ?p ?o } } }", "1:35"),
    "in-not-exists": ("SELECT * WHERE { ?s ?p ?o FILTER NOT EXISTS { SERVICE <{url}> { ?s ?p ?o } } }", "1:47"),
    "in-union": ("SELECT * WHERE { { ?s ?p ?o } UNION { SERVICE <{url}> { ?s ?p ?o } } }", "1:39"),
    "in-subquery": ("SELECT * WHERE { { SELECT ?s WHERE { SERVICE <{url}> { ?s ?p ?o } } } }", "1:38"),
    "in-graph": ("SELECT * WHERE { GRAPH ?g { SERVICE <{url}> { ?s ?p ?o } } }", "1:29"),
    "in-ask": ("ASK { SERVICE <{url}> { ?s ?p ?o } }", "1:7"),
    "in-construct": ("CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <{url}> { ?s ?p ?o } }", "1:32"),
    "in-describe": ("DESCRIBE ?s WHERE { SERVICE <{url}> { ?s ?p ?o } }", "1:21"),
    "deeply-nested": ("SELECT * WHERE { OPTIONAL { { SELECT * WHERE { FILTER EXISTS { MINUS { "
                      "SERVICE <{url}> { ?s ?p ?o } } } } } } }", "1:72"),
}  # fmt: skip


@pytest.mark.parametrize("case", SERVICE_BYPASSES)
def test_no_spelling_of_service_reaches_the_tripwire(capsys, tripwire, case):
    template, where = SERVICE_BYPASSES[case]
    text = template.replace("{url}", tripwire.url)
    code, out, err = kg_query(capsys, "-e", text, "--timeout", "10")
    assert (code, out, err) == (ExitCode.QUERY, "", f"kg query: error: <-e>:{where}: {SERVICE}\n")


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_the_refusal_holds_on_both_engines_and_in_a_query_file(tmp_path, capsys, tripwire, engine):
    path = tmp_path / "sneaky.rq"
    path.write_text(
        f"# title: looks harmless\nPREFIX SERVICE: <{tripwire.url}>\n"
        "SELECT * WHERE {\n  SERVICE:x { ?s ?p ?o }\n}\n",
        encoding="utf-8",
    )
    code, out, err = kg_query(capsys, str(path), "--engine", engine)
    assert (code, out, err) == (ExitCode.QUERY, "", f"kg query: error: {path}:4:3: {SERVICE}\n")


# --------------------------------------------------------------------------- FROM: no local file is read

FROMS = {
    "from": "SELECT ?o FROM <{file}> WHERE {{ ?s ?p ?o }}",
    "from-named": "SELECT ?o FROM NAMED <{file}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    "escaped-from": "SELECT ?o \\u0046ROM <{file}> WHERE {{ ?s ?p ?o }}",
    "construct-from": "CONSTRUCT {{ ?s ?p ?o }} FROM <{file}> WHERE {{ ?s ?p ?o }}",
    "ask-from-named": "ASK FROM NAMED <{file}> {{ GRAPH ?g {{ ?s ?p ?o }} }}",
}


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
@pytest.mark.parametrize("case", FROMS)
def test_from_never_reads_a_local_file(tmp_path, capsys, case, engine):
    secret = tmp_path / "secret.nt"
    secret.write_text('<urn:s> <urn:p> "TOP-SECRET-LOCAL" .\n', encoding="utf-8")
    text = FROMS[case].format(file=secret.as_uri())
    code, out, err = kg_query(capsys, "-e", text, "--engine", engine)
    assert code == ExitCode.QUERY
    assert out == ""
    assert re.fullmatch(rf"kg query: error: <-e>:1:\d+: {re.escape(FROM)}\n", err), err
    assert "TOP-SECRET" not in out + err


# --------------------------------------------------------------------------- SPARQL Update, in every form

UPDATES = {
    "DROP": "DROP ALL",
    "CLEAR": "CLEAR DEFAULT",
    "LOAD": "LOAD <file:///etc/passwd>",
    "CREATE": "CREATE GRAPH <urn:g>",
    "DELETE": "DELETE WHERE { ?s ?p ?o }",
    "INSERT": "INSERT { <urn:a> <urn:b> <urn:c> } WHERE {}",
    "COPY": "COPY DEFAULT TO <urn:g>",
    "MOVE": "MOVE DEFAULT TO <urn:g>",
    "ADD": "ADD DEFAULT TO <urn:g>",
    "WITH": "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
}


@pytest.mark.parametrize("form", UPDATES)
def test_every_form_of_update_is_refused(capsys, form):
    code, out, err = kg_query(capsys, "-e", "PREFIX x: <urn:x#>\n" + UPDATES[form])
    assert (code, out, err) == (
        ExitCode.QUERY,
        "",
        f"kg query: error: <-e>:2:1: SPARQL Update ({form}) is refused: kg query only reads "
        "(kg push uploads data to a server)\n",
    )


def test_a_query_followed_by_an_update_is_not_a_query(capsys):
    code, out, err = kg_query(capsys, "-e", "SELECT * WHERE { ?s ?p ?o } ; DROP ALL")
    assert (code, out, err) == (
        ExitCode.QUERY,
        "",
        "kg query: error: <-e>:1:31: SPARQL Update (DROP) is refused: kg query only reads\n",
    )


# --------------------------------------------------------------------------- parameters are terms, never text


@pytest.mark.parametrize(
    "value",
    ['"x" } ; DROP ALL ; #', '"en" } } UNION { ?s ?p ?o } #', 'en" . } SERVICE <http://127.0.0.1:9/> { ?s ?p ?o'],
    ids=["drop-all", "union-everything", "service"],
)
def test_a_string_parameter_is_one_literal_whatever_it_holds(capsys, value):
    code, out, err = kg_query(capsys, "cq04", "--param", f"lang={value}", "--format", "tsv")
    # the whole value is one language string that no row has: nothing matched, nothing run
    assert (code, err) == (ExitCode.NOT_CONFORMING, "")
    assert out == "?statement\t?occasionLabel\t?modeLabel\t?text\t?gloss\t?begin\n"
    code, shown, err = kg_query(capsys, "cq04", "--param", f"lang={value}", "--show")
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    assert (code, err) == (ExitCode.OK, "")
    assert f'  VALUES ?lang {{ "{escaped}" }}\n' in shown


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("<http://a> . ?s ?p ?o", "is not a prefixed name or <IRI>"),
        ("http://a> . ?s ?p ?o <x", "is not a prefixed name or <IRI>"),
        ("kgi:a> } ; DROP ALL ; #", "is not a prefixed name or <IRI>"),
        ("<http://a> } SERVICE <http://b/>", "is not an absolute IRI"),
    ],
    ids=["triple", "closing-bracket", "drop-all", "service"],
)
def test_an_iri_parameter_that_is_not_one_iri_is_refused(capsys, value, reason):
    code, out, err = kg_query(capsys, "cq04", "--param", f"speaker={value}")
    assert (code, out, err) == (
        ExitCode.USAGE,  # a bad value is bad input, like an unknown parameter name
        "",
        f"kg query: error: queries/cq04-statements-by-speaker.rq: parameter 'speaker' (iri): {value!r} {reason}\n",
    )


# --------------------------------------------------------------------------- memory and rows

#: Doubles a string 30 times with REPLACE (16 B → 16 GiB): another road to the ceiling than CONCAT.
DOUBLING = (
    'SELECT (STRLEN(?v30) AS ?n) WHERE { BIND ("0123456789abcdef" AS ?v0) '
    + " ".join(f'BIND (REPLACE(?v{i}, "^(.*)$", "$1$1") AS ?v{i + 1})' for i in range(30))
    + " }"
)
CEILING_MB = 64


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_a_query_past_its_memory_ceiling_stops_with_exit_4_and_its_measured_peak(capsys, engine):
    code, out, err = kg_query(
        capsys, "-e", DOUBLING, "--engine", engine, "--max-memory", str(CEILING_MB), "--timeout", "30"
    )
    assert (code, out) == (ExitCode.TIMEOUT, ""), err
    match = re.fullmatch(
        rf"kg query: error: <-e>: the query was stopped at its memory ceiling of {CEILING_MB} MB \(see --max-memory\); "
        r"the query process's peak resident memory was (\d+) MB\n",
        err,
    )
    assert match, err
    # the ceiling counts address space added after the start (the graph, the libraries and pytest are below it)
    assert int(match.group(1)) < CEILING_MB + 400


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_max_rows_cuts_a_cross_product_of_millions_at_once(capsys, engine):
    code, out, err = kg_query(
        capsys, "-e", "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }", "--engine", engine, "--entailment", "none",
        "--max-rows", "7", "--format", "tsv", "--timeout", "20",
    )  # fmt: skip
    assert (code, err) == (ExitCode.OK, "kg query: the result was cut at 7 rows (--max-rows)\n")
    assert len(out.splitlines()) == 1 + 7


# --------------------------------------------------------------------------- nesting the parsers cannot read

TOO_DEEP = (
    "the query nests more than 1000 levels deep ({, ( and [ inside each other, operators chained), "
    "more than the parsers can read"
)
NESTED = {
    "groups": ("SELECT * WHERE " + "{" * 50_000 + "}" * 50_000, "1:1016"),
    "parentheses": ("SELECT * WHERE { FILTER(" + "(" * 50_000 + "1" + ")" * 50_000 + ") }", "1:1023"),
    "inside-what-looks-like-an-iri": ("ASK { FILTER(?a<" + "(" * 50_000 + "1" + ")" * 50_000 + ">?b) }", "1:1015"),
    "blank-node-brackets": ("ASK { ?s ?p " + "[ ?p " * 50_000 + "1" + " ]" * 50_000 + " }", "1:5008"),
}


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
@pytest.mark.parametrize("case", NESTED)
def test_nesting_that_would_crash_the_parser_is_a_query_error_at_its_bracket(capsys, case, engine):
    text, where = NESTED[case]
    code, out, err = kg_query(capsys, "-e", text, "--engine", engine)
    assert (code, out, err) == (ExitCode.QUERY, "", f"kg query: error: <-e>:{where}: {TOO_DEEP}\n")


def test_a_thousand_levels_are_still_read(capsys):
    text = "ASK { " + "{ " * 999 + "}" * 999 + " }"
    assert kg_query(capsys, "-e", text) == (ExitCode.OK, "true\n", "")


@pytest.mark.slow  # a 1 MB query
@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_the_time_limit_covers_the_checks_of_a_huge_query(tmp_path, kg, engine):
    """A 1 MB VALUES query: its policy check (rdflib's parse: over 10 s; of 5 MB, over 60 s) ran before --timeout
    started. Now the checks run in the query process, on the clock: exit 4 at the limit, on both engines.

    The query's answer also needs far more than the limit on any machine (its VALUES block times three
    copies of every triple of the article), so the limit is what ends it however fast the checks are on
    an idle machine (Oxigraph's own parse of 5 MB takes well under 1 s there).

    ``kg query`` runs as a program here, not in the test's process: reading the file leaves some 140 MB
    of the test's process in use after it (its 120 000 tokens), which every later fork of it would copy. 1 MB, not
    the 5 MB this test once sent: the 5 MB took 3 s of CPU per engine to read, before the limit's clock starts."""
    values = " ".join(f'"v{i}"' for i in range(120_000))
    path = tmp_path / "huge.rq"
    endless = "?s1 ?p1 ?o1 . ?s2 ?p2 ?o2 . ?s3 ?p3 ?o3"
    path.write_text(f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?x {{ {values} }} {endless} }}\n", encoding="utf-8")
    assert path.stat().st_size > 1_000_000
    before = _cpu_seconds()
    done = kg("query", str(path), "--engine", engine, "--timeout", "0.5")
    code, out, err = done.returncode, done.stdout, done.stderr
    assert (code, out) == (ExitCode.TIMEOUT, "")
    assert "stopped after 0.5 s" in err
    # The work done, not the time taken (which a loaded machine stretches): stopped at 0.5 s, the checks never
    # got through the file; off the clock they would have (rdflib's parse alone: over 60 s of CPU).
    assert _cpu_seconds() - before < 20


def _cpu_seconds() -> float:
    """CPU seconds used so far by this process and its children that have ended (``kg query`` and its query child)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
