"""kg query and kg queries on the command line: formats, parameters, refusals, limits, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph

from conftest import TEST_TIME_LIMIT
from kg import resources
from kg.errors import ExitCode
from kg.export import write_jsonld
from kg.namespaces import ID, RDFS
from kg.sparql.compare import read_expected
from kg.sparql.files import find_query, read_query

FIXTURES = Path(__file__).parent / "fixtures" / "query"
MINI = str(FIXTURES / "mini.ttl")
AGREEMENTS = str(FIXTURES / "queries" / "fx01-agreements.rq")
NEIGHBOURS = str(FIXTURES / "queries" / "fx03-neighbours.rq")
LABELS_OF = str(FIXTURES / "queries" / "fx05-labels-of.rq")
AGREEMENT = "https://w3id.org/iran-kazakhstan-kg/id/agreement/"
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
SHIPPED = sorted(p.stem for p in resources.queries_dir().glob("*.rq"))


@pytest.fixture
def run(run_kg):
    """Run ``kg ARGS`` in this process; the exit code, stdout and stderr (conftest's ``run_kg``)."""
    return run_kg


def on_fixture(*args: str) -> tuple[str, ...]:
    return (*args, "--data", MINI)


# --------------------------------------------------------------------------- formats


def test_csv_is_sparql_csv(run):
    code, out, _ = run(*on_fixture("query", AGREEMENTS, "--format", "csv"))
    assert code == ExitCode.OK
    assert out == (
        "agreement,agreementLabel,kindLabel,partyLabel\r\n"
        f"{AGREEMENT}cultural-exchange-programme,Cultural exchange programme,programme,"
        "Ministry of Culture and Sports of Kazakhstan\r\n"
        f"{AGREEMENT}railway-mou,Railway cooperation MoU,memorandum of understanding,Kazakhstan Temir Zholy\r\n"
    )


def test_tsv_is_sparql_tsv(run):
    code, out, _ = run(*on_fixture("query", AGREEMENTS, "--format", "tsv", "--lang", "fa"))
    assert code == ExitCode.OK
    assert out == (
        "?agreement\t?agreementLabel\t?kindLabel\t?partyLabel\n"
        f'<{AGREEMENT}cultural-exchange-programme>\t"برنامهٔ مبادلات فرهنگی"@fa\t"برنامه"@fa\t'
        '"وزارت فرهنگ و ورزش قزاقستان"@fa\n'
        f'<{AGREEMENT}railway-mou>\t"یادداشت تفاهم همکاری راه‌آهن"@fa\t"یادداشت تفاهم"@fa\t'
        '"شرکت سهامی راه‌آهن ملی قزاقستان"@fa\n'
    )


def test_json_is_sparql_json_with_persian_unescaped(run):
    code, out, _ = run(*on_fixture("query", AGREEMENTS, "--format", "json", "--lang", "fa"))
    assert code == ExitCode.OK
    assert "یادداشت تفاهم همکاری راه‌آهن" in out
    document = json.loads(out)
    assert document["head"] == {"vars": ["agreement", "agreementLabel", "kindLabel", "partyLabel"]}
    assert document["results"]["bindings"][1] == {
        "agreement": {"type": "uri", "value": f"{AGREEMENT}railway-mou"},
        "agreementLabel": {"type": "literal", "value": "یادداشت تفاهم همکاری راه‌آهن", "xml:lang": "fa"},
        "kindLabel": {"type": "literal", "value": "یادداشت تفاهم", "xml:lang": "fa"},
        "partyLabel": {"type": "literal", "value": "شرکت سهامی راه‌آهن ملی قزاقستان", "xml:lang": "fa"},
    }


def test_json_keeps_typed_literals_and_ask_is_a_boolean(run):
    code, out, _ = run(
        *on_fixture("query", "-e", "SELECT ?v WHERE { ?f kg:unit kgc:tonne ; schema:value ?v }", "--format", "json")
    )
    assert (code, json.loads(out)["results"]["bindings"]) == (
        ExitCode.OK,
        [{"v": {"type": "literal", "value": "770000", "datatype": "http://www.w3.org/2001/XMLSchema#integer"}}],
    )
    code, out, _ = run(*on_fixture("query", NEIGHBOURS, "--format", "json"))
    assert (code, json.loads(out)) == (ExitCode.OK, {"head": {}, "boolean": True})


def test_md_is_a_table_with_linked_iris(run):
    code, out, _ = run(*on_fixture("query", AGREEMENTS, "--format", "md"))
    assert code == ExitCode.OK
    assert out.splitlines() == [
        "| agreement | agreementLabel | kindLabel | partyLabel |",
        "|---|---|---|---|",
        f"| [Cultural exchange programme](<{AGREEMENT}cultural-exchange-programme>) | Cultural exchange programme "
        "| programme | Ministry of Culture and Sports of Kazakhstan |",
        f"| [Railway cooperation MoU](<{AGREEMENT}railway-mou>) | Railway cooperation MoU "
        "| memorandum of understanding | Kazakhstan Temir Zholy |",
    ]


def test_the_table_shows_labels_or_prefixed_names(run):
    code, out, _ = run(*on_fixture("query", AGREEMENTS, "--iris"))
    assert code == ExitCode.OK
    assert out.splitlines() == [
        "?agreement                             ?agreementLabel              ?kindLabel                   ?partyLabel",
        "-------------------------------------  ---------------------------  ---------------------------  "
        "--------------------------------------------",
        "agreement:cultural-exchange-programme  Cultural exchange programme  programme                    "
        "Ministry of Culture and Sports of Kazakhstan",
        "agreement:railway-mou                  Railway cooperation MoU      memorandum of understanding  "
        "Kazakhstan Temir Zholy",
        "(2 rows)",
    ]


@pytest.mark.parametrize(
    ("lang", "named"), [("en", ["label", "same as", "Kazakhstan"]), ("fa", ["برچسب", "یکسان با", "قزاقستان"])]
)
def test_the_table_names_a_standard_term_in_the_language_asked_for(run, lang, named):
    """A standard property or class in a table cell is named as the site names it (rdfs:label is «برچسب» in
    Persian, "label" in English), the graph's own IRIs by their labels; the prefixed name with --iris."""
    text = "SELECT ?property WHERE { VALUES ?property { rdfs:label owl:sameAs kgi:kazakhstan } }"
    code, out, _ = run("query", "-e", text, "--lang", lang, "--no-cache")
    assert code == ExitCode.OK
    cells = [line.strip().strip("\u2067\u2066\u2069") for line in out.splitlines()[2:-1]]
    assert cells == named
    code, out, _ = run("query", "-e", text, "--lang", lang, "--iris", "--no-cache")
    assert [line.strip() for line in out.splitlines()[2:-1]] == ["rdfs:label", "owl:sameAs", "kgi:kazakhstan"]


def test_the_table_isolates_and_right_aligns_persian(run):
    code, out, _ = run(*on_fixture("query", AGREEMENTS, "--lang", "fa", "--param", "country=kgi:iran"))
    assert code == ExitCode.OK
    lines = out.splitlines()
    rli, pdi = "\u2067", "\u2069"
    assert lines[2].startswith(f"      {rli}برنامهٔ مبادلات فرهنگی{pdi}  ")
    assert lines[3].endswith(f"{rli}راه‌آهن ایران{pdi}")
    assert lines[3].startswith(f"{rli}یادداشت تفاهم همکاری راه‌آهن{pdi}  ")
    assert lines[-1] == "(۲ سطر)"  # the table's own words in the language asked for


def test_a_graph_prints_as_turtle_or_another_rdf_format(run):
    code, out, _ = run(*on_fixture("query", LABELS_OF))
    assert code == ExitCode.OK
    assert 'kgi:kazakhstan rdfs:label "Kazakhstan"@en , "قزاقستان"@fa .' in out  # kg.writers' Turtle normal form
    code, out, _ = run(*on_fixture("query", LABELS_OF, "--format", "nt", "--param", "entity=kgi:iran"))
    assert out == (
        '<https://w3id.org/iran-kazakhstan-kg/id/iran> <http://www.w3.org/2000/01/rdf-schema#label> "Iran"@en .\n'
        '<https://w3id.org/iran-kazakhstan-kg/id/iran> <http://www.w3.org/2000/01/rdf-schema#label> "ایران"@fa .\n'
    )
    code, out, _ = run(*on_fixture("query", LABELS_OF, "--format", "json"))
    assert {v["@value"] for v in json.loads(out)["@graph"][0]["rdfs:label"]} == {"Kazakhstan", "قزاقستان"}


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")  # rdflib's JSON-LD parser
def test_json_ld_of_a_graph_comes_from_the_exporter_with_a_context_and_round_trips(run, graph):
    """CONSTRUCT as JSON-LD is kg.export's writer (compact @context of the project prefixes), not rdflib's."""
    code, out, _ = run("query", "-e", "CONSTRUCT WHERE { kgi:kazakhstan rdfs:label ?l }", "--format", "json-ld")
    assert code == ExitCode.OK
    document = json.loads(out)
    assert document["@context"]["kgi"] == str(ID)
    assert document["@graph"][0]["@id"] == "kgi:kazakhstan"
    back = Graph().parse(data=out, format="json-ld")
    assert set(back) == set(graph.triples((ID["kazakhstan"], RDFS.label, None)))
    assert out == write_jsonld(back), "query output and export agree byte for byte"


@pytest.mark.parametrize(
    ("query", "fmt", "message"),
    [
        (
            LABELS_OF,
            "csv",
            "--format csv is for SELECT and ASK results; a graph (CONSTRUCT, DESCRIBE) can be "
            "turtle, nt, nquads, trig, jsonld, xml",
        ),
        (
            AGREEMENTS,
            "turtle",
            "--format turtle is for graphs; SELECT and ASK results can be table, csv, tsv, json, md",
        ),
    ],
)
def test_a_format_that_does_not_fit_the_result_is_a_usage_error(run, query, fmt, message):
    assert run(*on_fixture("query", query, "--format", fmt)) == (ExitCode.USAGE, "", f"kg query: error: {message}\n")


# --------------------------------------------------------------------------- exit codes and parameters


def test_ask_exits_0_when_true_and_1_when_false(run):
    assert run(*on_fixture("query", NEIGHBOURS)) == (ExitCode.OK, "true\n", "")
    assert run(*on_fixture("query", NEIGHBOURS, "--param", "b=kgi:tehran")) == (ExitCode.NOT_CONFORMING, "false\n", "")


def test_no_rows_exits_1(run):
    code, out, _ = run(*on_fixture("query", AGREEMENTS, "--param", "country=kgi:tehran", "--format", "csv"))
    assert (code, out) == (ExitCode.NOT_CONFORMING, "agreement,agreementLabel,kindLabel,partyLabel\r\n")


def test_a_string_that_tries_to_inject_sparql_is_only_a_string(run):
    injected = 'en") || true || ("'
    code, out, err = run(*on_fixture("query", AGREEMENTS, "--param", f"lang={injected}", "--format", "csv"))
    assert (code, out, err) == (ExitCode.NOT_CONFORMING, "agreement,agreementLabel,kindLabel,partyLabel\r\n", "")


def test_an_iri_that_tries_to_inject_sparql_is_refused(run):
    code, out, err = run(*on_fixture("query", AGREEMENTS, "--param", "country=kgi:iran> } UNION { ?s ?p ?o } #"))
    assert (code, out) == (ExitCode.USAGE, "")
    assert err == (
        f"kg query: error: {read_query(AGREEMENTS).where}: parameter 'country' (iri): "
        "'kgi:iran> } UNION { ?s ?p ?o } #' is not a prefixed name or <IRI>\n"
    )


@pytest.mark.parametrize(
    ("param", "message"),
    [
        ("country=Kazakhstan", "parameter 'country' (iri): 'Kazakhstan' is not a prefixed name or <IRI>"),
        ("lang", "--param takes NAME=VALUE, not 'lang'"),
        ("colour=red", "unknown parameter 'colour'; did you mean 'country'? (parameters: lang, country)"),
    ],
)
def test_bad_parameters_are_named(run, param, message):
    code, _, err = run(*on_fixture("query", AGREEMENTS, "--param", param))
    assert code in (ExitCode.QUERY, ExitCode.USAGE)
    assert err.endswith(f"{message}\n")


def test_lang_fills_the_lang_parameter(run):
    code, out, _ = run(*on_fixture("query", AGREEMENTS, "--lang", "fa", "--format", "csv"))
    assert code == ExitCode.OK
    assert out.splitlines()[1].endswith(",برنامهٔ مبادلات فرهنگی,برنامه,وزارت فرهنگ و ورزش قزاقستان")


def test_a_query_name_or_e_is_required_but_not_both(run):
    message = "kg query: error: give either a query NAME or FILE, or -e 'SPARQL'\n"
    assert run("query") == (ExitCode.USAGE, "", message)
    assert run("query", AGREEMENTS, "-e", "ASK {}") == (ExitCode.USAGE, "", message)


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_a_query_past_its_time_limit_exits_4(run, engine):
    code, out, err = run(*on_fixture("query", "-e", ENDLESS, "--timeout", "0.25", "--engine", engine))
    assert (code, out) == (ExitCode.TIMEOUT, "")  # the query never ends: a short limit proves as much as a long one
    assert err == "kg query: error: <-e>: the query was stopped after 0.25 s (time limit; see --timeout)\n"


def test_rows_past_the_cap_are_cut_with_a_notice(run):
    code, out, err = run(
        *on_fixture("query", "-e", "SELECT ?s ?p ?o WHERE { ?s ?p ?o }", "--max-rows", "3", "--format", "tsv")
    )
    assert code == ExitCode.OK
    assert len(out.splitlines()) == 4
    assert err == "kg query: the result was cut at 3 rows (--max-rows)\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
            "<-e>:1:18: SERVICE is refused: queries do not reach the network (--allow-external permits it)",
        ),
        (
            "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
            "<-e>:1:10: FROM and FROM NAMED are refused: queries do not load remote or file: graphs "
            "(--allow-external permits it)",
        ),
        (
            "SELECT * FROM NAMED <http://example.org/g> WHERE { GRAPH ?g { ?s ?p ?o } }",
            "<-e>:1:10: FROM and FROM NAMED are refused: queries do not load remote or file: graphs "
            "(--allow-external permits it)",
        ),
        (
            "LOAD <file:///etc/passwd>",
            "<-e>:1:1: SPARQL Update (LOAD) is refused: kg query only reads (kg push uploads data to a server)",
        ),
        (
            "DELETE WHERE { ?s ?p ?o }",
            "<-e>:1:1: SPARQL Update (DELETE) is refused: kg query only reads (kg push uploads data to a server)",
        ),
    ],
    ids=["service", "from", "from-named", "load", "delete"],
)
@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_service_from_and_update_are_refused(run, engine, text, message):
    assert run(*on_fixture("query", "-e", text, "--engine", engine)) == (
        ExitCode.QUERY,
        "",
        f"kg query: error: {message}\n",
    )


