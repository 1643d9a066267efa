"""Loading RDF: one strict reader, positions in every error, nothing half-loaded, every term as written."""

from __future__ import annotations

import os
import re

import pytest
from rdflib import Literal, URIRef

from kg.base_iri import NO_BASE, check_base, input_base
from kg.errors import ExitCode, LoadError, UsageError
from kg.literals import ill_typed_literals
from kg.load import MAX_INPUT_ENV, load_graph, parse_turtle, read_quads, read_text
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


# --------------------------------------------------------------------------- the one strict reader (issue 9)


def _write(tmp_path, name: str, text: str | bytes):
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("name", "text", "where", "message"),
    [
        ("literal-subject.nt", '"lit" <http://a/p> <http://a/o> .\n', "1:1", "must be an IRI or a blank node"),
        ("literal-subject.ttl", '"lit" <http://a/p> <http://a/o> .\n', "1:1", '"lit" is not a valid subject'),
        ("iri-space.nt", "<http://a/s> <http://a/p> <http://a/b c> .\n", "1:27", "Invalid IRI code point ' '"),
        ("iri-space.ttl", "<http://a/s> <http://a/p> <http://a/b c> .\n", "1:27", "Invalid IRI code point ' '"),
        ("surrogate.ttl", '<http://a/s> <http://a/p> "\\uD800" .\n', "1:28", "not a valid unicode character"),
        ("surrogate-iri.nt", "<http://a/\\uD800> <http://a/p> <http://a/o> .\n", "1:11", "not a valid unicode"),
    ],
)
def test_what_rdflib_accepted_is_refused_with_a_position(tmp_path, capsys, name, text, where, message):
    """Issue 9: rdflib read these and kg export wrote N-Triples no strict parser reads (or crashed)."""
    from kg.cli import main

    path = _write(tmp_path, name, text)
    with pytest.raises(LoadError, match=re.escape(f"{path}:{where}: ") + ".*" + re.escape(message)):
        parse_turtle(path)
    for command in ("validate", "export", "stats"):
        assert main([command, "--data", str(path)]) == ExitCode.USAGE
        assert f"{path}:{where}: " in capsys.readouterr().err


_EX = "@prefix ex: <http://example.org/> .\n"


@pytest.mark.parametrize(
    ("name", "text", "where"),
    [
        ("triple-term.ttl", _EX + 'ex:s ex:says "<< not one" ;\n  ex:claims <<( ex:a ex:b ex:c )>> .\n', "3:13"),
        ("reified.ttl", _EX + "# << a comment\n<< ex:a ex:b ex:c >> ex:source ex:d .\n", "3:1"),
        ("annotated.ttl", _EX + "ex:a ex:b ex:c {| ex:source ex:d |} .\n", "2:16"),
        ("persian.ttl", _EX + 'ex:a ex:b "تهران" , <<( ex:a ex:b ex:c )>> .\n', "2:21"),
        ("triple-term.trig", _EX + "{ ex:s ex:p <<( ex:a ex:b ex:c )>> . }\n", "2:13"),
        ("triple-term.nt", "<http://a/s> <http://a/p> <<( <http://a/a> <http://a/b> <http://a/c> )>> .\n", "1:27"),
        ("triple-term.nq", "<http://a/s> <http://a/p> <<( <http://a/a> <http://a/b> <http://a/c> )>> .\n", "1:27"),
    ],
)
def test_an_rdf_1_2_triple_term_is_a_load_error_at_its_position(tmp_path, capsys, name, text, where):
    """RDF 1.2 input gave kg validate, stats and explore a traceback (no rdflib term for a pyoxigraph Triple)."""
    from kg.cli import main

    path = _write(tmp_path, name, text)
    with pytest.raises(LoadError, match=re.escape(f"{path}:{where}: ") + r"[-A-Za-z]+: an RDF 1\.2 triple term"):
        parse_turtle(path)
    ask = ["-e", "ASK {}"]  # kg query: both engines, the direct store load of oxigraph's included
    runs = [["validate"], ["stats"], ["export"], ["query", *ask], ["query", "--engine", "rdflib", *ask]]
    for command, *rest in runs:
        assert main([command, "--data", str(path), *rest]) == ExitCode.USAGE, rest
        out, err = capsys.readouterr()
        assert (out, err.splitlines()[0][: len(f"kg {command}: error: {path}:{where}: ")]) == (
            "",
            f"kg {command}: error: {path}:{where}: ",
        )


