"""kg.load.file_triples: a file's statements read once a process for the same bytes (kg.content.Memo), never by
name or time; each graph still new, its blank nodes its own, its errors and ill-typed literals as a first read's."""

from __future__ import annotations

import os
import time

import pytest
from rdflib import BNode, Literal
from rdflib.compare import isomorphic

from file_times import in_a_later_tick
from kg import content, load
from kg.base_iri import input_base
from kg.errors import LoadError
from kg.literals import is_ill_typed
from kg.load import file_triples, load_graph, read_quads

TEXT = '@prefix k: <urn:kg:> .\nk:a k:name "Astana" ; k:count "12x"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'


@pytest.fixture(autouse=True)
def _nothing_read():
    load._READ.clear()
    content._HASHED.clear()
    yield
    load._READ.clear()
    content._HASHED.clear()


@pytest.fixture
def parses(monkeypatch):
    """The documents parsed, by source name."""
    seen: list[str] = []
    real = load.parse_bytes

    def counted(data, fmt, *, source, base_iri=None):
        seen.append(source)
        return real(data, fmt, source=source, base_iri=base_iri)

    monkeypatch.setattr(load, "parse_bytes", counted)
    return seen


@pytest.fixture
def data(tmp_path):
    path = tmp_path / "data.ttl"
    path.write_text(TEXT, encoding="utf-8")
    return path


def test_the_same_bytes_are_parsed_once_and_every_graph_is_new(data, parses):
    first = load_graph([data], ontology=False)
    first.remove((None, None, None))  # a caller may change its graph
    second = load_graph([data], ontology=False)
    assert len(second) == 2 and parses == [str(data)]
    assert file_triples(data) == tuple(read_triples(data))


def test_the_same_content_under_another_name_is_parsed_once(data, parses, tmp_path):
    copy = tmp_path / "copy.ttl"
    copy.write_bytes(data.read_bytes())
    assert set(file_triples(copy)) == set(file_triples(data))
    assert len(parses) == 1


def test_a_file_rewritten_with_other_bytes_of_the_same_size_and_time_is_read_again(data, parses, monkeypatch):
    monkeypatch.setattr(content, "_clock", lambda: time.time_ns() + 10 * content.RACY_NS)  # its hash is trusted
    assert "Astana" in {str(o) for _, _, o in file_triples(data)}
    file_triples(data)  # hashed: the same size
    before = data.stat()
    in_a_later_tick(data, lambda: data.write_text(TEXT.replace("Astana", "Almaty"), encoding="utf-8"))
    os.utime(data, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert "Almaty" in {str(o) for _, _, o in file_triples(data)}
    assert len(parses) == 2


def test_another_base_iri_is_another_read(tmp_path, parses):
    relative = tmp_path / "relative.ttl"
    relative.write_text('<a> <urn:kg:name> "Astana" .\n', encoding="utf-8")
    with input_base("http://example.org/one/"):
        assert str(file_triples(relative)[0][0]) == "http://example.org/one/a"
    with input_base("http://example.org/two/"):
        assert str(file_triples(relative)[0][0]) == "http://example.org/two/a"
    assert len(parses) == 2


def test_each_read_has_blank_nodes_of_its_own(tmp_path, parses):
    path = tmp_path / "blank.ttl"
    path.write_text('[] <urn:kg:name> "Astana" ; <urn:kg:near> [ <urn:kg:name> "Almaty" ] .\n', encoding="utf-8")
    one, two = load_graph([path], ontology=False), load_graph([path], ontology=False)
    assert len(parses) == 1 and isomorphic(one, two)
    blanks = [{t for triple in graph for t in triple if isinstance(t, BNode)} for graph in (one, two)]
    assert len(blanks[0]) == len(blanks[1]) == 2 and not blanks[0] & blanks[1]


def test_a_broken_file_is_reported_as_the_file_reader_reports_it(tmp_path):
    broken = tmp_path / "broken.ttl"
    broken.write_text('@prefix k: <urn:kg:> .\nk:a k:name "Astana" .\nk:b k:name "open\n', encoding="utf-8")
    with pytest.raises(LoadError) as read:
        read_quads(broken, one_graph=True)
    for _ in range(2):
        with pytest.raises(LoadError) as memoised:
            file_triples(broken)
        assert str(memoised.value) == str(read.value)
    assert "broken.ttl:3:" in str(read.value)


def test_an_ill_typed_literal_is_one_on_a_second_read_too(data, parses):
    for _ in range(2):
        graph = load_graph([data], ontology=False)
        assert [str(o) for o in graph.objects() if isinstance(o, Literal) and is_ill_typed(o)] == ["12x"]
    assert len(parses) == 1


def test_the_checks_of_an_input_run_on_every_read(data, monkeypatch):
    file_triples(data)
    monkeypatch.setenv("KG_MAX_INPUT_BYTES", "10")
    with pytest.raises(LoadError, match=r"data\.ttl: is \d+ bytes, over the input limit of 10 bytes"):
        file_triples(data)


def test_a_file_heavier_than_the_memo_holds_is_not_kept(data, parses, monkeypatch):
    monkeypatch.setattr(load._READ, "capacity", 1)
    file_triples(data)
    file_triples(data)
    assert len(parses) == 2


def read_triples(path):
    from kg.terms import to_rdflib

    return [(to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)) for q in read_quads(path)]
