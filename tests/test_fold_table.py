"""The explorer's folding module: generated from kg.text, shipped pre-computed, equal to the one computed now."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from kg.text import FOLD_SCRIPT, fold, fold_generic, fold_script, fold_table, generate_fold_script, write_fold_script

SHIPPED = Path(str(FOLD_SCRIPT))


def test_the_shipped_module_is_the_generated_one_for_its_unicode_version(tmp_path):
    # Regenerate with: python -c "from kg.text import write_fold_script; write_fold_script()"
    version = re.search(r'UNIDATA_VERSION = "([\d.]+)"', SHIPPED.read_text(encoding="utf-8")).group(1)
    if version == unicodedata.unidata_version:
        written = write_fold_script(tmp_path / "fold-table.js")
        assert written.read_text(encoding="utf-8") == SHIPPED.read_text(encoding="utf-8")
        assert fold_script() == SHIPPED.read_text(encoding="utf-8")
    else:  # another Python's Unicode database: the page gets a module generated from it
        assert fold_script() == generate_fold_script()


def test_the_table_is_kg_text_fold():
    table = fold_table()
    assert table["\u0643"] == "\u06a9" and table["\u064a"] == "\u06cc" and table["\u200c"] == ""
    assert table["۴"] == "4" and table["É"] == "e"
    assert all(len(ch) == 1 and fold(ch) == folded != ch for ch, folded in table.items())


def test_the_generic_path_keeps_zwnj_for_the_table_and_knows_the_harakat():
    generic = fold_generic()
    assert 0x200C not in generic["spaces"]  # ZWNJ is not a space: the table folds it
    assert [0x064B, 0x065F] in generic["marks"]  # the Arabic harakat are one range of marks
