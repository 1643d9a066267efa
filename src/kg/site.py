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

Federation: Oxigraph's server runs ``SERVICE`` calls and has no switch to
refuse them, so the site refuses, before forwarding, every query whose text
has a ``SERVICE`` keyword or a prefixed name beginning with ``SERVICE`` (the
forms that Oxigraph reads as the keyword), on the text as written and with
``\\u`` escapes expanded, unless ``--allow-external``.
"""

from __future__ import annotations

import html as html_module
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

from kg.errors import EndpointError, KgError, QueryError, QuerySyntaxError, QueryTimeout
from kg.i18n import LANGUAGES, Messages, isolate, language, other_language, text
from kg.limits import MAX_ROWS, SERVE_TIMEOUT
from kg.namespaces import PREFIXES
from kg.publish.paths import page_path
from kg.readable import readable_table
from kg.sparql.explain import Problem, explain, find_problems
from kg.sparql.results import Result
from kg.sparql.tables import compact, display_table

#: Only this server: scripts, styles, fetches and forms. Inline scripts and styles are the pages' own.
CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'self'"
)
#: HTML input types for the parameter types of the query headers (see :mod:`kg.sparql.files`).
INPUT_TYPES = {"integer": "number", "decimal": "number", "date": "date", "boolean": "select"}
#: The site's CSV download starts with a UTF-8 byte-order mark, as the explorer's CSV does: Excel reads a CSV
#: without one in the system's legacy code page and garbles Persian; with it, Excel (Windows and macOS) and
#: LibreOffice read UTF-8. The SPARQL Protocol endpoint (/query) and ``kg query --format csv`` stay
#: without one: they are read by programs, for which SPARQL 1.1 CSV is plain UTF-8.
CSV_BOM = "\ufeff"
DOWNLOADS = {
    "csv": ("csv", "text/csv; charset=utf-8"),
    "json": ("json", "application/json; charset=utf-8"),
    "srj": ("json", "application/sparql-results+json; charset=utf-8"),
}


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
    _explorer_page: tuple[bytes, str] | None = field(default=None, repr=False)  # the page and its CSP


# --------------------------------------------------------------------------- the adapter: the one place
# that knows the query library's API (kg.sparql, the Query objects and their params).


class Library:
    """The query library and the running of queries, seen through :mod:`kg.sparql`."""

    @staticmethod
    def questions() -> list[Any]:
        from kg.sparql import list_queries

        return list_queries()

    @staticmethod
    def find(name: str) -> Any:
        """A query of the library by name: the one way a request names a file (never a path; SECURITY.md)."""
        from kg.sparql import find_query

        return find_query(name)

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
        from kg.sparql import read_query_text, run_query
        from kg.sparql.endpoint import EndpointEngine

        q = Library.find(name) if name is not None else read_query_text(text or "", name="<-e>")
        limit = site.timeout if timeout is None else max(timeout, 0.001)  # the seconds left of the request
        engine = EndpointEngine(site.endpoint, timeout=limit)
        return run_query(q, dict(params), engine=engine, timeout=limit, max_rows=site.max_rows, lang=lang, labels=True)

    @staticmethod
    def editor_text(q: Any, params: Mapping[str, str], lang: str) -> str:
        """The standalone text a library query (from :meth:`find`) runs as, parameters bound (``--show``)."""
        from kg.sparql.library import prepare_query

        return prepare_query(q, dict(params), lang=lang).text

    @staticmethod
    def explorer_html(site: Site) -> str:
        """The explorer page: the built one if there is one, else rendered from the site's data."""
        if site.explorer.is_file():
            return site.explorer.read_text(encoding="utf-8")
        from kg.explore import render_html
        from kg.project import as_projection

        return render_html(as_projection(data=site.data))


# --------------------------------------------------------------------------- refusing federation


def refuse_service(text: str) -> None:
    """A QueryError, with its position, if ``text`` could make the server call another (SERVICE) or load
    graphs (FROM), or is an Update: the one query policy of :func:`kg.sparql.check_policy`, decided on
    the parsed query and on the text as Oxigraph reads it (``SERVICEab:x`` is ``SERVICE ab:x`` to it).
    """
    from kg.sparql import Query
    from kg.sparql.policy import check_policy

    # The text as sent (its header is only comments), decided as the Oxigraph server will read it.
    check_policy(Query("<request>", text), allow_external=False, parser="oxigraph")