def test_an_endpoint_answer_with_a_triple_term_is_a_load_error_naming_it():
    from kg.formats import format_for_path
    from kg.load import parse_bytes

    answer = b"<http://a/s> <http://a/p> <<( <http://a/a> <http://a/b> <http://a/c> )>> .\n"
    with pytest.raises(LoadError, match=r"^http://endpoint/query:1:27: N-Triples: an RDF 1\.2 triple term"):
        parse_bytes(answer, format_for_path("x.nt"), source="http://endpoint/query")


def test_every_format_is_read_by_its_extension(tmp_path):
    triple = ("<http://a/s>", "<http://a/p>", '"x"@en')
    files = {
        "a.ttl": "@prefix a: <http://a/> . a:s a:p 'x'@en .",
        "a.nt": " ".join(triple) + " .\n",
        "a.nq": " ".join(triple) + " .\n",  # the default graph (a named one is refused: tests/hostile)
        "a.trig": "{ <http://a/s> <http://a/p> 'x'@en }",
        "a.jsonld": '{"@id": "http://a/s", "http://a/p": {"@value": "x", "@language": "en"}}',
        "a.rdf": '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:a="http://a/">'
        '<rdf:Description rdf:about="http://a/s"><a:p xml:lang="en">x</a:p></rdf:Description></rdf:RDF>',
    }
    expected = (URIRef("http://a/s"), URIRef("http://a/p"), Literal("x", lang="en"))
    for name, text in files.items():
        assert set(parse_turtle(_write(tmp_path, name, text))) == {expected}, name
    for name in ("a.owl", "a.xml"):
        assert len(parse_turtle(_write(tmp_path, name, files["a.rdf"]))) == 1


def test_an_unknown_extension_is_refused_naming_the_file(tmp_path):
    path = _write(tmp_path, "data.txt", "<http://a/s> <http://a/p> <http://a/o> .\n")
    with pytest.raises(LoadError, match=r"data\.txt: unknown RDF file extension '\.txt': use one of \.ttl, "):
        parse_turtle(path)


RELATIVE = {  # one relative IRI each, on line 3 (the object <o>, or rdf:resource="o")
    "rel.ttl": '@prefix ex: <http://a/> .\nex:s ex:p "قزاقستان"@fa .\nex:s ex:q <o> .\n',
    "rel.trig": '@prefix ex: <http://a/> .\n{ ex:s ex:p "x" .\n  ex:s ex:q <o> . }\n',
    "rel.rdf": (
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://a/">\n'
        ' <rdf:Description rdf:about="http://a/s">\n'
        '  <ex:q rdf:resource="o"/>\n </rdf:Description>\n</rdf:RDF>\n'
    ),
    "rel.jsonld": '{\n  "@id": "http://a/s",\n  "http://a/q": {"@id": "o"}\n}\n',
}
WHERE = {"rel.ttl": (3, 11), "rel.trig": (3, 13), "rel.rdf": (3, 3), "rel.jsonld": (3, 25)}
ADVICE = {
    "rel.ttl": "add @base <IRI> . to the file",
    "rel.trig": "add @base <IRI> . to the file",
    "rel.rdf": 'add xml:base="IRI" to its rdf:RDF element',
    "rel.jsonld": 'add "@base": "IRI" to its @context',
}


@pytest.mark.parametrize("name", RELATIVE)
def test_a_relative_iri_without_a_base_is_a_load_error_naming_file_line_and_iri(tmp_path, name):
    """A relative IRI once resolved silently against the dataset's own namespace: a stranger's <kazakhstan>
    became one of our entities. Now the file, line and IRI are named, and how to give a base."""
    path = _write(tmp_path, name, RELATIVE[name])
    with pytest.raises(LoadError) as info:
        parse_turtle(path)
    assert (info.value.path, (info.value.line, info.value.column)) == (str(path), WHERE[name])
    assert info.value.message.endswith(
        f": the relative IRI <o> has no base IRI to resolve against: {ADVICE[name]}, or give the command --base IRI"
    )
    assert info.value.exit_code == ExitCode.USAGE


