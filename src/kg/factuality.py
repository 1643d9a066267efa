"""How sure a statement is and what it is mainly about: the terms every view shows first.

The article's statements carry a factuality (NewsReader's factuality layer): a
``kg:certainty`` (certain, probable, possible, underspecified), a ``kg:polarity``
(affirmed or denied) and a ``kg:timeReference``, with the words of the article that
make them so kept as ``kg:factualityCue`` mentions (each with its ``kg:cueKind`` and
the clause it governs, ``kg:cueScope``). A statement's ``schema:mainEntity`` is what it
describes; ``schema:about`` every entity it touches; ``kg:endorsesWordsOf`` another
speaker whose words it takes up. docs/model.md has the model and worked queries.

The explorer's panel and table (:data:`kg.project.SPEC`) and the publication's pages
(:mod:`kg.publish.pages`) show these first, by the roles named here.
"""

from __future__ import annotations

from rdflib import URIRef

from kg.namespaces import KG, KGC, NIF, SCHEMA

#: Role -> property: how sure (certainty, polarity, time, the cue words) and about what (main, touches, cites).
ROLES: dict[str, URIRef] = {
    "certainty": KG.certainty,
    "polarity": KG.polarity,
    "time": KG.timeReference,
    "cues": KG.factualityCue,
    "main": SCHEMA.mainEntity,
    "touches": SCHEMA.about,
    "cites": KG.endorsesWordsOf,
}

#: A cue's kind (a concept) and the clause it governs (text in English and Persian), beside its words.
CUE_KIND: URIRef = KG.cueKind
CUE_SCOPE: URIRef = KG.cueScope
#: The words of a cue, verbatim: its mention's anchor.
CUE_WORDS: URIRef = NIF.anchorOf
#: The certainty that needs no cue: the statement is presented as fact.
CERTAIN: URIRef = KGC.certain
