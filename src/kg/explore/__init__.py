"""The explorer: the projection as one self-contained HTML page that works offline (``kg explore``).

Its parts, one job each:

- :mod:`kg.explore.page`: the page (template, inlined assets, its data, the CSP) and writing it;
- :mod:`kg.explore.views`: what the page shows (the focus view above a node budget, the table
  views' specs, the timeline);
- :mod:`kg.explore.layout`: node positions computed at build time, and the drawing options;
- :mod:`kg.explore.questions`: the library's questions answered for the Questions view;
- :mod:`kg.explore.ui_text`: the interface strings in English and Persian;
- :mod:`kg.explore.script`: the page's script, ES modules (``templates/explorer/``) joined into one.

The folding the page's search uses is :mod:`kg.text`'s, generated into the script. The names below
are the explorer's public face (the CLI, the build, the notebook and the site use them).
"""

from __future__ import annotations

from kg.explore.page import (
    CSP,
    VIS_DIR,
    VIS_JS,
    ExplorerResult,
    json_for_script,
    render_html,
    write_explorer,
    write_html,
)
from kg.explore.questions import library_answers
from kg.explore.ui_text import UI_TEXT
from kg.explore.views import TABLES, View, focus_view, timeline
from kg.limits import FOCUS_HOPS, MAX_HTML_BYTES, NODE_BUDGET
from kg.text import fold_table, sentence_spans

__all__ = [
    "CSP",
    "FOCUS_HOPS",
    "MAX_HTML_BYTES",
    "NODE_BUDGET",
    "TABLES",
    "UI_TEXT",
    "VIS_DIR",
    "VIS_JS",
    "ExplorerResult",
    "View",
    "focus_view",
    "fold_table",
    "json_for_script",
    "library_answers",
    "render_html",
    "sentence_spans",
    "timeline",
    "write_explorer",
    "write_html",
]
