"""The query files are plain SPARQL 1.1: they run as they are, without kg, in rdflib and pyoxigraph.

Each ``queries/NAME.rq`` declares its own prefixes and carries its parameters'
defaults as ``VALUES`` lines, so pasting it into any SPARQL tool gives the
rows of ``NAME.srj``. kg writes ``--param`` values over those defaults and
refuses a file where a parameter would not be bound.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph
import pytest
import rdflib
from rdflib import Literal

from kg import resources
from kg.cli import main
from kg.errors import ExitCode, QueryError
from kg.load import source_paths
from kg.namespaces import PREFIXES
from kg.sparql import Result
from kg.sparql.compare import compare, read_expected
from kg.sparql.engines import _rdflib_outcome
from kg.sparql.files import read_query, read_query_text
from kg.sparql.library import prepare_query
from kg.sparql.syntax import tokenize
from kg.terms import to_rdflib

LIBRARY = sorted(resources.queries_dir().glob("*.rq"))
NAMES = [path.stem for path in LIBRARY]


@pytest.fixture(scope="module")
def plain_rdflib_graph(graph: rdflib.Graph) -> rdflib.Graph:
    """The ontology, vocabularies and data in a plain rdflib Graph (asserted triples only): the session's, read only."""
    return graph


@pytest.fixture(scope="module")
def plain_oxigraph_store() -> pyoxigraph.Store:
    store = pyoxigraph.Store()
    for path in source_paths(None):
        store.load(path=str(path), format=pyoxigraph.RdfFormat.TURTLE, base_iri=Path(path).resolve().as_uri())
    return store


def _oxigraph_result(query, answer) -> Result:
    if isinstance(answer, pyoxigraph.QueryBoolean):
        return Result(query, "boolean", boolean=bool(answer))
    variables = [v.value for v in answer.variables]
    rows = [{v: to_rdflib(s[v]) for v in variables if s[v] is not None} for s in answer]
    return Result(query, "bindings", variables=variables, rows=rows)


@pytest.mark.parametrize("path", LIBRARY, ids=NAMES)
def test_every_query_file_gives_its_rows_in_plain_rdflib(plain_rdflib_graph, path):
    answer = plain_rdflib_graph.query(path.read_text(encoding="utf-8"))
    outcome = _rdflib_outcome(answer, None)
    query = read_query(path)
    result = Result(query, outcome.kind, variables=outcome.variables, rows=outcome.rows, boolean=outcome.boolean)
    assert compare(result, read_expected(path.with_suffix(".srj"))) == []


@pytest.mark.parametrize("path", LIBRARY, ids=NAMES)
def test_every_query_file_gives_its_rows_in_plain_pyoxigraph(plain_oxigraph_store, path):
    answer = plain_oxigraph_store.query(path.read_text(encoding="utf-8"))
    result = _oxigraph_result(read_query(path), answer)
    assert compare(result, read_expected(path.with_suffix(".srj"))) == []


@pytest.mark.parametrize("path", LIBRARY, ids=NAMES)
def test_every_query_file_declares_the_project_prefixes_it_uses_as_namespaces_py_has_them(path):
    query = read_query(path)
    tokens = list(tokenize(query.text))
    declared = {
        tokens[i + 1].text[:-1]: tokens[i + 2].text[1:-1]
        for i, t in enumerate(tokens)
        if t.kind == "word" and t.text.upper() == "PREFIX"
    }
    used = {t.text.split(":", 1)[0] for t in tokens if t.kind == "pname"} - set(declared)
    assert used == set()
    assert declared == {prefix: PREFIXES[prefix] for prefix in declared}
    assert prepare_query(query).text == query.text  # nothing is put in front


def test_a_given_value_is_written_over_the_default_and_show_prints_the_text(capsys):
    path = resources.queries_dir() / "cq17-organisations-of-a-country.rq"
    assert main(["query", "cq17", "--show", "--param", "country=kgi:iran", "--lang", "fa"]) == ExitCode.OK
    shown = capsys.readouterr().out
    text = path.read_text(encoding="utf-8")
    expected = text.replace(
        "VALUES ?country { kgi:kazakhstan }", "VALUES ?country { <https://w3id.org/iran-kazakhstan-kg/id/iran> }"
    ).replace('VALUES ?lang { "en" }', 'VALUES ?lang { "fa" }')
    assert shown == expected + ("" if expected.endswith("\n") else "\n")
    assert main(["query", "cq17", "--show"]) == ExitCode.OK
    assert capsys.readouterr().out.rstrip("\n") == text.rstrip("\n")


def test_a_shown_query_runs_in_plain_rdflib_with_the_given_values(plain_rdflib_graph):
    query = read_query(resources.queries_dir() / "cq17-organisations-of-a-country.rq")
    text = prepare_query(query, {"country": "kgi:iran"}, lang="fa").text
    rows = list(plain_rdflib_graph.query(text))
    assert rows and all(row.organisationLabel.language == "fa" for row in rows)


