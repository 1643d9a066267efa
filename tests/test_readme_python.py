"""The README's Python examples run as written: SPARQLWrapper against a real ``kg serve`` (SELECT into a DataFrame,
CONSTRUCT into rdflib)."""

from __future__ import annotations

import re

import pytest
from rdflib import Graph, URIRef

from kg import resources
from kg.sparql import query

README = (resources.root() / "README.md").read_text(encoding="utf-8")
SERVE_URL = "http://127.0.0.1:7878/"


def _block(marker: str) -> str:
    blocks = [b for b in re.findall(r"```python\n(.*?)```", README, re.S) if marker in b]
    assert len(blocks) == 1, f"one README python block with {marker!r}"
    return blocks[0]


@pytest.mark.server
def test_the_readmes_sparqlwrapper_example_gives_a_dataframe_and_an_rdflib_graph(site, monkeypatch):
    code = _block("SPARQLWrapper(")
    assert SERVE_URL in code  # the example names kg serve's default address; here it runs on a free port
    monkeypatch.chdir(resources.root())
    scope: dict[str, object] = {}
    exec(compile(code.replace(SERVE_URL, site), "README.md", "exec"), scope)
    frame, graph = scope["frame"], scope["graph"]
    expected = query("cq01-agreements-and-parties")
    assert frame.shape == (len(expected.rows), len(expected.variables))
    assert list(frame.columns) == expected.variables
    assert isinstance(graph, Graph) and len(graph) > 5
    kazakhstan = URIRef("https://w3id.org/iran-kazakhstan-kg/id/kazakhstan")
    assert set(graph.subjects()) == {kazakhstan}
