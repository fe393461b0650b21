"""Casualty counts: how many were killed or injured, read from the dependency parse.

Counts come in digits and words ("7", "seven", "twenty-one", "a dozen"), with bounds ("at least
7"), and as sums of coordinated groups ("three women and four children" = 7). Vague quantities
("dozens", "several", "a number of militants") are never turned into a number. Each
:class:`Casualty` keeps the token that reports it, so the event extractor can tie it to the right
event through the parse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Span, Token

from kg.extract.lexicons import load

_DIGITS = re.compile(r"^\d{1,3}(,\d{3})*$|^\d+$")


@dataclass(frozen=True)
class Casualty:
    """One reported count: ``kind`` is "killed" or "injured"; ``anchor`` the reporting word."""

    kind: str
    count: int
    anchor: Token  # the verb or noun that reports the casualties ("killed", "dead")
    victims: Token | None  # the head of the victims' noun phrase, when there is one
    hedged: bool = False  # "at least", "more than", "about": a bound, not an exact count
    background: bool = False  # told in a recap sentence: only an attack its verb names may take it


def word_number(text: str) -> int | None:
    """The integer a number word or numeral spells ("seven", "21", "twenty-one", "1,200"), else None."""
    numbers = load("numbers")
    words = text.lower().strip().replace("\u2011", "-")
    if not words or words in numbers["vague"]:
        return None
    if _DIGITS.match(words):
        return int(words.replace(",", ""))
    if words in numbers["units"]:
        return numbers["units"][words]
    total, current = 0, 0
    for part in re.split(r"[\s-]+", words):
        if part in ("and", "a"):
            continue
        if part in numbers["units"]:
            current += numbers["units"][part]
        elif part in numbers["tens"]:
            current += numbers["tens"][part]
        elif part in numbers["multipliers"]:
            current = max(current, 1) * numbers["multipliers"][part]
            if numbers["multipliers"][part] >= 1000:
                total, current = total + current, 0
        elif _DIGITS.match(part):
            current += int(part.replace(",", ""))
        else:
            return None
    value = total + current
    return value if value or words == "zero" else None


def _number_phrase(token: Token) -> tuple[int | None, bool]:
    """The count a noun phrase head carries: its nummod ("seven people"), or itself ("seven", "11")."""
    if token.like_num or token.pos_ == "NUM":
        parts = [t for t in token.subtree if t.like_num or t.pos_ == "NUM" or t.dep_ in ("quantmod", "compound")]
        parts = [t for t in parts if t.i <= token.i] or [token]
        value = word_number(" ".join(t.text for t in parts if t.dep_ != "quantmod" or t.like_num))
        if value is None:
            value = word_number(token.text)
        return value, _bounded(token)
    nums = [c for c in token.children if c.dep_ == "nummod"]
    if nums:
        num = nums[0]
        words = [t for t in num.subtree if t.like_num or t.pos_ == "NUM" or t.text == "-"]
        value = word_number(" ".join(t.text for t in words)) if words else None
        if value is None:
            value = word_number(num.text)
        return value, _bounded(num)
    units = load("numbers")["units"]
    if token.lower_ in units:  # "a dozen", "both"
        return units[token.lower_], False
    vague = load("numbers")["vague"] + ["lot", "handful", "group", "couple", "score", "crowd", "family"]
    # singular "a soldier" = 1 (but not "a number of militants")
    if (token.tag_ in ("NN", "NNP") and token.lower_ not in vague
            and any(c.lower_ in ("a", "an", "one") for c in token.children if c.dep_ == "det")):
        return 1, False
    return None, False


def _bounded(num: Token) -> bool:
    text = " ".join(t.lower_ for t in num.subtree)
    head_text = " ".join(t.lower_ for t in num.doc[max(0, num.i - 3):num.i])
    bounds = load("casualty_lexicon")["bound_words"]
    return any(b in text or head_text.endswith(b) for b in bounds)


def count_of(token: Token) -> tuple[int | None, bool]:
    """The size of the group a noun phrase names, summing coordinated groups with their own counts."""
    if token.lower_ == "one" or token.lower_ in load("numbers")["units"] or token.like_num:
        value, hedged = _number_phrase(token)
        if value is not None:
            return value, hedged
    value, hedged = _number_phrase(token)
    if value is None:
        return None, False
    conjuncts = [c for c in token.conjuncts if c.i > token.i]
    for conj in conjuncts:
        extra, extra_hedged = _number_phrase(conj)
        if extra is None:
            return value, hedged  # "seven people and many others": the first count only
        value += extra
        hedged = hedged or extra_hedged
    return value, hedged


def _victims_of(anchor: Token, passive_subject_ok: bool) -> list[Token]:
    victims = []
    for child in anchor.children:
        if child.dep_ in ("dobj", "nsubjpass") or (
            child.dep_ == "nsubj" and (passive_subject_ok or child.pos_ == "NUM")
        ):
            victims.append(child)
    return victims


def find_casualties(sent: Span) -> list[Casualty]:
    """Every casualty count reported in one sentence."""
    lex = load("casualty_lexicon")
    found: list[Casualty] = []
    seen: set[int] = set()

    def add(kind: str, anchor: Token, victim: Token | None, value: int | None, hedged: bool) -> None:
        if value is None or value < 0 or (victim is not None and victim.i in seen):
            return
        if victim is not None:
            seen.add(victim.i)
        found.append(Casualty(kind, value, anchor, victim, hedged))

    for token in sent:
        lemma = token.lemma_.lower()
        if token.pos_ in ("VERB", "AUX") or token.tag_.startswith("VB"):
            kind = "killed" if lemma in lex["killed_verbs"] else "injured" if lemma in lex["injured_verbs"] else None
            if kind:
                intransitive = lemma in lex["intransitive_killed"]
                for victim in _victims_of(token, passive_subject_ok=intransitive):
                    add(kind, token, victim, *_victim_count(victim))
                continue
            if lemma in lex["life_verbs"]:
                for child in token.children:
                    if child.dep_ == "dobj" and child.lower_ in ("lives", "life"):
                        for prep in child.children:
                            if prep.lower_ == "of":
                                for pobj in prep.children:
                                    if pobj.dep_ == "pobj":
                                        add("killed", token, pobj, *_victim_count(pobj))
        # "seven people dead", "the dead included three women and four children", "11 injured"
        if token.lower_ in lex["dead_words"] or token.lower_ in lex["injured_words"]:
            kind = "killed" if token.lower_ in lex["dead_words"] else "injured"
            numbered = [c for c in token.children if c.dep_ == "nummod"]
            if numbered and token.pos_ != "NOUN":  # "12 dead"
                add(kind, token, numbered[0], *_victim_count(numbered[0]))
            elif token.dep_ == "oprd":  # "left 15 people dead"
                for obj in token.head.children:
                    if obj.dep_ == "dobj":
                        add(kind, token, obj, *_victim_count(obj))
            elif token.dep_ in ("amod", "acl") and token.head.pos_ in ("NOUN", "PROPN", "NUM"):
                add(kind, token, token.head, *_victim_count(token.head))
            elif token.dep_ == "nsubj" and token.head.lemma_ in ("include", "be", "number", "rise", "reach", "stand"):
                for obj in token.head.children:
                    if obj.dep_ in ("dobj", "attr", "prep"):
                        target = obj if obj.dep_ != "prep" else next(
                            (c for c in obj.children if c.dep_ == "pobj"), None)
                        if target is not None:
                            add(kind, token, target, *_victim_count(target))
            elif token.pos_ == "NOUN" and any(c.dep_ == "nummod" for c in token.children):
                add(kind, token, token, *count_of(token))
    return found


def _victim_count(victim: Token) -> tuple[int | None, bool]:
    """Count for a victims phrase; "one of its colonels" is 1, "two of them" is 2."""
    if victim.dep_ in ("dobj", "nsubjpass", "nsubj", "pobj", "attr") and victim.pos_ == "NUM":
        value = word_number(victim.text)
        if value is not None:
            return value, _bounded(victim)
    return count_of(victim)