HEADER = '# param: lang | string | "en" | the language\n'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            HEADER + "SELECT ?l WHERE { ?s <urn:p> ?l FILTER (LANG(?l) = ?lang) }",
            "q:1:10: parameter 'lang' has no 'VALUES ?lang { default }' line at the start of the WHERE group",
        ),
        (
            HEADER + 'SELECT ?l WHERE { VALUES ?lang { "fa" } ?s <urn:p> ?l FILTER (LANG(?l) = ?lang) }',
            'q:2:34: the VALUES default "fa" of parameter \'lang\' differs from its header default "en"',
        ),
        (
            HEADER + 'SELECT ?l WHERE { ?s <urn:p> ?l OPTIONAL { VALUES ?lang { "en" } } FILTER (LANG(?l) = ?lang) }',
            "q:2:59: the VALUES line of parameter 'lang' must be directly in the WHERE group of its (sub)query",
        ),
        (
            HEADER + 'SELECT ?l WHERE {\n  VALUES ?lang { "en" }\n'
            "  { SELECT ?l WHERE { ?s <urn:p> ?l FILTER (LANG(?l) = ?lang) } }\n}",
            "q:4:56: parameter 'lang' is used in a (sub)query without its own 'VALUES ?lang { ... }' line, "
            "so kg could not bind it here",
        ),
    ],
    ids=["no-values-line", "other-default", "not-at-the-top", "subquery-without-its-own"],
)
def test_a_parameter_that_would_not_be_bound_is_refused_with_its_position(text, message):
    with pytest.raises(QueryError) as caught:
        read_query_text(text, name="q")
    assert str(caught.value) == message


def test_a_parameter_in_a_subquery_with_its_own_values_line_is_bound_there_too(plain_rdflib_graph):
    text = (
        '# param: lang | string | "en" | the language\n'
        "PREFIX kgi: <https://w3id.org/iran-kazakhstan-kg/id/>\n"
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT ?l ?same WHERE {\n"
        '  VALUES ?lang { "en" }\n'
        "  kgi:tehran rdfs:label ?l FILTER (LANG(?l) = ?lang)\n"
        '  { SELECT ?same WHERE { VALUES ?lang { "en" } kgi:tehran rdfs:label ?same FILTER (LANG(?same) = ?lang) } }\n'
        "}"
    )
    query = read_query_text(text, name="q")
    prepared = prepare_query(query, {"lang": "fa"})
    assert prepared.text.count('VALUES ?lang { "fa" }') == 2
    rows = list(plain_rdflib_graph.query(prepared.text))
    assert [(row.l, row.same) for row in rows] == [(Literal("تهران", lang="fa"), Literal("تهران", lang="fa"))]


def test_a_value_for_an_ad_hoc_query_that_uses_it_only_in_a_subquery_is_refused_not_ignored():
    text = "SELECT ?l WHERE {\n  { SELECT ?l WHERE { ?e <urn:label> ?l } }\n}"
    with pytest.raises(QueryError) as caught:
        prepare_query(read_query_text(text, name="<-e>"), {"e": "kgi:tehran"})
    assert str(caught.value) == (
        "<-e>:2:23: parameter 'e' is used in a subquery, where a value given from outside would not reach it; "
        "put a 'VALUES ?e { default }' line at the start of the subquery's WHERE group"
    )


def test_a_value_for_a_variable_a_subquery_projects_joins_with_it(plain_rdflib_graph):
    text = "SELECT ?e ?l WHERE {\n  { SELECT ?e (STR(?label) AS ?l) WHERE { ?e rdfs:label ?label } }\n}"
    prepared = prepare_query(read_query_text(text, name="<-e>"), {"e": "kgi:tehran"})
    rows = {str(row.l) for row in plain_rdflib_graph.query(prepared.text)}
    assert rows == {"Tehran", "تهران"}


_PATH_OPERATOR = re.compile(r"(?:\b[A-Za-z][\w-]*:[\w-]*|<[^>\s]*>|\ba|\))[*+?](?=[\s./;|)\]]|$)")


#: Paths Virtuoso 7.2.5 answers in full where they stand (tests/test_virtuoso.py runs them): cq02 walks up the
#: SKOS hierarchy from the agreement's own domain, not from a type joined with two more patterns.
_PORTABLE_PATHS = {"cq02-agreements-by-domain": ["broader*"]}


@pytest.mark.parametrize("path", LIBRARY, ids=NAMES)
def test_no_query_file_uses_a_star_plus_or_question_mark_path(path):
    """Virtuoso 7.2.5 loses rows on a `*`, `+` or `?` path of the type in a join (see tests/test_virtuoso.py)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    text = "\n".join(line for line in lines if not line.lstrip().startswith("#"))
    found = [m.group(0).split(":")[-1] for m in _PATH_OPERATOR.finditer(text)]
    assert found == _PORTABLE_PATHS.get(path.stem, [])


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("?x a/rdfs:subClassOf* kg:Visit", True),
        ("?x org:subOrganizationOf+ ?y", True),
        ("?x (a|a/rdfs:subClassOf)? kg:Visit", True),
        ("?x a|a/rdfs:subClassOf kg:Visit . SELECT * WHERE { ?s ?p ?o } COUNT(*)", False),
    ],
)
def test_the_path_operator_check_finds_what_it_should(text, found):
    assert bool(_PATH_OPERATOR.findall(text)) is found
