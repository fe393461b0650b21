"""Casualty counts in words and digits, killed vs injured, sums and vague quantities."""

from __future__ import annotations

import pytest

from kg.extract import _ensure_lemmas
from kg.extract.casualties import find_casualties, word_number


@pytest.mark.parametrize(
    ("text", "value"),
    [("seven", 7), ("11", 11), ("twenty-one", 21), ("1,200", 1200), ("two hundred", 200), ("a dozen", 12),
     ("forty five", 45), ("dozens", None), ("several", None), ("many", None)],
)
def test_word_numbers(text, value):
    assert word_number(text) == value


def counts(nlp, text):
    doc = nlp(text)
    _ensure_lemmas(doc)
    return sorted((c.kind, c.count) for sent in doc.sents for c in find_casualties(sent))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The attack killed two children and injured three others.", [("injured", 3), ("killed", 2)]),
        ("At least seven people were killed after explosions in the province.", [("killed", 7)]),
        ("The dead included three women and four children.", [("killed", 7)]),
        ("A car bomb in Mogadishu killed at least 21 people and wounded 40 others on Saturday.",
         [("injured", 40), ("killed", 21)]),
        ("Five soldiers died and a dozen were wounded in the ambush.", [("injured", 12), ("killed", 5)]),
        ("The shelling left 12 dead and 30 injured.", [("injured", 30), ("killed", 12)]),
        ("The blasts claimed the lives of 84 people.", [("killed", 84)]),
        ("Gunmen killed a policeman near the checkpoint.", [("killed", 1)]),
        ("It killed one of its colonels, according to state media.", [("killed", 1)]),
        ("A number of militants were killed, it added.", []),
        ("Dozens of people were killed in the raid.", []),
        ("Several others were injured.", []),
    ],
)
def test_casualties(nlp, text, expected):
    assert counts(nlp, text) == expected


def test_bounds_are_marked_as_hedged(nlp):
    doc = nlp("At least 15 people were killed.")
    _ensure_lemmas(doc)
    (found,) = find_casualties(next(doc.sents))
    assert found.count == 15 and found.hedged
