"""The question pages: the library's questions as forms (``/``, ``/q/NAME``), their results as a table
and as ``.csv``, ``.json`` and ``.srj`` downloads."""

from __future__ import annotations

import urllib.parse
from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response

from kg.errors import KgError, UsageError
from kg.i18n import isolate, text
from kg.site.pages import (
    Library,
    error_page,
    failure_message,
    names_of,
    page,
    page_language,
    restarting,
    result_table,
    seconds_left,
    site_of,
    status_of,
)
from kg.terms import prefixed

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


def home(request: Request) -> HTMLResponse:
    return page("home.html", request, questions=Library.questions())


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
    status = status_of(exc)
    if status != 400:
        return _Refusal(status, failure_message(exc, lang), str(exc))
    for p in q.params:
        if p.name in params and repr(p.name) in exc.message:
            kind = text("site", f"type_{p.type}", lang)
            label = q.param_text(p.name, lang) or p.name  # as the form names the field
            said = text("site", "bad_value", lang, name=isolate(label), value=isolate(params[p.name]), type=kind)
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
            resolved[key] = prefixed(iri)
    return resolved


def question(request: Request) -> Response:
    name, ext = request.path_params["name"], request.path_params.get("ext")
    lang = page_language(request)
    try:
        q = Library.find(name)
    except KgError as exc:  # an unknown name (a usage error: the page says it, no CLI advice) or an unreadable file
        detail = None if isinstance(exc, UsageError) else str(exc)
        return error_page(request, 404, text("site", "no_question", lang, name=isolate(name)), detail=detail)
    if ext is not None and ext not in DOWNLOADS:
        formats = ", ".join(f".{e}" for e in DOWNLOADS)
        return error_page(
            request, 404, text("site", "no_format", lang, ext=isolate(f".{ext}"), formats=isolate(formats))
        )
    from kg.proxy import page_start  # kg serve's own: not imported where the site's parts are used alone

    down = restarting(request, lang, page=ext is None) or page_start(request)
    if down is not None:
        return down
    params: dict[str, str] = {}
    table = problem = None
    try:
        params = _names_to_iris(request, q, _question_params(request, q, lang))
        try:
            result = Library.run(site_of(request), q.name, params, lang, timeout=seconds_left(request))
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
        table = result_table(result, lang, q, names_of(request, lang))
    query_string = request.url.query
    return page(
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
