"""Which local engine should ``kg query`` use by default? Time rdflib and pyoxigraph on the same work.

Run from the repository root::

    python benchmarks/bench_query.py                # a synthetic news graph of about 400 000 triples
    python benchmarks/bench_query.py --triples 50000 --repeat 1

It writes a synthetic graph shaped like ``data/article.ttl`` (articles with
organisations, people and posts, a state visit, agreements with kinds,
domains and parties, statements, trade figures, and one NIF mention per
entity or fact, which is most of the triples), loads it with each engine the
way ``kg query`` does (ontology and vocabularies too), runs four queries of
the kinds the competency queries ask, and prints a table. Then it does the
same for the shipped data and all the library queries. Times are the best
of ``--repeat`` runs, in seconds, on this machine; nothing here asserts a
time.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from kg.namespaces import PREFIXES
from kg.sparql.engines import Engine, OxigraphEngine, RdflibEngine
from kg.sparql.files import list_queries, read_query_text
from kg.sparql.library import run_query
from kg.sparql.sandbox import run_isolated
from kg.sparql.values import prepare

KINDS = ["memorandum-of-understanding", "programme"]
DOMAINS = ["politics", "culture", "economy", "trade", "transport", "rail-transport", "energy", "agriculture"]
TOPICS = ["bilateral-relations", "regional-cooperation", "transit-corridors", "trade-growth", "war-in-ukraine"]
UNITS = ["us-dollar", "tonne", "percent"]
PERSIAN = ["ایران", "قزاقستان", "همکاری", "وزارت", "فرهنگ", "راه‌آهن", "تجارت", "سفر", "رسمی", "یادداشت", "تفاهم"]

QUERIES = {
    "join: agreements, kinds, parties, countries (labels @en)": """
        SELECT ?agreement ?agreementLabel ?kindLabel ?partyLabel ?countryLabel WHERE {
          ?agreement a kg:Agreement ; rdfs:label ?agreementLabel ;
                     kg:agreementKind/skos:prefLabel ?kindLabel ; kg:party ?party .
          ?party rdfs:label ?partyLabel ; kg:country/rdfs:label ?countryLabel .
          FILTER (LANG(?agreementLabel) = "en" && LANG(?kindLabel) = "en"
                  && LANG(?partyLabel) = "en" && LANG(?countryLabel) = "en")
        }""",
    "lookup: the mentions of one agreement": """
        SELECT ?mention ?begin ?end ?quote WHERE {
          ?mention itsrdf:taIdentRef agreement:a17-3 ; nif:beginIndex ?begin ;
                   nif:endIndex ?end ; nif:anchorOf ?quote .
        }""",
    "aggregate: nodes per class": """
        SELECT ?class (COUNT(DISTINCT ?node) AS ?count) WHERE { ?node a ?class }
        GROUP BY ?class ORDER BY ?class""",
    "scan: labels containing a word": """
        SELECT ?s ?label WHERE { ?s rdfs:label ?label FILTER (CONTAINS(LCASE(STR(?label)), "ministry 42 ")) }""",
}


def synthetic_turtle(path: Path, triples: int, seed: int = 0) -> int:
    """Write about ``triples`` triples of made-up articles to ``path``; the number written."""
    rng = random.Random(seed)
    lines = [f"@prefix {p}: <{u}> ." for p, u in PREFIXES.items()]
    written = 0

    def fa(n: int) -> str:
        return " ".join(rng.choice(PERSIAN) for _ in range(n))

    def add(subject: str, *pairs: str) -> None:
        nonlocal written
        lines.append(f"{subject} " + " ;\n    ".join(pairs) + " .")
        written += len(pairs)

    countries = [f"kgi:country-{c}" for c in range(50)]
    for c, country in enumerate(countries):
        add(country, "a kg:Country", f'rdfs:label "Country {c}"@en', f'rdfs:label "{fa(1)} {c}"@fa')
    article = 0
    while written < triples:
        a = article
        mentions: list[str] = [f"kgi:article-{a}"]
        add(f"kgi:article-{a}", "a kg:NewsArticle , nif:Context", f'nif:isString "{fa(40)}"@fa')
        orgs = []
        for o in range(8):
            org = f"kgi:org-{a}-{o}"
            orgs.append(org)
            add(
                org,
                f"a {rng.choice(['kg:Ministry', 'kg:Company', 'kg:ResearchInstitute'])}",
                f'rdfs:label "Ministry {a} {o} of things"@en',
                f'rdfs:label "{fa(3)} {a}-{o}"@fa',
                f"kg:country {rng.choice(countries)}",
            )
        people = []
        for p in range(4):
            person, post = f"kgi:person-{a}-{p}", f"post:post-{a}-{p}"
            people.append(person)
            add(
                person,
                "a kg:Person",
                f'rdfs:label "Person {a} {p}"@en',
                f'rdfs:label "{fa(2)}"@fa',
                f"org:holds {post}",
            )
            add(post, "a kg:Post", f'rdfs:label "Minister {a} {p}"@en', f'rdfs:label "{fa(2)}"@fa',
                f"kg:country {rng.choice(countries)}", f"org:postIn {rng.choice(orgs)}")  # fmt: skip
        event = f"event:visit-{a}"
        add(event, "a kg:StateVisit", f'rdfs:label "Visit {a}"@en', f'rdfs:label "{fa(3)}"@fa',
            f"kg:visitor {people[0]}", f"kg:destination {rng.choice(countries)}",
            f'schema:startDate "2022-06-{rng.randint(10, 28)}"^^xsd:date')  # fmt: skip
        mentions += orgs + people + [event]
        for g in range(8):
            agreement = f"agreement:a{a}-{g}"
            mentions.append(agreement)
            add(agreement, "a kg:Agreement", f'rdfs:label "Agreement {a} {g}"@en', f'rdfs:label "{fa(4)}"@fa',
                f"kg:agreementKind kgc:{rng.choice(KINDS)}", f"kg:cooperationDomain kgc:{rng.choice(DOMAINS)}",
                f"kg:party {rng.choice(orgs)} , {rng.choice(orgs)}", f"kg:concludedDuring {event}",
                f"kg:signatory {rng.choice(people)}")  # fmt: skip
        for s in range(6):
            statement = f"statement:s{a}-{s}"
            mentions.append(statement)
            add(statement, "a kg:Statement", f"kg:speaker {rng.choice(people)}", f'schema:text "{fa(12)}"@fa',
                f'kg:gloss "What speaker {s} said in article {a}."@en', f"kg:topic kgc:{rng.choice(TOPICS)}",
                f"kg:occasion {event}", f'rdfs:label "Statement {a} {s}"@en', f'rdfs:label "{fa(3)}"@fa')  # fmt: skip
        for f in range(3):
            figure = f"figure:f{a}-{f}"
            mentions.append(figure)
            add(figure, "a kg:TradeFigure", f'schema:value "{rng.randint(1, 10**9)}.0"^^xsd:decimal',
                f"kg:unit kgc:{rng.choice(UNITS)}", "kg:indicator kgc:trade-value",
                f"kg:between {rng.choice(countries)} , {rng.choice(countries)}",
                f'rdfs:label "Figure {a} {f}"@en', f'rdfs:label "{fa(3)}"@fa')  # fmt: skip
        offset = 0
        for target in mentions:
            length = rng.randint(3, 40)
            add(f"span:{a}-{offset}-{offset + length}", "a kg:Mention", f"nif:referenceContext kgi:article-{a}",
                f"nif:beginIndex {offset}", f"nif:endIndex {offset + length}", f'nif:anchorOf "{fa(2)}"',
                f"itsrdf:taIdentRef {target}")  # fmt: skip
            offset += length + rng.randint(1, 30)
        article += 1
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return written


def best(action: Callable[[], object], repeat: int) -> tuple[float, object]:
    """The fastest of ``repeat`` runs, in seconds, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - start)
    return min(times), result


