"""Find resources by name: labels and alternative names in either script, folded by :func:`kg.text.fold`.

The index holds, for every resource of the publication that has a name, its
labels (``rdfs:label``, ``skos:prefLabel``) and alternative names
(``skos:altLabel``) with their search keys. A query matches a name when its
folded form occurs in the name's folded form (so «توكايف», «توکایف» and
"tokayev" find Tokayev); exact matches rank first, then names that begin with
the query, then the rest, shorter names first.

``/search?q=TEXT&lang=fa|en`` answers with :meth:`SearchIndex.suggest` as JSON;
the static site ships :meth:`SearchIndex.entries` (``search-index.json``) for
the same search in the browser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pyoxigraph import Literal, NamedNode

from kg import limits
from kg.namespaces import KG, SKOS
from kg.publish.description import Publication
from kg.terms import natural_key, prefixed
from kg.text import fold

_ALT = NamedNode(str(SKOS.altLabel))
#: A value that is already an IRI (``<…>``) or a prefixed name (``kgi:iran``): never read as a name.
_IRI_LIKE = re.compile(r"<[^<>]*>|[A-Za-z][\w.-]*:[^\s]*")


@dataclass(frozen=True)
class Entry:
    iri: str
    labels: dict[str, str]
    names: tuple[str, ...]
    keys: tuple[str, ...]
    types: tuple[str, ...]


class SearchIndex:
    """The names of a publication's resources, folded once."""

    def __init__(self, publication: Publication) -> None:
        self.publication = publication
        names: dict[str, list[str]] = {}
        for iri, labels in publication.labels.items():
            names.setdefault(iri, []).extend(labels.values())
        for quad in publication._match(None, _ALT, None):
            if isinstance(quad.object, Literal):
                names.setdefault(quad.subject.value, []).append(quad.object.value)
        mention = str(KG.Mention)
        self.entries: list[Entry] = []
        for iri in sorted(names, key=natural_key):
            if iri not in publication.resources:
                continue
            types = tuple(publication.types(iri))
            if mention in types:
                continue
            unique = tuple(dict.fromkeys(names[iri]))
            self.entries.append(
                Entry(iri, publication.labels.get(iri, {}), unique, tuple(fold(n) for n in unique), types)
            )

    def search(self, query: str, limit: int = limits.SEARCH_SUGGESTIONS) -> list[Entry]:
        """The entries whose names match ``query``, best first."""
        key = fold(query[: limits.SEARCH_QUERY_CHARS])
        if not key:
            return []
        ranked = []
        for entry in self.entries:
            ranks = [0 if k == key else 1 if k.startswith(key) else 2 for k in entry.keys if key in k]
            if ranks:
                shortest = min(len(k) for k in entry.keys if key in k)
                ranked.append((min(ranks), shortest, natural_key(entry.iri), entry))
        ranked.sort(key=lambda r: r[:3])
        return [r[3] for r in ranked[:limit]]

    def suggest(self, query: str, lang: str, href: Any = None) -> list[dict[str, Any]]:
        """Suggestions for ``query`` as JSON objects: ``iri``, ``label`` and ``class`` in ``lang`` (and ``href``)."""
        found = []
        for entry in self.search(query):
            cls = entry.types[0] if entry.types else None
            item = {
                "iri": entry.iri,
                "curie": prefixed(entry.iri),
                "label": self.publication.name(entry.iri, lang),
                "class": self.publication.name(cls, lang) if cls else None,
            }
            if href is not None:
                item["href"] = href(entry.iri, lang)
            found.append(item)
        return found

    def resolve(self, text: str) -> str | None:
        """The IRI a name stands for, when search finds one that clearly leads: a name equal to it, or the one
        name that begins with it; None for anything that already looks like an IRI or a prefixed name, for a
        piece of a word ("nope" in "Europe"), and for an ambiguous name."""
        if _IRI_LIKE.fullmatch(text.strip()):
            return None
        key = fold(text[: limits.SEARCH_QUERY_CHARS])
        exact = [e for e in self.entries if key in e.keys]
        if len(exact) == 1:
            return exact[0].iri
        starting = [e for e in self.entries if any(k.startswith(key) for k in e.keys)]
        return starting[0].iri if key and not exact and len(starting) == 1 else None

    def records(self, lang: str, href: Any) -> list[dict[str, Any]]:
        """The whole index for a browser: per resource its label and class in ``lang``, page, and search keys."""
        return [
            {
                "iri": e.iri,
                "label": self.publication.name(e.iri, lang),
                "class": self.publication.name(e.types[0], lang) if e.types else None,
                "href": href(e.iri, lang),
                "keys": sorted(set(e.keys)),
            }
            for e in self.entries
        ]