@pytest.mark.parametrize("name", RELATIVE)
def test_a_relative_iri_resolves_against_the_base_given_for_the_inputs(tmp_path, name):
    path = _write(tmp_path, name, RELATIVE[name])
    with input_base("https://example.org/data/"):
        graph = parse_turtle(path)
    assert (URIRef("http://a/s"), URIRef("http://a/q"), URIRef("https://example.org/data/o")) in graph
    assert not any(str(t).startswith(NO_BASE.split(":")[0]) for triple in graph for t in triple)
    with pytest.raises(LoadError, match="no base IRI"):  # the base holds only within the block
        parse_turtle(path)


def test_the_file_s_own_base_comes_before_the_one_given(tmp_path):
    path = _write(tmp_path, "own.ttl", "@base <http://own/> .\n<s> <p> <o> .\n")
    with input_base("https://example.org/data/"):
        assert set(parse_turtle(path)) == {(URIRef("http://own/s"), URIRef("http://own/p"), URIRef("http://own/o"))}


RDF_XML = '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://a/">\n{}\n</rdf:RDF>\n'


@pytest.mark.parametrize(
    ("element", "where", "written"),
    [
        ('<rdf:Description rdf:ID="x"><ex:p>1</ex:p></rdf:Description>', (2, 1), "#x"),
        ('<rdf:Description rdf:about="s"><ex:p>1</ex:p></rdf:Description>', (2, 1), "s"),
        ('<rdf:Description rdf:about="http://a/s"><ex:p rdf:datatype="my-type">1</ex:p></rdf:Description>',
         (2, 41), "my-type"),
        ('<ex:Thing rdf:about="http://a/s"><ex:p><ex:Thing rdf:about="../t"/></ex:p></ex:Thing>', (2, 40), "../t"),
    ],
    ids=["rdf:ID", "rdf:about", "rdf:datatype", "nested"],
)  # fmt: skip
def test_every_kind_of_relative_iri_of_rdf_xml_is_found_at_its_element(tmp_path, element, where, written):
    path = _write(tmp_path, "rel.rdf", RDF_XML.format(element))
    with pytest.raises(LoadError) as info:
        parse_turtle(path)
    assert ((info.value.line, info.value.column), f"relative IRI <{written}> has no base" in info.value.message) == (
        where,
        True,
    )
    based = _write(
        tmp_path, "based.rdf", RDF_XML.format(element).replace("<rdf:RDF ", '<rdf:RDF xml:base="http://b/" ')
    )
    assert len(parse_turtle(based)) >= 1  # an absolute xml:base resolves them all


def test_a_relative_namespace_name_of_rdf_xml_is_an_error_whatever_the_base(tmp_path):
    """Names of properties and classes are namespace name + local name, never resolved against a base."""
    text = RDF_XML.format('<rdf:Description rdf:about="http://a/s"><t:p xmlns:t="terms/">1</t:p></rdf:Description>')
    path = _write(tmp_path, "ns.rdf", text)
    for base in (None, "https://example.org/data/"):
        with input_base(base), pytest.raises(LoadError) as info:
            parse_turtle(path)
        assert str(info.value) == (
            f"{path}:2:41: RDF/XML: the namespace name <terms/> is relative, and names of properties and classes are "
            "not resolved against a base: write it as an absolute IRI"
        )


def test_json_ld_never_drops_a_relative_iri_silently(tmp_path):
    """JSON-LD's algorithm drops a triple whose IRI cannot be resolved: the file read as no triples at all."""
    path = _write(tmp_path, "drop.jsonld", '{"@id": "s", "http://a/p": "x"}\n')
    with pytest.raises(LoadError, match=r"drop\.jsonld:1:9: JSON-LD: the relative IRI <s> has no base IRI"):
        parse_turtle(path)


@pytest.mark.parametrize(("name", "text"), [("rel.nt", "<http://a/s> <http://a/p> <o> .\n"),
                                            ("rel.nq", "<http://a/s> <http://a/p> <o> <http://a/g> .\n")])  # fmt: skip
def test_n_triples_and_n_quads_hold_absolute_iris_only_whatever_the_base(tmp_path, name, text):
    path = _write(tmp_path, name, text)
    title = "N-Triples" if name.endswith(".nt") else "N-Quads"
    for base in (None, "https://example.org/data/"):
        with input_base(base), pytest.raises(LoadError) as info:
            read_quads(path)
        assert str(info.value) == (
            f"{path}:1:27: {title} holds absolute IRIs only, and <o> is relative (a base IRI does not apply)"
        )


