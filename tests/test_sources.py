"""kg.sources: each part of the graph is read once, kept apart, and never split back out of the union."""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Literal

from kg import resources
from kg.errors import LoadError, UsageError
from kg.load import file_triples, iter_quads, load_graph, load_into_store, parse_file
from kg.namespaces import ID, ONTOLOGY_IRI, RDFS, SDO, SHAPES_IRI, VOCABULARIES_IRI, XSD
from kg.sources import DATA_GRAPH, DESCRIPTION_GRAPH, Sources

ARTICLE = resources.data_path()


@functools.cache
def statements_of(path: Path) -> frozenset:
    """The statements of the file at ``path`` as kg.load reads it alone: what the parts are checked against, read
    once for the module (never through kg.sources, so the counts of ``reads`` leave it out)."""
    return frozenset(parse_file(path))


@functools.cache
def loaded() -> frozenset:
    """The statements :func:`kg.load.load_graph` loads, read once for the module."""
    return frozenset(load_graph())


@pytest.fixture(scope="module", autouse=True)
def _forget_the_statements() -> Iterator[None]:
    """The statements read for this module are dropped after it: the worker's later forks need not copy them."""
    yield
    statements_of.cache_clear()
    loaded.cache_clear()


@pytest.fixture
def reads(monkeypatch) -> Counter:
    """How often each file is read (every reader goes through kg.load.file_triples, iter_quads or load_into_store;
    file_triples parses a file only the first time a process asks for its bytes: the last test below)."""
    counted: Counter = Counter()

    def counting(path, **kwargs):
        counted[Path(path).name] += 1
        return iter_quads(path, **kwargs)

    def statements(path, *args, **kwargs):
        counted[Path(path).name] += 1
        return file_triples(path, *args, **kwargs)

    def loading(store, path, *args, **kwargs):
        counted[Path(path).name] += 1
        return load_into_store(store, path, *args, **kwargs)

    monkeypatch.setattr("kg.sources.iter_quads", counting)
    monkeypatch.setattr("kg.sources.file_triples", statements)
    monkeypatch.setattr("kg.sources.load_into_store", loading)  # the dataset's parts go straight into its store
    return counted


def test_every_part_is_read_once_however_often_it_is_asked_for(reads):
    sources = Sources()
    for _ in range(2):
        _ = sources.union, sources.schema, sources.shapes, sources.parts(), sources.ill_typed_literals()
    sources.described_parts()
    assert reads == {"kg.ttl": 1, "vocabularies.ttl": 1, "article.ttl": 1, "shapes.ttl": 1}


def test_the_schema_is_made_without_a_graph_of_each_file_which_is_made_of_the_same_read_when_asked(reads):
    """kg build asks for the union and the schema only: no graph of the ontology or of the vocabularies is made to
    copy; asked for later, they are the files' statements, not read again."""
    sources = Sources()
    schema = sources.schema
    assert "ontology" not in vars(sources) and "vocabularies" not in vars(sources)
    ontology, vocabularies = resources.ontology_paths()
    assert set(schema) == statements_of(ontology) | statements_of(vocabularies)
    assert set(sources.ontology) == statements_of(ontology)
    assert set(sources.vocabularies) == statements_of(vocabularies)
    assert set(sources.union) == loaded()
    assert reads == {"kg.ttl": 1, "vocabularies.ttl": 1, "article.ttl": 1}


def test_the_union_is_what_load_graph_loads():
    assert set(Sources().union) == loaded()


def test_the_parts_are_the_files_as_read_not_split_from_the_union():
    sources = Sources()
    parts = sources.parts()
    assert list(parts) == [ONTOLOGY_IRI, VOCABULARIES_IRI, DATA_GRAPH]
    assert set(parts[DATA_GRAPH]) == statements_of(ARTICLE)
    assert set(parts[ONTOLOGY_IRI]) == statements_of(resources.ontology_paths()[0])
    assert list(sources.described_parts()) == [ONTOLOGY_IRI, VOCABULARIES_IRI, DATA_GRAPH, DESCRIPTION_GRAPH]


def test_the_data_part_alone_reads_no_ontology(reads):
    assert list(Sources().parts("data")) == [DATA_GRAPH]
    assert reads == {"article.ttl": 1}


def test_the_ontology_part_alone_reads_no_data(reads, tmp_path):
    missing = tmp_path / "nowhere.ttl"
    assert list(Sources([missing]).parts("ontology")) == [ONTOLOGY_IRI, VOCABULARIES_IRI]
    assert "nowhere.ttl" not in reads


def test_a_broken_data_file_fails_before_the_ontology_is_read(reads, tmp_path):
    broken = tmp_path / "broken.ttl"
    broken.write_text("<http://a.example/> <http://b.example/> .\n", encoding="utf-8")
    with pytest.raises(LoadError, match=r"broken\.ttl:1:"):
        Sources([broken]).union  # noqa: B018
    assert reads == {"broken.ttl": 1}


