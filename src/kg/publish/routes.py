"""Dereferencing in ``kg serve``: every IRI of the graph answers, HTML for people and RDF for machines.

Mounted by :func:`kg.site.create_app` after the site's own routes. The site's
paths are the IRI space under :data:`kg.namespaces.BASE` (:mod:`kg.publish.paths`).

303 or 200, by the W3C note "Cool URIs for the Semantic Web" (2008):

* ``/id/…`` are **slash IRIs of things** (a country, a person, a statement): a
  thing is not a document, so the server cannot answer it with 200 and a
  document without saying that the document *is* the thing (httpRange-14).
  It answers **303 See Other** to the document that describes it, chosen by
  ``Accept`` (§4.3, "303 URIs forwarding to different documents", as DBpedia
  does): ``/id/kazakhstan.html`` (or ``.fa.html`` when ``Accept-Language``
  prefers Persian), ``.ttl``, ``.nt``, ``.jsonld``, ``.rdf``.
* ``/ontology``, ``/vocabularies``, ``/shapes``, ``/dataset`` (and the version
  IRIs such as ``/ontology/0.1.0``) name **documents of hash namespaces**: their
  terms are ``/ontology#Country``, and the client fetches ``/ontology``. The
  IRI names the document itself, so the server answers **200** with the variant
  chosen by ``Accept`` and a ``Content-Location`` naming it (§4.1, "hash URIs
  with content negotiation"). ``/.well-known/void`` (VoID §6.2) answers as
  ``/dataset``.
* The documents themselves (``/id/kazakhstan.ttl``, ``/ontology.html``, …)
  answer 200 in their one format.

Every answer sends ``Vary: Accept`` where it was negotiated, ``Link:
rel="alternate"`` for each format, an ``ETag`` (the SHA-256 of the body) and
``Last-Modified`` (when the data last changed), answers ``If-None-Match`` and
``If-Modified-Since`` with 304, and ``HEAD`` as ``GET`` without the body. An
``Accept`` that none of the formats meets gets 406 with the list; an unknown
path a 404 page in English and Persian with suggestions from search.
"""

from __future__ import annotations

import hashlib
import threading
from email.utils import format_datetime, parsedate_to_datetime
from typing import TYPE_CHECKING, Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from kg.i18n import language, other_language
from kg.namespaces import DATASET_IRI
from kg.publish.conneg import MEDIA_TYPES, OFFERS, choose, negotiate, prefers_persian
from kg.publish.opensearch import SUGGESTIONS
from kg.publish.paths import RDF_SUFFIXES, SUFFIXES, Page, parse_page, resource_iri, resource_path

if TYPE_CHECKING:
    from kg.publish.description import Publication
    from kg.publish.pages import Renderer
    from kg.publish.search import SearchIndex

#: The Content-Security-Policy of the publication's pages: nothing from another host.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'self'"
)
_LOCK = threading.Lock()


class Published:
    """The publication of a running site, loaded at its first use (the data files of the site's config)."""

    def __init__(self, data: Any) -> None:
        self.data = data
        self._state: tuple[Publication, Renderer, SearchIndex] | None = None
        self.cache: dict[tuple[str, str, str], tuple[bytes, str]] = {}
        self._retired: dict[str, str | None] | None = None
        self.dumps: dict[str, bytes] = {}

    def ready(self) -> tuple[Publication, Renderer, SearchIndex] | None:
        """The publication if it is loaded (then no thread need wait for it), else None."""
        return self._state

    def get(self) -> tuple[Publication, Renderer, SearchIndex]:
        with _LOCK:
            if self._state is None:
                from kg.publish.description import load_publication
                from kg.publish.pages import Renderer
                from kg.publish.search import SearchIndex

                publication = load_publication(self.data)
                self._state = (publication, Renderer(publication), SearchIndex(publication))
            return self._state

    def retired(self) -> dict[str, str | None]:
        """The retired IRIs of the publication and what replaces each (:mod:`kg.publish.retired`), found once."""
        if self._retired is None:
            from kg.publish.retired import retired

            self._retired = retired(self.get()[0])
        return self._retired

    def dump(self, name: str) -> bytes:
        """A gzipped dump of the data (``kg.ttl.gz`` …), made once."""
        with _LOCK:
            if name not in self.dumps:
                from kg.publish.dumps import write_dumps

                self.dumps.update(write_dumps(self.data))
            return self.dumps[name]