def test_a_syntax_error_names_the_query_line_and_column(run, tmp_path):
    path = tmp_path / "typo.rq"
    path.write_text(
        "# title: typo\nSELECT ?x WHERE {\n  ?x rdfs:label ?l .\n  FILTR(lang(?l) = 'fa')\n}\n", encoding="utf-8"
    )
    code, out, err = run("query", str(path))
    assert (code, out) == (ExitCode.QUERY, "")
    assert err == f"kg query: error: {path}:4:3: SPARQL syntax error: unexpected 'FILTR'\n"


def test_an_unknown_query_name_lists_close_matches(run):
    if not SHIPPED:
        pytest.skip("queries/ has no .rq files yet")
    code, _, err = run("query", "agreements")
    assert code == ExitCode.USAGE
    assert err.startswith("kg query: error: unknown query 'agreements'; did you mean cq01-agreements-and-parties")


def test_a_missing_data_file_is_a_usage_error(run, tmp_path):
    code, _, err = run("query", AGREEMENTS, "--data", str(tmp_path / "none.ttl"))
    assert (code, err) == (ExitCode.USAGE, f"kg query: error: {tmp_path / 'none.ttl'}: no such file\n")


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_a_broken_data_file_is_reported_at_its_position(run, tmp_path, engine):
    broken = tmp_path / "broken.ttl"
    broken.write_text(
        "@prefix kgi: <https://w3id.org/iran-kazakhstan-kg/id/> .\nkgi:a kgi:b kgi:c\nkgi:d kgi:e kgi:f .\n",
        encoding="utf-8",
    )
    code, _, err = run("query", "-e", "ASK {}", "--data", str(broken), "--engine", engine)
    assert (code, err) == (
        ExitCode.USAGE,
        f"kg query: error: {broken}:3:1: Turtle syntax error: A dot is expected at the end of statements\n",
    )


