"""Hostile input files: refused before any work with exit 2 and ``file:line:column``, nothing written.

SECURITY.md, "Input files". Each case feeds one file to ``kg export --data F
--out DIR/kg.nt`` in-process and asserts the exit code, the exact message and
that the output folder is untouched (no output, no temporary). The few inputs
that are valid but odd (huge digit runs, relative IRIs with a base) are read, and
what they mean is asserted.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kg.cli import main
from kg.errors import ExitCode
from loopback import snapshot

TRIPLE = b"<urn:a> <urn:b> <urn:c> .\n"


@pytest.fixture
def export(tmp_path, capsys):
    """Run ``kg export --data PATH --graph data --format nt --out OUT``; (code, stderr), OUT's folder unchanged."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("keep", encoding="utf-8")

    def run(path: Path, *extra: str) -> tuple[int, str]:
        before = snapshot(out)
        code = main(["export", "--data", str(path), "--graph", "data", "--format", "nt", "--out", str(out / "kg.nt"),
                     *extra])  # fmt: skip
        captured = capsys.readouterr()
        if code != ExitCode.OK:
            assert captured.out == ""
            assert snapshot(out) == before, "a refused input left something in the output folder"
        return code, captured.err

    return run


# --------------------------------------------------------------------------- byte-order marks, encodings

CONVERT = "convert the file to UTF-8"
BOMS = {
    "utf-8": (b"\xef\xbb\xbf", "a UTF-8 byte-order mark (EF BB BF)", "remove the byte-order mark"),
    "utf-16-be": (b"\xfe\xff", "a UTF-16 (big-endian) byte-order mark (FE FF)", CONVERT),
    "utf-16-le": (b"\xff\xfe", "a UTF-16 (little-endian) byte-order mark (FF FE)", CONVERT),
    "utf-32-be": (b"\x00\x00\xfe\xff", "a UTF-32 (big-endian) byte-order mark (00 00 FE FF)", CONVERT),
    "utf-32-le": (b"\xff\xfe\x00\x00", "a UTF-32 (little-endian) byte-order mark (FF FE 00 00)", CONVERT),
}  # fmt: skip


@pytest.mark.parametrize("kind", BOMS)
@pytest.mark.parametrize(("suffix", "title"), [(".ttl", "Turtle"), (".nt", "N-Triples")])
def test_every_byte_order_mark_is_named_at_1_1(tmp_path, export, kind, suffix, title):
    bom, named, advice = BOMS[kind]
    path = tmp_path / f"bom{suffix}"
    path.write_bytes(bom + TRIPLE)
    code, err = export(path)
    assert code == ExitCode.USAGE
    assert err == (
        f"kg export: error: {path}:1:1: starts with {named}; {title} files are read as UTF-8 without one: {advice}\n"
    )


@pytest.mark.parametrize(
    ("content", "line", "column"),
    [
        (b'<urn:a> <urn:b> "caf\xe9" .\n', 1, 21),
        (TRIPLE + TRIPLE + b"<urn:a> <urn:\xff> <urn:c> .\n", 3, 14),
        (TRIPLE + b'<urn:a> <urn:b> "\xd9\x82\xd8" .\n', 2, 19),
    ],
    ids=["latin-1-in-a-literal", "ff-in-an-iri", "truncated-persian-letter"],
)
def test_bytes_that_are_not_utf_8_are_refused_at_their_line_and_column(tmp_path, export, content, line, column):
    path = tmp_path / "latin.ttl"
    path.write_bytes(content)
    code, err = export(path)
    assert code == ExitCode.USAGE
    assert err.startswith(f"kg export: error: {path}:{line}:{column}: Turtle syntax error: not UTF-8 "), err
    assert err.endswith(": Turtle files must be encoded in UTF-8\n")


# --------------------------------------------------------------------------- what is not a regular file, or too big


def test_a_fifo_is_refused_without_opening_it(tmp_path, export):
    path = tmp_path / "pipe.ttl"
    os.mkfifo(path)  # opening it for reading would block forever: no writer ever comes
    code, err = export(path)
    assert (code, err) == (
        ExitCode.USAGE,
        f"kg export: error: {path}: is a FIFO, not a regular file: only regular files are read\n",
    )


