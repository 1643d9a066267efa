"""The graph in Jupyter: the offline explorer inline (:func:`explorer`), a pyvis network to restyle (:func:`network`),
and where query results link (:func:`link_site`).

A query's :class:`kg.sparql.Result` shows in a notebook as a table whose IRIs
are links. By default they are the graph's IRIs (``https://w3id.org/…``),
which resolve only once that address is registered, as the table's title
says; ``link_site("http://127.0.0.1:7878/")`` links them to their pages on a
running ``kg serve`` (or a static site from ``kg publish``, which has the same
paths), ``link_site(URL, "fa")`` to the Persian pages, ``link_site(None)``
back to the IRIs. The notebook never finds a site on its own: nothing here
reaches the network.

The explorer (:mod:`kg.explore`) is one self-contained HTML page. In a
notebook it is shown in an ``<iframe srcdoc=…>``: the whole page, escaped
once as an attribute value, in a frame sandboxed to run its own scripts
only (no same-origin access to the notebook, no forms, no pop-ups, no
top-level navigation). Nothing is requested from the network.

:func:`network` is for the notebook user who wants to draw the graph their own
way: a ``pyvis.network.Network`` built from the same projection
(:mod:`kg.project`) with the explorer's colours, shapes, labels and positions,
and titles whose pieces of text are each isolated (Unicode FSI…PDI), so a
Persian label never reorders its English neighbours. The user restyles it with
pyvis's own API (``net.toggle_physics(True)``, ``net.set_options(...)``,
``net.show("graph.html")``). pyvis is an optional dependency (``pip install
'kg-iran-kazakhstan[notebook]'``) imported here only.

Offline: pyvis's template loads Bootstrap from a CDN on every page, and puts a
title containing "href" into the page as HTML. The network returned renders
pyvis's template with those two things taken out (:func:`_offline_template`):
with ``cdn_resources="in_line"`` (the default here) ``generate_html`` and
``show`` write a page that requests nothing and shows every title as text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import escape

from kg.errors import import_extra
from kg.sparql.tables import link_site

__all__ = ["Explorer", "explorer", "link_site", "network"]


@dataclass(frozen=True)
class Explorer:
    """An explorer page (``html``) that Jupyter shows inline, ``height`` CSS pixels high."""

    html: str
    height: int = 640

    def _repr_html_(self) -> str:
        return (
            f'<iframe srcdoc="{escape(self.html)}" sandbox="allow-scripts" title="kg explorer" '
            f'style="width: 100%; height: {int(self.height)}px; border: 1px solid #d5dbe3"></iframe>'
        )


def explorer(data: Sequence[str | Path] | None = None, *, lang: str = "en", height: int = 640) -> Explorer:
    """The explorer of ``data`` (default: the shipped graph) opening in ``lang`` (en or fa), for a notebook."""
    from kg.explore import render_html
    from kg.project import as_projection

    return Explorer(render_html(as_projection(data=data), lang=lang), height)


def network(
    data: Sequence[str | Path] | None = None,
    *,
    lang: str = "en",
    height: str = "720px",
    width: str = "100%",
    notebook: bool = True,
    cdn_resources: str = "in_line",
) -> Any:
    """A ``pyvis.network.Network`` of the projection of ``data`` (default: the shipped graph), labelled in ``lang``.

    Nodes keep the projection's ids (``kgi:iran``), the explorer's colours,
    shapes and precomputed positions (physics off: ``toggle_physics(True)``
    lets vis-network move them), and their group's key as ``kg_group`` (to
    restyle by group); their title gives both labels, the class and the id,
    each piece isolated. Edges are directed and titled with their
    property's label. ``notebook`` and ``cdn_resources`` are pyvis's own.
    Raises UsageError naming the extra when pyvis is not installed.
    """
    Network = import_extra("pyvis.network", "notebook", "kg.notebook.network").Network

    from kg.explore.layout import layout
    from kg.i18n import LANGUAGES, isolate
    from kg.project import as_projection, edge_label

    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: use one of {', '.join(LANGUAGES)}")
    projection = as_projection(data=data)
    groups = {g["key"]: g for g in projection.graph["groups"]}
    positions = layout(projection)
    other = next(code for code in LANGUAGES if code != lang)
    net = Network(height=height, width=width, directed=True, notebook=notebook, cdn_resources=cdn_resources, heading="")
    _offline_template(net)
    for node, attrs in sorted(projection.nodes(data=True)):
        group = groups[attrs["group"]]
        x, y = positions[node]
        title = "\n".join(
            [
                isolate(attrs[f"label_{lang}"]),
                isolate(attrs[f"label_{other}"]),
                f"{isolate(group['label'].get(lang, group['key']))} · {isolate(node)}",
            ]
        )
        net.add_node(
            node,
            label=attrs[f"label_{lang}"],
            title=title,
            color=group["color"],
            shape=group["shape"],
            kg_group=group["key"],  # not pyvis's ``group``, which would drop the colour
            x=x,
            y=y,
            physics=False,
        )
    for u, v, attrs in projection.edges(data=True):
        net.add_edge(u, v, title=isolate(edge_label(projection, attrs["prop"], lang)), arrows="to")
    net.toggle_physics(False)
    return net


def _offline_template(net: Any) -> None:
    """Render ``net`` with pyvis's template minus the Bootstrap CDN tags and the HTML-title mode (see above)."""
    from jinja2 import ChoiceLoader, DictLoader, Environment, FileSystemLoader

    loader = FileSystemLoader(net.template_dir)
    source = loader.get_source(Environment(), net.path)[0]
    cut = re.sub(r"<link\s[^>]*bootstrap[^>]*>\s*|<script\s[^>]*bootstrap[^>]*>\s*</script>\s*", "", source)
    cut = cut.replace("{% if tooltip_link %}", "{% if false %}")
    if "bootstrap" in cut or "tooltip_link" in cut:
        raise RuntimeError("pyvis's template changed: kg.notebook cannot make it offline (see its docstring)")
    name = "kg-offline-" + net.path
    net.templateEnv = Environment(loader=ChoiceLoader([DictLoader({name: cut}), loader]))
    net.path = name
    if net.template is not None:
        net.template = net.templateEnv.get_template(name)
