"""kg.explore.questions: the library's questions answered for the explorer's Questions view, on a small library
of the test's own and the explorer's fixture data: label columns folded into their IRI column, cells linked
to the page's nodes, both languages, failures kept as such, rows cut at the view's limit."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from kg.explore import questions as questions_module
from kg.explore.questions import library_answers
from kg.load import load_graph
from kg.project import to_networkx
from kg.sparql import files
from kg.sparql import library as library_module

MINI = Path(__file__).parent / "fixtures" / "explorer" / "mini.ttl"
QUERIES = {
    "q1-countries.rq": (
        "# title: Countries\n# question@en: Which countries?\n# question@fa: کدام کشورها؟\n"
        '# param: lang | string | "en" | language\n'
        "PREFIX kg: <https://w3id.org/iran-kazakhstan-kg/ontology#>\n"
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        'SELECT ?country ?countryLabel ?note WHERE {\n  VALUES ?lang { "en" }\n'
        "  ?country a kg:Country ; rdfs:label ?countryLabel FILTER(LANG(?countryLabel) = ?lang)\n"
        '  BIND(STRLANG("یادداشت", "fa") AS ?note)\n} ORDER BY ?country\n'
    ),
    "q2-ask.rq": "# title: Any?\nASK { ?s ?p ?o }\n",
    "q3-broken.rq": "# title: Broken\nSELECT ?x WHERE { ?x <urn:p> ?y FILTER(?y > ?x + ) }\n",
}


@pytest.fixture(scope="module")
def answers(tmp_path_factory):
    library = tmp_path_factory.mktemp("library")
    for name, text in QUERIES.items():
        (library / name).write_text(text, encoding="utf-8")
    graph = load_graph([MINI])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(files, "list_queries", functools.partial(files.list_queries, library))
        patch.setattr(library_module, "query", functools.partial(library_module.query, library=library))
        patch.setattr(questions_module, "QUESTION_ROWS", 3)
        return {entry["name"]: entry for entry in library_answers(graph, to_networkx(graph))}


def test_only_select_queries_are_asked_each_with_its_title_and_questions(answers):
    assert sorted(answers) == ["q1-countries", "q3-broken"]
    entry = answers["q1-countries"]
    assert (entry["title"], entry["question"]) == ("Countries", {"en": "Which countries?", "fa": "کدام کشورها؟"})


def test_a_label_column_is_folded_into_its_iri_column_as_a_linked_cell(answers):
    english = answers["q1-countries"]["answers"]["en"]
    assert english["vars"] == ["country", "note"]
    first = english["rows"][0]
    assert first[0] == {"text": "Iran", "node": "kgi:iran"}
    assert first[1] == {"text": "یادداشت", "lang": "fa"}  # a tagged literal keeps its language


def test_each_language_gets_its_own_answer(answers):
    persian = answers["q1-countries"]["answers"]["fa"]
    assert persian["rows"][0][0] == {"text": "ایران", "node": "kgi:iran"}


def test_rows_are_cut_at_the_view_s_limit_and_say_so(answers):
    english = answers["q1-countries"]["answers"]["en"]
    assert len(english["rows"]) == 3 and english["truncated"] is True


def test_a_query_that_fails_keeps_only_that_it_failed(answers):
    assert answers["q3-broken"]["answers"] == {"en": {"error": True}, "fa": {"error": True}}


def test_the_files_a_graph_was_read_from_answer_as_the_graph_does_on_the_engine_kept_for_them(monkeypatch):
    """write_explorer passes the files its graph was read from: the engine opened from them (kept for their
    content, kg.sparql.index.opened_engine) gives the answers a copy of the graph gives."""
    from kg.sparql import index
    from kg.sparql.engines import OxigraphEngine

    index.forget_opened()
    loads = []
    real = OxigraphEngine.from_files.__func__
    monkeypatch.setattr(OxigraphEngine, "from_files", classmethod(lambda *a, **k: loads.append(1) or real(*a, **k)))
    graph = load_graph([MINI])
    projection = to_networkx(graph)
    try:
        from_files = [library_answers(graph, projection, files=[MINI]) for _ in range(2)]
    finally:
        index.forget_opened()
    assert from_files[0] == from_files[1] == library_answers(graph, projection)
    assert any("rows" in entry["answers"]["en"] for entry in from_files[0])
    assert loads == [1]
