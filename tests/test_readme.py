"""The README cannot drift: its inventory counts and its quick start match the project."""

from __future__ import annotations

import re
import subprocess

from kg import resources
from kg.errors import ExitCode, describe_exit_codes
from kg.namespaces import KG, RDF, RDFS

README = (resources.root() / "README.md").read_text(encoding="utf-8")


def _count(graph, cls) -> int:
    """Instances of ``cls`` or of any of its subclasses."""
    classes = set(graph.transitive_subjects(RDFS.subClassOf, cls))
    return len({s for c in classes for s in graph.subjects(RDF.type, c)})


def test_inventory_table_counts_match_the_data(graph):
    rows = re.findall(r"^\| ([A-Z][A-Za-z ·()0-9]+?) \| ([0-9 ·]+) \|", README, re.M)
    assert len(rows) >= 10
    for names, counts in rows:
        names = re.sub(r" \(\d+ classes\)", "", names)
        for name, count in zip(names.split(" · "), counts.split(" · "), strict=True):
            assert _count(graph, KG[name.strip()]) == int(count), name


def _quick_start() -> list[str]:
    block = re.search(r"## Quick start\n.*?```sh\n(.*?)```", README, re.S).group(1)
    return [line for line in block.splitlines() if line.strip()]


def test_quick_start_has_exactly_two_commands_in_a_venv_from_debians_python():
    """Stock Debian 12's python3 refuses a system-wide pip install (PEP 668): both commands make a venv."""
    commands = _quick_start()
    assert len(commands) == 2
    for command in commands:
        assert "python3 -m venv .venv" in command
        assert ".venv/bin/pip install -e " in command
        assert not re.search(r"(^|&& )(pip|python3 -m pip) ", command), command
    assert commands[0].endswith(".venv/bin/kg build")
    assert commands[1].endswith(".venv/bin/python -m pytest")
    for package in ("chromium", "raptor2-utils", "graphviz", "default-jre-headless", "virtuoso-opensource-7-bin"):
        assert package in commands[1]


def test_ci_runs_the_readmes_test_command_and_checks_it_against_the_readme():
    """.ci/run holds the second quick-start line verbatim and refuses to run if the README's differs."""
    ci = resources.root() / ".ci" / "run"
    script = ci.read_text(encoding="utf-8")
    literal = re.search(r'^test_command="(.*)"$', script, re.M).group(1)
    assert literal == _quick_start()[1]
    extract = re.search(r'readme_command="\$\((.*)\)"', script).group(1)
    done = subprocess.run(["bash", "-c", extract], cwd=resources.root(), capture_output=True, text=True, check=True)
    assert done.stdout.strip() == _quick_start()[1]
    assert '[[ "$test_command" != "$readme_command" ]]' in script
    assert 'bash -euo pipefail -c "$test_command"' in script


def test_exit_code_line_is_the_one_kg_help_prints():
    """The README's exit codes are generated from kg.errors.ExitCode (the same text as `kg --help`)."""
    flat = " ".join(README.split())
    assert f"Exit codes: {describe_exit_codes()}." in flat
    for code in ExitCode:
        assert f"{code.value} {code.meaning}" in flat


def test_the_commands_listed_are_the_commands_kg_has():
    """Every command of ``kg --help``, in its order, and no other, in the README's "Commands and exit codes"."""
    from kg.cli import ORDER

    section = README.split("## Commands and exit codes", 1)[1].split("`kg COMMAND --help`", 1)[0]
    assert re.findall(r"`kg (\w+)`", section) == list(ORDER)


def test_every_npx_command_of_a_block_comes_after_npm_ci():
    """A newcomer runs the blocks in order in a fresh clone: ``npx eslint`` with no ``node_modules`` would ask
    to download a package instead of running the pinned one."""
    blocks = re.findall(r"```sh\n(.*?)```", README, re.S)
    for block in blocks:
        lines = block.splitlines()
        for i, line in enumerate(lines):
            if re.search(r"(^|&& )npx ", line.split("#")[0]):
                assert any(re.match(r"npm ci\b", earlier) for earlier in lines[:i]), line
    assert any("npx " in block for block in blocks)  # the check has something to check
