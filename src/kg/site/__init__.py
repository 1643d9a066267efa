"""The research site of ``kg serve``: the question library as forms, labelled result tables, an editor.

A Starlette application (run by uvicorn, see :func:`kg.serve.serve`) in front
of the Oxigraph server that holds the graph, in the style of Datasette and
the Wikidata Query Service. Every page is a Jinja2 template with autoescape,
so no string from the graph or the request reaches the HTML unescaped, and
every user string sits in a ``dir=auto`` element or a ``<bdi>``.

Pages (all read-only; the row and time limits are those of ``kg query``):

``/``                       the questions of the library, in English or Persian (``?lang=fa``)
``/q/NAME?PARAM=VALUE``     a question: its form, its result table, links to the same URL as
                            ``.csv`` (SPARQL 1.1 CSV), ``.json`` and ``.srj`` (SPARQL 1.1 JSON)
``/ad-hoc?query=…``         any SPARQL query, with the same result table
``/editor?q=NAME&…``        the YASGUI editor on the query text, project prefixes preloaded
``/query``                  the SPARQL 1.1 Protocol endpoint (GET and POST), proxied to Oxigraph
``/explorer``               the offline explorer (``build/explorer.html``, else built once)
``/id/…``, ``/ontology``, …  every IRI of the graph dereferenced, pages and RDF (:mod:`kg.publish.routes`)

Nothing on these pages is requested from another host: YASGUI's prefix
completion reads ``/prefixes.json`` instead of prefix.cc, and the pages send a
``Content-Security-Policy`` that allows only this server.

The package: :mod:`kg.site.pages` (the settings, templates, page and error answers,
the query library seen through :mod:`kg.sparql`), :mod:`kg.site.questions` (the
question pages and their downloads), :mod:`kg.site.editor` (the ad-hoc page, the
editor, the query policy), :mod:`kg.site.compress` (gzip for large text answers);
this module assembles the application.

Federation: Oxigraph's server runs ``SERVICE`` calls and has no switch to
refuse them, so the site refuses, before forwarding, every query whose text
has a ``SERVICE`` keyword or a prefixed name beginning with ``SERVICE`` (the
forms that Oxigraph reads as the keyword), on the text as written and with
``\\u`` escapes expanded, unless ``--allow-external``.
"""

from __future__ import annotations

import contextlib
import gzip
import html as html_module
import re
from collections.abc import AsyncIterator
from importlib.resources import files
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from kg.publish.conneg import accepts_coding
from kg.site.compress import Compressed
from kg.site.editor import adhoc, editor, prefixes, yasgui_asset
from kg.site.pages import CSP, Library, Site, http_error, site_of
from kg.site.questions import home, question

__all__ = ["CSP", "Site", "create_app"]


def site_css(request: Request) -> Response:
    css = files("kg").joinpath("templates", "site", "site.css").read_text(encoding="utf-8")
    return Response(css, media_type="text/css; charset=utf-8")


#: The page's own policy, from its meta tag (read in its head only).
_META_CSP = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)"', re.I)


def explorer(request: Request) -> Response:
    """The explorer page, encoded once (every answer shares its bytes) and gzipped once for the clients that
    take it (its 1.1 MB are 0.26 MB: a phone on a slow network), its own CSP sent as a header too, with
    ``frame-ancestors``, which a meta tag cannot set (SECURITY.md)."""
    site = site_of(request)
    if site._explorer_page is None:
        html = Library.explorer_html(site)
        found = _META_CSP.search(html, 0, 8192)
        policy = html_module.unescape(found.group(1)).rstrip("; ") if found else CSP.split("; frame-ancestors")[0]
        body = html.encode("utf-8")
        site._explorer_page = (body, gzip.compress(body, 6, mtime=0), policy + "; frame-ancestors 'self'")
    body, gzipped, policy = site._explorer_page
    headers = {"Content-Security-Policy": policy, "Vary": "Accept-Encoding"}
    if accepts_coding(request.headers.get("accept-encoding"), "gzip"):
        body, headers["Content-Encoding"] = gzipped, "gzip"
    return Response(body, media_type="text/html; charset=utf-8", headers=headers)


async def sparql_endpoint(request: Request) -> Response:
    """The SPARQL 1.1 Protocol (query operation), checked and passed on to Oxigraph: :mod:`kg.proxy`."""
    if request.method != "POST" and set(request.query_params) <= {"lang"}:  # the endpoint itself: its Service
        # Description (in the page's language when a browser asks for it with ?lang=)
        from kg.publish.routes import service_description

        return await service_description(request)
    return await request.app.state.proxy(request)


@contextlib.asynccontextmanager
async def _closing_proxy(app: Starlette) -> AsyncIterator[None]:
    """The application's life: at its end, the proxy's connections to Oxigraph are closed."""
    try:
        yield
    finally:
        await app.state.proxy.close()


def create_app(site: Site, proxy: Any = None) -> Starlette:
    """The site's ASGI application (run it with uvicorn; :func:`kg.serve.serve` does, behind :mod:`kg.guard`).

    ``proxy`` answers ``/query`` (a :class:`kg.proxy.SparqlProxy`; one on ``site.endpoint`` if not given).
    """
    from kg.proxy import SparqlProxy

    routes = [
        Route("/query", sparql_endpoint, methods=["GET", "POST"]),  # first: the busiest, matched before the rest
        Route("/", home),
        Route("/q/{name:str}.{ext:str}", question),
        Route("/q/{name:str}", question),
        Route("/ad-hoc", adhoc, methods=["GET", "POST"]),
        Route("/editor", editor),
        Route("/prefixes.json", prefixes),
        Route("/yasgui/{name:str}", yasgui_asset),
        Route("/site.css", site_css),
        Route("/explorer", explorer),
    ]
    from kg.publish.routes import routes as publication_routes

    published, app_publication = publication_routes(site.data)  # the IRI space; its catch-all comes last
    app = Starlette(
        routes=routes + published,
        exception_handlers={HTTPException: http_error, Exception: http_error},
        lifespan=_closing_proxy,
        middleware=[Middleware(Compressed)],  # large text answers gzipped for who takes it (kg.site.compress)
    )
    app.state.site = site
    app.state.published = app_publication
    app.state.proxy = proxy or SparqlProxy(site.endpoint, timeout=site.timeout, allow_external=site.allow_external)
    return app