async def _published(request: Request) -> tuple[Publication, Renderer, SearchIndex]:
    state: Published = request.app.state.published
    return state.ready() or await run_in_threadpool(state.get)  # loaded once, in a thread


def _alternates(renderer: Renderer, iri: str, lang: str) -> str:
    links = []
    for ext in SUFFIXES:
        links.append(f'<{renderer.href(iri, lang, ext)}>; rel="alternate"; type="{MEDIA_TYPES[ext]}"')
    other = other_language(lang)
    links.append(f'<{renderer.href(iri, other)}>; rel="alternate"; type="text/html"; hreflang="{other}"')
    return ", ".join(links)


def _document(request: Request, state: Published, iri: str, ext: str, lang: str) -> tuple[bytes, str]:
    """The body and ETag of a document, rendered once per process."""
    key = (iri, ext, lang)
    found = state.cache.get(key)
    if found is None:
        from kg.publish.documents import render_document

        _, renderer, _ = state.get()
        body = render_document(renderer, iri, ext, lang).encode("utf-8")
        found = (body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"')
        if len(state.cache) < 4096:
            state.cache[key] = found
    return found


async def _answer(request: Request, iri: str, ext: str, lang: str, *, negotiated: bool) -> Response:
    state: Published = request.app.state.published
    publication, renderer, _ = await _published(request)
    kept = state.cache.get((iri, ext, lang))  # a page rendered before is answered without a thread
    body, etag = kept if kept is not None else await run_in_threadpool(_document, request, state, iri, ext, lang)
    headers = {
        "ETag": etag,
        "Last-Modified": format_datetime(publication.modified, usegmt=True),
        "Link": _alternates(renderer, iri, lang),
        "Cache-Control": "public, max-age=300",
    }
    if negotiated:
        headers["Vary"] = "Accept, Accept-Language"
        headers["Content-Location"] = renderer.href(iri, lang, ext) or ""
    if ext == "html":
        headers["Content-Security-Policy"] = CSP
    if _not_modified(request, etag, publication):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=f"{MEDIA_TYPES[ext]}; charset=utf-8", headers=headers)


def _not_modified(request: Request, etag: str, publication: Publication) -> bool:
    match = request.headers.get("if-none-match")
    if match is not None:
        return etag in (m.strip().removeprefix("W/") for m in match.split(",")) or match.strip() == "*"
    since = request.headers.get("if-modified-since")
    if since:
        try:
            return parsedate_to_datetime(since) >= publication.modified.replace(microsecond=0)
        except (TypeError, ValueError):
            return False
    return False


def _not_acceptable(request: Request) -> Response:
    offered = ", ".join(types[0] for types in OFFERS.values())
    return PlainTextResponse(
        f"406 Not Acceptable: {request.url.path} is available as {offered}", status_code=406, headers={"Vary": "Accept"}
    )


def _lang(request: Request) -> str:
    """The reader's language: ``?lang=``, else a Persian document's name (``….fa.html``), else Accept-Language."""
    given = request.query_params.get("lang")
    if given is not None:
        return language(given)
    if request.url.path.endswith(".fa.html"):
        return "fa"
    return "fa" if prefers_persian(request.headers.get("accept-language")) else "en"


async def dereference(request: Request) -> Response:
    """Any path of the IRI space: a document (200), a thing (303), a hash document (200, negotiated), or 404."""
    path = request.path_params["path"]
    publication, renderer, _ = await _published(request)
    page = parse_page(path)
    retired = await _retired(request, path, page)
    if retired is not None:
        return retired
    if page is not None and page.iri in publication.resources:
        return await _answer(request, page.iri, page.ext, page.lang, negotiated=False)
    iri = resource_iri(path)
    if iri is None or iri not in publication.resources:
        return await not_found(request)
    ext = negotiate(request.headers.get("accept"))
    if ext is None:
        return _not_acceptable(request)
    lang = _lang(request)
    if iri in publication.documents:
        return await _answer(request, iri, ext, lang, negotiated=True)
    target = renderer.href(iri, lang, ext) or "/"
    return RedirectResponse(
        target, status_code=303, headers={"Vary": "Accept, Accept-Language", "Link": _alternates(renderer, iri, lang)}
    )


