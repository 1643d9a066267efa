"""What every page of the research site shares: its settings, the templates, page and error answers, result tables.

:class:`Library` is the one place that knows the query library's API (:mod:`kg.sparql`, the
``Query`` objects and their parameters); the pages ask it. Every page is a Jinja2 template
with autoescape, sent with the site's :data:`CSP`.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response

from kg.errors import EndpointError, KgError, QueryError, QueryTimeout
from kg.i18n import LANGUAGES, Messages, digits, isolate, language, other_language, text
from kg.limits import MAX_ROWS, SERVE_TIMEOUT
from kg.publish.paths import page_path
from kg.readable import readable_table
from kg.sparql.endpoint import EndpointEngine
from kg.sparql.results import Result
from kg.sparql.tables import display_table
from kg.terms import explorer_fragment

#: Only this server: scripts, styles, fetches and forms. Inline scripts and styles are the pages' own.
CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'self'"
)


@dataclass
class Site:
    """What the site needs: the Oxigraph endpoint it fronts, the limits, the data (for the explorer)."""

    endpoint: str
    timeout: float | None = SERVE_TIMEOUT
    max_rows: int | None = MAX_ROWS
    allow_external: bool = False
    data: Sequence[str | Path] | None = None
    explorer: Path = Path("build/explorer.html")
    entailment: str = "rdfs"
    health: Any = None  # a kg.supervisor.Health: whether the Oxigraph child answers now
    _explorer_page: tuple[bytes, bytes, str] | None = field(default=None, repr=False)  # page, gzipped, CSP


# --------------------------------------------------------------------------- the adapter: the one place
# that knows the query library's API (kg.sparql, the Query objects and their params).


@cache
def _questions() -> tuple[Any, ...]:
    from kg.sparql.files import list_queries

    return tuple(list_queries())


@lru_cache(maxsize=256)
def _find(name: str) -> Any:
    from kg.sparql.files import find_query

    return find_query(name)


class ServedOxigraph(EndpointEngine):
    """kg serve's own Oxigraph child, asked over the SPARQL Protocol. Named for its engine, so that a query is
    checked as Oxigraph reads it (:func:`kg.sparql.policy.check_policy`), as ``/query`` does, not by rdflib's
    parse meant for a server of unknown kind (some 20-90 ms for each new text)."""

    name = "oxigraph"


class Library:
    """The query library and the running of queries, seen through :mod:`kg.sparql`."""

    @staticmethod
    def questions() -> list[Any]:
        return list(_questions())

    @staticmethod
    def find(name: str) -> Any:
        """A query of the library by name: the one way a request names a file (never a path; SECURITY.md).

        Read once per name found (the library is the installed package's, unchanged while the site runs;
        reading the folder and the file again cost about 2 ms a page); an unknown name is looked up each
        time, and kept nowhere.
        """
        return _find(name)

    @staticmethod
    def default(param: Any) -> str:
        """A parameter's default as a form shows it (bare: ``en``, ``kgi:iran``, ``Tehran@en``)."""
        from kg.sparql.values import unquote_default

        if param.default is None:
            return ""
        return unquote_default(param.type, param.default_text)

    @staticmethod
    def run(
        site: Site,
        name: str | None,
        params: Mapping[str, str],
        lang: str,
        text: str | None = None,
        timeout: float | None = None,
    ) -> Result:
        """Run a library query (or SPARQL ``text``) on the site's Oxigraph, labels in ``lang``.

        ``name`` is looked up in the library only (:meth:`find`), never read as a path.
        """
        from kg.sparql.files import read_query_text
        from kg.sparql.library import run_query

        q = Library.find(name) if name is not None else read_query_text(text or "", name="<-e>")
        limit = site.timeout if timeout is None else max(timeout, 0.001)  # the seconds left of the request
        engine = ServedOxigraph(site.endpoint, timeout=limit)
        return run_query(q, dict(params), engine=engine, timeout=limit, max_rows=site.max_rows, lang=lang, labels=True)

    @staticmethod
    def editor_text(q: Any, params: Mapping[str, str], lang: str) -> str:
        """The standalone text a library query (from :meth:`find`) runs as, parameters bound (``--show``)."""
        from kg.sparql.library import prepare_query

        return prepare_query(q, dict(params), lang=lang).text

    @staticmethod
    def explorer_html(site: Site) -> str:
        """The explorer page: the built one if a build made it from the site's data with this code, else
        rendered from the site's data (a page left by an older build, or by a build of other data, is not)."""
        from kg.build import built_explorer

        built = built_explorer(site.explorer, site.data)
        if built is not None:
            return built.read_text(encoding="utf-8")
        from kg.explore import render_html
        from kg.project import as_projection

        return render_html(as_projection(data=site.data))


# --------------------------------------------------------------------------- pages


@cache
def templates() -> Environment:
    folder = files("kg").joinpath("templates", "site")
    env = Environment(
        loader=FileSystemLoader(str(folder)), autoescape=select_autoescape(default=True, default_for_string=True)
    )
    return env


def page_language(request: Request) -> str:
    return language(request.query_params.get("lang"))