def test_an_endpoint_that_does_not_answer_exits_5(run):
    code, _, err = run("query", "-e", "ASK {}", "--endpoint", "http://127.0.0.1:9/sparql", "--timeout", "2")
    assert code == ExitCode.ENDPOINT
    assert err.startswith("kg query: error: http://127.0.0.1:9/sparql: cannot connect: ")


# --------------------------------------------------------------------------- the library


@pytest.mark.skipif(not SHIPPED, reason="queries/ has no .rq files yet")
def test_kg_queries_lists_every_query_with_its_parameters(run):
    code, out, _ = run("queries")
    assert code == ExitCode.OK
    names = [line.split()[0] for line in out.splitlines() if not line.startswith(" ")]
    assert names == SHIPPED
    assert '    --param lang=<string> (default "en")  language of the labels returned (en or fa)' in out


@pytest.mark.skipif(not SHIPPED, reason="queries/ has no .rq files yet")
def test_kg_queries_check_runs_every_query_against_its_expected_rows(run):
    code, out, _ = run("queries", "--check")
    assert out.splitlines()[-1] == f"{len(SHIPPED)} of {len(SHIPPED)} queries gave their expected results"
    assert code == ExitCode.OK


def test_kg_queries_check_exits_1_when_rows_differ(run, tmp_path):
    if not SHIPPED:
        pytest.skip("queries/ has no .rq files yet")
    code, out, _ = run("queries", "--check", "--data", MINI)
    assert code == ExitCode.NOT_CONFORMING
    assert "FAIL  " in out


