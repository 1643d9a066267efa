"""Loading Turtle: positions in every error, nothing half-loaded."""

from __future__ import annotations

import pytest

from kg.errors import ExitCode, LoadError
from kg.load import load_graph, parse_turtle, read_text
from kg.namespaces import ID, KG, RDF


def test_default_graph_has_ontology_vocabularies_and_data(graph):
    assert (KG.Agreement, RDF.type, None) in graph
    assert (ID["concept/tonne"], None, None) in graph
    assert (ID["kazakhstan"], RDF.type, KG.Country) in graph


def test_syntax_error_names_file_line_and_column(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        '@prefix ex: <http://e/> .\nex:a ex:b ex:c .\nex:d ex:e "x" ;\n   ex:f ex:g ex:h .\n', encoding="utf-8"
    )
    with pytest.raises(
        LoadError, match=r"bad\.ttl:4:14: Turtle syntax error: A dot is expected at the end of statements"
    ):
        parse_turtle(bad)


def test_error_in_persian_text_counts_columns_in_characters(tmp_path):
    bad = tmp_path / "fa.ttl"
    bad.write_text('@prefix ex: <http://e/> .\nex:a ex:b "قزاقستان"@fa ex:c .\n', encoding="utf-8")
    with pytest.raises(LoadError) as info:
        parse_turtle(bad)
    assert (info.value.line, info.value.column) == (2, 25)  # characters, not the 8 extra UTF-8 bytes
    assert info.value.exit_code == ExitCode.USAGE


def test_missing_file(tmp_path):
    with pytest.raises(LoadError, match=r"nope\.ttl: no such file"):
        load_graph([tmp_path / "nope.ttl"])


def test_non_utf8_file_names_the_byte_position(tmp_path):
    bad = tmp_path / "latin1.ttl"
    bad.write_bytes('@prefix ex: <http://e/> .\nex:a ex:b "caf\u00e9" .\n'.encode("latin-1"))
    with pytest.raises(LoadError, match=r"latin1\.ttl:2:15: not UTF-8: byte 0xe9"):
        read_text(bad)


def test_failed_parse_adds_nothing_to_the_graph(tmp_path):
    good = load_graph()
    before = len(good)
    bad = tmp_path / "half.ttl"
    bad.write_text("@prefix ex: <http://e/> .\nex:a ex:b ex:c .\nex:d ex:e\n", encoding="utf-8")
    with pytest.raises(LoadError):
        parse_turtle(bad, good)
    assert len(good) == before