def page(template: str, request: Request, status: int = 200, **context: Any) -> HTMLResponse:
    lang = context.pop("lang", None) or page_language(request)
    other = other_language(lang)
    switched = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"] + [("lang", other)]
    html = templates().get_template(template).render(
        ui=Messages("site", lang), lang=lang, request=request, languages=LANGUAGES, other_lang=other,
        other_lang_url=request.url.path + "?" + urllib.parse.urlencode(switched), **context,
    )  # fmt: skip
    return HTMLResponse(html, status_code=status, headers={"Content-Security-Policy": CSP})


def explorer_link(iri: str, lang: str | None = None) -> str:
    return "/explorer#" + explorer_fragment(iri, lang)


def href(iri: str, lang: str) -> str | None:
    """The page of an IRI on this site (:mod:`kg.publish.paths`), or None: a cell never links our IRIs off the
    machine; another site's http(s) IRI with no page here is linked there, marked as leaving (``table.html``),
    and any other IRI with no page (a ``javascript:``, ``data:`` or ``file:`` IRI of the data among them) stays
    text."""
    path = page_path(iri, lang)
    return "/" + path if path is not None else None


def result_table(result: Result, lang: str, q: Any = None, names: Any = None) -> dict[str, Any]:
    """A result as the site's table; ``names`` (:func:`names_of`) names the IRIs that have no label."""
    rows = display_table(result)[1]
    nodes = [cell.iri for row in rows for cell in row if cell.iri]
    return {
        "shown": readable_table(result, lang, q, names),
        "count": len(rows),
        "truncated": result.truncated,
        "max_rows": result.max_rows,
        "explore": lambda iri: explorer_link(iri, lang),
        "href": lambda iri: href(iri, lang),
        "first_node": explorer_link(nodes[0], lang) if nodes else None,
    }


def names_of(request: Request, lang: str, *, wait: bool = True) -> Any:
    """How the site names an IRI that has no label, in ``lang`` (a mention by the article's words it marks,
    «امیدوارم», not ``span:4419-4427``; a standard term by its name): the publication's
    :meth:`~kg.publish.description.Publication.known_name`. ``wait=False`` (on the event loop): only if the
    publication is loaded already, else None (the prefixed names, as before)."""
    published = request.app.state.published
    state = published.get() if wait else published.ready()
    if state is None:
        return None
    publication = state[0]
    return lambda iri: publication.known_name(iri, lang)


def status_of(exc: KgError) -> int:
    if isinstance(exc, QueryTimeout):
        return 504
    if isinstance(exc, EndpointError):
        return 502
    return 400


def failure_message(exc: KgError, lang: str) -> str:
    """Why a query could not be answered, in the reader's language (the technical words go in the details)."""
    if isinstance(exc, QueryTimeout):
        return text("site", "timeout", lang)
    if isinstance(exc, EndpointError):
        return text("site", "endpoint_down", lang)
    if isinstance(exc, QueryError) and "refused" in exc.message:
        return text("site", "refused", lang)
    return text("sparql", "not_run", lang)


def error_page(request: Request, status: int, message: str, **context: Any) -> HTMLResponse:
    """The error page in the page's language, its status in the page's digits (``خطا ۴۰۰``)."""
    shown = digits(str(status), context.get("lang") or page_language(request))
    return page("error.html", request, status=status, message=message, status_code=status, status_text=shown, **context)


async def http_error(request: Request, exc: Exception) -> Response:
    lang = page_language(request)
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    if status == 404:
        return error_page(request, 404, text("site", "not_found", lang))
    if status == 405:  # with the Allow header Starlette names (RFC 9110 §15.5.6: a 405 must say what is allowed)
        answer = error_page(request, 405, text("site", "method_not_allowed", lang, method=isolate(request.method)))
        allowed = (exc.headers or {}).get("Allow") if isinstance(exc, HTTPException) else None
        if allowed:
            answer.headers["Allow"] = allowed
        return answer
    detail = exc.detail if isinstance(exc, HTTPException) else ""
    return error_page(request, status, text("site", "failed", lang), detail=str(detail))


def restarting(request: Request, lang: str, *, page: bool = True) -> Response | None:
    """503 with ``Retry-After`` while the Oxigraph child is restarting (:mod:`kg.supervisor`), else None: the
    error page in the reader's language, or (``page=False``, a download) a plain message."""
    health = site_of(request).health
    wait = health.restarting() if health is not None else None
    if wait is None:
        return None
    said = text("site", "restarting", lang, seconds=digits(str(wait), lang))
    if page:
        answer: Response = error_page(request, 503, said)
    else:
        answer = PlainTextResponse(text("site", "restarting", "en", seconds=str(wait)), status_code=503)
    answer.headers["Retry-After"] = str(wait)
    return answer


def seconds_left(request: Request) -> float | None:
    """Seconds left of the request's time limit, counted from its arrival (:mod:`kg.guard`)."""
    from kg.guard import remaining

    return remaining(request.scope, site_of(request).timeout)


def site_of(request: Request) -> Site:
    return request.app.state.site
