"""kg.writers.stored: a dataset written straight from pyoxigraph stores gives the bytes its statements give."""

from __future__ import annotations

import pyoxigraph
import pytest
from pyoxigraph import BlankNode, Literal, NamedNode, Quad

from kg.errors import OutputError
from kg.export import export_graph
from kg.formats import FORMATS
from kg.output import write_atomically
from kg.sources import store_writes_as_read
from kg.writers import WRITERS, serialize, to_quads, verify, write_to
from kg.writers.quads import Canonical
from kg.writers.stored import InStore, Listed, Stored

EX = "http://a.example/"
XSD = "http://www.w3.org/2001/XMLSchema#"
G1, G2, G3 = NamedNode("urn:g:one"), NamedNode("urn:g:two"), NamedNode("urn:g:three")


def _n(local: str) -> NamedNode:
    return NamedNode(EX + local)


def _statements() -> list[tuple[object, object, object, NamedNode]]:
    """Two parts that share a statement, with digit runs, several objects a predicate, literals of each kind."""
    typed = Literal("12", datatype=NamedNode(XSD + "integer"))
    rows = [
        (_n("item10"), NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), _n("Thing"), G1),
        (_n("item10"), _n("label"), Literal("ده", language="fa"), G1),
        (_n("item10"), _n("label"), Literal("ten", language="en"), G1),
        (_n("item9"), _n("count"), typed, G1),
        (_n("item9"), _n("note"), Literal('two\nlines and a "quote"'), G1),
        (_n("item9"), _n("links"), _n("item10"), G1),
        (_n("item9"), _n("links"), _n("item9"), G2),
        (_n("item10"), _n("label"), Literal("ten", language="en"), G2),  # in both parts
        (NamedNode("urn:x:1"), _n("when"), Literal("2022-06-19", datatype=NamedNode(XSD + "date")), G2),
    ]
    return rows


def _stored(*, triples: bool) -> tuple[Stored, list[Quad]]:
    store = pyoxigraph.Store()
    quads = [Quad(s, p, o, g) for s, p, o, g in _statements()]
    store.extend(quads)
    parts = [InStore(store, G1), InStore(store, G2)]
    return Stored(parts, triples=triples), quads


@pytest.mark.parametrize("name", list(WRITERS))
def test_every_format_is_written_as_from_the_same_statements_held_as_quads(name):
    fmt = FORMATS[name]
    stored, quads = _stored(triples=not fmt.dataset)
    assert serialize(stored, fmt) == serialize(to_quads(quads, triples=not fmt.dataset), fmt)


def test_merged_a_statement_in_two_parts_is_written_once_and_counted_once():
    stored, _ = _stored(triples=True)
    assert len(stored) == 8
    assert serialize(stored, "nt").count('"ten"@en') == 1
    assert len(Stored(stored.parts, triples=False)) == 9


def test_a_part_held_as_quads_is_written_beside_a_stored_one_in_its_own_graph():
    stored, quads = _stored(triples=False)
    extra = [Quad(_n("dataset"), _n("title"), Literal("1.50", datatype=NamedNode(XSD + "decimal")), G3)]
    both = Stored([*stored.parts, Listed(extra, G3)], triples=False)
    for name in ("trig", "nquads"):
        assert serialize(both, name) == serialize(to_quads(quads + extra), name)
    assert '"1.50"' in serialize(both, "nquads")  # held as read, not as a store keeps it


def test_a_stored_graph_with_a_blank_node_is_written_canonically_labelled():
    store = pyoxigraph.Store()
    quads = [Quad(_n("s"), _n("p"), BlankNode("zz"), G1), Quad(BlankNode("zz"), _n("p"), Literal("v"), G1)]
    store.extend(quads)
    stored = Stored([InStore(store, G1)], triples=True)
    assert isinstance(to_quads(stored), Canonical)
    assert serialize(stored, "turtle") == serialize(to_quads(quads, triples=True), "turtle")
    assert "_:b0" in serialize(stored, "nt")


def test_the_re_read_refuses_a_missing_an_extra_a_repeated_and_a_rewritten_statement():
    stored, _ = _stored(triples=True)
    text = serialize(stored, "nt")
    lines = text.splitlines(keepends=True)
    nt = FORMATS["nt"]
    assert verify(text, nt, stored) is text
    cases = {
        "missing": "".join(lines[1:]),
        "extra": text + f'<{EX}item9> <{EX}note> "not meant" .\n',
        "repeated instead of one": "".join([lines[1], *lines[1:]]),
        "a value rewritten": text.replace('"12"^^', '"012"^^'),
    }
    for why, wrong in cases.items():
        with pytest.raises(OutputError, match="does not read back as the same graph") as caught:
            verify(wrong, nt, stored)
        assert caught.value.exit_code == 7, why


