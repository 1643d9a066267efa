"""``/search`` described for machines: an OpenSearch 1.1 description document per language.

Why OpenSearch: it is the one standard a search box is discovered by. A page
links it with ``<link rel="search" type="application/opensearchdescription+xml">``
(every page of the site does, in its language), browsers offer to add it, and
any client reads from it the URL template of each answer format
(``{searchTerms}`` is the text), the languages, the encodings and an example
query; the OpenSearch Suggestions extension names the format browsers ask for
as one types (``application/x-suggestions+json``). The SPARQL Service
Description covers ``/query`` only and has no term for a text search; VoID
points at this document from the dataset (``void:openSearchDescription``), so
a client that starts from ``/dataset`` finds it too.

``kg serve`` offers three answers (``base`` is the server's address):

* ``application/json``: ``/search?q=…&lang=…``, an array of
  ``{"iri", "label", "class", "href"}`` objects, best match first;
* ``application/x-suggestions+json``: the same search with ``format=suggestions``,
  in the extension's form ``[query, [labels], [classes], [page URLs]]``;
* ``text/html``: the search page, ``/search.html?q=…&lang=…``.

The static site (``kg publish``) has no server to run a query: its document
offers the search page only (``search.html?q=…`` or ``search.fa.html?q=…``,
which searches ``search-index.LANG.json`` in the browser), at the ``--host``
address the site is published at.
"""

from __future__ import annotations

from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from kg.i18n import LANGUAGES, text

#: The media type of an OpenSearch description document.
MEDIA_TYPE = "application/opensearchdescription+xml"
#: The media type of the OpenSearch Suggestions extension's answers.
SUGGESTIONS = "application/x-suggestions+json"
#: An example query each document carries (``<Query role="example">``): a name the graph has, in its language.
EXAMPLES = {"en": "Tokayev", "fa": "توکایف"}


def document_name(lang: str) -> str:
    """The file (and path) of the description in ``lang``: ``opensearch.xml``, ``opensearch.fa.xml``."""
    return "opensearch.fa.xml" if lang == "fa" else "opensearch.xml"


def description(base: str, lang: str, *, static: bool = False) -> str:
    """The OpenSearch description of the search at ``base`` (an absolute URL ending in ``/``) in ``lang``."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}")
    page = "search.fa.html" if static and lang == "fa" else "search.html"
    urls = [("text/html", f"{base}{page}?q={{searchTerms}}" + ("" if static else f"&lang={lang}"))]
    if not static:
        urls = [
            ("application/json", f"{base}search?q={{searchTerms}}&lang={lang}"),
            (SUGGESTIONS, f"{base}search?q={{searchTerms}}&lang={lang}&format=suggestions"),
            *urls,
        ]
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<OpenSearchDescription xmlns="http://a9.com/-/spec/opensearch/1.1/">',
        f"  <ShortName>{xml_escape(text('publication', 'opensearch_name', lang))}</ShortName>",
        f"  <Description>{xml_escape(text('publication', 'opensearch_text', lang))}</Description>",
        *(f"  <Url type={quoteattr(kind)} template={quoteattr(template)}/>" for kind, template in urls),
        f'  <Url type={quoteattr(MEDIA_TYPE)} rel="self" template={quoteattr(base + document_name(lang))}/>',
        f'  <Image height="16" width="16" type="image/svg+xml">{xml_escape(base)}favicon.svg</Image>',
        f'  <Query role="example" searchTerms={quoteattr(EXAMPLES[lang])}/>',
        f"  <Language>{lang}</Language>",
        "  <InputEncoding>UTF-8</InputEncoding>",
        "  <OutputEncoding>UTF-8</OutputEncoding>",
        "  <SyndicationRight>open</SyndicationRight>",
        "</OpenSearchDescription>",
        "",
    ]
    return "\n".join(lines)
