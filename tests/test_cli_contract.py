"""One CLI contract: every kind of error, through the CLI, exits with the README's code and one clear line.

The README's exit codes (``kg --help`` prints the same line): 0 ok · 1 the data does not conform, a
result does not match, or nothing matched · 2 usage or load error · 3 query error · 4 time or
memory limit · 5 endpoint error · 6 a program kg runs could not start · 7 output error. Each case
below is one kind of error, run in this process through :func:`kg.cli.main`; a test checks that
every code is tried. The README's shell blocks are checked too: run in order, no command
overwrites what an earlier one wrote.
"""

from __future__ import annotations

import argparse
import functools
import re
import shlex
import shutil
import socket
from pathlib import Path

import pytest

from kg import resources
from kg.cli import build_parser
from kg.errors import ExitCode

FIXTURES = Path(__file__).parent / "fixtures" / "query"
MINI = str(FIXTURES / "mini.ttl")
#: Four triple patterns with nothing shared: far past any time limit.
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
DOMAINS = "cq02-agreements-by-domain"


def _busy_port() -> socket.socket:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(1)
    return sock


@pytest.fixture
def kg_main(run_kg):
    """``kg ARGS`` in this process: (exit code, stdout, stderr), argparse's own exits included (conftest)."""
    return run_kg


def _files(tmp: Path) -> dict[str, str]:
    """Inputs the cases need, written into ``tmp``."""
    (tmp / "broken.ttl").write_text("<http://a.example/> <http://b.example/> .\n", encoding="utf-8")
    (tmp / "broken.rq").write_text("SELECT ?x WHERE { ?x ?p }\n", encoding="utf-8")
    (tmp / "unlabelled.ttl").write_text(
        "@prefix kg: <https://w3id.org/iran-kazakhstan-kg/ontology#> .\n"
        "<https://w3id.org/iran-kazakhstan-kg/id/nowhere> a kg:Country .\n",
        encoding="utf-8",
    )
    (tmp / "a-file").write_text("not a folder\n", encoding="utf-8")
    return {name: str(tmp / name) for name in ("broken.ttl", "broken.rq", "unlabelled.ttl", "a-file")}


