"""The `kg` console script: help, exit codes, messages, and the README's promises."""

from __future__ import annotations

import importlib
import re
import subprocess
import sys
from pathlib import Path

from kg import resources
from kg.build import outputs
from kg.cli import COMMANDS, HOMES, ORDER, build_parser
from kg.sources import Sources


def _commands() -> list[str]:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    return sorted(sub.choices)


def test_help_through_the_installed_script_lists_every_command(kg):
    done = kg("--help")
    assert done.returncode == 0
    for command in _commands():
        assert re.search(rf"^\s+{command}\s", done.stdout, re.M), command


def test_every_command_module_command_is_listed_once_in_the_help_order():
    assert sorted(ORDER) == sorted(COMMANDS) == _commands()
    assert len(set(ORDER)) == len(ORDER)
    # Each command is found in the module HOMES names, and no module defines one HOMES does not name.
    defined = {}
    for module in set(HOMES.values()):
        for name in importlib.import_module(f"kg.cli.{module}").COMMANDS:
            defined[name] = module
    assert defined == HOMES


def test_a_command_line_imports_that_command_s_module_alone():
    code = (
        "import sys; from kg.cli import shared_parser\n"
        "shared_parser('query').parse_args(['query', 'cq01'])\n"
        "print(sorted(m for m in sys.modules if m.startswith('kg.cli.')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert done.stdout == "['kg.cli.options', 'kg.cli.query']\n", done.stderr


def test_parsing_a_command_line_imports_no_library_a_command_calls():
    """The parser is built from the command modules alone; each command imports what it calls when it runs."""
    heavy = ("rdflib", "pyoxigraph", "pyshacl", "networkx", "jinja2", "kg.sparql", "kg.explore", "kg.publish")
    code = (
        "import sys; from kg.cli import shared_parser\n"
        "for argv in (['query', 'cq01'], ['explore'], ['publish'], ['serve'], ['validate']):\n"
        "    shared_parser().parse_args(argv)\n"
        f"print(sorted(m for m in {heavy!r} if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert done.stdout == "[]\n", done.stderr


def test_every_command_is_in_the_readme():
    readme = (resources.root() / "README.md").read_text(encoding="utf-8")
    missing = [c for c in _commands() if f"kg {c}" not in readme]
    assert not missing


def test_validate_exits_0_on_the_shipped_data(kg):
    done = kg("validate")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip().endswith("conforms")


def test_validate_exits_1_with_a_report_on_broken_data(kg, broken_copy):
    done = kg("validate", "--data", str(broken_copy("owl:sameAs wd:Q232 ;", "owl:sameAs wd:Q99999 ;")))
    assert done.returncode == 1
    assert "[wikidata] kgi:kazakhstan" in done.stdout
    assert "value:   Q99999" in done.stdout


def test_missing_file_is_one_clear_line_and_exit_2(kg, tmp_path):
    done = kg("validate", "--data", str(tmp_path / "absent.ttl"))
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == f"kg validate: error: {tmp_path / 'absent.ttl'}: no such file\n"


def test_syntax_error_exit_2_with_line_and_column(kg, tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix kgi: <https://w3id.org/iran-kazakhstan-kg/id/> .\nkgi:a kgi:b\n", encoding="utf-8")
    done = kg("validate", "--data", str(bad))
    assert done.returncode == 2
    assert re.match(rf"kg validate: error: {re.escape(str(bad))}:3:1: Turtle syntax error: ", done.stderr)


def test_locate_prints_code_point_offsets(kg):
    done = kg("locate", "توكايف")
    assert done.returncode == 0
    assert done.stdout.splitlines()[0] == "622\t628\tتوکایف"
    assert kg("locate", "ترکمنستان").returncode == 1


def test_unknown_command_is_a_usage_error(kg):
    done = kg("frobnicate")
    assert done.returncode == 2
    assert "invalid choice: 'frobnicate'" in done.stderr


def test_build_writes_every_output_and_says_where(built):
    """The run's one ``kg build`` (conftest.py: the installed script, shared by the tests that need a build)."""
    out = built.folder
    wrote = re.findall(r"^wrote (.+): (.+)$", built.stdout, re.M)
    assert [name for name, _ in wrote] == [name for name, _, _ in outputs(Sources())]
    for _name, path in wrote:
        assert Path(path).exists(), path
        assert Path(path).is_relative_to(out)
    assert not [p for p in out.iterdir() if p.name.startswith(".kg-build-")]


def test_build_writes_nothing_when_the_data_does_not_validate(kg, broken_copy, tmp_path):
    out = tmp_path / "site"
    done = kg("build", "--out", str(out), "--data", str(broken_copy("schema:position 3 ;", "schema:position 4 ;")))
    assert done.returncode == 1
    assert "nothing was written" in done.stderr
    assert not out.exists() or not any(out.iterdir())


def test_one_command_s_parser_parses_and_helps_as_the_whole_parser_does():
    """A command line is parsed by its command's sub-parser alone (the others are not built): same arguments,
    same --help, same usage error."""
    import contextlib
    import io

    import pytest

    argv = ["query", "cq01", "--format", "csv", "--param", "lang=fa", "--no-cache"]
    assert vars(build_parser("query").parse_args(argv)) == vars(build_parser().parse_args(argv))
    for args in (["query", "--help"], ["query", "--format"], ["export", "--help"]):
        shown = []
        for parser in (build_parser(args[0]), build_parser()):
            out, err = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), pytest.raises(SystemExit) as code:
                parser.parse_args(args)
            shown.append((code.value.code, out.getvalue(), err.getvalue()))
        assert shown[0] == shown[1] and shown[0][1] + shown[0][2], args
