"""Any SPARQL query: the ad-hoc page (a mistake shown in words at its place), the YASGUI editor, and the
one query policy the site applies before a query reaches the Oxigraph server (:func:`refuse_service`)."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from collections.abc import Sequence
from functools import cache
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from kg.errors import KgError, QueryError, QuerySyntaxError
from kg.guard import read_text
from kg.i18n import isolate, messages, text
from kg.limits import SERVE_TIMEOUT, SHOWN_PROBLEMS
from kg.namespaces import PREFIXES
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
from kg.sparql.explain import Problem, explain, find_problems


def refuse_service(text: str) -> None:
    """A QueryError, with its position, if ``text`` could make the server call another (SERVICE) or load
    graphs (FROM), or is an Update: the one query policy of :func:`kg.sparql.policy.check_policy`, decided on
    the parsed query and on the text as Oxigraph reads it (``SERVICEab:x`` is ``SERVICE ab:x`` to it).
    """
    from kg.sparql.policy import check_policy
    from kg.sparql.syntax import Query

    # The text as sent (its header is only comments), decided as the Oxigraph server will read it.
    check_policy(Query("<request>", text), allow_external=False, parser="oxigraph")


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
    lang = page_language(request)
    if request.method == "POST":
        form = urllib.parse.parse_qs((await request.body()).decode("utf-8", "replace"))
        query_text = (form.get("query") or [""])[0]
    else:
        query_text = request.query_params.get("query", "")
    given = bool(query_text.strip())
    context: dict[str, Any] = {"query": query_text if given else ADHOC_EXAMPLE.format(lang=lang),
                               "query_given": given, "prefixes": PREFIXES, "table": None}  # fmt: skip
    if not given:
        return page("adhoc.html", request, **context)
    down = restarting(request, lang)
    if down is not None:
        return down
    site = site_of(request)
    problems = await read_text(query_text, find_problems)
    status = 400
    if not problems:
        try:
            if not site.allow_external:
                await run_in_threadpool(refuse_service, query_text)  # a long text takes a while: off the loop
            from kg.proxy import page_start  # kg serve's own: not imported where the site's parts are used alone

            busy = page_start(request)
            if busy is not None:
                return busy
            result = await run_in_threadpool(Library.run, site, None, {}, lang, query_text, seconds_left(request))
            context["table"] = result_table(result, lang, names=names_of(request, lang, wait=False))
            return page("adhoc.html", request, **context)
        except QueryError as exc:
            problems = await read_text(query_text, _query_problems, exc, lang)
        except KgError as exc:
            status = status_of(exc)
            problems = [Problem("not_run", detail=str(exc))]
            context["failure"] = failure_message(exc, lang)
    more = len(problems) - SHOWN_PROBLEMS  # the first mistakes, not a page a hundred times the text's size
    problems = problems[:SHOWN_PROBLEMS]
    said = [{"said": context.pop("failure", None) or p.say(lang), "fix": p.fix} for p in problems]
    if more > 0:
        said.append({"said": text("site", "more_problems", lang, n=more), "fix": None})
    detail = "\n".join(dict.fromkeys(p.detail for p in problems if p.detail))
    return page(
        "adhoc.html", request, status=status, **context, problems=said, detail=detail,
        listing=_listing(query_text, problems) if any(p.line for p in problems) else None,
    )  # fmt: skip


def _query_problems(query_text: str, exc: QueryError, lang: str) -> list[Problem]:
    """A query error as problems in words: a refused operation, else what :func:`explain` finds."""
    if not isinstance(exc, QuerySyntaxError) and "refused" in exc.message:
        return [Problem("refused_query", {}, exc.line, exc.column, detail=str(exc))]
    return explain(query_text, exc)


def editor(request: Request) -> Response:
    lang = page_language(request)
    name = request.query_params.get("q")
    if name:
        params = {k: v for k, v in request.query_params.multi_items() if k not in ("q", "lang") and v.strip()}
        try:
            q = Library.find(name)  # a library name only: never a path (SECURITY.md)
        except KgError as exc:
            return error_page(request, 404, text("site", "no_question", lang, name=isolate(name)), detail=str(exc))
        try:
            query_text = Library.editor_text(q, params, lang)
        except KgError as exc:
            return error_page(request, status_of(exc), failure_message(exc, lang), detail=str(exc))
    elif request.query_params.get("query", "").strip():  # a query to start from ("Query this" on a resource page)
        query_text = request.query_params["query"]
    else:
        query_text = (
            "".join(f"PREFIX {p}: <{u}>\n" for p, u in PREFIXES.items()) + "\n" + ADHOC_EXAMPLE.format(lang=lang)
        )
    # "{n} rows" in its plural forms (one string in Persian), for the count above the results
    rows = messages("site", lang)["rows"]
    return page("editor.html", request, text=query_text, prefixes=PREFIXES, rows=rows, script=editor_script())


@cache
def editor_script() -> str:
    """The editor page's script (``templates/site/editor.js``) bundled with the explorer's number formatter."""
    from importlib.resources import files

    from kg.explore.script import MODULES, bundle_modules

    sources = {
        "editor.js": files("kg").joinpath("templates", "site", "editor.js").read_text(encoding="utf-8"),
        "format.js": MODULES.joinpath("format.js").read_text(encoding="utf-8"),
    }
    return bundle_modules(sources, entry="editor.js")


def prefixes(request: Request) -> Response:
    """The project prefixes in prefix.cc's format, for YASGUI's prefix completion."""
    return Response(json.dumps(PREFIXES, ensure_ascii=False), media_type="application/json")


def yasgui_asset(request: Request) -> Response:
    """YASGUI's script and style, as the Oxigraph server ships them (fetched once, from the child)."""
    name = request.path_params["name"]
    if name not in ("yasgui.min.js", "yasgui.min.css"):
        return error_page(request, 404, f"no such file: /yasgui/{name}")
    body = _asset(site_of(request).endpoint.removesuffix("query") + name)
    media = "text/javascript" if name.endswith(".js") else "text/css"
    return Response(body, media_type=f"{media}; charset=utf-8", headers={"Cache-Control": "max-age=3600"})


@cache
def _asset(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=SERVE_TIMEOUT) as response:
        return response.read()