#: (kind of error, arguments with {placeholders} for the files, exit code, what stderr says).
CASES = [
    ("an unknown option", ["query", "--nope"], ExitCode.USAGE, "unrecognized arguments: --nope"),
    ("an option value out of range", ["query", "-e", "ASK {}", "--timeout", "nan"], ExitCode.USAGE, "seconds > 0"),
    ("a missing --data file", ["query", "--data", "{tmp}/absent.ttl", "-e", "ASK {}"], ExitCode.USAGE,
     "absent.ttl: no such file"),
    ("a broken --data file", ["validate", "--data", "{broken.ttl}"], ExitCode.USAGE,
     r"broken\.ttl:1:\d+: Turtle syntax error"),
    ("a missing .rq file", ["query", "{tmp}/absent.rq"], ExitCode.USAGE, "absent.rq: no such query file"),
    ("an unknown query", ["query", "cq1"], ExitCode.USAGE, "unknown query 'cq1'; did you mean cq01-"),
    ("an unknown parameter", ["query", DOMAINS, "--param", "nosuch=1"], ExitCode.USAGE, "unknown parameter 'nosuch'"),
    ("a parameter value of the wrong type", ["query", DOMAINS, "--param", "domain=Energy"], ExitCode.USAGE,
     r"parameter 'domain' \(iri\): 'Energy' is not a prefixed name or <IRI>"),
    ("--param without NAME=", ["query", DOMAINS, "--param", "domain"], ExitCode.USAGE, "--param takes NAME=VALUE"),
    ("an unknown format", ["query", "-e", "ASK {}", "--format", "n3"], ExitCode.USAGE, "unknown format 'n3'"),
    ("a table asked for a graph", ["query", "--data", MINI, "-e", "CONSTRUCT WHERE { ?s ?p ?o }", "--format", "table"],
     ExitCode.USAGE, r"--format table is for SELECT and ASK results; a graph \(CONSTRUCT, DESCRIBE\) can be turtle"),
    ("an endpoint URL without a scheme", ["query", "-e", "ASK {}", "--endpoint", "localhost:7878/query"],
     ExitCode.USAGE, r"not an http\(s\) URL: 'localhost:7878/query' \(give the scheme: http://localhost:7878/query\)"),
    ("a Graph Store URL without a scheme", ["push", "--endpoint", "localhost:7878/store"], ExitCode.USAGE,
     r"not an http\(s\) URL: 'localhost:7878/store'"),
    ("an unknown export graph", ["export", "--graph", "shapes"], ExitCode.USAGE, "unknown graph 'shapes'"),
    ("a SPARQL syntax error", ["query", "--data", MINI, "-e", "SELECT ?x WHERE { ?x ?p }"], ExitCode.QUERY,
     r"<-e>:1:\d+: SPARQL syntax error"),
    ("a broken query file", ["query", "--data", MINI, "{broken.rq}"], ExitCode.QUERY,
     r"broken\.rq:1:\d+: SPARQL syntax error"),
    ("SERVICE", ["query", "--data", MINI, "-e", "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"],
     ExitCode.QUERY, "SERVICE is refused"),
    ("an update", ["query", "--data", MINI, "-e", "DELETE WHERE { ?s ?p ?o }"], ExitCode.QUERY, "SPARQL Update"),
    ("a time limit", ["query", "--data", MINI, "-e", ENDLESS, "--timeout", "0.5"], ExitCode.TIMEOUT,
     r"stopped after 0\.5 s \(time limit; see --timeout\)"),
    ("an endpoint that does not answer", ["query", "-e", "ASK {}", "--endpoint", "http://127.0.0.1:{closed}/query",
     "--timeout", "30"], ExitCode.ENDPOINT, "cannot connect"),
    ("a busy port", ["serve", "--port", "{busy}"], ExitCode.SERVER, "is busy: choose another with --port"),
    ("an output under a file", ["export", "--out", "{a-file}/kg.ttl"], ExitCode.OUTPUT, "a-file"),
    ("data that does not conform", ["validate", "--data", "{unlabelled.ttl}"], ExitCode.NOT_CONFORMING, ""),
    ("nothing matched", ["query", "--data", MINI, "-e", "ASK { <http://nothing.example/> ?p ?o }"],
     ExitCode.NOT_CONFORMING, ""),
    ("a phrase not in the article", ["locate", "qqqzzzqqq"], ExitCode.NOT_CONFORMING, "not found: qqqzzzqqq"),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "args", "code", "said"), CASES, ids=[c[0] for c in CASES])
def test_each_kind_of_error_exits_with_its_documented_code(kg_main, tmp_path, kind, args, code, said):
    files = _files(tmp_path)
    busy = _busy_port()
    closed = _busy_port()
    closed_port = closed.getsockname()[1]
    closed.close()  # nothing listens there now
    try:
        values = {**files, "tmp": str(tmp_path), "busy": str(busy.getsockname()[1]), "closed": str(closed_port)}
        argv = [re.sub(r"\{([\w.-]+)\}", lambda m: values.get(m.group(1), m.group(0)), a) for a in args]
        got, out, err = kg_main(*argv)
    finally:
        busy.close()
    assert got == code, f"{kind}: exit {got}, not {code}: {err}"
    if code in (ExitCode.OK, ExitCode.NOT_CONFORMING):
        assert "error" not in err, err
    else:
        assert out == "", f"{kind}: an error prints nothing on stdout"
        # one line says what is wrong; a usage error of the parser is preceded by where the help is
        lines = [line for line in err.strip().splitlines() if not re.fullmatch(r"\(see kg( \w+)? --help\)", line)]
        assert len(lines) == 1, f"not one line: {err}"
        assert "Traceback" not in err
        assert re.search(said, err), err


