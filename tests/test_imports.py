"""The package's modules import each other without a cycle, in layers, and ``kg --help`` loads no RDF library.

The import graph is read from the source (``ast``), every ``import`` and ``from … import``
anywhere in a module, lazy ones inside functions included: a cycle through a lazy import
is still two modules that each need the other.

The layers, lowest first; a module imports only modules of its own layer or below, so
nothing below ``sparql/`` and ``explore/`` imports them:

1. foundations: errors, limits, resources, namespaces, formats, i18n, text, terms, output, terminal, scan (the
   byte-level checks of an RDF document), content (a file known by its bytes' hash), processes (a free port, stopping a
   child), factuality (the terms of how sure a statement is), hierarchy (the transitive closure of subclasses and
   subproperties), and publish/paths (the one map of IRIs to site paths, which the description uses too) and
   publish/dates (dates in both calendars, which the ontology's documentation uses too);
2. reading and writing RDF and HTTP: load, base_iri (the inputs' base IRI), literals (ill-typed ones, located),
   writers/ (quads: the input canonically labelled; order: sort keys and the memo; stored: a dataset written
   from pyoxigraph stores; check: the re-read; one
   module per syntax: ntriples, turtle, jsonld, rdfxml), http, and kg serve's request guard and HTTP server
   (guard, with its admission to the query slots: admission; httpd), the supervision of its Oxigraph
   (supervisor), its bound on the queries started there (start_budget) and its HTTP client to it (child_http);
3. the graph and what is made of it: sources, describe, quality, validate, project, stats, diagram,
   docs, synth, export, reason;
4. ``sparql/``: queries, engines, results;
5. ``explore/``: the offline explorer (it runs the library's questions);
6. applications: site, serve, store_server (the Oxigraph server kg serve runs), push, proxy, readable,
   publish/, build, notebook, cli/, launch, warm, warm_server, warm_worker, source_watch (what the warm process
   watches of kg's own files),
   and the package's face.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import networkx as nx

import kg

SRC = Path(kg.__file__).resolve().parent


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> nx.DiGraph:
    """Modules of ``kg`` as nodes, an edge A → B when A imports B."""
    modules = {_module_name(p): p for p in SRC.rglob("*.py")}
    graph = nx.DiGraph()
    graph.add_nodes_from(modules)
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:  # relative import
                    base = ".".join([*package.split(".")[: len(package.split(".")) - node.level + 1], base]).strip(".")
                # `from kg import resources` imports the module kg.resources, not kg's __init__
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
            for target in targets:
                if target in modules and target != name:
                    graph.add_edge(name, target)
    return graph


_WRITERS = ("quads", "order", "stored", "sink", "check", "ntriples", "turtle", "jsonld", "rdfxml")
_GRAPH = "sources described describe quality validate project stats diagram docs synth export reason"
LAYERS: tuple[frozenset[str], ...] = (
    frozenset(
        "kg." + n
        for n in [
            "errors",
            "limits",
            "resources",
            "namespaces",
            "formats",
            "i18n",
            "text",
            "terms",
            "output",
            "terminal",
            "scan",
            "content",
            "processes",
            "factuality",
            "hierarchy",
        ]
    )
    | {"kg.publish.paths", "kg.publish.dates"},
    frozenset({"kg.load", "kg.base_iri", "kg.literals", "kg.http", "kg.guard", "kg.httpd", "kg.supervisor"})
    | {"kg.start_budget", "kg.child_http", "kg.admission"}
    | {"kg.writers", *(f"kg.writers.{n}" for n in _WRITERS)},
    frozenset("kg." + n for n in _GRAPH.split()),
    frozenset({"kg.sparql"}),  # and every kg.sparql.* module
    frozenset({"kg.explore"}),  # and every kg.explore.* module
    frozenset(
        "kg." + n
        for n in [
            "site",
            "serve",
            "store_server",
            "push",
            "proxy",
            "readable",
            "publish",
            "build",
            "notebook",
            "cli",
            "launch",
            "warm",
        ]
    )
    | {"kg", "kg.__main__", "kg.warm_server", "kg.warm_worker", "kg.source_watch"},
)


def layer(module: str) -> int:
    """The layer of ``module`` (0 lowest); a module of a listed package is in the package's layer."""
    for index, members in enumerate(LAYERS):
        if module in members or any(module.startswith(m + ".") for m in members if m != "kg"):
            return index
    raise AssertionError(f"{module} is in no layer: add it to LAYERS (and to the docstring)")


def test_the_import_graph_is_found():
    graph = import_graph()
    assert graph.number_of_nodes() >= 15
    assert graph.has_edge("kg.cli", "kg.errors")  # the reader sees real edges, so the check below can fail


