"""The README's class diagram is generated from the ontology and cannot drift."""

from __future__ import annotations

import shutil

import pytest

from kg import resources
from kg.diagram import to_dot
from kg.load import load_ontology
from kg.namespaces import KG, OWL, RDF

DOCS = resources.root() / "docs"


def test_checked_in_dot_is_what_the_ontology_generates():
    assert (DOCS / "diagram.dot").read_text(encoding="utf-8") == to_dot(load_ontology()), "run `kg diagram --out docs`"


def test_dot_names_every_class():
    dot = to_dot(load_ontology())
    classes = [c for c in load_ontology().subjects(RDF.type, OWL.Class) if str(c).startswith(str(KG._NS))]
    for cls in classes:
        assert f'"{str(cls)[len(str(KG._NS)) :]}" [label=' in dot


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed (apt-get install graphviz)")
def test_checked_in_svg_shows_every_class():
    svg = (DOCS / "diagram.svg").read_text(encoding="utf-8")
    for cls in load_ontology().subjects(RDF.type, OWL.Class):
        if str(cls).startswith(str(KG._NS)):
            assert f">{str(cls)[len(str(KG._NS)) :]}</text>" in svg, cls


def test_a_dot_past_its_time_limit_is_an_output_error_not_a_traceback(monkeypatch):
    """Graphviz stuck past kg.limits.DOT_TIMEOUT: a KgError naming the limit (exit 7), not subprocess's exception."""
    import subprocess

    from kg import diagram, limits
    from kg.errors import ExitCode, OutputError

    def stuck(args, **kwargs):
        assert kwargs["timeout"] == limits.DOT_TIMEOUT
        raise subprocess.TimeoutExpired(args, kwargs["timeout"])

    monkeypatch.setattr(diagram.shutil, "which", lambda name: "/usr/bin/dot")
    monkeypatch.setattr(diagram.subprocess, "run", stuck)
    with pytest.raises(OutputError, match=r"^dot did not finish within 120 s$") as raised:
        diagram.render_svg("digraph {}")
    assert raised.value.exit_code == ExitCode.OUTPUT
