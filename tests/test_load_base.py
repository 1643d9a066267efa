"""``--base IRI``: the base of relative IRIs in the inputs, one option of every command that reads ``--data``.

Without it a relative IRI is a load error naming file, line and IRI (exit 2), never resolved
silently (it once became an IRI of the dataset's own namespace); with it, every format that allows
relative IRIs resolves them against it; N-Triples allows none whatever the base; a base that is not
an absolute IRI is a usage error (exit 2). In-process through ``kg.cli.main``.
"""

from __future__ import annotations

import pytest

from kg.base_iri import input_base
from kg.errors import ExitCode
from kg.sparql import index

BASE = "https://example.org/data/"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
FILES = {  # one statement about the relative IRI <s>, on line 2
    "rel.ttl": f'@prefix rdfs: <{RDFS}> .\n<s> rdfs:label "Relland"@en .\n',
    "rel.rdf": (
        f'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:rdfs="{RDFS}">\n'
        '<rdf:Description rdf:about="s"><rdfs:label xml:lang="en">Relland</rdfs:label></rdf:Description>\n'
        "</rdf:RDF>\n"
    ),
    "rel.jsonld": f'{{"@id": "http://a/x",\n "@reverse": {{"{RDFS}seeAlso": {{"@id": "s"}}}},\n'
    f' "@included": [{{"@id": "s", "{RDFS}label": {{"@value": "Relland", "@language": "en"}}}}]}}\n',
}
WHERE = {"rel.ttl": "2:1", "rel.rdf": "2:1", "rel.jsonld": "2:71"}
LABELLED = 'SELECT ?x WHERE { ?x rdfs:label "Relland"@en }'


@pytest.fixture
def run(run_kg):
    return run_kg


@pytest.mark.parametrize("name", FILES)
def test_without_a_base_a_relative_iri_is_an_error_naming_file_line_and_iri(tmp_path, run, name):
    path = tmp_path / name
    path.write_text(FILES[name], encoding="utf-8")
    code, out, err = run("query", "-e", LABELLED, "--data", str(path))
    assert (code, out) == (ExitCode.USAGE, "")
    assert err.startswith(f"kg query: error: {path}:{WHERE[name]}: ")
    assert "the relative IRI <s> has no base IRI to resolve against" in err and "--base IRI" in err


@pytest.mark.parametrize("name", FILES)
def test_with_a_base_the_relative_iri_resolves_against_it(tmp_path, run, name):
    path = tmp_path / name
    path.write_text(FILES[name], encoding="utf-8")
    code, out, err = run("query", "-e", LABELLED, "--data", str(path), "--base", BASE, "--format", "csv")
    assert (code, out, err) == (ExitCode.OK, f"x\r\n{BASE}s\r\n", "")


@pytest.mark.parametrize(
    "command",
    [
        ["validate"],
        ["export", "--graph", "data", "--format", "nt", "--out", "{out}/kg.nt"],
        ["explore", "--out", "{out}/explorer.html"],
        ["stats"],
        ["publish", "--out", "{out}/site"],
        ["serve", "--port", "0"],
        ["push", "--endpoint", "http://127.0.0.1:9/sparql"],
    ],
    ids=lambda c: c[0],
)
def test_every_command_that_reads_data_refuses_a_relative_iri_before_any_work(tmp_path, run, command):
    path = tmp_path / "rel.ttl"
    path.write_text(FILES["rel.ttl"], encoding="utf-8")
    out_dir = tmp_path / "out"
    code, out, err = run(*[a.format(out=out_dir) for a in command], "--data", str(path))
    assert (code, out) == (ExitCode.USAGE, "")
    assert err == (
        f"kg {command[0]}: error: {path}:2:1: Turtle: the relative IRI <s> has no base IRI to resolve against: "
        "add @base <IRI> . to the file, or give the command --base IRI\n"
    )
    assert not out_dir.exists()


def test_export_and_validate_read_the_relative_iri_against_the_base(tmp_path, run):
    path = tmp_path / "rel.ttl"
    path.write_text(FILES["rel.ttl"], encoding="utf-8")
    out = tmp_path / "kg.nt"
    code, _, err = run("export", "--graph", "data", "--format", "nt", "--out", str(out), "--data", str(path),
                       "--base", BASE)  # fmt: skip
    assert (code, err) == (ExitCode.OK, "")
    assert out.read_text(encoding="utf-8") == f'<{BASE}s> <{RDFS}label> "Relland"@en .\n'
    code, out_text, err = run("validate", "--data", str(path), "--base", BASE)
    assert (code, err) == (ExitCode.OK, "") and out_text.endswith(": conforms\n")


def test_n_triples_holds_no_relative_iri_whatever_the_base(tmp_path, run):
    path = tmp_path / "rel.nt"
    path.write_text(f'<s> <{RDFS}label> "Relland"@en .\n', encoding="utf-8")
    for base in ([], ["--base", BASE]):
        code, out, err = run("query", "-e", LABELLED, "--data", str(path), *base)
        assert (code, out) == (ExitCode.USAGE, "")
        assert err == (
            f"kg query: error: {path}:1:1: N-Triples holds absolute IRIs only, and <s> is relative "
            "(a base IRI does not apply)\n"
        )


@pytest.mark.parametrize("base", ["data/", "example.org/data/", "//example.org/", "https://exa mple.org/", ""])
def test_a_base_that_is_not_an_absolute_iri_is_a_usage_error(tmp_path, run, base):
    path = tmp_path / "rel.ttl"
    path.write_text(FILES["rel.ttl"], encoding="utf-8")
    code, out, err = run("export", "--format", "nt", "--out", str(tmp_path / "o.nt"), "--data", str(path),
                         "--base", base)  # fmt: skip
    assert (code, out) == (ExitCode.USAGE, "")
    assert f"kg export: error: argument --base: the base IRI {base!r} is not an absolute IRI (" in err
    assert "give one with a scheme, such as https://example.org/data/" in err
    assert not (tmp_path / "o.nt").exists()


def test_the_warm_store_of_one_base_is_never_the_store_of_another(tmp_path):
    """The warm query process keys its stores by content: the base is part of what the content means."""
    path = tmp_path / "rel.ttl"
    path.write_text(FILES["rel.ttl"], encoding="utf-8")
    keys = set()
    for base in (BASE, "https://example.net/other/"):
        with input_base(base):
            keys.add(index.inputs_key([path], "rdfs")[0])
    assert len(keys) == 2
