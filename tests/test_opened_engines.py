"""kg.sparql.index.opened_engine: a process queries the same inputs on the engine it loaded for them the last time,
known by their content (never names or times), and only an engine no caller holds and no query can load into."""

from __future__ import annotations

import os
import time

import pytest

from file_times import in_a_later_tick
from kg import content, resources
from kg.base_iri import input_base
from kg.errors import LoadError
from kg.limits import MAX_INPUT_ENV
from kg.sparql import index
from kg.sparql.engines import OxigraphEngine, RdflibEngine, open_engine
from kg.sparql.library import check_queries, query

ENGINES = ("oxigraph", "rdflib")
NAMES = "SELECT ?name WHERE { <urn:kg:a> <urn:kg:name> ?name }"


@pytest.fixture(autouse=True)
def _nothing_opened():
    index.forget_opened()
    index.keep(None)
    content._HASHED.clear()
    yield
    index.forget_opened()
    content._HASHED.clear()


@pytest.fixture
def loads(monkeypatch):
    """The engines loaded from files, in order, as (kind, data)."""
    seen: list[tuple[str, object]] = []
    for cls in (OxigraphEngine, RdflibEngine):
        real = cls.from_files.__func__

        def counted(klass, data=None, *args, _real=real, **kwargs):
            seen.append((klass.name, data))
            return _real(klass, data, *args, **kwargs)

        monkeypatch.setattr(cls, "from_files", classmethod(counted))
    return seen


@pytest.fixture
def data(tmp_path):
    path = tmp_path / "data.nt"
    path.write_text('<urn:kg:a> <urn:kg:name> "Astana" .\n', encoding="utf-8")
    return path


def names(path, engine, **options):
    files = None if path is None else [path]
    return [str(row["name"]) for row in query(text=NAMES, data=files, engine=engine, **options).rows]


@pytest.mark.parametrize("engine", ENGINES)
def test_the_same_bytes_are_queried_on_the_engine_loaded_the_first_time(data, loads, engine):
    assert names(data, engine) == ["Astana"]
    first = index._OPENED[engine][2]
    assert names(data, engine) == ["Astana"]
    assert loads == [(engine, [data])]
    assert index._OPENED[engine][2] is first


