"""The ``kg_line_breaks`` component: headlines, blank lines and datelines end sentences before the parser."""

from __future__ import annotations


def _starts(nlp, text: str) -> list[str]:
    return [sent.text.strip().split()[0] for sent in nlp(text).sents if sent.text.strip()]


def test_component_runs_before_the_parser(nlp):
    assert nlp.pipe_names.index("kg_line_breaks") < nlp.pipe_names.index("parser")


def test_headline_and_dateline_are_not_glued_to_the_lead(nlp):
    text = ("Rebels seize border town in eastern Chad\n\nABECHE, Chad (AP) \u2014 Rebels captured the town of "
            "Adre on Monday, officials said.")
    sents = [s.text.strip() for s in nlp(text).sents if s.text.strip()]
    assert sents[0] == "Rebels seize border town in eastern Chad"
    assert any(s.startswith("Rebels captured the town of Adre") for s in sents), sents


def test_unpunctuated_line_followed_by_a_capital_starts_a_sentence(nlp):
    starts = _starts(nlp, "Gunmen kill nine in Niger village\nGunmen killed nine villagers near Tillaberi.")
    assert starts[:2] == ["Gunmen", "Gunmen"]


def test_hard_wrapped_paragraph_stays_one_sentence(nlp):
    text = "Militants attacked a convoy of\nsoldiers near the border on Sunday and\nkilled three of them."
    assert len([s for s in nlp(text).sents if s.text.strip()]) == 1


def test_a_dash_inside_a_sentence_is_no_dateline(nlp):
    text = "The group - which has fought the army since 2012 - denied any role in the attack."
    assert len([s for s in nlp(text).sents if s.text.strip()]) == 1