def test_the_installed_script_runs_a_library_query(kg):
    if not SHIPPED:
        pytest.skip("queries/ has no .rq files yet")
    expected = read_expected(find_query(SHIPPED[0]).expected_path())
    limit = f"{TEST_TIME_LIMIT:g}"  # a child process: the suite's generous limit is given, not inherited
    done = kg("query", SHIPPED[0], "--format", "csv", "--lang", "fa", "--timeout", limit)
    assert done.returncode == ExitCode.OK, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == ",".join(expected.variables)
    assert len(lines) == len(expected.rows) + 1
    assert "قزاقستان" in done.stdout


def test_help_is_the_command_docstring(kg):
    done = kg("query", "--help")
    assert done.returncode == 0
    assert "Run a SPARQL query: a library query by NAME, a .rq FILE, or -e 'SPARQL'." in done.stdout


def test_a_choice_outside_the_list_is_a_short_usage_error(kg):
    """`--lang de` printed the whole eight-line usage of kg query above the one line that mattered."""
    done = kg("query", "cq01", "--lang", "de")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        "kg query: error: argument --lang: invalid choice: 'de' (choose from 'en', 'fa')\n(see kg query --help)\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["cq01", "--param", "lang=de"],
            "kg query: error: cq01-agreements-and-parties: parameter 'lang': 'de' is not a language of the data's "
            "labels; allowed: en, fa\n",
        ),
        (
            ["cq17", "--param", "country=kgi:tehran"],
            "kg query: error: cq17-organisations-of-a-country: parameter 'country': kgi:tehran is not a kg:Country; "
            "allowed: kgi:china, kgi:iran, kgi:kazakhstan, kgi:qatar,",
        ),
        (
            ["cq02", "--param", "domain=kgi:iran", "--engine", "rdflib"],
            "kg query: error: cq02-agreements-by-domain: parameter 'domain': kgi:iran is not a skos:Concept; "
            "allowed: kgc:",
        ),
    ],
)
def test_a_value_the_data_cannot_answer_is_a_usage_error_naming_the_allowed_values(run_kg, args, message):
    """`--param lang=de` silently gave 0 rows."""
    code, out, err = run_kg("query", *args)
    assert (code, out) == (2, "")
    assert err.startswith(message), err


def test_values_the_data_answers_pass_the_check(run_kg):
    assert run_kg("query", "cq17", "--param", "country=kgi:iran", "--format", "csv")[0] == 0
    assert run_kg("query", "cq01", "--lang", "fa", "--format", "csv")[0] == 0
