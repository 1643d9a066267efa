"""Timings of the exporters on the shipped data: `pytest benchmarks/bench_export.py`.

Each writer is timed on the loaded parts (parsing is timed once, separately),
so a slower writer shows up on its own line.
"""

from __future__ import annotations

import pytest

from kg.export import FORMATS, select_parts, serialize, with_description


@pytest.fixture(scope="module")
def parts():
    triples = select_parts("all")
    return {"triples": triples, "quads": with_description(triples)}


def test_load_parts(benchmark):
    benchmark(select_parts, "all")


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_write(benchmark, parts, fmt):
    chosen = parts["quads"] if FORMATS[fmt].dataset else parts["triples"]
    text = benchmark(serialize, chosen, fmt)
    assert text