def test_ctrl_c_exits_130_with_one_line(kg_main, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("kg.validate.validate", interrupted)
    assert kg_main("validate") == (
        ExitCode.INTERRUPTED,
        "",
        "kg validate: interrupted; every output is as it was or whole\n",
    )


def test_every_documented_exit_code_is_tried():
    tried_elsewhere = {ExitCode.OK, ExitCode.INTERRUPTED}  # the tests above
    assert {code for _, _, code, _ in CASES} | tried_elsewhere == set(ExitCode)


def test_kg_reason_without_java_is_a_program_that_could_not_start(kg_main, monkeypatch):
    """Not a usage or load error (the arguments and files are right): Java must be installed, exit 6."""
    owlready2 = pytest.importorskip("owlready2")
    monkeypatch.setattr(owlready2, "JAVA_EXE", "/nonexistent/java")
    monkeypatch.setattr(shutil, "which", lambda name: None)
    code, out, err = kg_main("reason")
    assert (code, out) == (ExitCode.SERVER, "")
    assert err == (
        "kg reason: error: HermiT needs a Java runtime and none was found "
        "(Debian: apt-get install default-jre-headless)\n"
    )


def test_a_table_for_a_graph_is_refused_but_the_default_prints_turtle(kg_main):
    construct = "CONSTRUCT { ?s a ?o } WHERE { ?s a ?o } LIMIT 1"
    code, out, err = kg_main("query", "--data", MINI, "--entailment", "none", "-e", construct)
    assert (code, err) == (ExitCode.OK, "")
    assert out.startswith("@prefix ")
    for fmt in ("table", "md", "csv", "tsv"):
        assert kg_main("query", "--data", MINI, "-e", construct, "--format", fmt)[0] == ExitCode.USAGE, fmt
    assert kg_main("query", "--data", MINI, "-e", construct, "--format", "json")[1].startswith("{")  # JSON-LD


@pytest.mark.parametrize("command", ["query", "export", "describe"])
def test_help_lists_only_formats_that_are_accepted(kg_main, command):
    code, out, _err = kg_main(command, "--help")
    assert code == ExitCode.OK
    assert not re.search(r"\bn3\b", out)  # refused everywhere: not offered


def _offered(help_text: str) -> tuple[list[str], list[str]]:
    """The format names a --help lists for --format: (for rows, for graphs)."""
    flat = " ".join(help_text.split()).replace("needs --out DIR", "")
    section = flat.split("--format FORMAT ", 1)[1].split(" --", 1)[0]
    section = re.sub(r"\((?:default|json: jsonld)\)|one file each|or an alias:|\bor\b", " ", section)
    rows, _, graphs = section.rpartition("graphs")
    words = re.compile(r"[a-z][a-z-]*")
    return [w for w in words.findall(rows) if w != "rows"], [w for w in words.findall(graphs) if w != "all"]


@pytest.mark.parametrize("command", ["describe", "export", "query"])
def test_every_format_a_help_lists_is_accepted(kg_main, tmp_path, command):
    """The formats --help offers come from the one registry (kg.formats); each is run through the command."""
    from kg.formats import FORMATS, format_names, rdf_format

    rows, graphs = _offered(kg_main(command, "--help")[1])
    dataset = {name for f in FORMATS.values() if f.dataset for name in (f.name, *f.aliases)}
    expected = set(format_names()) - (dataset if command == "describe" else set())
    assert set(graphs) == expected, graphs
    assert rows == (["table", "csv", "tsv", "json", "md"] if command == "query" else [])
    assert all(rdf_format(alias).name in graphs for alias in graphs)  # an alias is its format's other name
    construct = ["-e", "CONSTRUCT { ?s a ?o } WHERE { ?s a ?o } LIMIT 1"]
    runs = [(["query", "cq01-agreements-and-parties"], fmt) for fmt in rows]
    runs += [({"describe": ["describe"], "export": ["export", "--graph", "data"], "query": ["query", *construct]}
              [command], fmt) for fmt in graphs if fmt in FORMATS]  # fmt: skip
    for argv, fmt in runs:
        code, _, err = kg_main(*argv, "--data", MINI, "--format", fmt)
        assert (code, err) in {(ExitCode.OK, ""), (ExitCode.NOT_CONFORMING, "")}, (fmt, err)  # 1: no rows


def test_export_help_lists_the_graphs_it_takes(kg_main):
    from kg.sources import GRAPH_CHOICES

    flat = " ".join(kg_main("export", "--help")[1].split())
    listed = re.findall(r"\w+", flat.split("--graph PART ", 1)[1].split(" --", 1)[0].replace("(default)", ""))
    assert [w for w in listed if w != "or"] == list(GRAPH_CHOICES)


def test_validate_help_names_every_check_it_reports(kg_main):
    """That validation reports exactly the checks of CHECKS, in their order: test_validate.py's shipped-data test."""
    from kg.validate import CHECKS

    _, out, _ = kg_main("validate", "--help")
    flat = " ".join(out.split())
    assert [check for check in CHECKS if check not in flat] == []


# --------------------------------------------------------------------------- where commands write


@functools.cache
def _parser() -> argparse.ArgumentParser:
    """kg's argument parser, built once for the cases that only parse with it (building it is most of a parse)."""
    return build_parser()


def _written(argv: list[str]) -> set[Path]:
    """The paths ``kg ARGV`` writes, from the parser's own defaults (nothing for stdout)."""
    from kg.build import INPUTS_FILE, outputs
    from kg.formats import FORMATS
    from kg.sources import Sources

    args = _parser().parse_args(argv)
    out = getattr(args, "out", None)
    if out is None:
        return set()
    out = Path(out)
    if args.command == "build":
        return {out / name for _, name, _ in outputs(Sources())} | {out / INPUTS_FILE}
    if args.command == "export" and args.format == "all":
        from kg.export import file_name

        return {out / file_name(f) for f in FORMATS.values()}
    if args.command == "diagram":
        return {out / "diagram.dot", out / "diagram.svg"}
    if args.command == "docs":
        return {out / "index.html", out / "fa.html"}
    return {out}


def _readme_commands() -> list[list[str]]:
    """Every ``kg`` command of the README's shell blocks, in order, as argument lists."""
    readme = (resources.root() / "README.md").read_text(encoding="utf-8")
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", readme, re.S):
        for line in block.splitlines():
            for part in line.split("&&"):  # the quick start chains its commands
                words = shlex.split(part, comments=True)
                while words and "=" in words[0] and not words[0].startswith("-"):  # VAR=value kg ...
                    words = words[1:]
                if words and (words[0] == "kg" or words[0].endswith("/bin/kg")):
                    commands.append(words[1:])
    return commands


def _overlaps(a: Path, b: Path) -> bool:
    return a == b or a in b.parents or b in a.parents


def test_the_readmes_blocks_run_in_order_without_overwriting_each_others_outputs():
    commands = _readme_commands()
    assert len(commands) > 20 and ["build"] in commands  # the blocks are found
    written: list[tuple[Path, str]] = []
    clashes = []
    for argv in commands:
        paths = _written(argv)
        for path in paths:
            clashes += [
                f"kg {' '.join(argv)} writes {path}, which `kg {by}` wrote" for p, by in written if _overlaps(p, path)
            ]
        written += [(path, " ".join(argv)) for path in paths]
    assert clashes == []


def test_commands_write_under_build_unless_told_where():
    """No default output lands in the repository's own folders (docs/, data/) wherever one stands."""
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name, command in sub.choices.items():
        for action in command._actions:
            if action.dest == "out" and action.default is not None:
                assert Path(action.default).parts[0] == "build", (name, action.default)


def test_the_overwrite_check_can_fail():
    assert _overlaps(Path("build/explorer.html"), next(iter(_written(["explore"]))))
    assert _written(["build"]) & _written(["explore"])