@pytest.mark.parametrize("make", ["device", "symlink-to-device", "directory", "symlink-to-directory"])
def test_devices_and_directories_are_refused_also_through_a_symbolic_link(tmp_path, export, make):
    path = {
        "device": Path("/dev/zero"),
        "symlink-to-device": tmp_path / "zero.ttl",
        "directory": tmp_path / "folder.ttl",
        "symlink-to-directory": tmp_path / "link.ttl",
    }[make]
    if make == "symlink-to-device":
        path.symlink_to("/dev/zero")
    elif make == "directory":
        path.mkdir()
    elif make == "symlink-to-directory":
        path.symlink_to(tmp_path)
    code, err = export(path)
    kind = "a device" if "device" in make else "a directory"
    if make == "device":  # /dev/zero has no RDF extension: refused for that, first
        assert code == ExitCode.USAGE and err.startswith(f"kg export: error: {path}: ")
        assert "extension" in err, err
        return
    assert (code, err) == (
        ExitCode.USAGE,
        f"kg export: error: {path}: is {kind}, not a regular file: only regular files are read\n",
    )


@pytest.mark.parametrize(("limit", "refused"), [("26", False), ("25", True), ("0", True)])
def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path, export, monkeypatch, limit, refused):
    path = tmp_path / "big.nt"
    path.write_bytes(TRIPLE)  # 26 bytes
    monkeypatch.setenv("KG_MAX_INPUT_BYTES", limit)
    code, err = export(path)
    if not refused:
        assert (code, err) == (ExitCode.OK, "")
        return
    assert (code, err) == (
        ExitCode.USAGE,
        f"kg export: error: {path}: is 26 bytes, over the input limit of {limit} bytes "
        "(set KG_MAX_INPUT_BYTES to raise it)\n",
    )


@pytest.mark.parametrize("value", ["lots", "-1", "1e9"])
def test_a_size_limit_that_is_not_a_number_is_refused(tmp_path, export, monkeypatch, value):
    path = tmp_path / "small.nt"
    path.write_bytes(TRIPLE)
    monkeypatch.setenv("KG_MAX_INPUT_BYTES", value)
    code, err = export(path)
    assert (code, err) == (ExitCode.USAGE, f"kg export: error: KG_MAX_INPUT_BYTES={value!r} is not a number of bytes\n")


# --------------------------------------------------------------------------- syntax that is not RDF

GARBAGE = {
    "four-terms": ("@prefix : <urn:x#> .\n:a :b :c :d .\n", "2:10", "A dot is expected at the end of statements"),
    "literal-subject": (
        '<urn:a> <urn:b> <urn:c> .\n"lit" <urn:b> <urn:c> .\n',
        "2:1",
        '"lit" is not a valid subject or graph name',
    ),
    "iri-with-a-space": ("<urn:a> <urn:b> <http://a b/c> .\n", "1:17", "Invalid IRI code point ' '"),
    "lone-surrogate": (
        '<urn:a> <urn:b> "\\uD800" .\n',
        "1:18",
        "The escape sequence '\\uD800' is encoding D800 that is not a valid unicode character",
    ),
    "unknown-prefix": ("<urn:a> <urn:b> nope:c .\n", "1:17", "The prefix nope: has not been declared"),
    "literal-predicate": ('<urn:a> "p" <urn:c> .\n', "1:9", None),
    "unterminated-string": ('<urn:a> <urn:b> "never closed .\n', "1:17", None),
    "bnode-as-predicate": ("<urn:a> _:p <urn:c> .\n", "1:9", None),
}


@pytest.mark.parametrize("case", GARBAGE)
def test_garbage_is_a_syntax_error_at_its_position(tmp_path, export, case):
    text, where, message = GARBAGE[case]
    path = tmp_path / "garbage.ttl"
    path.write_text(text, encoding="utf-8")
    code, err = export(path)
    assert code == ExitCode.USAGE
    assert err.startswith(f"kg export: error: {path}:{where}: Turtle syntax error: "), err
    if message:
        assert err.endswith(f"{message}\n"), err
    assert "Traceback" not in err


# --------------------------------------------------------------------------- odd but valid


