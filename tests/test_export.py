"""kg export: six standard formats, byte-identical on every run, read back by rdflib, rapper and Oxigraph."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pyoxigraph
import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from kg import resources
from kg.cli import main
from kg.describe import describe_dataset
from kg.errors import OutputError, UsageError
from kg.export import (
    DATA_GRAPH,
    DESCRIPTION_GRAPH,
    FORMATS,
    export_graph,
    select_parts,
    serialize,
    union,
    with_description,
    write_export_dir,
    write_turtle,
)
from kg.load import parse_turtle
from kg.namespaces import ID, KG, NIF, ONTOLOGY_IRI, RDF, RDFS, VOCABULARIES_IRI, XSD, new_graph
from kg.output import write_atomically
from kg.sparql import Result
from kg.sparql.compare import compare, read_expected
from kg.sparql.files import read_query
from kg.terms import to_rdflib

#: rdflib's own TriG and N-Quads parsers use its deprecated ConjunctiveGraph API internally.
pytestmark = [
    pytest.mark.filterwarnings("ignore:Dataset.default_context is deprecated:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning"),
]

FIXTURES = Path(__file__).parent / "fixtures" / "export"
ARTICLE = FIXTURES / "article.ttl"
BLANK_NODES = FIXTURES / "blank-nodes.ttl"
HAS_DATA = resources.data_path().is_file()

#: Data sets every property is checked on: our fixture, and the real data once it exists.
SOURCES = [
    pytest.param([ARTICLE], id="fixture"),
    pytest.param(None, id="data", marks=pytest.mark.skipif(not HAS_DATA, reason="data/article.ttl not written yet")),
]
RDFLIB_FORMAT = {"turtle": "turtle", "nt": "nt", "nquads": "nquads", "trig": "trig", "jsonld": "json-ld", "xml": "xml"}
RAPPER_FORMAT = {"turtle": "turtle", "nt": "ntriples", "nquads": "nquads", "trig": "trig", "xml": "rdfxml"}
TRIPLE_FORMATS = [name for name, f in FORMATS.items() if not f.dataset]
QUAD_FORMATS = [name for name, f in FORMATS.items() if f.dataset]


def export_parts(data, fmt: str):
    """What ``kg export --format fmt`` writes for ``data``: the parts, with the description for quads.

    Read once per data set for the module (reading the ontology and the article is most of a round trip's
    time): the tests only read the parts, never change them."""
    return _parts(None if data is None else tuple(data), FORMATS[fmt].dataset)


@functools.cache
def _parts(data: tuple[Path, ...] | None, dataset: bool):
    """The parts of ``data`` (read once), plus their description for the dataset formats (the same graphs)."""
    if dataset:
        return with_description(_parts(data, False))
    return select_parts("all", None if data is None else list(data))


@functools.cache
def _union(data: tuple[Path, ...] | None) -> Graph:
    """The parts of ``data`` merged, once per data set (read only)."""
    return union(_parts(data, False))


def export_union(data) -> Graph:
    """What the triple formats write for ``data``, as one graph."""
    return _union(None if data is None else tuple(data))


@pytest.fixture(scope="module", autouse=True)
def _forget_the_parts() -> Iterator[None]:
    """The parts read for this module are dropped after it: the worker's later forks need not copy them."""
    yield
    _parts.cache_clear()
    _union.cache_clear()


def parse_back(text: str, fmt: str) -> Graph | Dataset:
    if FORMATS[fmt].dataset:
        dataset = Dataset()
        dataset.parse(data=text, format=RDFLIB_FORMAT[fmt])
        return dataset
    return Graph().parse(data=text, format=RDFLIB_FORMAT[fmt])


# --------------------------------------------------------------------------- round trip and stability


