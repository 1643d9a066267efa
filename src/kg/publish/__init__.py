"""The publication: every IRI of the graph on the web, a page for people and RDF for machines.

One renderer, two outputs: ``kg serve`` answers each IRI under
``https://w3id.org/iran-kazakhstan-kg/`` (:mod:`kg.publish.routes`), and ``kg publish``
writes the same documents as a static site with the w3id.org redirect rules
(:mod:`kg.publish.static`, :mod:`kg.publish.apache`).

Modules: ``paths`` (IRI <-> site path), ``conneg`` (Accept), ``description`` (the published
graph and the bounded description of a resource), ``values`` (numbers and dates for readers),
``pages`` (the HTML pages), ``documents`` (every document of a resource), ``search`` (by name),
``script`` (the search box's script), ``service`` (the SPARQL Service Description),
``routes``, ``static``, ``apache``.
"""