@pytest.mark.parametrize("engine", ENGINES)
def test_a_file_rewritten_with_other_bytes_of_the_same_size_and_time_gives_the_new_rows(
    data, loads, engine, monkeypatch
):
    monkeypatch.setattr(content, "_clock", lambda: time.time_ns() + 10 * content.RACY_NS)  # its hash is trusted
    assert names(data, engine) == ["Astana"]
    before = data.stat()
    in_a_later_tick(data, lambda: data.write_text('<urn:kg:a> <urn:kg:name> "Almaty" .\n', encoding="utf-8"))
    os.utime(data, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert data.stat().st_size == before.st_size
    assert names(data, engine) == ["Almaty"]
    assert len(loads) == 2


def test_the_same_content_under_another_name_is_the_same_engine(data, loads, tmp_path):
    copy = tmp_path / "copy.nt"
    copy.write_bytes(data.read_bytes())
    assert names(data, "oxigraph") == names(copy, "oxigraph") == ["Astana"]
    assert len(loads) == 1


def test_one_engine_is_kept_per_kind_the_last(data, loads, tmp_path):
    other = tmp_path / "other.nt"
    other.write_text('<urn:kg:a> <urn:kg:name> "Tehran" .\n', encoding="utf-8")
    assert names(data, "oxigraph") == ["Astana"]
    assert names(data, "rdflib") == ["Astana"]
    assert names(other, "oxigraph") == ["Tehran"]
    assert names(data, "rdflib") == ["Astana"]  # the rdflib engine stays
    assert names(data, "oxigraph") == ["Astana"]  # the oxigraph one was replaced
    assert [kind for kind, _ in loads] == ["oxigraph", "rdflib", "oxigraph", "oxigraph"]


def test_another_entailment_or_base_iri_is_another_engine(data, loads, tmp_path):
    relative = tmp_path / "relative.nt"
    relative.write_text('<urn:kg:a> <urn:kg:name> "Astana" .\n', encoding="utf-8")
    names(data, "oxigraph")
    names(data, "oxigraph", entailment="none")
    with input_base("http://example.org/one/"):
        names(data, "oxigraph")
        names(data, "oxigraph")
    with input_base("http://example.org/two/"):
        names(data, "oxigraph")
    assert len(loads) == 4
    assert index._OPENED["oxigraph"][0][1] == "http://example.org/two/"


def test_the_library_check_and_a_query_share_the_engine(loads):
    assert names(None, "oxigraph") == []  # the shipped data
    report = check_queries(engine="oxigraph")
    assert report.checks and all(not check.problems for check in report.checks)
    assert len(loads) == 1


def test_an_engine_passed_in_is_never_kept(data, loads):
    engine = OxigraphEngine.from_files([data])
    assert [str(r["name"]) for r in query(text=NAMES, engine=engine).rows] == ["Astana"]
    check_queries(engine=engine)
    assert index._OPENED == {}


def test_an_engine_handed_to_a_caller_is_never_kept(data, loads):
    first = open_engine("oxigraph", data=[data])
    assert open_engine("oxigraph", data=[data]) is not first
    assert index._OPENED == {}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("options", [{"allow_external": True}, {"timeout": None}])
def test_a_query_that_may_load_into_its_engine_or_runs_in_this_process_loads_its_own(data, loads, engine, options):
    names(data, engine)  # kept
    assert names(data, engine, **options) == ["Astana"]
    assert names(data, engine, **options) == ["Astana"]
    assert len(loads) == 3


def test_the_library_checked_in_this_process_loads_its_own_engine(data, loads):
    names(None, "oxigraph")  # kept
    check_queries(engine="oxigraph", timeout=None)
    assert len(loads) == 2


def test_a_kept_engine_still_checks_the_inputs_of_each_call(data, loads, monkeypatch):
    limit = max(path.stat().st_size for path in resources.ontology_paths())
    data.write_text(f"# {'x' * limit}\n{data.read_text(encoding='utf-8')}", encoding="utf-8")  # the largest input
    names(data, "oxigraph")
    monkeypatch.setenv(MAX_INPUT_ENV, str(limit))
    with pytest.raises(LoadError, match=rf"data\.nt: is \d+ bytes, over the input limit of {limit} bytes"):
        names(data, "oxigraph")
    data.unlink()
    monkeypatch.delenv(MAX_INPUT_ENV)
    with pytest.raises(LoadError, match=r"data\.nt: no such file"):
        names(data, "oxigraph")


@pytest.mark.parametrize("engine", ENGINES)
def test_a_broken_file_read_from_its_bytes_is_reported_with_its_line_as_before(tmp_path, engine):
    broken = tmp_path / "broken.ttl"
    broken.write_text('@prefix k: <urn:kg:> .\nk:a k:name "Astana" .\nk:b k:name "open\n', encoding="utf-8")
    with pytest.raises(LoadError) as kept:
        names(broken, engine)
    with pytest.raises(LoadError) as fresh:
        open_engine(engine, data=[broken])
    assert str(kept.value) == str(fresh.value)
    assert "broken.ttl:3:" in str(kept.value)
    assert index._OPENED == {}


def test_a_process_that_queries_once_hashes_nothing_and_other_sizes_are_told_apart_unhashed(data, loads, tmp_path):
    other = tmp_path / "other.nt"
    other.write_text('<urn:kg:a> <urn:kg:name> "Shymkent" .\n', encoding="utf-8")
    assert names(data, "oxigraph") == ["Astana"]
    assert index._OPENED["oxigraph"][1]._digests is None
    assert names(other, "oxigraph") == ["Shymkent"]  # another size: another engine, nothing hashed
    assert index._OPENED["oxigraph"][1]._digests is None
    assert names(other, "oxigraph") == ["Shymkent"]  # the same sizes: hashed, the same bytes
    assert index._OPENED["oxigraph"][1]._digests is not None
    assert len(loads) == 2