def test_an_unknown_part_is_a_usage_error():
    with pytest.raises(UsageError, match="unknown graph 'shapes': choose one of all, data, ontology"):
        Sources().parts("shapes")


def test_ill_typed_literals_are_found_in_the_one_read_with_their_position(reads, tmp_path):
    data = tmp_path / "typed.ttl"
    data.write_text(
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        '<https://w3id.org/iran-kazakhstan-kg/id/x> <http://www.w3.org/2000/01/rdf-schema#comment> "fine" ;\n'
        '    <https://w3id.org/iran-kazakhstan-kg/id/p> "abc"^^xsd:integer .\n',
        encoding="utf-8",
    )
    sources = Sources([data])
    [bad] = sources.ill_typed_literals()
    assert (bad.path, bad.line, bad.column) == (data, 3, 48)
    assert bad.literal == Literal("abc", datatype=XSD.integer, normalize=False)
    assert bad.subject == ID["x"]
    assert reads["typed.ttl"] == 1
    assert (ID["x"], RDFS.comment, Literal("fine")) in sources.union


def test_kg_validate_reads_each_data_file_once(reads):
    from kg.validate import validate

    report = validate()
    assert report.conforms, report.format()
    assert reads["article.ttl"] == 1


def test_each_file_is_given_with_the_named_graph_that_holds_it(tmp_path):
    other = tmp_path / "more.ttl"
    other.write_text("", encoding="utf-8")
    files = Sources([ARTICLE, other]).files()
    assert [graph for graph, _ in files] == [ONTOLOGY_IRI, VOCABULARIES_IRI, SHAPES_IRI, DATA_GRAPH, DATA_GRAPH]
    assert [path.name for _, path in files] == ["kg.ttl", "vocabularies.ttl", "shapes.ttl", ARTICLE.name, "more.ttl"]


def test_the_dataset_holds_each_part_in_its_graph_read_once_and_no_rdflib_graph(reads):
    sources = Sources()
    quads = list(sources.quads())
    assert [g.value for g in dict.fromkeys(q.graph_name for q in quads)] == [
        str(ONTOLOGY_IRI),
        str(VOCABULARIES_IRI),
        str(DATA_GRAPH),
    ]
    data = [q for q in quads if q.graph_name.value == str(DATA_GRAPH)]
    assert len(data) == len(statements_of(ARTICLE))
    described = list(sources.quads(described=True, endpoint="http://127.0.0.1:1/sparql"))
    assert described[: len(quads)] == quads
    assert reads == {"kg.ttl": 1, "vocabularies.ttl": 1, "article.ttl": 1}
    assert "union" not in vars(sources) and "data" not in vars(sources)  # no rdflib graph was built


def test_the_description_graph_holds_no_statement_of_a_part_even_of_a_blank_node(tmp_path):
    data = tmp_path / "blank.ttl"
    data.write_text(
        "@prefix kg: <https://w3id.org/iran-kazakhstan-kg/ontology#> .\n"
        "@prefix schema: <https://schema.org/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        '<https://w3id.org/iran-kazakhstan-kg/id/a1> a kg:NewsArticle ; schema:headline "h"@en ;\n'
        '    schema:publisher [ rdfs:label "a publisher"@en ] .\n',
        encoding="utf-8",
    )
    sources = Sources([data])
    quads = list(sources.quads(described=True))
    described = [q for q in quads if q.graph_name.value == str(DESCRIPTION_GRAPH)]
    parts = {(q.subject, q.predicate, q.object) for q in quads if q not in described}
    assert described and not [q for q in described if (q.subject, q.predicate, q.object) in parts]
    assert not [q for q in described if "BlankNode" in type(q.subject).__name__ + type(q.object).__name__]


@pytest.mark.parametrize("first", ["all", "data", "ontology"])
def test_each_part_of_the_dataset_is_counted_as_its_graph_holds_whatever_was_read_first(tmp_path, first):
    """The parts' sizes (what the re-read of a dataset export counts on) are their graphs', whichever part was
    read into the store first (the first counted as the store, the others each by its graph), a statement in
    two parts counted in each."""
    data = tmp_path / "data.ttl"
    data.write_text(
        f'<{ID}a> <{RDFS}comment> "a" .\n'
        "<https://w3id.org/iran-kazakhstan-kg/ontology#Country> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
        "<http://www.w3.org/2002/07/owl#Class> .\n",  # the ontology's statement too
        encoding="utf-8",
    )
    sources = Sources([data])
    sources.dataset(first)
    store = sources.dataset()
    sizes = {g.value: sum(1 for _ in store.quads_for_pattern(None, None, None, g)) for g in store.named_graphs()}
    assert sources._stored == sizes and sizes[str(DATA_GRAPH)] == 2
    assert sum(sizes.values()) == len(store)  # the ontology's statement is in two graphs: two quads


def test_the_dataset_of_the_ontology_alone_reads_no_data(reads, tmp_path):
    sources = Sources([tmp_path / "nowhere.ttl"])
    assert {q.graph_name.value for q in sources.quads("ontology")} == {str(ONTOLOGY_IRI), str(VOCABULARIES_IRI)}
    assert reads == {"kg.ttl": 1, "vocabularies.ttl": 1}
    with pytest.raises(LoadError):
        list(sources.quads("data"))


