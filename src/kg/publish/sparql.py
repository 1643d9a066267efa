"""The static site's SPARQL: the library's questions live, and any query, in the browser, with no server.

``kg publish`` writes beside its pages (:func:`sparql_files`):

``sparql.html`` (``.fa.html``)          the questions as forms and an editor; ``?q=cq04&speaker=kgi:…`` opens
                                        and runs a question live (a shareable link), ``?text=…`` a query
``sparql/engine-HASH.js``               the Web Worker: Oxigraph's ``web.js`` and the worker's modules, the same
                                        script the offline console inlines (:func:`kg.explore.sparql.worker_script`)
``sparql/oxigraph-0.5.11.wasm.gz``      the engine, gzipped as vendored (the worker gunzips it)
``sparql/data-HASH.nt.gz``              the triples ``kg query`` queries: the graph and its RDFS closure
``sparql/console-HASH.js``              the page's script: ``templates/site/sparql.js`` with the console's
                                        engine client, parameter binding and result tables
``sparql/.htaccess``                    Apache: those files are immutable (their names change with them)

The engine is loaded as separate files the browser caches (named by their content, so a new build never
meets a stale copy), never inlined: the other pages of the site do not carry it. The same policy as
``kg query`` holds in the worker (no Update, SERVICE or FROM; time and row limits). A folder opened from
disk cannot start a worker from its files (browsers refuse ``file:`` workers); the page says so and points
to ``kg explore --sparql``, the one-file console.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from kg.i18n import LANGUAGES, Messages, messages, text
from kg.sparql.syntax import PARAM_TYPES

#: The explorer's modules the site's script uses (the engine client and what it imports; dom.js and
#: format.js: elements, the UI's digits and strings, as the explorer builds and writes them).
_MODULES = (
    *("dom.js", "format.js", "sparql-engine.js", "sparql-messages.js", "sparql-params.js", "sparql-policy.js"),
    "sparql-results.js",
)

#: Apache: the engine's files never change under one name.
HTACCESS = """# The SPARQL engine's files (kg publish): named by their content, so cached for good.
<IfModule mod_headers.c>
  Header set Cache-Control "public, max-age=31536000, immutable"
</IfModule>
AddType text/javascript .js
"""


def _named(stem: str, content: bytes, suffix: str) -> str:
    return f"sparql/{stem}-{hashlib.sha256(content).hexdigest()[:12]}{suffix}"


@cache
def site_script() -> str:
    """The SPARQL page's script: ``templates/site/sparql.js`` and the console's modules, one classic script."""
    from kg.explore.script import MODULES, bundle_modules

    sources = {name: MODULES.joinpath(name).read_text(encoding="utf-8") for name in _MODULES}
    sources["sparql.js"] = files("kg").joinpath("templates", "site", "sparql.js").read_text(encoding="utf-8")
    return bundle_modules(sources, entry="sparql.js")


def page_links(renderer: Any, lang: str) -> dict[str, list[str]]:
    """Each resource with a page on the site: its link (relative to the top) and its name in ``lang``."""
    out = {}
    for iri in sorted(renderer.publication.resources):
        href = renderer.href(iri, lang)
        if href is not None:
            out[iri] = [href, renderer.name(iri, lang)]
    return out


def sparql_files(
    renderer: Any, data: Sequence[str | Path] | None = None, *, store: Any = None
) -> dict[str, str | bytes]:
    """The SPARQL page in each language and the engine's files, by their path in the site.

    ``renderer`` is the site's top-level :class:`kg.publish.pages.Renderer` (``root=""``, static);
    ``data`` the files the site publishes (default: the shipped graph); ``store``: the store ``kg query``
    answers over for them, if already loaded (:func:`kg.sparql.browser.dataset_ntriples`).
    """
    from kg.explore.page import json_for_script
    from kg.explore.sparql import worker_script
    from kg.sparql.browser import ENGINE_VERSION, console_settings, dataset_ntriples, engine_wasm, gzip_bytes

    worker = worker_script().encode("utf-8")
    script = site_script().encode("utf-8")
    triples = gzip_bytes(dataset_ntriples(data, store=store))
    paths = {
        "worker": _named("engine", worker, ".js"),
        "wasm": f"sparql/oxigraph-{ENGINE_VERSION}.wasm.gz",
        "data": _named("data", triples, ".nt.gz"),
        "script": _named("console", script, ".js"),
    }
    out: dict[str, str | bytes] = {
        paths["worker"]: worker,
        paths["wasm"]: engine_wasm(),
        paths["data"]: triples,
        paths["script"]: script,
        "sparql/.htaccess": HTACCESS,
    }
    shared = console_settings()
    for lang in LANGUAGES:
        settings = {
            **shared,
            "lang": lang,
            "files": {key: renderer.root + path for key, path in paths.items() if key != "script"},
            "strings": messages("console", lang),
            "types": {kind: text("site", f"type_{kind}", lang) for kind in PARAM_TYPES},  # as kg serve's forms say
            "pages": page_links(renderer, lang),
        }
        page = "sparql.fa.html" if lang == "fa" else "sparql.html"
        out[page] = renderer.render(
            "sparql.html",
            lang,
            con=Messages("console", lang),
            settings=json_for_script(settings),
            script=renderer.root + paths["script"],
        )
    return out