# --------------------------------------------------------------------------- pages


@cache
def _templates() -> Environment:
    folder = files("kg").joinpath("templates", "site")
    env = Environment(
        loader=FileSystemLoader(str(folder)), autoescape=select_autoescape(default=True, default_for_string=True)
    )
    env.globals["compact"] = compact
    return env


def _lang(request: Request) -> str:
    return language(request.query_params.get("lang"))


def _page(template: str, request: Request, status: int = 200, **context: Any) -> HTMLResponse:
    lang = context.pop("lang", None) or _lang(request)
    other = other_language(lang)
    switched = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"] + [("lang", other)]
    html = _templates().get_template(template).render(
        ui=Messages("site", lang), lang=lang, request=request, languages=LANGUAGES, other_lang=other,
        other_lang_url=request.url.path + "?" + urllib.parse.urlencode(switched), **context,
    )  # fmt: skip
    return HTMLResponse(html, status_code=status, headers={"Content-Security-Policy": CSP})


def _explorer_link(iri: str) -> str:
    return "/explorer#node=" + urllib.parse.quote(compact(iri) if not compact(iri).startswith("<") else iri, safe=":/")


def _href(iri: str, lang: str) -> str | None:
    """The page of an IRI on this site (:mod:`kg.publish.paths`), or None: a cell never links off the machine,
    and an IRI with no page (a ``javascript:``, ``data:`` or ``file:`` IRI of the data among them) stays text."""
    path = page_path(iri, lang)
    return "/" + path if path is not None else None


def _table(result: Result, lang: str, q: Any = None) -> dict[str, Any]:
    rows = display_table(result)[1]
    nodes = [cell.iri for row in rows for cell in row if cell.iri]
    return {
        "shown": readable_table(result, lang, q),
        "count": len(rows),
        "truncated": result.truncated,
        "max_rows": result.max_rows,
        "explore": _explorer_link,
        "href": lambda iri: _href(iri, lang),
        "first_node": _explorer_link(nodes[0]) if nodes else None,
    }


def home(request: Request) -> HTMLResponse:
    return _page("home.html", request, questions=Library.questions())


