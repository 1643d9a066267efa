"""``kg publish``: the publication as a static site, for any web host (no server), all or nothing.

The same renderer as ``kg serve`` (:mod:`kg.publish.documents`) writes every
document of every resource (``id/kazakhstan.html``, ``.fa.html``, ``.ttl``,
``.nt``, ``.jsonld``, ``.rdf``; the ontology documentation as ``ontology.html``),
with links relative to each page, so the folder works under any path of any
host and from disk. Beside them:

``index.html`` (``.fa.html``)   the dataset: what it is, its classes with their instances, downloads
``search.html`` (``.fa.html``)  search by name in the browser, over ``search-index.LANG.json``
``opensearch.xml`` (``.fa.xml``) the search described for machines (OpenSearch 1.1, :mod:`kg.publish.opensearch`)
``sparql.html`` (``.fa.html``)  the library's questions live and a SPARQL editor, in the browser; the engine
                                in ``sparql/`` (:mod:`kg.publish.sparql`)
``404.html``, ``404.fa.html``   the not-found page (both languages, the reader's first) for hosts that serve one
``explorer.html``               the offline explorer
``dumps/``                      the whole graph in six syntaxes, gzipped (``kg export --format all``;
                                :mod:`kg.publish.dumps`)
``.well-known/void``            the dataset description (Turtle), as VoID §6.2 asks
``sitemap.xml``                 every page, at its address under the w3id.org base
``.htaccess``                   media types and charsets for an Apache host, and the retired IRIs' 301 and 410
``gone.html``                   the page of a retired IRI (410), when the graph has one (:mod:`kg.publish.retired`)
``w3id/.htaccess``              the redirect rules for the w3id.org repository (:mod:`kg.publish.apache`)

The folder is written in a staging folder beside the target and swapped into
place when complete (:func:`kg.output.replace_path`), so a failed publish leaves
the old site whole.
"""

from __future__ import annotations

import gc
import json
import multiprocessing
import os
import re
import shutil
import tempfile
import time
import urllib.parse
import weakref
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from kg import limits
from kg.errors import OutputError, UsageError
from kg.i18n import LANGUAGES
from kg.namespaces import BASE, DATASET_IRI
from kg.output import check_output, process_is_alive, replace_path
from kg.processes import close_pool, leave_to_exit
from kg.publish.documents import DOCUMENTED
from kg.publish.dumps import DumpsApart, dump_names, write_dumps
from kg.publish.paths import HASH_DOCUMENTS, page_path, stem_path
from kg.publish.shares import CHUNK, Chunks, Writer, adopt, compile_pages, write_chunks, write_resources, write_share

if TYPE_CHECKING:
    from kg.sources import Sources


@dataclass
class PublishResult:
    """What ``kg publish`` wrote: the folder, how many files and bytes, and how long it took."""

    out: Path
    files: int = 0
    bytes: int = 0
    resources: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    #: Of ``files``, how many were the same as in the site replaced, and hard-linked from it, not written.
    linked: int = 0


def write_site(
    out: str | Path,
    data: Sequence[str | Path] | None = None,
    *,
    sources: Sources | None = None,
    host: str = limits.PUBLISH_HOST,
    explorer: bool = True,
    previous: str | Path | None = None,
) -> PublishResult:
    """Write the static site of the shipped (or given) data, or of ``sources`` already read, into ``out``
    (replaced whole when done); files the same as in ``previous`` (default: the site ``out`` holds) are
    hard-linked from it."""
    from kg.publish.description import load_publication
    from kg.sources import Sources

    started = time.perf_counter()
    target = check_output(out, directory=True)
    check_host(host)
    # The dumps are made by a process of their own, forked before anything is read, while this one reads the
    # publication (given Sources are a build's, whose exports are made already: the dumps only gzip them).
    apart = sources is None and _can_fork()
    sources = sources if sources is not None else Sources(data)
    dumps = DumpsApart(sources) if apart else None
    staging = None
    failed = True
    try:
        if dumps is not None:
            try:
                dumps.start()
            except OSError:  # no process could be made (too many processes, no memory): the dumps are made here
                dumps.close(failed=True)
                dumps = None
        publication = load_publication(sources=sources)
        target.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale_staging(target.parent)
        staging = Path(tempfile.mkdtemp(prefix=f".kg-publish-{os.getpid()}-", dir=target.parent))
        old = Path(previous) if previous is not None else target
        writer = Writer(staging, old if old.is_dir() and not old.is_symlink() else None)
        _write_all(writer, publication, sources, host, explorer=explorer, dumps=dumps is None)
        if dumps is not None:
            _write_dumps(writer, dumps.result())
        replace_path(staging, target)
        failed = False
    except OSError as exc:
        raise OutputError(f"cannot write the static site: {exc.strerror or exc}", path=target) from None
    finally:
        if dumps is not None:
            dumps.close(failed=failed)
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
    leave_to_exit(publication, sources)  # the kg command's process ends at once: not freed object by object
    seconds = time.perf_counter() - started
    return PublishResult(target, writer.files, writer.bytes, len(publication.resources), seconds, linked=writer.linked)