def test_a_dataset_format_is_checked_graph_by_graph():
    stored, _ = _stored(triples=False)
    text = serialize(stored, "nquads")
    assert verify(text, FORMATS["nquads"], stored) is text
    moved = text.replace("<urn:g:two>", "<urn:g:one>")
    with pytest.raises(OutputError, match="does not read back as the same graph"):
        verify(moved, FORMATS["nquads"], stored)


def test_a_file_a_store_would_change_is_not_written_from_the_store(tmp_path):
    plain = tmp_path / "plain.ttl"
    plain.write_text(f'<{EX}s> <{EX}p> 12, 1.5, true, "x" .\n', encoding="utf-8")
    assert store_writes_as_read(plain)
    for body in ('"01"^^<http://www.w3.org/2001/XMLSchema#integer>', "1.50", "[]"):
        odd = tmp_path / "odd.ttl"
        odd.write_text(f"<{EX}s> <{EX}p> {body} .\n", encoding="utf-8")
        assert not store_writes_as_read(odd), body


@pytest.mark.parametrize("read", [False, True])
def test_a_blank_subject_of_literals_only_is_not_written_from_the_store(tmp_path, read):
    """Regression: the proof that a store gives back every term as read looked at a statement's subject only
    when its object was no literal, so ``[] <p> "y"`` passed, and a big export wrote the store's own random
    label for that node (another on every run). ``read``: the file was loaded by the strict reader already
    (its statements then parsed leniently): the same answers."""
    plain = tmp_path / "plain.ttl"
    plain.write_text(f'<{EX}s> <{EX}p> 12, 1.5, true, "x" .\n', encoding="utf-8")
    assert store_writes_as_read(plain, read=read)
    for body in (f'[] <{EX}p> "y"', f"_:n <{EX}p> 1", f'<{EX}s> <{EX}p> "01"^^<{XSD}integer>'):
        odd = tmp_path / "odd.ttl"
        odd.write_text(f'<{EX}s> <{EX}p> "x" .\n{body} .\n', encoding="utf-8")
        assert not store_writes_as_read(odd, read=read), body


def test_a_big_export_with_a_blank_subject_of_literals_only_is_the_same_on_every_run(monkeypatch, tmp_path):
    monkeypatch.setattr("kg.writers.quads.BIG", 2)  # written from the store when it can be, as a big graph is
    data = tmp_path / "blank.ttl"
    data.write_text(f'<{EX}s> <{EX}p> "x" ; <{EX}q> <{EX}o> .\n[] <{EX}p> "y" .\n', encoding="utf-8")
    texts = {export_graph("turtle", graph="data", data=[data]).text for _ in range(2)}
    assert len(texts) == 1 and '_:b0 <http://a.example/p> "y" .' in texts.pop()


@pytest.mark.parametrize("name", list(WRITERS))
def test_an_export_keeps_every_literal_as_read_where_a_store_would_rewrite_it(tmp_path, name):
    data = tmp_path / "odd.ttl"
    data.write_text(
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        f'<{EX}s> <{EX}n> "01"^^xsd:integer, "1"^^xsd:boolean, "true"^^xsd:boolean, 1.50 .\n',
        encoding="utf-8",
    )
    text = export_graph(name, graph="data", data=[data]).text
    read = {q.object.value for q in pyoxigraph.parse(text.encode("utf-8"), format=FORMATS[name].oxigraph)}
    assert read == {"01", "1", "true", "1.50"}


def _drop_first_line(data: bytes) -> bytes:
    return data.split(b"\n", 1)[1]


def _rewrite_a_value(data: bytes) -> bytes:
    return data.replace(b'"12"^^', b'"012"^^')


@pytest.mark.parametrize("change", [_drop_first_line, _rewrite_a_value])
@pytest.mark.parametrize("name", ["nt", "nquads"])
def test_a_line_lost_or_changed_between_the_store_and_the_text_is_caught(monkeypatch, name, change):
    import kg.writers.ntriples as ntriples

    stored, _ = _stored(triples=name == "nt")  # N-Triples checked by its own path, N-Quads by the general one
    sorted_lines = ntriples._sorted_lines
    monkeypatch.setattr(ntriples, "_sorted_lines", lambda lines: change(sorted_lines(lines)))
    with pytest.raises(OutputError, match="does not read back as the same graph"):
        serialize(stored, name)