class _Refusal(Exception):
    """A request the question page answers with its form and a message (status, message, technical detail)."""

    def __init__(self, status: int, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.status, self.message, self.detail = status, message, detail


def _question_params(request: Request, q: Any, lang: str) -> dict[str, str]:
    """The declared parameters given in the URL (empty fields mean the default); others are a 400."""
    names = {p.name for p in q.params}
    given: dict[str, str] = {}
    for key, value in request.query_params.multi_items():
        if key == "lang":
            continue
        if key not in names:
            listed = ", ".join(sorted(names)) or text("site", "no_params", lang)
            raise _Refusal(400, text("site", "unknown_param", lang, name=isolate(key), names=isolate(listed)))
        if value.strip():
            given[key] = value.strip()
    return given


def form_fields(q: Any, given: Mapping[str, str], lang: str = "en") -> list[dict[str, str]]:
    """The form of a question: per parameter (but ``lang``, the page's own select) its name, its label
    in ``lang`` (the description of its ``# param`` line), type and the type in words, HTML input type
    (text, number, date; ``select`` for booleans), step, placeholder, and value (given, else the default
    as written bare)."""
    return [
        {
            "name": p.name,
            "label": q.param_text(p.name, lang),
            "type": p.type,
            "type_text": text("site", f"type_{p.type}", lang),
            "input": INPUT_TYPES.get(p.type, "text"),
            "step": "1" if p.type == "integer" else "any" if p.type == "decimal" else "",
            "placeholder": {"iri": "kgi:…", "langstring": "text@lang"}.get(p.type, ""),
            "value": given.get(p.name, Library.default(p)),
        }
        for p in q.params
        if p.name != "lang"
    ]


def _run_refusal(exc: KgError, q: Any, params: Mapping[str, str], lang: str) -> _Refusal:
    """A library error of a question's run as the page says it: a bad value names its parameter and type."""
    status = _status(exc)
    if status != 400:
        return _Refusal(status, _failure_message(exc, lang), str(exc))
    for p in q.params:
        if p.name in params and repr(p.name) in exc.message:
            kind = text("site", f"type_{p.type}", lang)
            said = text("site", "bad_value", lang, name=isolate(p.name), value=isolate(params[p.name]), type=kind)
            return _Refusal(400, said, str(exc))
    return _Refusal(400, text("sparql", "not_run", lang), str(exc))


def _names_to_iris(request: Request, q: Any, params: dict[str, str]) -> dict[str, str]:
    """An IRI parameter given by name ("Tokayev", «توکایف») becomes the IRI that search finds for it
    (:meth:`kg.publish.search.SearchIndex.resolve`), so the form keeps the IRI as its value."""
    kinds = {p.name: p.type for p in q.params}
    names = [k for k, v in params.items() if kinds.get(k) == "iri"]
    if not names:
        return params
    _, _, index = request.app.state.published.get()
    resolved = dict(params)
    for key in names:
        iri = index.resolve(params[key])
        if iri is not None:
            resolved[key] = compact(iri) if not compact(iri).startswith("<") else f"<{iri}>"
    return resolved


def question(request: Request) -> Response:
    name, ext = request.path_params["name"], request.path_params.get("ext")
    lang = _lang(request)
    try:
        q = Library.find(name)
    except KgError as exc:  # an unknown name (a usage error) or an unreadable file
        return _error(request, 404, text("site", "no_question", lang, name=isolate(name)), detail=str(exc))
    if ext is not None and ext not in DOWNLOADS:
        formats = ", ".join(f".{e}" for e in DOWNLOADS)
        return _error(request, 404, text("site", "no_format", lang, ext=isolate(f".{ext}"), formats=isolate(formats)))
    params: dict[str, str] = {}
    table = problem = None
    try:
        params = _names_to_iris(request, q, _question_params(request, q, lang))
        try:
            result = Library.run(_site(request), q.name, params, lang, timeout=_left(request))
        except KgError as exc:
            raise _run_refusal(exc, q, params, lang) from None
    except _Refusal as refusal:
        if ext is not None:
            return PlainTextResponse(refusal.detail or refusal.message, status_code=refusal.status)
        problem = refusal
    if ext is not None:
        fmt, media_type = DOWNLOADS[ext]
        body = result.format(fmt)
        if ext == "csv":
            body = CSV_BOM + body
        return Response(
            body, media_type=media_type, headers={"Content-Disposition": f'inline; filename="{q.name}.{ext}"'}
        )
    if problem is None:
        table = _table(result, lang, q)
    query_string = request.url.query
    return _page(
        "question.html",
        request,
        status=problem.status if problem else 200,
        q=q,
        fields=form_fields(q, params, lang),
        query_string=("?" + query_string) if query_string else "",
        editor_link="/editor?" + urllib.parse.urlencode({"q": q.name, **params, "lang": lang}),
        table=table,
        problem=problem.message if problem else None,
        detail=problem.detail if problem else "",
    )


#: The example the ad-hoc page opens with: the agreements and their parties, in the page's language.
ADHOC_EXAMPLE = """SELECT ?agreement ?agreementLabel ?party ?partyLabel WHERE {{
  ?agreement a kg:Agreement ;
             rdfs:label ?agreementLabel ;
             kg:party ?party .
  ?party rdfs:label ?partyLabel .
  FILTER (LANG(?agreementLabel) = "{lang}" && LANG(?partyLabel) = "{lang}")
}}
ORDER BY ?agreement
LIMIT 20
"""


def _listing(query_text: str, problems: Sequence[Problem]) -> list[dict[str, Any]]:
    """The query's lines, each as segments ``(text, marked)``: the character at each problem's place marked."""
    marks: dict[int, set[int]] = {}
    for p in problems:
        for place in ((p.line, p.column), p.related):
            if place and place[0]:
                marks.setdefault(place[0], set()).add(place[1] or 1)
    lines = []
    for number, line in enumerate(query_text.split("\n"), start=1):
        line = line.rstrip("\r")
        segments: list[tuple[str, bool]] = []
        last = 0
        for column in sorted(marks.get(number, ())):
            at = min(column - 1, len(line))
            if at < last:
                continue
            segments += [(line[last:at], False), (line[at : at + 1] or " ", True)]
            last = at + 1
        segments.append((line[last:], False))
        lines.append({"segments": [seg for seg in segments if seg[0]], "marked": number in marks})
    return lines


async def adhoc(request: Request) -> Response:
    """Any SPARQL query: opens with an example and the project's prefixes; a mistake keeps the query in its box."""
    lang = _lang(request)
    if request.method == "POST":
        form = urllib.parse.parse_qs((await request.body()).decode("utf-8", "replace"))
        query_text = (form.get("query") or [""])[0]
    else:
        query_text = request.query_params.get("query", "")
    given = bool(query_text.strip())
    context: dict[str, Any] = {"query": query_text if given else ADHOC_EXAMPLE.format(lang=lang),
                               "query_given": given, "prefixes": PREFIXES, "table": None}  # fmt: skip
    if not given:
        return _page("adhoc.html", request, **context)
    site = _site(request)
    problems = find_problems(query_text)
    status = 400
    if not problems:
        try:
            if not site.allow_external:
                await run_in_threadpool(refuse_service, query_text)  # a long text takes a while: off the loop
            result = await run_in_threadpool(Library.run, site, None, {}, lang, query_text, _left(request))
            context["table"] = _table(result, lang)
            return _page("adhoc.html", request, **context)
        except QueryError as exc:
            problems = _query_problems(query_text, exc, lang)
        except KgError as exc:
            status = _status(exc)
            problems = [Problem("not_run", detail=str(exc))]
            context["failure"] = _failure_message(exc, lang)
    said = [{"said": context.pop("failure", None) or p.say(lang), "fix": p.fix} for p in problems]
    detail = "\n".join(dict.fromkeys(p.detail for p in problems if p.detail))
    return _page(
        "adhoc.html", request, status=status, **context, problems=said, detail=detail,
        listing=_listing(query_text, problems) if any(p.line for p in problems) else None,
    )  # fmt: skip


def _query_problems(query_text: str, exc: QueryError, lang: str) -> list[Problem]:
    """A query error as problems in words: a refused operation, else what :func:`explain` finds."""
    if not isinstance(exc, QuerySyntaxError) and "refused" in exc.message:
        return [Problem("refused_query", {}, exc.line, exc.column, detail=str(exc))]
    return explain(query_text, exc)


def editor(request: Request) -> Response:
    lang = _lang(request)
    name = request.query_params.get("q")
    if name:
        params = {k: v for k, v in request.query_params.multi_items() if k not in ("q", "lang") and v.strip()}
        try:
            q = Library.find(name)  # a library name only: never a path (SECURITY.md)
        except KgError as exc:
            return _error(request, 404, text("site", "no_question", lang, name=isolate(name)), detail=str(exc))
        try:
            query_text = Library.editor_text(q, params, lang)
        except KgError as exc:
            return _error(request, _status(exc), _failure_message(exc, lang), detail=str(exc))
    elif request.query_params.get("query", "").strip():  # a query to start from ("Query this" on a resource page)
        query_text = request.query_params["query"]
    else:
        query_text = (
            "".join(f"PREFIX {p}: <{u}>\n" for p, u in PREFIXES.items()) + "\n" + ADHOC_EXAMPLE.format(lang=lang)
        )
    return _page("editor.html", request, text=query_text, prefixes=PREFIXES)


def prefixes(request: Request) -> Response:
    """The project prefixes in prefix.cc's format, for YASGUI's prefix completion."""
    return Response(json.dumps(PREFIXES, ensure_ascii=False), media_type="application/json")


def yasgui_asset(request: Request) -> Response:
    """YASGUI's script and style, as the Oxigraph server ships them (fetched once, from the child)."""
    name = request.path_params["name"]
    if name not in ("yasgui.min.js", "yasgui.min.css"):
        return _error(request, 404, f"no such file: /yasgui/{name}")
    body = _asset(_site(request).endpoint.removesuffix("query") + name)
    media = "text/javascript" if name.endswith(".js") else "text/css"
    return Response(body, media_type=f"{media}; charset=utf-8", headers={"Cache-Control": "max-age=3600"})


@cache
def _asset(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=SERVE_TIMEOUT) as response:
        return response.read()


def site_css(request: Request) -> Response:
    css = files("kg").joinpath("templates", "site", "site.css").read_text(encoding="utf-8")
    return Response(css, media_type="text/css; charset=utf-8")


#: The page's own policy, from its meta tag (read in its head only).
_META_CSP = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)"', re.I)