async def _retired(request: Request, path: str, page: Page | None) -> Response | None:
    """A retired IRI's answer (:mod:`kg.publish.retired`): 301 to the same document of what replaces it, else
    410 Gone with what remains of its description (a page for people, the RDF asked for); None if not retired."""
    state: Published = request.app.state.published
    found = state._retired if state._retired is not None else await run_in_threadpool(state.retired)
    if not found:
        return None
    iri = page.iri if page is not None else resource_iri(path)
    if iri is None or iri not in found:
        return None
    _, renderer, _ = await _published(request)
    new = found[iri]
    if new is not None:
        own = resource_path(new)
        target = renderer.href(new, page.lang, page.ext) if page is not None else ("/" + own if own else None)
        return RedirectResponse(target or new, status_code=301)
    ext = page.ext if page is not None else negotiate(request.headers.get("accept"))
    if ext is None:
        return _not_acceptable(request)
    lang = page.lang if page is not None else _lang(request)
    headers = {} if page is not None else {"Vary": "Accept, Accept-Language"}
    if ext == "html":
        html = renderer.render("gone.html", lang, path=request.url.path, label=renderer.name(iri, lang))
        headers["Content-Security-Policy"] = CSP
        return Response(html, status_code=410, media_type="text/html; charset=utf-8", headers=headers)
    body, _ = await run_in_threadpool(_document, request, state, iri, ext, lang)
    return Response(body, status_code=410, media_type=f"{MEDIA_TYPES[ext]}; charset=utf-8", headers=headers)


async def well_known_void(request: Request) -> Response:
    """``/.well-known/void`` (VoID §6.2): the dataset's description, negotiated as ``/dataset`` is."""
    ext = negotiate(request.headers.get("accept"))
    if ext is None:
        return _not_acceptable(request)
    return await _answer(request, str(DATASET_IRI), ext, _lang(request), negotiated=True)


#: What ``/search`` answers, each with the media types it answers to, in the order that breaks ties: JSON
#: first, so a client's ``*/*`` (``fetch()``'s and curl's default) gets JSON, while a browser, which ranks
#: ``text/html`` above its ``*/*;q=0.8``, gets the search page.
SEARCH_OFFERS: dict[str, tuple[str, ...]] = {
    "json": ("application/json",),
    "suggestions": (SUGGESTIONS,),
    "html": ("text/html", "application/xhtml+xml"),
}


async def search(request: Request) -> Response:
    """``/search?q=TEXT&lang=fa|en``: what search finds, negotiated by ``Accept`` (``Vary: Accept``).

    JSON suggestions ``[{"iri", "label", "class", "href", "curie"}]`` for clients (``*/*``,
    ``application/json``), the search page for browsers (``text/html`` ranked above JSON); the OpenSearch
    Suggestions form (:mod:`kg.publish.opensearch`) for ``application/x-suggestions+json``. ``/search.json``
    and ``format=json`` are always JSON, ``format=suggestions`` always the Suggestions form,
    ``format=html`` the page; any other ``format`` is a 400 and an ``Accept`` none of them meets a 406.
    """
    form = request.query_params.get("format") or ("json" if request.url.path.endswith(".json") else None)
    headers = {"Cache-Control": "no-cache"}
    if form is None:
        form = choose(request.headers.get("accept"), SEARCH_OFFERS)
        headers["Vary"] = "Accept"
        if form is None:
            offered = ", ".join(types[0] for types in SEARCH_OFFERS.values())
            return PlainTextResponse(
                f"406 Not Acceptable: /search is available as {offered}", status_code=406, headers=headers
            )
    elif form not in SEARCH_OFFERS:
        return PlainTextResponse(
            f"400 Bad Request: format= is one of {', '.join(SEARCH_OFFERS)}", status_code=400, headers=headers
        )
    if form == "html":
        return await search_page(request, headers)
    _, renderer, index = await _published(request)
    query = request.query_params.get("q", "")
    found = index.suggest(query, language(request.query_params.get("lang")), renderer.href)
    if form == "suggestions":
        base = str(request.base_url).rstrip("/")
        hrefs = [base + r["href"] if r["href"].startswith("/") else r["href"] for r in found]
        body = [query, [r["label"] for r in found], [r["class"] or "" for r in found], hrefs]
        return JSONResponse(body, media_type=SUGGESTIONS, headers=headers)
    return JSONResponse(found, headers=headers)