@pytest.mark.parametrize("name", ["turtle", "xml", "jsonld", "nt"])
def test_a_store_s_default_graph_holding_the_merge_is_written_as_the_parts_merged(monkeypatch, name):
    """``kg export`` of a triple format alone writes from one store whose default graph is the parts'
    merge (kg.sources.Sources.merged); the re-read looks each statement read up as it is read."""
    monkeypatch.setattr("kg.writers.quads.BIG", 2)  # written from the store as it is, as a big graph is
    stored, quads = _stored(triples=True)
    union = pyoxigraph.Store()
    union.extend(Quad(q.subject, q.predicate, q.object) for q in quads)
    merged = Stored([InStore(union, pyoxigraph.DefaultGraph())], triples=True)
    assert to_quads(merged) is merged and len(merged) == len(stored) == 8
    text = serialize(merged, name)
    assert text == serialize(stored, name)
    if name == "nt":
        return
    fmt = FORMATS[name]
    assert verify(text, fmt, merged) is text
    nt = serialize(merged, "nt")
    lines = nt.splitlines(keepends=True)
    missing, extra = "".join(lines[1:]), nt + f'<{EX}item9> <{EX}note> "not meant" .\n'
    for wrong in (missing, extra, nt.replace('"12"^^', '"012"^^')):
        with pytest.raises(OutputError, match="does not read back as the same graph"):
            verify(wrong, FORMATS["nt"], merged)


@pytest.mark.parametrize("where", ["subject", "object", "datatype"])
def test_jsonld_from_a_store_keeps_absolute_an_iri_whose_scheme_is_a_prefix(monkeypatch, where):
    """Written from a store, JSON-LD learns the schemes of its IRIs as it writes them: an IRI whose scheme is a
    prefix (``kg:Country``) keeps that prefix from compacting any IRI, so the document is written again: the
    same bytes as written from the statements held as quads, which knows them first."""
    monkeypatch.setattr("kg.writers.quads.BIG", 2)  # written from the store as it is, as a big graph is
    odd = NamedNode("kg:Country")
    kg_term = NamedNode("https://w3id.org/iran-kazakhstan-kg/ontology#Country")
    quads = [Quad(_n("item1"), _n("is"), kg_term), Quad(_n("item2"), _n("label"), Literal("two"))]
    quads.append(
        {
            "subject": Quad(odd, _n("label"), Literal("odd")),
            "object": Quad(_n("item3"), _n("is"), odd),
            "datatype": Quad(_n("item3"), _n("size"), Literal("3", datatype=odd)),
        }[where]
    )
    store = pyoxigraph.Store()
    store.extend(quads)
    merged = Stored([InStore(store, pyoxigraph.DefaultGraph())], triples=True)
    assert to_quads(merged) is merged
    text = serialize(merged, "jsonld")
    assert text == serialize(to_quads(quads, triples=True), "jsonld")
    assert '"kg":' not in text and '"https://w3id.org/iran-kazakhstan-kg/ontology#Country"' in text


class _InRuns(InStore):
    """A graph of a store that gives its subjects against their order, and one subject's statements in two runs
    (a store's own order is its index's: a subject's statements mostly together, not always)."""

    def quads(self, subject=None):
        found = list(super().quads(subject))
        if subject is not None:
            return found
        found.sort(key=lambda q: str(q.subject), reverse=True)
        split = next(q.subject for q in found if sum(o.subject == q.subject for o in found) > 1)
        first = next(q for q in found if q.subject == split)
        found.remove(first)
        return [first, *(q for q in found if q.subject != split), *(q for q in found if q.subject == split)]


@pytest.mark.parametrize("name", [name for name in WRITERS if name not in ("nt", "nquads")])
def test_a_graph_described_in_the_store_s_order_is_written_in_the_subjects_order(monkeypatch, tmp_path, name):
    """One graph of a big store is described in one pass in the store's order (kg.writers.stored.AnyOrder): each
    subject's text is placed by its key, and a subject whose statements came in two runs is described again,
    whole. The same bytes as from the statements held as quads, as text and in a file; RDF/XML names the
    namespaces it makes up (``p0``, ``p1``) in the order of the subjects, as from the quads."""
    from kg.writers.stored import AnyOrder

    monkeypatch.setattr("kg.writers.quads.BIG", 2)
    fmt = FORMATS[name]
    quads = [Quad(s, p, o, G1) for s, p, o, _ in _statements()]
    quads += [
        Quad(_n("item2"), NamedNode("http://other.example/ns#zeta"), Literal("z"), G1),
        Quad(_n("item3"), NamedNode("http://third.example/ns#alpha"), Literal("a"), G1),  # before item2 here
    ]
    store = pyoxigraph.Store()
    store.extend(quads)
    part = _InRuns(store, G1)
    given = [subject for subject, _ in AnyOrder(part)]
    assert len(given) > len(set(given))  # the subject of two runs is given twice
    stored = Stored([part], triples=not fmt.dataset)
    assert to_quads(stored) is stored
    expected = serialize(to_quads(quads, triples=not fmt.dataset), fmt)
    assert serialize(stored, fmt) == expected
    out = tmp_path / f"out.{name}"
    write_atomically({out: lambda handle, path: write_to(stored, fmt, handle, path)})
    assert out.read_text(encoding="utf-8") == expected