@pytest.mark.parametrize("base", ["data/", "", "http://a b/", "#frag"])
def test_a_base_that_is_not_an_absolute_iri_is_a_usage_error(base):
    with pytest.raises(UsageError, match=f"^the base IRI {re.escape(repr(base))} is not an absolute IRI"):
        check_base(base)


@pytest.mark.parametrize(
    ("head", "encoding"),
    [
        (b"\xef\xbb\xbf", "UTF-8 byte-order mark (EF BB BF)"),
        (b"\xff\xfe", "UTF-16 (little-endian) byte-order mark (FF FE)"),
        (b"\xfe\xff", "UTF-16 (big-endian) byte-order mark (FE FF)"),
    ],
)
def test_a_byte_order_mark_is_named(tmp_path, head, encoding):
    path = _write(tmp_path, "bom.ttl", head + b"<http://a/s> <http://a/p> <http://a/o> .\n")
    with pytest.raises(LoadError, match=re.escape(f"bom.ttl:1:1: starts with a {encoding}; Turtle files are")):
        parse_turtle(path)


def test_a_non_utf8_file_is_refused_at_the_bad_byte(tmp_path):
    path = _write(tmp_path, "cp1256.ttl", '<http://a/s> <http://a/p> "ايران" .\n'.encode("cp1256"))
    with pytest.raises(LoadError, match=r"cp1256\.ttl:1:28: Turtle syntax error: not UTF-8 .*must be encoded in UTF-8"):
        parse_turtle(path)


def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.ttl"
    os.mkfifo(fifo)
    with pytest.raises(LoadError, match=r"pipe\.ttl: is a FIFO, not a regular file"):
        parse_turtle(fifo)


def test_a_file_over_the_size_limit_is_refused_naming_size_and_limit(tmp_path, monkeypatch, capsys):
    from kg.cli import main

    path = _write(tmp_path, "big.nt", "<http://a/s> <http://a/p> <http://a/o> .\n" * 10)
    monkeypatch.setenv(MAX_INPUT_ENV, "100")
    with pytest.raises(LoadError, match=r"big\.nt: is 410 bytes, over the input limit of 100 bytes \(set KG_MAX_INPUT"):
        parse_turtle(path)
    assert main(["export", "--data", str(path)]) == ExitCode.USAGE
    assert "over the input limit of 100 bytes" in capsys.readouterr().err
    monkeypatch.setenv(MAX_INPUT_ENV, "410")
    assert len(parse_turtle(path)) == 1


def test_language_tags_are_read_lower_case(tmp_path):
    """RDF 1.1 §3.3: tags compare case-insensitively; pyoxigraph lower-cases them on reading."""
    path = _write(
        tmp_path, "tags.ttl", '<http://a/s> <http://www.w3.org/2000/01/rdf-schema#label> "Iran"@EN, "ایران"@FA .\n'
    )
    assert {o.language for o in parse_turtle(path).objects()} == {"en", "fa"}


def test_lexical_forms_are_kept(tmp_path):
    forms = ["01", "+1", "1e0", "INF", "NaN", "-0", "abc"]
    lines = [
        f'<http://a/s> <http://a/p{i}> "{f}"^^<http://www.w3.org/2001/XMLSchema#double> .' for i, f in enumerate(forms)
    ]
    graph = parse_turtle(_write(tmp_path, "lex.nt", "\n".join(lines) + "\n"))
    assert sorted(str(o) for o in graph.objects()) == sorted(forms)


def test_a_jsonld_remote_context_is_never_fetched(tmp_path):
    path = _write(tmp_path, "remote.jsonld", '{"@context": "http://127.0.0.1:9/ctx.jsonld", "@id": "http://a/s"}')
    with pytest.raises(LoadError, match=r"remote\.jsonld: JSON-LD syntax error: No LoadDocumentCallback"):
        parse_turtle(path)


def test_an_rdfxml_error_gets_the_position_of_the_xml_fault(tmp_path):
    path = _write(
        tmp_path,
        "bad.rdf",
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n<rdf:Description>\n</rdf:RDX>\n',
    )
    with pytest.raises(LoadError, match=r"bad\.rdf:3:3: RDF/XML syntax error: "):
        parse_turtle(path)


