"""Retired IRIs: what an IRI of the graph answers once it is no longer current (docs/identifiers.md).

An IRI, once released, is never deleted and never reused. When it has to go,
the data keeps it with ``owl:deprecated true`` and either

* ``dcterms:isReplacedBy NEW`` (a misspelt IRI, or two IRIs found to name one
  thing): it answers **301 Moved Permanently** to the same document of ``NEW``
  (``/id/old.ttl`` -> ``/id/new.ttl``; the bare IRI to the bare IRI, which then
  answers 303 as every thing does), so links and bookmarks keep working and a
  client learns the new IRI; a chain of replacements is followed to its end;
* or nothing (a thing found not to exist, such as a misreading of the article):
  it answers **410 Gone**, with the description that remains (its labels, why
  it went) in the format asked for, so a person and a client both learn that the
  IRI is retired, not mistyped (a 404).

Only IRIs of the site's own path space are answered here (``/id/…``); a term of
a hash namespace (``/ontology#Old``) is described inside its document, where
``owl:deprecated`` says the same to the ontology's readers.

``kg serve`` finds them once (:func:`retired`, kept by :mod:`kg.publish.routes`) and answers from that;
``kg publish`` writes :func:`apache_rules` into the static site's ``.htaccess``
(mod_rewrite: the 301s keep the prefix the site is served under; the 410s show
``gone.html``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pyoxigraph import Literal, NamedNode

from kg.namespaces import DCTERMS, OWL, XSD
from kg.publish.paths import SUFFIXES, resource_path

if TYPE_CHECKING:
    from kg.publish.description import Publication

_DEPRECATED = NamedNode(str(OWL.deprecated))
_REPLACED_BY = NamedNode(str(DCTERMS.isReplacedBy))
_TRUE = {("true", str(XSD.boolean)), ("1", str(XSD.boolean))}
#: The suffixes of a resource's documents, as a regex group (``.fa.html``, ``.html``, ``.ttl``, …).
_DOCUMENT = "((?:\\.fa)?\\.html|" + "|".join(f"\\.{ext}" for ext in SUFFIXES if ext != "html") + ")?"


def retired(publication: Publication) -> dict[str, str | None]:
    """IRI -> the IRI that finally replaces it (following chains), or None when it is gone, for every IRI of
    the site's path space that the graph marks ``owl:deprecated true``."""
    found: dict[str, str | None] = {}
    for quad in publication.store.quads_for_pattern(None, _DEPRECATED, None):
        subject, value = quad.subject, quad.object
        if not isinstance(subject, NamedNode) or resource_path(subject.value) is None:
            continue
        if isinstance(value, Literal) and (value.value, value.datatype.value) in _TRUE:
            found[subject.value] = _replacement(publication, subject.value)

    def final(iri: str) -> str | None:
        """Follow a chain (old -> newer -> newest); a loop replaces nothing, so its IRIs are gone."""
        seen, new = {iri}, found[iri]
        while new is not None and new in found:
            if new in seen:
                return None
            seen.add(new)
            if found[new] is None:  # replaced by an IRI that is itself gone: sent there, where 410 answers
                return new
            new = found[new]
        return new

    return {iri: final(iri) for iri in found}


def _replacement(publication: Publication, iri: str) -> str | None:
    for quad in publication.store.quads_for_pattern(NamedNode(iri), _REPLACED_BY, None):
        if isinstance(quad.object, NamedNode):
            return quad.object.value
    return None


def _literal(iri: str) -> str:
    """``iri`` as a mod_rewrite substitution that means itself: ``\\``, ``$`` and ``%`` escaped."""
    return re.sub(r"([\\$%])", r"\\\1", iri)


def apache_rules(found: dict[str, str | None], prefix: str = "/") -> str:
    """The ``.htaccess`` lines of the static site for ``found`` (:func:`retired`): 301 to the replacement's same
    document under the prefix the site is served at (taken from the request), 410 for the gone, whose page is
    ``gone.html`` at ``prefix`` (the URL path the site is published under)."""
    if not found:
        return ""
    lines = ["", "# Retired IRIs (docs/identifiers.md): 301 to what replaces them, 410 Gone if nothing does"]
    lines += [f"ErrorDocument 410 {prefix}gone.html", "RewriteEngine on"]
    for iri, new in sorted(found.items()):
        old = re.escape(resource_path(iri) or "")
        pattern = f"^{old}{_DOCUMENT}$"
        target = resource_path(new) if new is not None else None
        if new is None:
            lines.append(f"RewriteRule {pattern} - [G]")
        elif target is not None:
            lines += [
                f"RewriteCond %{{REQUEST_URI}} ^(.*/){old}{_DOCUMENT}$",
                f"RewriteRule {pattern} %1{target}%2 [R=301,L]",
            ]
        else:  # replaced by an IRI of another site: sent there, as written ($ and % escaped: not back-references)
            lines.append(f"RewriteRule {pattern} {_literal(new)} [R=301,NE,L]")
    return "\n".join([*lines, ""])