def test_a_dataset_of_one_store_and_a_listed_part_is_checked_with_one_look_up_a_statement():
    """The parts of one store, each in a graph of its own, beside a listed part (the description): a statement read
    is the dataset's when the store holds it as it is, graph named, or the listed part does
    (kg.writers.stored.Stored.in_one_store). A statement moved to another graph, lost, added or rewritten is
    refused."""
    stored, _ = _stored(triples=False)
    extra = [Quad(_n("dataset"), _n("title"), Literal("1.50", datatype=NamedNode(XSD + "decimal")), G3)]
    both = Stored([*stored.parts, Listed(extra, G3)], triples=False)
    store, listed = both.in_one_store()
    assert store is stored.parts[0].store and listed == set(extra)
    for name in ("trig", "nquads"):
        fmt = FORMATS[name]
        text = serialize(both, name)
        assert verify(text, fmt, both) is text
        nq = serialize(both, "nquads")
        lines = nq.splitlines(keepends=True)
        wrong = {
            "moved to the listed part's graph": nq.replace("<urn:g:two>", "<urn:g:three>"),
            "moved out of the listed part's graph": nq.replace("<urn:g:three>", "<urn:g:one>"),
            "lost": "".join(lines[1:]),
            "added": nq + f'<{EX}item9> <{EX}note> "not meant" <urn:g:one> .\n',
            "a value rewritten": nq.replace('"12"^^', '"012"^^'),
            "the listed part's value rewritten": nq.replace('"1.50"^^', '"1.5"^^'),
            "in the default graph": nq.replace(" <urn:g:three> .", " ."),
        }
        for why, text in wrong.items():
            assert text != nq, why
            with pytest.raises(OutputError, match="does not read back as the same graph"):
                verify(text, FORMATS["nquads"], both)


def test_a_store_that_holds_more_than_the_dataset_is_not_checked_as_one():
    """A store that holds a graph no part names (or statements in its default graph) is not the dataset: a
    statement read is looked up in its own graph's parts, so one of that other graph is refused."""
    stored, _ = _stored(triples=False)
    one = Stored(stored.parts[:1], triples=False)  # the store also holds urn:g:two
    assert one.in_one_store() is None
    text = serialize(stored, "nquads")
    with pytest.raises(OutputError, match="does not read back as the same graph"):
        verify(text, FORMATS["nquads"], one)
    assert verify(serialize(one, "nquads"), FORMATS["nquads"], one)
    store = stored.parts[0].store
    store.add(Quad(_n("s"), _n("p"), _n("o")))  # a statement in the store's default graph
    assert stored.in_one_store() is None
    assert Stored(stored.parts, triples=True).in_one_store() is None


@pytest.mark.parametrize("name", ["turtle", "trig", "jsonld", "xml"])
def test_a_big_document_writes_its_subjects_as_a_small_one_does(monkeypatch, name):
    """A big document writes each subject without keeping its written form (each is written once): the same
    bytes as a small document, whose subjects' forms are kept across documents; prefixes used by subjects only
    are declared (an IRI under a prefix of the project, one under none)."""
    kgi = NamedNode("https://w3id.org/iran-kazakhstan-kg/id/kazakhstan")
    quads = [Quad(s, p, o, G1) for s, p, o, _ in _statements()] + [Quad(kgi, _n("label"), Literal("K"), G1)]
    small = serialize(to_quads(quads, triples=not FORMATS[name].dataset), name)
    assert "urn:x:1" in small and ("kgi:kazakhstan" in small or name == "xml")  # RDF/XML: rdf:about, whole
    for module in ("order", "quads", "check", "turtle", "jsonld", "rdfxml"):
        monkeypatch.setattr(f"kg.writers.{module}.BIG", 2)
    assert serialize(to_quads(quads, triples=not FORMATS[name].dataset), name) == small