@pytest.mark.parametrize("data", SOURCES)
@pytest.mark.parametrize("fmt", TRIPLE_FORMATS)
def test_triple_formats_round_trip(data, fmt):
    parts = export_parts(data, fmt)
    text = serialize(parts, fmt)
    back = parse_back(text, fmt)
    assert isomorphic(back, export_union(data))
    assert serialize({DATA_GRAPH: back}, fmt) == text, "the export of the export must be byte-identical"


@pytest.mark.parametrize("data", SOURCES)
@pytest.mark.parametrize("fmt", QUAD_FORMATS)
def test_dataset_formats_keep_each_part_in_its_named_graph(data, fmt):
    parts = export_parts(data, fmt)
    assert list(parts) == [ONTOLOGY_IRI, VOCABULARIES_IRI, DATA_GRAPH, DESCRIPTION_GRAPH]
    text = serialize(parts, fmt)
    back = parse_back(text, fmt)
    for name, graph in parts.items():
        assert isomorphic(back.graph(name), graph), name
    assert len(back.default_graph) == 0
    again = {name: back.graph(name) for name in parts}
    assert serialize(again, fmt) == text, "the export of the export must be byte-identical"


@pytest.mark.parametrize("data", SOURCES)
def test_no_triple_of_a_dataset_export_stands_in_two_graphs(data):
    """Issue 21: the article's type, headline and publisher and ISNA's labels stood in both the data and the
    description graphs, so a union default graph gave cq05 9 rows for 7 and cq29 3 for 2."""
    parts = export_parts(data, "nquads")
    seen: dict = {}
    for name, graph in parts.items():
        for triple in graph:
            assert triple not in seen, f"{triple} in <{seen.get(triple)}> and <{name}>"
            seen[triple] = name
    if data is None:  # kg describe still writes the description whole
        described = describe_dataset(export_parts(data, "turtle"))  # the parts without their description
        assert (ID["isna"], RDFS.label, Literal("Iranian Students' News Agency (ISNA)", lang="en")) in described


@pytest.fixture(scope="module")
def shipped_export(tmp_path_factory) -> list[tuple[str, Path]]:
    """What `kg export --format all` says it wrote for the shipped data, written once for the module (the quad
    exports the library's queries run over, and fixture ``exported``'s shipped data); read only."""
    return export_graph("all", tmp_path_factory.mktemp("export")).written


@pytest.mark.parametrize("fmt", QUAD_FORMATS)
def test_the_library_gives_its_rows_over_a_quad_export_with_a_union_default_graph(shipped_export, fmt):
    """As the README says: the default graph of the quad exports is empty; a union default graph (or FROM
    each graph) gives every library query its rows."""
    out = next(path for title, path in shipped_export if title == FORMATS[fmt].title)
    assert out.name == f"kg.{FORMATS[fmt].extension}"
    store = pyoxigraph.Store()
    store.load(path=str(out), format=FORMATS[fmt].oxigraph)
    assert not bool(store.query("ASK { ?s ?p ?o }"))  # nothing in the default graph itself
    problems = {}
    for path in sorted(resources.queries_dir().glob("*.rq")):
        answer = store.query(path.read_text(encoding="utf-8"), use_default_graph_as_union=True)
        if isinstance(answer, pyoxigraph.QueryBoolean):
            result = Result(read_query(path), "boolean", boolean=bool(answer))
        else:
            variables = [v.value for v in answer.variables]
            rows = [{v: to_rdflib(s[v]) for v in variables if s[v] is not None} for s in answer]
            result = Result(read_query(path), "bindings", variables=variables, rows=rows)
        found = compare(result, read_expected(path.with_suffix(".srj")))
        if found:
            problems[path.stem] = found[:2]
    assert problems == {}


@pytest.mark.parametrize("data", SOURCES)
def test_data_file_and_its_normal_form_agree(data):
    """The data file and `kg export --graph data --format turtle` hold the same graph, and the form is a fixed point."""
    source = data[0] if data else resources.data_path()
    text = export_graph("turtle", graph="data", data=data).text
    exported = Graph().parse(data=text, format="turtle")
    assert isomorphic(exported, parse_turtle(source))
    assert write_turtle(exported) == text