def size(outcome: object) -> str:
    rows = getattr(outcome, "rows", None)
    return f"{len(rows)} rows" if rows is not None else ""


def table(title: str, rows: list[tuple[str, float, float, str]]) -> str:
    head = f"{'task':<58} {'rdflib':>9} {'oxigraph':>9} {'ratio':>7}  result"
    lines = [title, "", head, "-" * len(head)]
    for task, slow, fast, note in rows:
        ratio = f"{slow / fast:6.0f}x" if fast > 0 else "-"
        lines.append(f"{task:<58} {slow:9.3f} {fast:9.3f} {ratio:>7}  {note}")
    return "\n".join(lines)


def bench_synthetic(triples: int, repeat: int) -> str:
    with tempfile.TemporaryDirectory(prefix="kg-bench-") as folder:
        path = Path(folder) / "synthetic.ttl"
        written = synthetic_turtle(path, triples)
        rows = []
        slow_load, rdflib_engine = best(lambda: RdflibEngine.from_files([path]), 1)
        fast_load, oxigraph_engine = best(lambda: OxigraphEngine.from_files([path]), repeat)
        assert isinstance(rdflib_engine, Engine) and isinstance(oxigraph_engine, Engine)
        rows.append((f"parse Turtle ({written:,} triples) + ontology", slow_load, fast_load, ""))
        for name, text in QUERIES.items():
            prepared = prepare(read_query_text(text)).text
            slow, outcome = best(lambda e=rdflib_engine, t=prepared: e.run(t), repeat)
            fast, other = best(lambda e=oxigraph_engine, t=prepared: e.run(t), repeat)
            assert size(outcome) == size(other), (name, size(outcome), size(other))
            rows.append((name, slow, fast, size(outcome)))
        join = read_query_text(next(iter(QUERIES.values())))
        slow, _ = best(lambda: run_query(join, engine=rdflib_engine, timeout=120, max_rows=None), repeat)
        fast, _ = best(lambda: run_query(join, engine=oxigraph_engine, timeout=120, max_rows=None), repeat)
        rows.append(("the join through kg.query (child process, time limit)", slow, fast, ""))
        slow, _ = best(lambda: run_isolated(lambda: None, 60), repeat)
        rows.append(("  of which: forking the child, idle", slow, slow, ""))
    return table(f"Synthetic news graph, {written:,} triples (best of {repeat})", rows)


def bench_shipped(repeat: int) -> str:
    rows = []
    slow_load, rdflib_engine = best(RdflibEngine.from_files, repeat)
    fast_load, oxigraph_engine = best(OxigraphEngine.from_files, repeat)
    rows.append(("load ontology, vocabularies, data/article.ttl", slow_load, fast_load, ""))
    queries = list_queries()

    def run_all(engine: Engine) -> int:
        return sum(len(run_query(q, engine=engine, timeout=None, max_rows=None)) for q in queries)

    slow, count = best(lambda: run_all(rdflib_engine), repeat)
    fast, _ = best(lambda: run_all(oxigraph_engine), repeat)
    rows.append((f"all {len(queries)} library queries, in process", slow, fast, f"{count} rows"))
    return table(f"Shipped graph and query library (best of {repeat})", rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=400_000, help="size of the synthetic graph (default 400000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the best counts (default 3)")
    args = parser.parse_args(argv)
    print(f"Python {sys.version.split()[0]}", flush=True)
    print(bench_synthetic(args.triples, args.repeat), flush=True)
    print(flush=True)
    if list_queries():
        print(bench_shipped(args.repeat), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