def explorer(request: Request) -> Response:
    """The explorer page, encoded once (every answer shares its bytes), its own CSP sent as a header too,
    with ``frame-ancestors``, which a meta tag cannot set (SECURITY.md)."""
    site = _site(request)
    if site._explorer_page is None:
        html = Library.explorer_html(site)
        found = _META_CSP.search(html, 0, 8192)
        policy = html_module.unescape(found.group(1)).rstrip("; ") if found else CSP.split("; frame-ancestors")[0]
        site._explorer_page = (html.encode("utf-8"), policy + "; frame-ancestors 'self'")
    body, policy = site._explorer_page
    return Response(body, media_type="text/html; charset=utf-8", headers={"Content-Security-Policy": policy})


async def sparql_endpoint(request: Request) -> Response:
    """The SPARQL 1.1 Protocol (query operation), checked and passed on to Oxigraph: :mod:`kg.proxy`."""
    if request.method == "GET" and not request.url.query:  # the endpoint itself: its SPARQL Service Description
        from kg.publish.routes import service_description

        return await service_description(request)
    return await request.app.state.proxy(request)


# --------------------------------------------------------------------------- errors


def _status(exc: KgError) -> int:
    if isinstance(exc, QueryTimeout):
        return 504
    if isinstance(exc, EndpointError):
        return 502
    return 400