def _export_in_a_child(args: list[str], out: Path) -> dict[str, bytes]:
    """The files of ``kg export ARGS --out OUT`` run as a child with a hash seed of its own (this process's seed is
    random, or the one $PYTHONHASHSEED gives, which the child's differs from), by name."""
    seed = "2" if os.environ.get("PYTHONHASHSEED") == "1" else "1"
    env = {**os.environ, "PYTHONHASHSEED": seed}
    command = [sys.executable, "-m", "kg", "export", *args, "--out", str(out)]
    subprocess.run(command, check=True, env=env, capture_output=True, timeout=120)
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def test_two_exports_are_byte_identical(tmp_path, exported):
    """The module's export (fixture ``exported``) and a second one, made by a ``kg export`` child: Python randomises
    hashing per process, so set order differs, and the output must not (rdflib #1457, #3545)."""
    assert [name for name, _ in exported.written] == [f.title for f in FORMATS.values()]
    data = [] if exported.data is None else ["--data", *map(str, exported.data)]
    second = _export_in_a_child(["--format", "all", *data], tmp_path / "second")
    assert len(second) == 6
    assert second == {path.name: path.read_bytes() for _, path in exported.written}


def test_exports_from_separate_processes_are_byte_identical(tmp_path):
    """As above for a graph of blank nodes alone: a ``kg export`` child with a hash seed of its own against this
    process's export. (The shipped data's two exports are compared by test_two_exports_are_byte_identical.)"""
    args = ["--format", "all", "--graph", "data", "--data", str(BLANK_NODES)]
    child = _export_in_a_child(args, tmp_path / "child")
    assert main(["export", *args, "--out", str(tmp_path / "here")]) == 0
    assert len(child) == 6
    assert child == {p.name: p.read_bytes() for p in sorted((tmp_path / "here").iterdir())}


def test_blank_nodes_get_canonical_labels():
    text = serialize({DATA_GRAPH: parse_turtle(BLANK_NODES)}, "turtle")
    # RDFC-1.0 canonical labels (c14nN, written bN): fixed by the graph's shape, not by the input's labels
    assert "_:b1 rdf:first kg:Country" in text
    assert "kgi:a rdfs:seeAlso _:b0 .\n\nkgi:b rdfs:seeAlso _:b0 ." in text, "a shared blank node keeps one label"
    assert isomorphic(Graph().parse(data=text, format="turtle"), parse_turtle(BLANK_NODES))


# --------------------------------------------------------------------------- independent parsers


class Exported(NamedTuple):
    files: dict[str, Path]  # by format name
    counts: dict[str, int]  # the statements each file holds, by format name
    data: list[Path] | None  # the data files exported (None: the shipped data)
    written: list[tuple[str, Path]]  # what export_graph says it wrote


@pytest.fixture(
    scope="module", params=[[ARTICLE], *([None] if HAS_DATA else [])], ids=["fixture", "data"][: 1 + HAS_DATA]
)
def exported(request, tmp_path_factory):
    """Every format written by `kg export --format all`, with the triple counts rdflib sees."""
    if request.param is None:  # the shipped data's: written once for the module
        written = request.getfixturevalue("shipped_export")
    else:
        written = export_graph("all", tmp_path_factory.mktemp("export"), data=request.param).written
    files = {f: path for f, (_, path) in zip(FORMATS, written, strict=True)}
    counts = {}
    for fmt in FORMATS:
        parts = export_parts(request.param, fmt)
        counts[fmt] = sum(len(g) for g in parts.values()) if FORMATS[fmt].dataset else len(export_union(request.param))
    return Exported(files, counts, request.param, written)


