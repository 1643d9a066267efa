"""The README cannot drift: its inventory counts and its quick start match the project."""

from __future__ import annotations

import re

from kg import resources
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


def test_quick_start_has_exactly_two_commands_and_the_test_command_is_cis():
    block = re.search(r"## Quick start\n.*?```sh\n(.*?)```", README, re.S).group(1)
    commands = [line for line in block.splitlines() if line.strip()]
    assert len(commands) == 2
    assert commands[0] == "pip install -e . && kg build"
    assert commands[1].endswith("python3 -m pytest")
    ci = (resources.root() / ".ci" / "run").read_text(encoding="utf-8")
    assert ci.rstrip().endswith("python3 -m pytest")
    for package in ("chromium", "raptor2-utils", "graphviz", "default-jre-headless"):
        assert package in commands[1] and package in ci
