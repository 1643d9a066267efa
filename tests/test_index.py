"""kg.sparql.index: a store is known by the content of its inputs (never names, sizes or times), and kept for one."""

from __future__ import annotations

import hashlib
import os

import pytest

from kg import resources
from kg.errors import LoadError
from kg.sparql import index
from kg.sparql.index import inputs_key, keep, kept_engine

TRIPLE = '<urn:a> <urn:b> "همکاری‌ها"@fa .\n'


@pytest.fixture(autouse=True)
def _nothing_kept():
    keep(None)
    yield
    keep(None)


@pytest.fixture
def data(tmp_path):
    path = tmp_path / "data.nt"
    path.write_text(TRIPLE, encoding="utf-8")
    return path


def test_the_key_is_the_entailment_and_each_input_s_format_and_sha256_in_reading_order(data):
    key, names = inputs_key([data], "rdfs")
    ontology = resources.ontology_paths()
    assert key[0] == "rdfs"
    assert key[1][-1] == ("nt", hashlib.sha256(TRIPLE.encode()).hexdigest())
    assert len(key[1]) == len(ontology) + 1
    assert names == [str(p.resolve()) for p in ontology] + [str(data.resolve())]


def test_the_same_content_under_another_name_or_time_is_the_same_store(data, tmp_path):
    copy = tmp_path / "elsewhere" / "copy.nt"
    copy.parent.mkdir()
    copy.write_bytes(data.read_bytes())
    os.utime(copy, (1, 1))
    assert inputs_key([copy], "none")[0] == inputs_key([data], "none")[0]


def test_other_content_of_the_same_size_and_time_is_another_store(data):
    before = inputs_key([data], "none")[0]
    stat = data.stat()
    data.write_text(TRIPLE.replace("urn:a", "urn:c"), encoding="utf-8")
    os.utime(data, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert data.stat().st_size == stat.st_size
    assert inputs_key([data], "none")[0] != before


def test_the_entailment_and_the_format_are_part_of_the_key(data, tmp_path):
    assert inputs_key([data], "none")[0] != inputs_key([data], "rdfs")[0]
    turtle = tmp_path / "data.ttl"
    turtle.write_bytes(data.read_bytes())  # the same bytes read as Turtle
    assert inputs_key([turtle], "none")[0][1][-1] == ("turtle", inputs_key([data], "none")[0][1][-1][1])


def test_no_data_means_the_shipped_data(data):
    key, names = inputs_key(None, "none")
    assert names[-1] == str(resources.data_path().resolve())
    assert key == inputs_key([resources.data_path()], "none")[0]


@pytest.mark.parametrize(
    ("name", "message"),
    [("missing.ttl", r"missing\.ttl: "), ("data.csv", r"unknown RDF file extension '\.csv'")],
)
def test_an_input_that_could_not_be_loaded_fails_as_a_load_would(tmp_path, name, message):
    (tmp_path / "data.csv").write_text("a,b\n", encoding="utf-8")
    with pytest.raises(LoadError, match=message):
        inputs_key([tmp_path / name], "none")


def test_a_kept_store_is_handed_only_to_a_query_on_the_same_inputs_and_entailment(data, tmp_path):
    engine = object()
    keep(engine, [data], "rdfs")
    assert kept_engine([data], "rdfs") is engine
    assert kept_engine([tmp_path / "." / "data.nt"], "rdfs") is engine  # the same file, spelt otherwise
    assert kept_engine([data], "none") is None
    assert kept_engine(None, "rdfs") is None
    keep(None)
    assert kept_engine([data], "rdfs") is None


def test_a_kept_store_still_checks_the_inputs_of_the_request(data, monkeypatch):
    keep(object(), [data], "none")
    monkeypatch.setenv("KG_MAX_INPUT_BYTES", "10")
    with pytest.raises(LoadError, match="over the input limit of 10 bytes"):
        kept_engine([data], "none")
    assert index._KEPT is not None  # refused for this request, still kept for the next