def opensearch(request: Request) -> Response:
    """``/opensearch.xml`` (``.fa.xml``): the OpenSearch description of ``/search`` in that language."""
    from kg.publish.opensearch import MEDIA_TYPE, description

    lang = "fa" if request.url.path.endswith(".fa.xml") else "en"
    body = description(str(request.base_url), lang)
    return Response(body, media_type=f"{MEDIA_TYPE}; charset=utf-8", headers={"Cache-Control": "max-age=300"})


async def search_page(request: Request, headers: dict[str, str] | None = None) -> Response:
    """``/search.html?q=TEXT``: the search page, its results rendered on the server (also ``/search``'s answer
    to a browser, with ``headers``)."""
    _, renderer, index = await _published(request)
    query = request.query_params.get("q", "")
    lang = language(request.query_params.get("lang"))
    found = index.suggest(query, lang, renderer.href) if query.strip() else []
    html = renderer.render("search.html", lang, query=query, results=found, searched=bool(query.strip()))
    return Response(
        html, media_type="text/html; charset=utf-8", headers={**(headers or {}), "Content-Security-Policy": CSP}
    )


async def not_found(request: Request) -> Response:
    """The 404 page, in the reader's language with the other beside it, and what search finds for the path."""
    _, renderer, index = await _published(request)
    lang = _lang(request)
    words = request.url.path.rstrip("/").rsplit("/", 1)[-1].split(".")[0].replace("-", " ").replace("_", " ")
    found = index.suggest(words, lang, renderer.href) if words.strip() else []
    html = renderer.render("not-found.html", lang, path=request.url.path, results=found)
    return Response(
        html, status_code=404, media_type="text/html; charset=utf-8", headers={"Content-Security-Policy": CSP}
    )


async def service_description(request: Request) -> Response:
    """``GET /query`` with no query: the SPARQL 1.1 Service Description, negotiated (HTML shows it as Turtle)."""
    from kg.publish.service import service_description as describe
    from kg.writers import serialize

    ext = negotiate(request.headers.get("accept"))
    if ext is None:
        return _not_acceptable(request)
    site = request.app.state.site
    endpoint = str(request.base_url) + "query"
    graph = describe(
        endpoint, entailment=site.entailment, timeout=site.timeout, max_rows=site.max_rows,
        allow_external=site.allow_external,
    )  # fmt: skip
    turtle = serialize(graph, "turtle")
    headers = {"Vary": "Accept", "Link": f'<{endpoint}>; rel="describedby"'}
    if ext != "html":
        body = turtle if ext == "ttl" else serialize(graph, RDF_SUFFIXES[ext])
        return Response(body, media_type=f"{MEDIA_TYPES[ext]}; charset=utf-8", headers=headers)
    _, renderer, _ = await _published(request)
    html = renderer.render("service.html", language(request.query_params.get("lang")), turtle=turtle)
    return Response(html, media_type="text/html; charset=utf-8", headers={**headers, "Content-Security-Policy": CSP})


async def dump(request: Request) -> Response:
    """``/dumps/kg.EXT.gz``: the whole graph in one syntax, gzipped, as ``kg publish`` writes it."""
    from kg.publish.dumps import dump_names

    name = request.path_params["name"]
    if name not in dump_names():
        return await not_found(request)
    state: Published = request.app.state.published
    body = await run_in_threadpool(state.dump, name)
    return Response(
        body, media_type="application/gzip", headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


def favicon(request: Request) -> Response:
    from importlib.resources import files

    icon = files("kg").joinpath("templates", "site", "favicon.svg").read_bytes()
    return Response(icon, media_type="image/svg+xml", headers={"Cache-Control": "max-age=86400"})


def search_script(request: Request) -> Response:
    from kg.publish.script import search_script as script

    return Response(script(), media_type="text/javascript; charset=utf-8", headers={"Cache-Control": "max-age=300"})


def routes(data: Any) -> tuple[list[Route], Published]:
    """The publication's routes, the catch-all last, and the publication they serve (loaded when first used)."""
    return [
        Route("/search", search),
        Route("/search.json", search),
        Route("/search.html", search_page),
        Route("/search.js", search_script),
        Route("/opensearch.xml", opensearch),
        Route("/opensearch.fa.xml", opensearch),
        Route("/favicon.svg", favicon),
        Route("/favicon.ico", favicon),  # asked for by pages without an icon link (the ontology documentation)
        Route("/.well-known/void", well_known_void),
        Route("/dumps/{name:str}", dump),
        Route("/{path:path}", dereference),  # GET and HEAD: a write to any path is the site's 405
    ], Published(data)