def _can_fork() -> bool:
    """Whether the work is shared with processes forked from this one: more than one core, and fork."""
    return (os.cpu_count() or 1) > 1 and multiprocessing.get_start_method(allow_none=True) in (None, "fork")


def _write_dumps(writer: Writer, dumps: dict[str, bytes]) -> None:
    for name, body in dumps.items():
        writer.write(f"dumps/{name}", body)


#: The characters a ``--host`` may hold: it is written as it is into Apache's rules (``.htaccess``), where a
#: space or a quote ends an argument, a line break starts a directive of its own, and ``$N``, ``%N`` are
#: back-references of a RewriteRule's target; so letters, digits and ``-._~:/[]+,;=`` only (a path with other
#: characters, or a non-ASCII host name, is given percent-free: punycode, or a plain path).
_HOST_TEXT = re.compile(r"[A-Za-z0-9\-._~:/\[\]+,;=]+")


def check_host(host: str) -> None:
    """Raise UsageError unless ``host`` is where a static site can be served from: an http(s) URL with a host
    name, no user, password, query or fragment, whose path (the site's folder) ends in ``/``."""
    try:
        parts = urllib.parse.urlsplit(host)
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        parts, port_ok = None, False
    if (
        parts is None
        or not port_ok
        or parts.scheme not in ("http", "https")
        or not parts.hostname
        or "@" in parts.netloc
        or "?" in host
        or "#" in host
        or not parts.path.endswith("/")
        or not _HOST_TEXT.fullmatch(host)
    ):
        raise UsageError(
            "--host must be the http(s) URL of the site's folder, ending in '/', with no user, query or fragment, "
            f"in letters, digits and -._~:/[]+,;= only (it is written into Apache's rules), not {host!r}"
        )


def _remove_stale_staging(folder: Path) -> None:
    """Remove the staging folders of ``kg publish`` runs whose process no longer runs (killed)."""
    for path in folder.glob(".kg-publish-*"):
        parts = path.name.split("-")  # .kg-publish-PID-random
        pid = parts[2] if len(parts) > 3 else ""
        if path.is_dir() and pid.isdigit() and not process_is_alive(int(pid)):
            shutil.rmtree(path, ignore_errors=True)


