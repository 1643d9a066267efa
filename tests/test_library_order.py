"""The library's ORDER BY is total: rows that tie on its keys are the same row, so a cut answer (the explorer's
Questions view keeps QUESTION_ROWS rows) is the same on every engine and in every run.

On the article no two rows tie; they do across articles: a synthetic corpus (``kg synth``), where every article
has its own text and offsets, and the article told twice (its statements, mentions, periods… a second time under
other IRIs, the people, places and organisations shared), where every offset and date is there twice.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Graph, URIRef

from kg.explore import questions as questions_module
from kg.explore.questions import library_answers
from kg.load import load_graph
from kg.namespaces import KG
from kg.project import to_networkx
from kg.sparql import files
from kg.sparql.engines import open_engine
from kg.sparql.files import list_queries
from kg.sparql.library import query
from kg.synth import write_synth

ID = "https://w3id.org/iran-kazakhstan-kg/id/"
SELECTS = [q for q in list_queries() if q.form == "SELECT"]
#: The queries ordered by a place in a text that a synthetic corpus answers (its articles have no slips, periods…).
BY_POSITION = ("cq04", "cq05", "cq23", "cq33")


def order_keys(text: str) -> list[str]:
    """The variables of a query's ORDER BY, in order (``DESC(?x)`` gives ``x``)."""
    clause = re.search(r"^ORDER BY (.+)$", text, re.MULTILINE)
    assert clause, "no ORDER BY"
    return re.findall(r"\?(\w+)", clause.group(1))


def told_twice(whole: Graph, path: Path) -> None:
    """The article (``whole``: with the ontology) and a copy of its data under other IRIs, sharing the people,
    places and organisations."""
    shared = {URIRef(ID + "event/tokayev-state-visit-2022"), URIRef(ID + "agreement/rail-cooperation-mou-2022")}
    for kind in (KG.Place, KG.Person, KG.Organization, KG.Post, KG.CountryGroup):
        for narrower in whole.transitive_subjects(RDFS.subClassOf, kind):
            shared.update(whole.subjects(RDF.type, narrower))

    def other(term):
        own = isinstance(term, URIRef) and term.startswith(ID) and not term.startswith(ID + "concept/")
        return URIRef(ID + "copy/" + term[len(ID) :]) if own and term not in shared else term

    twice = Graph()
    for s, p, o in whole:
        twice.add((s, p, o))
        twice.add((other(s), p, other(o)))
    twice.serialize(path, format="nt", encoding="utf-8")


@pytest.fixture(scope="module")
def folder(tmp_path_factory, graph) -> Path:
    """A synthetic corpus of 60 articles (enough for rows to tie across them) and the article told twice."""
    folder = tmp_path_factory.mktemp("corpora")
    write_synth(folder / "synth.ttl", 60)
    told_twice(graph, folder / "twice.nt")
    return folder


@pytest.fixture(scope="module")
def corpora(folder):
    return {name: open_engine("oxigraph", data=[folder / name]) for name in ("synth.ttl", "twice.nt")}


def test_every_library_select_is_ordered():
    assert all(order_keys(q.text) for q in SELECTS)


@pytest.mark.parametrize("name", [q.name for q in SELECTS])
def test_rows_that_tie_on_the_order_are_the_same_row(corpora, name):
    q = next(q for q in SELECTS if q.name == name)
    for corpus, engine in corpora.items():
        for lang in ("en", "fa"):
            params = {"lang": lang} if any(p.name == "lang" for p in q.params) else {}
            result = query(name, params, engine=engine, lang=lang, max_rows=None, timeout=None)
            keys = [v for v in order_keys(q.text) if v in result.variables]  # one not returned: stricter
            rows: dict[tuple, set[tuple]] = {}
            for row in result.rows:
                key = tuple(row.get(v) for v in keys)
                rows.setdefault(key, set()).add(tuple(row.get(v) for v in result.variables))
            tied = {key: found for key, found in rows.items() if len(found) > 1}
            assert not tied, f"{corpus} ({lang}): {len(tied)} keys with several rows, e.g. {next(iter(tied.values()))}"


def test_the_questions_view_shows_the_same_rows_on_two_engines_over_a_synthetic_corpus(tmp_path, monkeypatch):
    """Oxigraph on the corpus and rdflib on its triples shuffled: the same rows in the same order, query by query
    (the queries ordered by a place in a text: every query is checked above, engine-free)."""
    write_synth(tmp_path / "synth.ttl", 30)  # rows tie in cq05 and cq33 already
    graph = load_graph([tmp_path / "synth.ttl"])
    statements = list(graph)
    random.Random(0).shuffle(statements)
    shuffled = Graph()
    for statement in statements:
        shuffled.add(statement)
    projection = to_networkx(graph)
    every = files.list_queries
    monkeypatch.setattr(files, "list_queries", lambda: [q for q in every() if q.name.startswith(BY_POSITION)])
    monkeypatch.setattr(questions_module, "QUESTION_ROWS", 10)
    shown = {}
    for engine, data in (("oxigraph", graph), ("rdflib", shuffled)):
        shown[engine] = {e["name"]: e["answers"] for e in library_answers(data, projection, engine=engine)}
    assert len(shown["oxigraph"]) == len(BY_POSITION)
    assert sum(len(answers["en"]["rows"]) for answers in shown["oxigraph"].values()) >= 20
    assert any(answers["en"]["truncated"] for answers in shown["oxigraph"].values())
    for name, answers in shown["oxigraph"].items():
        assert answers == shown["rdflib"][name], name