def _failure_message(exc: KgError, lang: str) -> str:
    """Why a query could not be answered, in the reader's language (the technical words go in the details)."""
    if isinstance(exc, QueryTimeout):
        return text("site", "timeout", lang)
    if isinstance(exc, EndpointError):
        return text("site", "endpoint_down", lang)
    if isinstance(exc, QueryError) and "refused" in exc.message:
        return text("site", "refused", lang)
    return text("sparql", "not_run", lang)


def _error(request: Request, status: int, message: str, **context: Any) -> HTMLResponse:
    return _page(
        "error.html", request, status=status, message=message, status_code=status, status_text=str(status), **context
    )


async def _http_error(request: Request, exc: Exception) -> Response:
    lang = _lang(request)
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    if status == 404:
        return _error(request, 404, text("site", "not_found", lang))
    if status == 405:
        return _error(request, 405, text("site", "method_not_allowed", lang, method=isolate(request.method)))
    detail = exc.detail if isinstance(exc, HTTPException) else ""
    return _error(request, status, text("site", "failed", lang), detail=str(detail))


def _left(request: Request) -> float | None:
    """Seconds left of the request's time limit, counted from its arrival (:mod:`kg.guard`)."""
    from kg.guard import remaining

    return remaining(request.scope, _site(request).timeout)


def _site(request: Request) -> Site:
    return request.app.state.site


def create_app(site: Site, proxy: Any = None) -> Starlette:
    """The site's ASGI application (run it with uvicorn; :func:`kg.serve.serve` does, behind :mod:`kg.guard`).

    ``proxy`` answers ``/query`` (a :class:`kg.proxy.SparqlProxy`; one on ``site.endpoint`` if not given).
    """
    from kg.proxy import SparqlProxy

    routes = [
        Route("/", home),
        Route("/q/{name:str}.{ext:str}", question),
        Route("/q/{name:str}", question),
        Route("/ad-hoc", adhoc, methods=["GET", "POST"]),
        Route("/editor", editor),
        Route("/prefixes.json", prefixes),
        Route("/yasgui/{name:str}", yasgui_asset),
        Route("/site.css", site_css),
        Route("/explorer", explorer),
        Route("/query", sparql_endpoint, methods=["GET", "POST"]),
    ]
    from kg.publish.routes import routes as publication_routes

    published, app_publication = publication_routes(site.data)  # the IRI space; its catch-all comes last
    app = Starlette(routes=routes + published, exception_handlers={HTTPException: _http_error, Exception: _http_error})
    app.state.site = site
    app.state.published = app_publication
    app.state.proxy = proxy or SparqlProxy(site.endpoint, timeout=site.timeout, allow_external=site.allow_external)
    return app