def test_no_module_imports_itself_through_others():
    graph = import_graph().copy()
    graph.remove_node("kg")  # the package's __init__ re-exports the public face; its submodules never import it
    cycles = sorted(nx.simple_cycles(graph), key=len)
    assert cycles == [], " ; ".join(" → ".join([*c, c[0]]) for c in cycles[:5])


def test_no_submodule_imports_the_package_init():
    graph = import_graph()
    assert sorted(graph.predecessors("kg")) == []


def test_every_module_has_a_layer():
    for module in import_graph():
        layer(module)


def test_no_module_imports_a_higher_layer():
    """Nothing below sparql/ and explore/ imports them; the foundations import nothing of kg above them."""
    upward = [
        f"{a} (layer {layer(a) + 1}) imports {b} (layer {layer(b) + 1})"
        for a, b in import_graph().edges
        if layer(b) > layer(a)
    ]
    assert upward == []


def test_the_layer_check_can_fail():
    assert layer("kg.load") < layer("kg.sparql.engines") < layer("kg.explore.page") < layer("kg.cli")
    assert layer("kg.sparql") == layer("kg.sparql.tables")


def test_the_package_face_is_imported_on_first_use():
    """``kg.load_graph`` and ``kg.query`` are the library's functions; ``kg.load`` is only the module."""
    code = (
        "import sys, types, kg\n"
        "before = sorted(m for m in ('rdflib', 'pyoxigraph') if m in sys.modules)\n"
        "import kg.load, kg.sparql\n"
        "assert kg.load_graph is kg.load.load_graph and kg.query is kg.sparql.query\n"
        "assert isinstance(kg.load, types.ModuleType) and kg.__all__ == ['load_graph', 'query']\n"
        "print(before)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert (done.returncode, done.stdout) == (0, "[]\n"), done.stderr


def test_the_sparql_face_is_what_the_readme_uses():
    """``kg.sparql`` exports ``query`` and its ``Result``, each documented in the package's docstring; every
    other name is imported from its module (and ``kg.sparql.compare`` is the module, not a function)."""
    import types

    import kg.sparql
    import kg.sparql.compare

    assert kg.sparql.__all__ == ["Result", "query"]
    assert all(f":func:`{n}`" in kg.sparql.__doc__ or f":class:`{n}`" in kg.sparql.__doc__ for n in kg.sparql.__all__)
    assert isinstance(kg.sparql.compare, types.ModuleType)
    public = {n for n, v in vars(kg.sparql).items() if not n.startswith("_") and not isinstance(v, types.ModuleType)}
    assert public == {"Result", "query"}


#: Modules with no logic of their own, so no test file of their own: why, each.
NO_TEST_FILE = {
    "__init__.py": "the package face: lazy names, tested by test_the_package_face_is_imported_on_first_use here",
    "__main__.py": "one line that calls kg.cli.main (the CLI tests run it)",
    "factuality.py": "constants only (terms of the factuality model), used by the pages' tests",
    "sparql/__init__.py": "re-exports only",
}


def _test_files_for(module: Path) -> list[str]:
    """The names a module's own test file may have: tests/test_<module>.py, or for a module of a
    package tests/test_<package>_<module>.py (a package's __init__: tests/test_<package>.py)."""
    parts = module.relative_to(SRC).with_suffix("").parts
    if len(parts) == 1:
        return [f"test_{parts[0]}.py"]
    package, name = parts[0], parts[-1]
    if name == "__init__":
        return [f"test_{package}.py"]
    return [f"test_{name}.py", f"test_{package}_{name}.py"]


def test_every_module_with_logic_has_a_test_file_of_its_own():
    tests = {path.name for path in Path(__file__).parent.rglob("test_*.py")}
    missing = [
        str(module.relative_to(SRC))
        for module in sorted(SRC.rglob("*.py"))
        if str(module.relative_to(SRC)) not in NO_TEST_FILE
        and not any(name in tests for name in _test_files_for(module))
    ]
    assert missing == [], f"modules with no tests/test_<module>.py: {missing}"


def test_the_exemptions_name_real_modules():
    assert [name for name in NO_TEST_FILE if not (SRC / name).is_file()] == []


#: The head of a fresh interpreter's script: ``quiet(argv)`` runs ``kg ARGV`` in it, output thrown away, and
#: gives its exit code.
_QUIET_KG = (
    "import contextlib, io, sys\n"
    "from kg.cli import main\n"
    "def quiet(argv):\n"
    "    with contextlib.redirect_stdout(io.TextIOWrapper(io.BytesIO(), encoding='utf-8')):\n"
    "        return main(argv)\n"
)


def _cold(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``code`` (after :data:`_QUIET_KG`) run by a new interpreter in the project's folder: what a cold ``kg``
    imports, with nothing imported before it."""
    return subprocess.run(
        [sys.executable, "-c", _QUIET_KG + code, *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=SRC.parents[1],
    )


def test_a_query_printed_as_rows_imports_no_rdflib():
    """A cold ``kg query`` (a library query, a file, ``-e``, parameters, every rows format) runs on pyoxigraph
    and prints from plain-data terms: rdflib (about 0.12 s to import) is not loaded; a graph answer loads it."""
    done = _cold(
        "runs = [['cq01-agreements-and-parties', '--format', f] for f in ('table', 'csv', 'tsv', 'json', 'md')]\n"
        "runs += [['cq08-trade-figures', '--param', 'lang=fa', '--lang', 'fa'], ['queries/cq03-people-and-posts.rq'],\n"
        "         ['-e', 'ASK { ?s ?p ?o }'], ['cq17-organisations-of-a-country', '--param', 'country=kgi:iran']]\n"
        "codes = [quiet(['query', *run, '--no-cache']) for run in runs]\n"
        "before = 'rdflib' in sys.modules\n"
        "codes.append(quiet(['query', '-e', 'CONSTRUCT WHERE { ?s a ?c } LIMIT 1', '--no-cache']))\n"
        "print(codes, before, 'rdflib' in sys.modules)\n"
    )
    assert (done.returncode, done.stdout) == (0, f"{[0] * 10} False True\n"), done.stderr


def test_an_export_imports_no_rdflib(tmp_path):
    """``kg export`` of every format writes from pyoxigraph stores and terms, the dataset formats' VoID
    description too (:func:`kg.describe.description_triples`): rdflib (about 0.1 s to import) is not loaded;
    ``kg describe`` (the description as an rdflib graph, validated with pySHACL) loads it."""
    done = _cold(
        "out = sys.argv[1]\n"
        "codes = [main(['export', '--format', f, '--out', f'{out}/kg.{f}'])\n"
        "         for f in ('turtle', 'nt', 'jsonld', 'xml', 'nquads', 'trig')]\n"
        "before = 'rdflib' in sys.modules\n"
        "codes.append(main(['describe', '--out', f'{out}/void.ttl']))\n"
        "print(codes, before, 'rdflib' in sys.modules)\n",
        str(tmp_path),
    )
    assert (done.returncode, done.stdout.splitlines()[-1]) == (0, f"{[0] * 7} False True"), done.stderr


def test_a_query_whose_table_is_persian_imports_no_wcwidth():
    """A cold ``kg query`` whose table holds Persian, English and the isolates around each cell measures
    their columns without importing wcwidth (its import was about 0.8 of the whole cold query of pyoxigraph):
    kg.sparql.tables knows wcwidth's widths of those scripts; a character outside them imports it."""
    done = _cold(
        "runs = [['cq14-as-written-vs-corrected', '--lang', 'fa'], ['cq01-agreements-and-parties', '--lang', 'fa']]\n"
        "runs += [['cq04-statements-by-speaker', '--width', '60'], ['cq24-inventory', '--lang=fa', '--width=50']]\n"
        "codes = [quiet(['query', *run, '--no-cache']) for run in runs]\n"
        "print(codes, 'wcwidth' in sys.modules)\n"
        "quiet(['query', '-e', 'SELECT (\"\u6771\u4eac\" AS ?city) {}', '--no-cache'])\n"
        "print('wcwidth' in sys.modules)\n"
    )
    assert (done.returncode, done.stdout) == (0, f"{[0] * 4} False\nTrue\n"), done.stderr


def test_a_query_in_plain_ascii_makes_no_dataclass():
    """A cold ``kg query`` whose table is plain ASCII imports neither dataclasses nor inspect (with ast and dis):
    their import and the sixteen classes made with them were a fifth of its instructions. A table cut to a width
    asks no width of wcwidth for ASCII cells. (A table with other characters imports wcwidth, which imports
    dataclasses itself.)"""
    done = _cold(
        "runs = [['cq01-agreements-and-parties', '--format', f] for f in ('table', 'csv', 'tsv', 'json', 'md')]\n"
        "runs += [['cq17-organisations-of-a-country', '--param', 'country=kgi:iran'], ['-e', 'ASK { ?s ?p ?o }'],\n"
        "         ['cq01-agreements-and-parties', '--iris', '--show'], ['cq24-inventory', '--width', '40']]\n"
        "codes = [quiet(['query', *run, '--no-cache']) for run in runs]\n"
        "print(codes, [m for m in ('dataclasses', 'inspect', 'ast', 'dis') if m in sys.modules])\n"
    )
    assert (done.returncode, done.stdout) == (0, f"{[0] * 9} []\n"), done.stderr
