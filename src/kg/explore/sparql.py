"""The SPARQL console's part of the explorer page (``kg explore --sparql``): the engine, its worker, the triples.

``kg explore --sparql`` rather than a separate ``kg workbench``: the console is one more view of the
same page (its rows are the explorer's tables, its nodes select in the same graph and article), and
every option of ``kg explore`` (``--data``, ``--lang``, ``--focus``, ``--out``) means the same with
it; a second command would repeat them all. The default page stays as it was: without ``--sparql``
nothing here is in it.

What the page gains (:func:`console_assets`), from :mod:`kg.sparql.browser`:

- ``#kg-sparql-worker``: the worker's classic script, Oxigraph's ``web.js`` made classic and the
  worker's modules (``templates/explorer/sparql-worker.js`` and what it imports) joined by
  :func:`kg.explore.script.bundle_modules`. The page starts it from a Blob URL: a page opened from
  a file has an opaque origin, where only a classic worker starts from a Blob URL;
- ``#kg-sparql-wasm`` and ``#kg-sparql-data``: the engine's WebAssembly and the triples with their
  RDFS closure, each gzipped and base64, decompressed in the worker by the browser's own
  ``DecompressionStream``;
- a few lines (``templates/sparql-boot.js``) that start the worker as soon as those elements are
  parsed, so the engine compiles while vis-network and the explorer's script load; the console
  adopts that worker;
- ``KG.sparql``: the library's questions with their parameters, the limits of ``kg query``, the
  project's prefixes; and the console's strings (:mod:`kg.i18n`'s ``[console]``).

Its Content-Security-Policy adds exactly what the engine needs to the explorer's: ``'wasm-unsafe-eval'``
(compile WebAssembly; not ``'unsafe-eval'``) and ``worker-src blob:`` (start the worker from the
page's own Blob URL). Nothing is fetched: ``connect-src`` stays ``'none'``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

from markupsafe import Markup

from kg.errors import OutputError
from kg.explore.script import bundle_modules, read_sources
from kg.i18n import LANGUAGES, messages
from kg.sparql.browser import (
    base64_text,
    classic_engine_script,
    console_settings,
    dataset_ntriples,
    engine_wasm,
    gzip_bytes,
)

#: The worker's module (it imports the policy and the row cap).
WORKER_ENTRY = "sparql-worker.js"
#: The small classic script that starts the worker as soon as the engine's elements are parsed.
BOOT = files("kg").joinpath("templates", "sparql-boot.js")


def console_csp(csp: str) -> str:
    """The explorer's policy ``csp`` with what the engine needs: WebAssembly compilation and a Blob-URL worker."""
    if "script-src 'unsafe-inline'" not in csp:
        raise OutputError("the explorer's Content-Security-Policy has no script-src 'unsafe-inline' to extend")
    return csp.replace("script-src 'unsafe-inline'", "script-src 'unsafe-inline' 'wasm-unsafe-eval'") + (
        "; worker-src blob:"
    )


def worker_script() -> str:
    """The worker's classic script: ``web.js`` (classic), then the worker's modules joined into one scope."""
    return classic_engine_script() + "\n" + bundle_modules(read_sources(), entry=WORKER_ENTRY)


def _inline_text(text: str, what: str) -> Markup:
    """Text to sit in a ``<script type="text/plain">``: it may neither close it nor open a comment in it."""
    lowered = text.lower()
    if "</script" in lowered or "<!--" in lowered or "<script" in lowered:
        raise OutputError(f"{what} contains '</script', '<script' or '<!--'; it cannot sit in the page")
    return Markup(text)


@dataclass(frozen=True)
class ConsoleAssets:
    """What ``kg explore --sparql`` adds to the page."""

    worker: Markup
    wasm: str
    data: str
    settings: dict[str, Any]
    strings: dict[str, dict[str, Any]]
    boot: Markup

    @property
    def size(self) -> int:
        """Bytes the assets add to the page (the engine and the triples, in the page's encoding)."""
        return len(self.worker.encode("utf-8")) + len(self.wasm) + len(self.data)


def console_assets(data: Sequence[str | Path] | None = None) -> ConsoleAssets:
    """The engine, the triples of ``data`` (default: the shipped graph) with their closure, and the questions."""
    return ConsoleAssets(
        worker=_inline_text(worker_script(), "the engine's worker script"),
        wasm=base64_text(engine_wasm()),
        data=base64_text(gzip_bytes(dataset_ntriples(data))),
        settings=console_settings(),
        strings={lang: messages("console", lang) for lang in LANGUAGES},
        boot=_inline_text(BOOT.read_text(encoding="utf-8"), "the engine's boot script"),
    )
