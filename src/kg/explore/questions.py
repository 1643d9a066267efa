"""The library's questions answered for the explorer's Questions view (the one place the explorer runs queries)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx
from rdflib import Graph, Literal, URIRef

from kg.errors import KgError
from kg.i18n import LANGUAGES
from kg.limits import QUESTION_ROWS
from kg.terms import curie

if TYPE_CHECKING:
    from kg.sparql.engines import Engine


def library_answers(
    graph: Graph,
    projection: nx.MultiDiGraph,
    *,
    engine: str | Engine = "oxigraph",
    files: Sequence[str | Path] | None = None,
) -> list[dict[str, Any]]:
    """The library's questions in both languages, each with its rows as the real query engine returns them.

    The one place where the explorer runs queries (through :func:`kg.sparql.library.run_query`, what the public
    :func:`kg.sparql.query` runs once it has read the query: here each query is read once, for both languages,
    by :func:`~kg.sparql.files.list_queries`, rather than looked up and read again by name each time). A row is a
    list of cells ``{"text": label}`` (plus ``"node"`` when the value is a node of the page); an
    ``?x`` column with an ``?xLabel`` column is folded into it. A query that fails keeps its
    ``{"error": true}`` instead of rows. At most :data:`QUESTION_ROWS` rows are kept. The queries
    run in this process, without a time limit: they are the library's own read-only queries, and a
    forked child per query (how a time limit is enforced) cost 1.3 s of 1.4 s on the article.
    ``engine`` names the engine, or is one loaded with ``graph``'s statements (the library's ORDER BY is total,
    so every engine shows the same rows). ``files``: the data files ``graph`` was read from by
    :func:`kg.load.load_graph`, unchanged since: the named engine is then opened from them, the one this process
    keeps for their content (:func:`kg.sparql.index.opened_engine`: the library's read-only queries load nothing
    into it), not made again from a copy of ``graph`` (on the article 40 ms of CPU a call, 12 ms from the files).
    """
    from kg.sparql.engines import open_engine
    from kg.sparql.files import list_queries
    from kg.sparql.library import run_query

    if files is not None and isinstance(engine, str):
        runner = open_engine(engine, data=files, kept=True)
    else:
        runner = open_engine(engine, graph=graph)
    nodes = {projection.nodes[n]["iri"]: n for n in projection}
    out = []
    for q in list_queries():
        if q.form != "SELECT":
            continue
        entry: dict[str, Any] = {"name": q.name, "title": q.title, "question": dict(q.questions), "answers": {}}
        for lang in LANGUAGES:
            params = {"lang": lang} if any(p.name == "lang" for p in q.params) else {}
            try:
                result = run_query(
                    q, params, engine=runner, lang=lang, labels=True, max_rows=QUESTION_ROWS, timeout=None
                )
            except KgError:  # its message names files: the page says only that it has no answer
                entry["answers"][lang] = {"error": True}
                continue
            shown = [
                v for v in result.variables if not (v.endswith("Label") and v[: -len("Label")] in result.variables)
            ]
            rows = []
            for row in result.rows:
                cells = []
                for var in shown:
                    value, named = row.get(var), row.get(f"{var}Label")
                    cell: dict[str, Any] = {"text": "" if value is None else str(value)}
                    if isinstance(value, URIRef):
                        node = nodes.get(str(value))
                        label = projection.nodes[node][f"label_{lang}"] if node else None
                        cell["text"] = (
                            str(named) if named is not None else label or result.labels.get(str(value)) or curie(value)
                        )
                        if node:
                            cell["node"] = node
                    elif isinstance(value, Literal) and value.language:
                        cell["lang"] = value.language
                    cells.append(cell)
                rows.append(cells)
            entry["answers"][lang] = {"vars": shown, "rows": rows, "truncated": result.truncated}
        out.append(entry)
    return out