def test_a_huge_digit_run_is_read_as_written_in_bounded_time(tmp_path, capsys):
    digits = "9" * 200_000
    path = tmp_path / "digits.ttl"
    path.write_text(f"<urn:a> <urn:b> {digits} .\n", encoding="utf-8")
    code = main(
        ["query", "-e", "SELECT (STRLEN(STR(?o)) AS ?n) WHERE { <urn:a> <urn:b> ?o }", "--data", str(path),
         "--format", "tsv", "--timeout", "20"]
    )  # fmt: skip
    captured = capsys.readouterr()
    assert (code, captured.out, captured.err) == (ExitCode.OK, "?n\n200000\n", "")


@pytest.mark.parametrize("where", ["here", "deep/inside/a/folder"])
def test_relative_iris_resolve_against_the_base_given_never_a_file_path(tmp_path, export, where):
    folder = tmp_path / where
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "relative.ttl"
    path.write_text("<a> <b> <../c> .\n", encoding="utf-8")
    code, err = export(path)
    assert (code, err) == (
        ExitCode.USAGE,
        f"kg export: error: {path}:1:1: Turtle: the relative IRI <a> has no base IRI to resolve against: "
        "add @base <IRI> . to the file, or give the command --base IRI\n",
    )
    code, err = export(path, "--base", "https://example.org/x/y/")
    assert (code, err) == (ExitCode.OK, "")
    written = (tmp_path / "out" / "kg.nt").read_text(encoding="utf-8")
    assert written == "<https://example.org/x/y/a> <https://example.org/x/y/b> <https://example.org/x/c> .\n"
    assert "file:" not in written and str(tmp_path) not in written


# --------------------------------------------------------------------------- labels that spoof their direction

DIRECTION = "bidirectional control character (U+202A–U+202E, U+2066–U+2069)"


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ('"Kassym-Jomart Tokayev"@en', '"Invoice \\u202Efdp.exe"@en', f"a label may not hold a {DIRECTION}"),
        ('"Tokaev"@en', '"Tokaev \\u2067ftsa\\u2069"@en', f"an alternative label may not hold a {DIRECTION}"),
        ('"Kassym-Jomart Tokayev"@en', '"\\u202BKassym-Jomart Tokayev"@en', f"a label may not hold a {DIRECTION}"),
        ('"Kassym-Jomart Tokayev"@en', '"Kassym-Jomart Tokayev\\u200F"@en', None),  # RLM: a mark, allowed
    ],
    ids=["override-in-a-label", "isolate-in-an-alt-label", "embedding-in-a-label", "mark-allowed"],
)
def test_kg_validate_flags_a_label_that_can_reorder_the_text_around_it(broken_copy, capsys, old, new, problem):
    path = broken_copy(old, new)
    code = main(["validate", "--data", str(path)])
    out = capsys.readouterr().out
    if problem is None:
        assert code == ExitCode.OK, out
        return
    assert code == ExitCode.NOT_CONFORMING
    assert "[shacl] kgi:kassym-jomart-tokayev\n" in out
    assert f"    message: {problem}" in out
    assert out.rstrip().endswith("does not conform: 1 problem(s)")


# --------------------------------------------------------------------------- nesting and entity expansion

