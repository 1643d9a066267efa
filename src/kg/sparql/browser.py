"""SPARQL in the browser: Oxigraph compiled to WebAssembly, the triples it answers over, the library as forms.

The offline explorer (``kg explore --sparql``) and the static site carry a real SPARQL 1.1 engine
so a reader with no Python and no server can change a parameter or ask a new question. The engine
is Oxigraph, the engine ``kg query`` runs through pyoxigraph, compiled to WebAssembly and
published on npm as ``oxigraph``; version 0.5.11 is vendored under ``templates/vendor/oxigraph``
(``web.js`` verbatim, ``web_bg.wasm`` gzipped, their licences, and the hashes in its README).
Nothing is fetched at install or at run time.

This module gives the pages what they embed or publish:

* :func:`engine_script` and :func:`engine_wasm` (gzipped: 1.4 MB of 4.0 MB; the browser's
  ``DecompressionStream`` restores it), checked against the package's hash by the tests;
* :func:`dataset_ntriples`: the triples ``kg query`` queries, the asserted ones and their RDFS
  closure (:mod:`kg.sparql.entailment`), read from the very store :func:`kg.sparql.open_engine`
  builds, as sorted N-Triples;
* :func:`library_entries`: the library's questions with their parameters, for the page's forms;
* :func:`page_limits`: the policy's numbers (time, rows, nesting) as ``kg query`` has them.

The JavaScript that runs them is ``templates/explorer/sparql-*.js``: the worker (the engine runs
in a Web Worker the page terminates at the time limit), the policy (the token rule of
:func:`kg.sparql.syntax.check_policy`), the parameter binding and the result tables.

>>> entries = library_entries()
>>> [p["name"] for p in next(e for e in entries if e["name"].startswith("cq04"))["params"]]
['speaker', 'lang']
>>> engine_wasm()[:2] == b"\\x1f\\x8b"
True
"""

from __future__ import annotations

import base64
import gzip
from collections.abc import Sequence
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import pyoxigraph

from kg.namespaces import PREFIXES

#: The npm package vendored, and its files in this package.
ENGINE_VERSION = "0.5.11"
ENGINE_DIR = files("kg").joinpath("templates", "vendor", "oxigraph")
#: sha256 of the package's ``web_bg.wasm`` (before our gzip), as its README records.
ENGINE_WASM_SHA256 = "b95b15accb6b789667b8d8b0b8f139d5de588e572499672ff37ce9ba01c4a428"


def engine_script() -> str:
    """Oxigraph's ``web.js``, verbatim: an ES module whose ``initSync`` and ``Store`` the worker uses."""
    return ENGINE_DIR.joinpath("web.js").read_text(encoding="utf-8")


@cache
def engine_wasm() -> bytes:
    """The engine's WebAssembly, gzipped (as vendored)."""
    return ENGINE_DIR.joinpath("web_bg.wasm.gz").read_bytes()


def dataset_ntriples(data: Sequence[str | Path] | None = None) -> bytes:
    """The triples ``kg query`` answers over (``data``, default the shipped graph, and its RDFS closure), sorted N-Triples."""
    from kg.sparql.engines import open_engine

    store = open_engine("oxigraph", data=data).store
    text = store.dump(format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=pyoxigraph.DefaultGraph())
    lines = sorted(set(text.decode("utf-8").splitlines()))
    return ("\n".join(lines) + "\n").encode("utf-8")


def gzip_bytes(data: bytes) -> bytes:
    """``data`` gzipped the same way on every build (no timestamp)."""
    return gzip.compress(data, compresslevel=9, mtime=0)


def base64_text(data: bytes) -> str:
    """``data`` as base64 text, to sit in a ``<script type="application/octet-stream">`` element."""
    return base64.b64encode(data).decode("ascii")


def library_entries(library: str | Path | None = None) -> list[dict[str, Any]]:
    """Each library question for the page: name, title, questions by language, parameters and the query text."""
    from kg.sparql.library import list_queries

    out = []
    for query in list_queries(library):
        params = [
            {"name": p.name, "type": p.type, "default": p.default_text, "description": p.description}
            for p in query.params
        ]
        out.append(
            {
                "name": query.name,
                "title": query.title,
                "question": dict(query.questions),
                "form": query.form,
                "params": params,
                "text": query.text,
            }
        )
    return out


def page_limits() -> dict[str, int]:
    """The policy's numbers for the page, those of ``kg query``: time (ms), rows (0: all) and nesting."""
    from kg.sparql.library import DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT
    from kg.sparql.syntax import MAX_QUERY_NESTING

    return {"timeoutMs": round(DEFAULT_TIMEOUT * 1000), "maxRows": DEFAULT_MAX_ROWS, "maxNesting": MAX_QUERY_NESTING}


def prefixes() -> dict[str, str]:
    """The project's prefixes, for compact IRIs in result tables."""
    return dict(PREFIXES)
