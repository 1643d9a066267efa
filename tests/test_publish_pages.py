"""kg.publish.pages, the parts that need no publication: a mention's sentences, the templates' escaping. Whole
pages are rendered in tests/test_publish.py, test_publish_static.py and test_publish_factuality.py; a value's HTML
in tests/test_publish_nodes.py."""

from __future__ import annotations

import pytest

from kg.publish.pages import environment, sentence_bounds

TEXT = "یک. دو سه. چهار"


@pytest.mark.parametrize(
    ("begin", "end", "sentences"),
    [
        (4, 6, "دو سه."),  # a word: its sentence
        (0, 2, "یک."),
        (11, 15, "چهار"),  # the last sentence, without a full stop
        (2, 6, "یک. دو سه."),  # across two sentences: both
    ],
)
def test_a_mention_is_shown_in_the_sentences_that_hold_it(begin, end, sentences):
    assert TEXT[slice(*sentence_bounds(TEXT, begin, end))] == sentences


def test_a_span_outside_every_sentence_is_its_own_bounds():
    assert sentence_bounds("", 0, 0) == (0, 0)
    assert sentence_bounds(TEXT, 4, 4) == (4, 4)


def test_templates_escape_every_value():
    assert environment().from_string("{{ v }}").render(v="<script>") == "&lt;script&gt;"