def test_ill_typed_literals_are_kept_and_located(tmp_path):
    path = _write(
        tmp_path,
        "ill.ttl",
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        '<http://a/s> <http://a/n> "abc"^^xsd:integer ;\n'
        '    <http://a/d> "2022-13-45"^^xsd:date , "2022-06-19"^^xsd:date .\n',
    )
    assert {str(o) for o in parse_turtle(path).objects()} == {"abc", "2022-13-45", "2022-06-19"}
    found = [bad.report() for bad in ill_typed_literals([path])]
    assert found == [
        (
            "<http://a/s>",
            "<http://a/n>",
            f"{path}:2:27: ill-typed literal: not a valid xsd:integer (kept as written)",
            '"abc"^^<http://www.w3.org/2001/XMLSchema#integer>',
        ),
        (
            "<http://a/s>",
            "<http://a/d>",
            f"{path}:3:18: ill-typed literal: not a valid xsd:date (kept as written)",
            '"2022-13-45"^^<http://www.w3.org/2001/XMLSchema#date>',
        ),
    ]


def test_kg_validate_reports_an_ill_typed_literal_with_its_position(tmp_path, capsys):
    from kg.cli import main

    path = _write(
        tmp_path,
        "ill.ttl",
        "@prefix kgi: <https://w3id.org/iran-kazakhstan-kg/id/> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n\n"
        'kgi:x rdfs:comment "2022-13-45"^^xsd:date .\n',
    )
    assert main(["validate", "--data", str(path)]) == ExitCode.NOT_CONFORMING
    captured = capsys.readouterr()
    assert captured.out == (
        "[literals] kgi:x\n"
        "    path:    rdfs:comment\n"
        '    value:   "2022-13-45"^^<http://www.w3.org/2001/XMLSchema#date>\n'
        f"    message: {path}:5:20: ill-typed literal: not a valid xsd:date (kept as written)\n"
        "checked SHACL shapes, quotes at offsets, declared terms, labels, Persian orthography, Wikidata links, "
        "well-typed literals: does not conform: 1 problem(s)\n"
    )
    assert captured.err == ""


@pytest.fixture
def fake_endpoint():
    """A local HTTP server on a free port answering every request with the (body, content type) it is given."""
    import http.server
    import threading

    answer: dict[str, object] = {}
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def _reply(self) -> None:
            requests.append(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            body, content_type = answer["body"], answer["type"]
            self.send_response(200)
            self.send_header("Content-Type", str(content_type))
            self.send_header("Content-Length", str(len(body)))  # type: ignore[arg-type]
            self.end_headers()
            self.wfile.write(body)  # type: ignore[arg-type]

        do_GET = do_POST = _reply

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", answer, requests
    server.shutdown()
    server.server_close()


def test_an_endpoint_answer_is_read_by_the_same_strict_reader(fake_endpoint):
    """A CONSTRUCT answer is parsed by kg.load (strict, no JSON-LD context fetch), not by a lenient rdflib parse."""
    from kg.errors import EndpointError
    from kg.sparql.endpoint import EndpointEngine

    url, answer, requests = fake_endpoint
    engine = EndpointEngine(url + "/sparql", timeout=10)
    answer.update(
        body=b'<http://a/s> <http://a/p> "01"^^<http://www.w3.org/2001/XMLSchema#integer> .\n',
        type="application/n-triples",
    )
    outcome = engine.run("CONSTRUCT WHERE { ?s ?p ?o }")
    assert [tuple(str(t) for t in triple) for triple in outcome.triples] == [("http://a/s", "http://a/p", "01")]
    answer.update(body=b'"lit" <http://a/p> <http://a/o> .\n', type="application/n-triples")
    with pytest.raises(
        EndpointError, match=r"sparql: the answer is not valid application/n-triples: .*line 1 .*subject"
    ):
        engine.run("CONSTRUCT WHERE { ?s ?p ?o }")
    context = f"{url}/context.jsonld"
    answer.update(body=f'{{"@context": "{context}", "@id": "http://a/s"}}'.encode(), type="application/ld+json")
    with pytest.raises(EndpointError, match=r"the JSON-LD answer names a remote @context, which kg never loads"):
        engine.run("CONSTRUCT WHERE { ?s ?p ?o }")
    assert all("context" not in path for path in requests), "the remote @context was fetched"