def test_the_merged_store_holds_the_union_once_each_file_read_once_the_user_s_first(reads, tmp_path):
    """What a triple format alone is written from: the parts' merge in one store's default graph."""
    sources = Sources()
    store = sources.merged()
    assert list(reads) == ["article.ttl", "kg.ttl", "vocabularies.ttl"]  # the user's file first: fail fast
    assert sources.merged() is store and sum(reads.values()) == 3  # made once
    union = {(q.subject, q.predicate, q.object) for q in sources.quads()}
    assert {(q.subject, q.predicate, q.object) for q in store} == union and len(store) == len(union)
    assert {type(q.graph_name).__name__ for q in store} == {"DefaultGraph"}
    stored = sources.stored(triples=True, merged=True)
    assert [part.graph for part in stored.parts] == [q.graph_name for q in list(store)[:1]] and len(stored) == len(
        union
    )
    assert len(Sources([tmp_path / "none.ttl"]).merged("ontology")) < len(store)


def test_a_file_a_store_would_rewrite_is_not_written_from_the_merged_store(tmp_path):
    data = tmp_path / "odd.ttl"
    data.write_text(f'<{ID}a> <{RDFS}comment> "01"^^<{XSD}integer> .\n', encoding="utf-8")
    stored = Sources([data]).stored("data", triples=True, merged=True)
    assert [type(part).__name__ for part in stored.parts] == ["Listed"]  # the statements as read


def test_a_dataset_export_describes_without_the_copies_and_the_description_made_after_is_the_same(monkeypatch):
    """The description copies the articles' statements from the data so that it stands alone; a dataset
    export drops them from its description graph (the data's graph holds them), so it has the description
    made without them, and the whole description made after it (void.ttl, the site) adds them to it: the
    same graph as made first, and the same description graph in the export either way, made once."""
    from kg import describe

    made = []
    real = describe.description_triples
    monkeypatch.setattr(
        describe, "description_triples", lambda *a, **k: made.append(k.get("copies", True)) or real(*a, **k)
    )
    first = Sources()
    whole_first = set(first.description())
    export_after = list(first.quads(described=True))
    lean = Sources()
    export_first = list(lean.quads(described=True))
    whole_after = set(lean.description())
    assert made == [True, False]  # each Sources described once
    assert whole_after == whole_first and set(export_first) == set(export_after)
    assert len(export_first) == len(export_after)
    copies = whole_first - set(real(lean.dataset(), sources=lean.paths, copies=False))
    assert {(s, p) for s, p, _ in copies} >= {(ID["article"], SDO.headline), (ID["isna"], RDFS.label)}


def test_the_description_as_pyoxigraph_triples_is_what_its_rdflib_graph_is_made_of_made_once():
    """The static site's publication loads the description's pyoxigraph triples as they are
    (Sources.description_triples); the rdflib graph (Sources.description) is made of the same triples."""
    from kg.terms import to_oxigraph

    sources = Sources()
    triples = sources.description_triples()
    assert sources.description_triples() is triples
    graph = sources.description()
    assert {tuple(map(to_oxigraph, t)) for t in graph} == set(map(tuple, triples))
    assert len(graph) == len(set(map(tuple, triples))) > 100


def test_a_second_sources_of_the_same_bytes_parses_nothing_and_a_changed_file_is_parsed_again(monkeypatch, tmp_path):
    """Each file's statements are parsed once a process for the same bytes (kg.load.file_triples): a second
    Sources of the same files gives the same parts without a parse, with blank nodes of its own; a file rewritten
    with other bytes is parsed again and gives its new statements."""
    import pyoxigraph

    data = tmp_path / "mine.ttl"
    label, kg_id = "<http://www.w3.org/2000/01/rdf-schema#label>", "https://w3id.org/iran-kazakhstan-kg/id"
    text = f'<{kg_id}/x> {label} "x" ;\n <{kg_id}/p> [ {label} "b" ] .\n'
    data.write_text(text, encoding="utf-8")
    first = Sources([data])
    union = first.union
    parsed: Counter = Counter()
    real = pyoxigraph.parse

    def parse(*args, **kwargs):  # every parse of kg.load, of a file or of its bytes, is pyoxigraph's
        parsed[kwargs.get("path") or "bytes"] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(pyoxigraph, "parse", parse)
    again = Sources([data])
    assert again.union.isomorphic(union) and len(again.union) == len(union)
    assert sum(parsed.values()) == 0
    blank = {o for o in again.data.objects() if o.__class__.__name__ == "BNode"}
    assert blank and blank.isdisjoint({o for o in first.data.objects()})
    data.write_text(f'<{kg_id}/y> {label} "y" .\n', encoding="utf-8")
    changed = Sources([data]).data
    assert set(changed) == {(ID["y"], RDFS.label, Literal("y"))}
    assert sum(parsed.values()) == 1