RDF = 'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://a/"'
LAUGHS = '<!ENTITY a0 "lol">' + "".join(f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10))
DEEP = {
    "brackets.ttl": (
        "<urn:s> <urn:p> " + "[ <urn:p> " * 100_000 + "<urn:o>" + " ]" * 100_000 + " .\n",
        "1:10017",
        "Turtle syntax error: nested more than 1000 levels deep ([ and ( inside each other)",
    ),
    "collections.ttl": (
        "<urn:s> <urn:p> " + "( " * 100_000 + ") " * 100_000 + ".\n",
        "1:2017",
        "Turtle syntax error: nested more than 1000 levels deep ([ and ( inside each other)",
    ),
    "graph.trig": (
        "<urn:g> { <urn:s> <urn:p> " + "(" * 100_000 + ")" * 100_000 + " . }\n",
        "1:1027",
        "TriG syntax error: nested more than 1000 levels deep ([ and ( inside each other)",
    ),
    "escaped-hash.ttl": (
        "@prefix : <urn:x#> .\n" + ":s :p :a\\# [ :p " * 2000 + "\n",
        "2:16012",
        "Turtle syntax error: nested more than 1000 levels deep ([ and ( inside each other)",
    ),
    "elements.rdf": (
        f'<rdf:RDF {RDF}><rdf:Description rdf:about="http://a/s">\n'
        + "<ex:p><rdf:Description>" * 600 + "</rdf:Description></ex:p>" * 600 + "</rdf:Description></rdf:RDF>\n",
        "2:11478",
        "RDF/XML syntax error: elements nested more than 1000 levels deep",
    ),
    "billion-laughs.rdf": (
        f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [{LAUGHS}]>\n<rdf:RDF {RDF}>\n'
        '<rdf:Description rdf:about="http://a/s"><ex:p>&a9;</ex:p></rdf:Description></rdf:RDF>\n',
        "4:47",
        "RDF/XML syntax error: its entities expand it past the limit on input amplification",
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", DEEP)
def test_nesting_that_would_crash_the_parser_is_refused_at_its_position(tmp_path, export, name):
    text, where, message = DEEP[name]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    code, err = export(path)
    assert (code, err) == (ExitCode.USAGE, f"kg export: error: {path}:{where}: {message}\n")


def test_brackets_in_strings_iris_and_comments_do_not_count(tmp_path, export):
    path = tmp_path / "brackets-as-text.ttl"
    path.write_text(
        "# " + "[(" * 2000 + "\n"
        + '<urn:s> <urn:p> """' + "[" * 2000 + '""" , "' + "(" * 2000 + "\" , '\\\"[[[' .\n"
        + "<urn:s> <urn:q> <urn:x?" + "(" * 2000 + "> .\n"
        + "<urn:s> <urn:r> [ <urn:p> ( ( [ <urn:p> 1 ] ) ) ] .\n",
        encoding="utf-8",
    )  # fmt: skip
    code, err = export(path)
    assert (code, err) == (ExitCode.OK, "")
    assert len((tmp_path / "out" / "kg.nt").read_text(encoding="utf-8").splitlines()) == 11


def test_an_external_entity_is_never_read(tmp_path, export):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-LOCAL", encoding="utf-8")
    path = tmp_path / "xxe.rdf"
    path.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [<!ENTITY x SYSTEM "{secret.as_uri()}">]>\n<rdf:RDF {RDF}>\n'
        '<rdf:Description rdf:about="http://a/s"><ex:p>&x;</ex:p></rdf:Description></rdf:RDF>\n',
        encoding="utf-8",
    )
    code, err = export(path)
    assert code == ExitCode.USAGE
    assert err.startswith(f"kg export: error: {path}:"), err
    assert "RDF/XML syntax error" in err and "TOP-SECRET" not in err


NAMED = {
    "named.nq": '<http://a/s> <http://a/p> "x" <http://a/g> .\n',
    "blank-named.nq": '<http://a/s> <http://a/p> "x" _:g .\n',
    "named.trig": "<http://a/g> { <http://a/s> <http://a/p> 'x' }\n",
    "graph-keyword.trig": "GRAPH <http://a/g> { <http://a/s> <http://a/p> 'x' }\n",
    "mixed.trig": "{ <http://a/s> <http://a/p> 'x' } _:g { <http://a/s> <http://a/p> 'y' }\n",
}


@pytest.mark.parametrize("name", NAMED)
def test_statements_in_named_graphs_are_refused_never_merged(tmp_path, capsys, name):
    """N-Quads and TriG graph names were dropped: every statement went into the one graph without a word.
    Now a statement in a named graph is a load error naming the file and the graph, in every command."""
    path = tmp_path / name
    path.write_text(NAMED[name], encoding="utf-8")
    for command in (["validate"], ["query", "cq01"], ["query", "cq01", "--engine", "rdflib"],
                    ["export", "--format", "trig", "--graph", "data"]):  # fmt: skip
        assert main([*command, "--data", str(path)]) == ExitCode.USAGE, command
        err = capsys.readouterr().err
        assert f"{path}: " in err and ": a statement in the named graph " in err, err
        assert "would lose the graph's name" in err


def test_a_quad_file_of_the_default_graph_only_is_read(tmp_path, capsys):
    files = {"d.nq": '<http://a/s> <http://a/p> "x" .\n', "d.trig": "{ <http://a/s> <http://a/p> 'x' }\n"}
    for name, text in files.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        assert main(["query", "-e", "SELECT ?o WHERE { <http://a/s> <http://a/p> ?o }", "--data", str(path)]) == 0
        assert capsys.readouterr().out == "?o\n--\nx\n(1 row)\n", name