@pytest.mark.skipif(shutil.which("rapper") is None, reason="rapper not installed (Debian: raptor2-utils)")
@pytest.mark.parametrize("fmt", list(RAPPER_FORMAT))
def test_rapper_reads_the_export_without_warnings(exported, fmt):
    files, counts = exported.files, exported.counts
    run = subprocess.run(
        ["rapper", "--count", "--input", RAPPER_FORMAT[fmt], files[fmt].as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    problems = [line for line in run.stderr.splitlines() if "Warning" in line or "Error" in line]
    assert not problems, problems
    assert f"Parsing returned {counts[fmt]} triple" in run.stderr, run.stderr


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_oxigraph_reads_the_export(exported, fmt):
    files, counts = exported.files, exported.counts
    parsed = list(pyoxigraph.parse(path=str(files[fmt]), format=FORMATS[fmt].oxigraph))
    assert len(parsed) == counts[fmt]
    if FORMATS[fmt].dataset:
        names = {str(q.graph_name.value) for q in parsed}
        assert names == {str(ONTOLOGY_IRI), str(VOCABULARIES_IRI), str(DATA_GRAPH), str(DESCRIPTION_GRAPH)}


def test_an_owl_tool_loads_the_rdfxml_export_like_the_ntriples_one(exported):
    """owlready2 (the OWL library behind `kg reason`) reads RDF/XML natively: same classes, same quads."""
    owlready2 = pytest.importorskip("owlready2")
    files = exported.files
    seen = []
    for fmt in ("xml", "nt"):
        world = owlready2.World()
        world.get_ontology(files[fmt].as_uri()).load()
        quads = world.graph.execute("SELECT COUNT(*) FROM quads").fetchone()[0]
        seen.append((sorted(c.iri for c in world.classes()), quads))
        world.close()
    assert seen[0] == seen[1]
    assert str(KG.Mention) in seen[0][0]


# --------------------------------------------------------------------------- text


@pytest.mark.parametrize("data", SOURCES)
def test_the_article_text_is_one_literal_with_its_line_breaks(data):
    """Every format carries it exactly: the round-trip tests above find each format's graphs isomorphic to
    the parts written, and isomorphism compares each literal's exact text."""
    parts = {DATA_GRAPH: export_parts(data, "turtle")[DATA_GRAPH]}  # what select_parts("data", data) reads
    article = next(iter(parts[DATA_GRAPH].subjects(RDF.type, KG.NewsArticle)))
    expected = str(parts[DATA_GRAPH].value(article, NIF.isString))
    assert "\n" in expected
    if data is None:
        assert expected == resources.article_text_path().read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_persian_is_written_as_characters_not_escapes(fmt):
    text = serialize(select_parts("data", [ARTICLE]), fmt)
    assert "قزاقستان" in text
    assert "\\u06" not in text and "&#" not in text


def test_turtle_writes_mentions_with_prefixes_in_numeric_order():
    text = serialize(select_parts("data", [ARTICLE]), "turtle")
    assert text.index("span:4-10 a kg:Mention") < text.index("span:14-19 a kg:Mention") < text.index("span:20-39")
    assert '"""سفر توکایف به تهران\n' in text, "a multi-line literal is written as a long string"


def test_escapes_and_bare_numbers_read_back_everywhere(tmp_path):
    """Control characters, quotes, backslashes, CR LF and triple quotes inside long strings."""
    graph = new_graph()
    x = ID["x"]
    for text in ('a\bb\fc\x01d\x7fe\tf"g\\h', 'multi\nline """ triple \x01 end"', "cr\r\nlf", "\n"):
        graph.add((x, RDFS.comment, Literal(text)))
    graph.add((x, RDFS.comment, Literal("1.5E3", datatype=XSD.double)))
    graph.add((x, RDFS.comment, Literal("-7", datatype=XSD.integer)))
    for fmt in ("turtle", "nt", "nquads", "trig", "jsonld"):
        text = serialize({DATA_GRAPH: graph}, fmt)
        back = parse_back(text, fmt)
        assert isomorphic(back.graph(DATA_GRAPH) if isinstance(back, Dataset) else back, graph), fmt
        assert len(list(pyoxigraph.parse(text, format=FORMATS[fmt].oxigraph))) == len(graph), fmt
        if fmt in RAPPER_FORMAT and shutil.which("rapper"):
            path = tmp_path / f"x.{fmt}"
            path.write_text(text, encoding="utf-8")
            run = subprocess.run(
                ["rapper", "-c", "-i", RAPPER_FORMAT[fmt], path.as_uri()], capture_output=True, text=True
            )
            assert f"returned {len(graph)} triples" in run.stderr, (fmt, run.stderr)
    turtle = serialize({DATA_GRAPH: graph}, "turtle")
    assert '"""cr\\r\nlf"""' in turtle and "-7 .\n" in turtle


def test_only_the_prefixes_used_are_declared():
    graph = new_graph()
    graph.add((ID["kazakhstan"], RDF.type, KG.Country))
    graph.add((ID["kazakhstan"], RDFS.label, Literal("Kazakhstan", lang="en")))
    graph.add((ID["kazakhstan"], RDFS.seeAlso, URIRef("http://example.org/other/thing")))
    text = serialize({DATA_GRAPH: graph}, "turtle")
    prefixes = [line.split()[1] for line in text.splitlines() if line.startswith("@prefix")]
    assert prefixes == ["kg:", "kgi:", "rdfs:"]
    assert "<http://example.org/other/thing>" in text
    for fmt in FORMATS:
        assert "ns1" not in serialize({DATA_GRAPH: graph}, fmt), fmt


def test_jsonld_is_compact_and_readable():
    import json

    document = json.loads(serialize(select_parts("data", [ARTICLE]), "jsonld"))
    assert set(document) == {"@context", "@graph"}
    assert document["@context"]["kgi"] == "https://w3id.org/iran-kazakhstan-kg/id/"
    assert "sh" not in document["@context"], "only the prefixes used"
    kazakhstan = next(n for n in document["@graph"] if n["@id"] == "kgi:kazakhstan")
    assert kazakhstan["@type"] == "kg:Country"
    assert {"@language": "fa", "@value": "قزاقستان"} in kazakhstan["rdfs:label"]
    target = next(n for n in document["@graph"] if n["@id"] == "figure:trade-target")
    assert target["schema:value"] == 3000000000
    assert target["kg:perDuration"] == {"@type": "xsd:duration", "@value": "P1Y"}


# --------------------------------------------------------------------------- bad input


def test_unknown_format_lists_the_supported_ones():
    with pytest.raises(UsageError, match=r"unknown format 'yaml': choose one of turtle, nt, nquads, trig, jsonld, xml"):
        export_graph("yaml")


def test_unknown_graph_part_lists_the_choices():
    with pytest.raises(UsageError, match=r"unknown graph 'shapes': choose one of all, data, ontology"):
        export_graph("turtle", graph="shapes")


def test_unwritable_out_fails_before_anything_is_written(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory", encoding="utf-8")
    with pytest.raises(OutputError, match=r"a-file/sub/kg\.ttl: cannot create it: .*a-file is not a directory"):
        export_graph("turtle", blocker / "sub" / "kg.ttl", data=[ARTICLE])
    with pytest.raises(OutputError, match=r"a-file: exists and is not a directory"):
        export_graph("all", blocker, data=[ARTICLE])
    with pytest.raises(OutputError, match=r"is a directory"):
        export_graph("turtle", tmp_path, data=[ARTICLE])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]


def test_a_failed_write_leaves_no_partial_file(tmp_path):
    good = tmp_path / "out" / "kg.ttl"
    good.parent.mkdir()
    good.write_text("old\n", encoding="utf-8")
    blocker = tmp_path / "blocker"
    blocker.write_text("", encoding="utf-8")
    with pytest.raises(OutputError, match="cannot write"):
        write_atomically({good: "new\n", blocker / "kg.nt": "never\n"})
    assert good.read_text(encoding="utf-8") == "old\n", "the first file is not replaced when the second fails"
    assert sorted(p.name for p in good.parent.iterdir()) == ["kg.ttl"], "no temporary file is left"


def test_written_files_follow_the_umask_not_mkstemps_0600(tmp_path):
    old = os.umask(0o022)
    try:
        export_graph("nt", tmp_path / "kg.nt", data=[ARTICLE])
    finally:
        os.umask(old)
    assert (tmp_path / "kg.nt").stat().st_mode & 0o777 == 0o644


# --------------------------------------------------------------------------- command line and build


def test_cli_writes_one_format_to_stdout(capsysbinary):
    assert main(["export", "--graph", "data", "--format", "nt", "--data", str(ARTICLE)]) == 0
    out = capsysbinary.readouterr().out.decode("utf-8")
    assert '"قزاقستان"@fa .' in out


def test_cli_reports_bad_format_and_output_with_exit_codes(tmp_path, capsys):
    assert main(["export", "--format", "yaml"]) == 2
    assert "unknown format 'yaml': choose one of turtle, nt, nquads, trig, jsonld, xml, all" in capsys.readouterr().err
    assert main(["export", "--format", "all"]) == 2
    assert "give a directory with --out" in capsys.readouterr().err
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    assert main(["export", "--out", str(blocker / "kg.ttl"), "--data", str(ARTICLE)]) == 7
    assert "is not a directory" in capsys.readouterr().err


def test_cli_writes_every_format_into_a_directory(tmp_path, capsys):
    assert main(["export", "--format", "all", "--out", str(tmp_path), "--data", str(ARTICLE)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["kg.ttl", "kg.nt", "kg.nq", "kg.trig", "kg.jsonld", "kg.rdf"]
    )
    assert f"wrote TriG: {tmp_path / 'kg.trig'}" in capsys.readouterr().out


def test_build_writer_writes_each_part_as_read_into_its_named_graph(tmp_path):
    from kg.sources import Sources

    write_export_dir(Sources([ARTICLE]), tmp_path / "export")
    dataset = Dataset()
    dataset.parse(tmp_path / "export" / "kg.trig", format="trig")
    assert isomorphic(dataset.graph(DATA_GRAPH), parse_turtle(ARTICLE))
    assert sorted(p.name for p in (tmp_path / "export").iterdir()) == sorted(
        ["kg.ttl", "kg.nt", "kg.nq", "kg.trig", "kg.jsonld", "kg.rdf"]
    )


# --------------------------------------------------------------------------- every term exactly (issue 9)

_XSD = "http://www.w3.org/2001/XMLSchema#"


def _quads(text: str) -> list[pyoxigraph.Quad]:
    return list(pyoxigraph.parse(text, format=pyoxigraph.RdfFormat.N_TRIPLES))


def _same(text: str, fmt: str, expected: list[pyoxigraph.Quad]) -> bool:
    back = {(q.subject, q.predicate, q.object) for q in pyoxigraph.parse(text, format=FORMATS[fmt].oxigraph)}
    return back == {(q.subject, q.predicate, q.object) for q in expected}


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_lexical_forms_survive_every_format(fmt):
    """ "01"^^xsd:integer and "1"^^xsd:integer are different terms: no writer may normalise either."""
    cases = [("integer", "01"), ("integer", "+1"), ("double", "1e0"), ("double", "INF"), ("double", "NaN")]
    cases += [("decimal", "1.50"), ("boolean", "1"), ("double", "-0"), ("integer", "abc")]
    nt = "".join(f'<http://a/s> <http://a/p{i}> "{lex}"^^<{_XSD}{dt}> .\n' for i, (dt, lex) in enumerate(cases))
    text = serialize(_quads(nt), fmt)
    assert _same(text, fmt, _quads(nt))
    if fmt == "turtle":
        assert "01 ;" in text and "+1 ;" in text and "1e0 ;" in text and '"INF"^^xsd:double' in text


def test_kg_export_keeps_lexical_forms_of_a_data_file(tmp_path, capsysbinary):
    data = tmp_path / "lex.ttl"
    data.write_text(
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        '<http://a/s> <http://a/p> "01"^^xsd:integer , 1e0 , "INF"^^xsd:double .\n',
        encoding="utf-8",
    )
    assert main(["export", "--graph", "data", "--format", "nt", "--data", str(data)]) == 0
    out = capsysbinary.readouterr().out.decode("utf-8")
    for lexical in ('"01"', '"1e0"', '"INF"'):
        assert lexical in out


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_a_5000_digit_run_does_not_crash_sorting(fmt):
    """Python's int() refuses more than 4 300 digits; the sort key compares digit runs without it."""
    digits = "9" * 5000
    nt = (
        f'<http://a/s{digits}> <http://a/p> "{digits}"^^<{_XSD}integer> .\n'
        f'<http://a/s1{digits}> <http://a/p> "x{digits}" .\n<http://a/s2> <http://a/p> "y" .\n'
    )
    text = serialize(_quads(nt), fmt)
    assert _same(text, fmt, _quads(nt))
    if fmt == "turtle":  # digit runs in numeric order: 2 < 99…9 (5 000 digits) < 199…9 (5 001 digits)
        assert text.index("<http://a/s2>") < text.index(f"<http://a/s{digits}>") < text.index(f"<http://a/s1{digits}>")


def test_an_absolute_iri_with_a_prefix_as_scheme_stays_absolute_in_jsonld():
    """<kg:Country> (scheme "kg") must not be written as "kg:Country", which reads back as the project's class."""
    import json

    nt = f"<kg:Country> <http://a/p> <{KG.Country}> .\n<{ID['iran']}> <{RDF.type}> <{KG.Country}> .\n"
    text = serialize(_quads(nt), "jsonld")
    assert _same(text, "jsonld", _quads(nt))
    document = json.loads(text)
    assert "kg" not in document["@context"], "the colliding prefix is not used at all"
    assert {node["@id"] for node in document["@graph"]} == {"kg:Country", "kgi:iran"}


def test_rdf_li_is_refused_by_rdfxml_and_rdf_n_round_trips():
    li = _quads('<http://a/s> <http://www.w3.org/1999/02/22-rdf-syntax-ns#li> "x" .\n')
    with pytest.raises(OutputError, match=r"RDF/XML cannot write the property <.*#li>: readers turn each rdf:li"):
        serialize(li, "xml")
    for fmt in FORMATS:
        if fmt != "xml":
            assert _same(serialize(li, fmt), fmt, li), fmt
    numbered = _quads('<http://a/s> <http://www.w3.org/1999/02/22-rdf-syntax-ns#_1> "x" .\n')
    text = serialize(numbered, "xml")
    assert "<rdf:_1>x</rdf:_1>" in text and _same(text, "xml", numbered)


def test_rdfxml_writes_persian_property_names():
    nt = f'<{ID["iran"]}> <{KG}نام> "ایران"@fa .\n<{ID["iran"]}> <http://a.example/ویژگی> "x" .\n'
    text = serialize(_quads(nt), "xml")
    assert '<kg:نام xml:lang="fa">ایران</kg:نام>' in text
    assert "<p0:ویژگی>x</p0:ویژگی>" in text and 'xmlns:p0="http://a.example/"' in text
    assert _same(text, "xml", _quads(nt))


def test_upper_case_language_tags_are_written_lower_case(tmp_path):
    data = tmp_path / "tags.ttl"
    data.write_text(f'<{ID["iran"]}> <{RDFS.label}> "Iran"@EN , "ایران"@FA .\n', encoding="utf-8")
    text = export_graph("turtle", graph="data", data=[data]).text
    assert 'rdfs:label "Iran"@en , "ایران"@fa .' in text


def test_a_writer_whose_output_does_not_read_back_is_an_output_error():
    from kg.writers import verify

    meant = _quads('<http://a/s> <http://a/p> "01"^^<http://www.w3.org/2001/XMLSchema#integer> .\n')
    written = '<http://a/s> <http://a/p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
    with pytest.raises(OutputError, match=r"the N-Triples written does not read back as the same graph") as caught:
        verify(written, FORMATS["nt"], meant)
    assert caught.value.exit_code == 7
    with pytest.raises(OutputError, match=r"the N-Triples written does not read back \(a writer bug\)"):
        verify("<http://a/s> <http://a/p> .\n", FORMATS["nt"], meant)


def test_a_graph_with_an_invalid_iri_is_refused_by_every_writer():
    graph = new_graph()
    graph.add((URIRef("http://a/b c"), RDFS.label, Literal("x")))
    for fmt in FORMATS:
        with pytest.raises(OutputError, match="cannot write a term that is not valid RDF"):
            serialize({DATA_GRAPH: graph}, fmt)


def test_format_aliases_are_accepted(capsysbinary):
    for alias in ("json-ld", "ttl", "rdfxml", "ntriples", "nq"):
        assert main(["export", "--graph", "data", "--format", alias, "--data", str(ARTICLE)]) == 0, alias
        assert capsysbinary.readouterr().out


def test_writers_are_a_bottom_module():
    """kg.writers imports no orchestration (the whole package's cycles: tests/test_imports.py)."""
    import ast

    folder = Path(resources.__file__).parent

    def imported(paths):
        return {
            n.module
            for path in paths
            for n in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(n, ast.ImportFrom) and n.module and n.module.startswith("kg.")
        }

    writers = {m for m in imported((folder / "writers").glob("*.py")) if not m.startswith("kg.writers.")}
    assert writers == {"kg.errors", "kg.formats", "kg.namespaces", "kg.terms"}
    assert "kg.export" not in imported([folder / "describe.py"])


def test_query_output_formats_come_from_the_same_registry():
    from kg.sparql.results import check_format

    assert check_format("graph", "json-ld") == check_format("graph", "jsonld") == "jsonld"
    assert check_format("graph", "ttl") == "turtle" and check_format("graph", "rdfxml") == "xml"
    with pytest.raises(UsageError, match=r"unknown format 'xlsx': choose one of table, csv, tsv, json, md, turtle"):
        check_format("bindings", "xlsx")


def test_an_output_that_is_an_input_is_refused(tmp_path, capsys):
    data = tmp_path / "kg.ttl"
    data.write_bytes(ARTICLE.read_bytes())
    assert main(["export", "--graph", "data", "--data", str(data), "--out", str(data)]) == 7
    assert f"{data}: is an input of this command" in capsys.readouterr().err
    assert main(["export", "--format", "all", "--data", str(data), "--out", str(tmp_path)]) == 7
    assert data.read_bytes() == ARTICLE.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kg.ttl"]


@pytest.mark.slow  # every format written twice
def test_quads_converted_once_give_every_format_the_same_text_as_the_graphs():
    from kg.export import with_description
    from kg.formats import FORMATS
    from kg.writers import Canonical, to_quads

    shared = export_parts(None, "turtle")  # the module's parts, read only: the data graph changed is a copy
    parts = {**shared, DATA_GRAPH: new_graph(shared[DATA_GRAPH])}
    parts[DATA_GRAPH].add((ID["x"], RDFS.seeAlso, BNode()))  # a blank node: the canonical labelling is shared too
    assert len(parts[DATA_GRAPH]) == len(shared[DATA_GRAPH]) + 1
    dataset = with_description(parts)
    named, merged = to_quads(dataset), to_quads(parts, triples=True)
    assert isinstance(named, Canonical) and not named.triples and merged.triples
    assert to_quads(named) is named and to_quads(merged, triples=True) is merged
    for fmt in FORMATS.values():
        once = serialize(named if fmt.dataset else merged, fmt)
        assert once == serialize(dataset if fmt.dataset else parts, fmt), fmt.name