def _write_all(
    writer: Writer, publication: Any, sources: Sources, host: str, *, explorer: bool, dumps: bool = True
) -> None:
    """Every file of the site: the resources' documents in chunks taken in turn by worker processes (so that
    they finish about together whatever the sizes of the parts), while this process writes everything else
    (the dumps, the explorer, the top pages: what a build keeps for its other outputs) and then takes chunks
    too. One process a core: a worker less than the cores, as this one is the last (a third process on two
    cores did the same work with one more copy of what a worker makes for itself, and shared the cores).
    The workers take the chunks from the first on, this process from the last back (:class:`Chunks`)."""
    documents = publication.documents
    stems = publication.stems
    iris = sorted(stems)
    pages = [stem_path(stems[iri], lang) for iri in iris for lang in LANGUAGES]
    # The documents (whole graphs, the ontology's documentation) first, each graph alone with every IRI that
    # names it (its RDF made once for them all): the largest parts are taken first and by different
    # processes, not left to one process at the end. The documents whose page is the ontology documentation
    # go together: one process renders it once for all of them.
    named: dict[str, list[str]] = {}
    for iri in iris:
        if iri in documents:
            named.setdefault("" if documents[iri] in DOCUMENTED else documents[iri], []).append(iri)
    chunks = list(named.values())
    rest = [iri for iri in iris if iri not in documents]
    chunks += [rest[i : i + CHUNK] for i in range(0, len(rest), CHUNK)]
    workers = max(1, min(os.cpu_count() or 1, 4, len(iris) // 200 or 1))
    folders = (str(writer.folder), str(writer.previous) if writer.previous is not None else None)
    pool = None
    if workers > 1 and _can_fork():
        # Each child inherits the loaded publication and the chunk counter (fork).
        context = multiprocessing.get_context("fork")
        # The loaded publication lives as long as the run: read ahead and frozen, the children share one copy
        # and their collections never walk it (nor write to its pages, which the fork shares until written).
        # Whether the store holds the files' terms as read is asked once for all (this process asks it for the
        # explorer and the SPARQL page, a child for a big document: each read the files again).
        publication.read_ahead()
        if sources.store_writes_as_read:
            publication.files_as_read = frozenset(sources.paths)
        compile_pages()
        taken = Chunks(context, len(chunks))
        pool = ProcessPoolExecutor(workers - 1, mp_context=context, initializer=adopt, initargs=(publication, taken))
    failed = True
    try:
        if pool is not None:
            gc.freeze()
            shares = [pool.submit(write_share, (*folders, chunks)) for _ in range(workers - 1)]
        else:
            counts = [write_resources(Writer(writer.folder, writer.previous), publication, iris)]
        _write_rest(writer, publication, sources, host, pages, explorer=explorer, dumps=dumps)
        if pool is not None:
            own = write_chunks(Writer(writer.folder, writer.previous), publication, taken, chunks, last=True)
            counts = [own, *(share.result() for share in shares)]
        failed = False
    finally:
        if pool is not None:
            taken.stop()  # on an error here: no chunk is taken any more
            close_pool(pool, failed=failed)
            gc.unfreeze()
    writer.files += sum(c[0] for c in counts)
    writer.bytes += sum(c[1] for c in counts)
    writer.linked += sum(c[2] for c in counts)


def _write_rest(
    writer: Writer, publication: Any, sources: Sources, host: str, pages: list[str], *, explorer: bool, dumps: bool
) -> None:
    """Everything but the resources' documents: the top pages, search, the engine, the dumps (unless written
    apart), the rules."""
    from kg.publish.apache import site_rules, w3id_rules
    from kg.publish.opensearch import description as opensearch
    from kg.publish.opensearch import document_name
    from kg.publish.pages import Renderer
    from kg.publish.retired import apache_rules, retired
    from kg.publish.script import search_script
    from kg.publish.search import SearchIndex
    from kg.publish.sparql import sparql_files

    top = Renderer(publication, root="", static=True)
    index = SearchIndex(publication)
    for lang in LANGUAGES:
        suffix = ".fa.html" if lang == "fa" else ".html"
        writer.write("index" + suffix, top.render("dataset-home.html", lang, **home_context(top, lang)))
        writer.write("search" + suffix, top.render("search.html", lang, query="", results=[], searched=False))
        writer.write(document_name(lang), opensearch(host, lang, static=True))
        records = index.records(lang, lambda iri, lang: page_path(iri, lang))
        writer.write(f"search-index.{lang}.json", json.dumps(records, ensure_ascii=False, separators=(",", ":")))
        pages += ["index" + suffix, "search" + suffix]
    prefix = urllib.parse.urlsplit(host).path or "/"  # where the host serves the site: error pages name it
    for lang in LANGUAGES:  # a missing ….fa.html gets the Persian one (site_rules)
        name = "404.fa.html" if lang == "fa" else "404.html"
        writer.write(name, top.render("not-found.html", lang, path="", results=[], base_href=prefix))
    writer.write("site.css", files("kg").joinpath("templates", "site", "site.css").read_bytes())
    writer.write("search.js", search_script())
    writer.write("favicon.svg", files("kg").joinpath("templates", "site", "favicon.svg").read_bytes())
    engine = query_engine(sources)  # one store for the SPARQL page's triples and the explorer's questions
    store = engine.store if engine is not None else None
    for name, body in sparql_files(top, list(sources.data_paths), store=store).items():  # the engine beside
        writer.write(name, body)
    pages += ["sparql.html", "sparql.fa.html"]
    writer.write("sitemap.xml", sitemap(pages))
    gone = retired(publication)
    writer.write(".htaccess", site_rules(prefix) + apache_rules(gone, prefix))
    if gone:
        writer.write("gone.html", top.render("gone.html", "en", path="", label="", base_href=prefix))
    writer.write("w3id/.htaccess", w3id_rules(host))
    if dumps:
        _write_dumps(writer, write_dumps(sources=sources))
    if explorer:
        writer.write("explorer.html", explorer_page(sources, engine=engine, publication=publication))


def home_context(renderer: Any, lang: str) -> dict[str, Any]:
    """The dataset's home page: its description, its classes with their counts, its documents."""
    from kg.namespaces import KG, OWL
    from kg.sources import DATA_GRAPH

    publication = renderer.publication
    classes = []
    for cls in publication.instances(str(OWL.Class)):
        if not cls.startswith(str(KG._NS)):
            continue
        count = len(publication.instances(cls))
        if count:
            classes.append({**renderer.node(_named(cls), lang), "count": count})
    classes.sort(key=lambda c: c["text"].lower())
    dataset = renderer.resource_context(str(DATASET_IRI), lang)
    return {
        "dataset": dataset,
        "classes": classes,
        "documents": [
            renderer.node(_named(iri), lang)
            for iri in (str(DATASET_IRI), *(str(d) for d in HASH_DOCUMENTS if d != DATASET_IRI), str(DATA_GRAPH))
        ],
        "dumps": [f"dumps/{name}" for name in dump_names()],
    }


def _named(iri: str) -> Any:
    from pyoxigraph import NamedNode

    return NamedNode(iri)


#: The explorer pages of :func:`explorer_page`, for as long as their Sources live.
_EXPLORERS: weakref.WeakKeyDictionary[Sources, str] = weakref.WeakKeyDictionary()


def explorer_page(sources: Sources, *, engine: Any = None, publication: Any = None) -> str:
    """The offline explorer of the default graph, made once for each Sources (the build writes it twice:
    explorer.html and the site's); ``engine``: :func:`query_engine`'s, if already made; ``publication``: the
    loaded publication, whose store the projection reads when the union is not made already
    (:func:`default_graph`)."""
    if sources not in _EXPLORERS:
        from kg.explore import render_html
        from kg.explore.questions import library_answers
        from kg.project import to_networkx

        engine = engine if engine is not None else query_engine(sources)
        graph = default_graph(sources, publication) if engine is not None else sources.union
        projection = to_networkx(graph)
        questions = library_answers(graph, projection, engine=engine if engine is not None else "oxigraph")
        _EXPLORERS[sources] = render_html(projection, questions=questions)
    return _EXPLORERS[sources]


def default_graph(sources: Sources, publication: Any = None) -> Any:
    """The default graph (ontology, vocabularies, data) as an rdflib Graph: :attr:`Sources.union` if made
    already (the build's), else read from the publication's store (:mod:`kg.publish.stored_graph`), which
    holds the same statements, when it holds every term as read; else the union, made now."""
    if publication is None or "union" in vars(sources) or not sources.store_writes_as_read:
        return sources.union
    from kg.publish.stored_graph import stored_graph

    default = set(sources.paths)  # the files of the default graph: all but the shapes
    parts = dict.fromkeys(str(graph) for graph, path in sources.files() if path in default)
    return stored_graph(publication.store, list(parts))


def query_engine(sources: Sources) -> Any:
    """The store ``kg query`` answers over (the files and their RDFS closure) for the explorer's questions and
    the SPARQL page's triples, read from the files (~4x cheaper than a copy of the union, term by term) when
    that store holds every term as read; else None (the explorer then queries the union's copy)."""
    from kg.sparql.engines import OxigraphEngine

    return OxigraphEngine.from_files(sources.data_paths) if sources.store_writes_as_read else None


def sitemap(pages: Sequence[str]) -> str:
    """The sitemap of the pages, at their addresses under the base (w3id.org sends them on to the host)."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    lines += [f"  <url><loc>{escape(BASE + page)}</loc></url>" for page in sorted(pages)]
    return "\n".join([*lines, "</urlset>", ""])
