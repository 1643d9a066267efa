"""kg.sparql.index: a store is known by the content of its inputs (never names, sizes or times), and kept for one;
a file's hash is taken again unless its status is the one it had when hashed, well after its last change."""

from __future__ import annotations

import hashlib
import os
import sys
import time

import pytest

from file_times import in_a_later_tick
from kg import content, resources
from kg.errors import LoadError
from kg.sparql import index
from kg.sparql.index import inputs_key, keep, kept_engine

TRIPLE = '<urn:a> <urn:b> "همکاری‌ها"@fa .\n'


@pytest.fixture(autouse=True)
def _nothing_kept():
    keep(None)
    content._HASHED.clear()
    yield
    keep(None)
    content._HASHED.clear()


def _hashes_later(monkeypatch):
    """Hashes taken from now on begin long after every file's last change (whose hash may then be trusted)."""
    monkeypatch.setattr(content, "_clock", lambda: time.time_ns() + 10 * content.RACY_NS)


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


def test_a_file_hashed_long_after_its_last_change_is_not_hashed_again_while_its_status_stays(data, hashed, monkeypatch):
    _hashes_later(monkeypatch)
    first = inputs_key([data], "none")[0]
    assert hashed.count(str(data)) == 1
    assert inputs_key([data], "none")[0] == first
    assert inputs_key([data], "rdfs", scan=False)[0][1] == first[1]
    assert hashed.count(str(data)) == 1


def test_a_file_changed_within_the_margin_of_its_hash_is_hashed_again_until_hashed_later(data, hashed, monkeypatch):
    """The racy case: written just now, a file could change again in the same tick of its change time, unseen."""
    inputs_key([data], "none")
    inputs_key([data], "none")
    assert hashed.count(str(data)) == 2  # hashed at every request
    _hashes_later(monkeypatch)
    inputs_key([data], "none")
    inputs_key([data], "none")
    assert hashed.count(str(data)) == 3  # hashed once more, well after its change: trusted from then on


def test_content_rewritten_with_its_old_mtime_after_a_trusted_hash_is_another_store(data, hashed, monkeypatch):
    _hashes_later(monkeypatch)
    before = inputs_key([data], "none")[0]
    stat = data.stat()
    new = TRIPLE.replace("urn:a", "urn:c")

    def rewrite():
        data.write_text(new, encoding="utf-8")
        os.utime(data, ns=(stat.st_atime_ns, stat.st_mtime_ns))

    in_a_later_tick(data, rewrite)
    assert (data.stat().st_size, data.stat().st_mtime_ns, data.stat().st_ino) == (
        stat.st_size,
        stat.st_mtime_ns,
        stat.st_ino,
    )
    after = inputs_key([data], "none")[0]
    assert after != before and after[1][-1] == ("nt", hashlib.sha256(new.encode()).hexdigest())


def test_a_touched_file_is_hashed_again_and_is_the_same_store(data, hashed, monkeypatch):
    _hashes_later(monkeypatch)
    before = inputs_key([data], "none")[0]
    in_a_later_tick(data, lambda: os.utime(data))
    assert inputs_key([data], "none")[0] == before
    assert hashed.count(str(data)) == 2
    assert inputs_key([data], "none")[0] == before and hashed.count(str(data)) == 2  # trusted again


def test_another_file_put_in_its_place_is_hashed(data, hashed, monkeypatch, tmp_path):
    _hashes_later(monkeypatch)
    before = inputs_key([data], "none")[0]
    other = tmp_path / "other.nt"
    other.write_text(TRIPLE.replace("urn:a", "urn:d"), encoding="utf-8")
    os.utime(other, ns=(data.stat().st_atime_ns, data.stat().st_mtime_ns))
    other.replace(data)
    assert inputs_key([data], "none")[0] != before


def test_the_bytes_read_to_load_are_the_hash_trusted_after(data, hashed, monkeypatch):
    _hashes_later(monkeypatch)
    key, _, contents = index.read_keyed([data], "none")
    assert contents[-1] == TRIPLE.encode()
    assert inputs_key([data], "none")[0] == key
    assert str(data) not in hashed  # read_keyed hashed the bytes it read; nothing hashed the file again


@pytest.mark.parametrize("kind", [0x4D44, 0x2011BAB0, 0x65735546])  # FAT, exFAT, FUSE
def test_a_file_on_a_file_system_without_its_own_change_times_is_always_hashed(data, hashed, monkeypatch, kind):
    _hashes_later(monkeypatch)
    monkeypatch.setattr(content, "_file_system_type", lambda fd: kind)
    inputs_key([data], "none")
    index.read_keyed([data], "none")
    inputs_key([data], "none")
    assert hashed.count(str(data)) == 2  # read_keyed hashed the bytes it read: neither hash was kept


def test_the_file_system_of_a_file_is_known_on_linux(data):
    with data.open("rb") as handle:
        kind = content._file_system_type(handle.fileno())
    assert (kind is not None) == sys.platform.startswith("linux")
    assert kind not in content.NO_CHANGE_TIME  # the tests' own folder: a local file system
