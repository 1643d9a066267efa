"""The offline explorer inline in Jupyter: ``kg.notebook.explorer()`` shows the page in the notebook.

The explorer (:mod:`kg.explore`) is one self-contained HTML page. In a
notebook it is shown in an ``<iframe srcdoc=…>``: the whole page, escaped
once as an attribute value, in a frame sandboxed to run its own scripts
only (no same-origin access to the notebook, no forms, no pop-ups, no
top-level navigation). Nothing is requested from the network.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from markupsafe import escape


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
