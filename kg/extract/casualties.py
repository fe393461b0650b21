"""Casualty counts: how many were killed or injured, read from the dependency parse.

Counts come in digits and words ("7", "seven", "twenty-one", "a dozen"), with bounds ("at least
7"), as sums of coordinated groups of one kind ("three women and four children" = 7), and as
ranges ("five to seven", "between five and seven"), of which the lower bound is kept and the
range noted. Killed and injured are told apart by their own verb or noun, never summed ("three
killed and twelve injured" is 3 and 12). Vague quantities ("dozens", "several", "a number of
militants") are never turned into a number. Each :class:`Casualty` keeps the token that reports it,
so the event extractor can tie it to the right event through the parse. The word lists are in
``data/casualty_lexicon.json`` and ``data/numbers.json``.
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
    hedged: bool = False  # "at least", "more than", "about", a range: a bound, not an exact count
    background: bool = False  # told in a recap sentence: only an attack its verb names may take it
    upper: int | None = None  # the top of a range ("five to seven": count 5, upper 7)

    @property
    def note(self) -> str | None:
        """What the statement says about the count when it is the lower bound of a range."""
        return f"lower bound of the reported range {self.count}-{self.upper}" if self.upper else None


def _part_value(part: str, numbers: dict) -> tuple[int, int] | None:
    """(addend, multiplier) of one word of a spelled number; None when it is no number word."""
    if part in numbers["units"]:
        return numbers["units"][part], 0
    if part in numbers["tens"]:
        return numbers["tens"][part], 0
    if part in numbers["multipliers"]:
        return 0, numbers["multipliers"][part]
    if _DIGITS.match(part):
        return int(part.replace(",", "")), 0
    return None


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
        value = _part_value(part, numbers)
        if value is None:
            return None
        add, multiplier = value
        current += add
        if multiplier:
            current = max(current, 1) * multiplier
            if multiplier >= 1000:
                total, current = total + current, 0
    value = total + current
    return value if value or words == "zero" else None


def _range(tokens: list[Token]) -> tuple[int, int] | None:
    """(low, high) when number words are joined by a range word ("five to seven", "5-7")."""
    text = " ".join(t.text for t in tokens).lower().replace("\u2013", " - ")
    pieces = re.split(r"\s+(?:to|or|-|and)\s+|(?<=\d)-(?=\d)", text)
    pieces = [p.replace("between", "").strip() for p in pieces]
    values = [word_number(p) for p in pieces if p]
    if len(values) == 2 and None not in values and values[0] < values[1]:
        return values[0], values[1]
    return None


@dataclass(frozen=True)
class Count:
    value: int | None
    hedged: bool = False
    upper: int | None = None


def _numeral_count(num: Token) -> Count:
    """The count a numeral and its own modifiers spell, a range read as its lower bound."""
    words = sorted((t for t in num.subtree if t.like_num or t.pos_ == "NUM" or t.dep_ in ("quantmod", "cc", "compound")
                    or t.text in ("-", "\u2013")), key=lambda t: t.i)
    last = max([num.i, *(c.i for c in num.conjuncts)])
    words = [t for t in words if t.i <= last] or [num]
    spread = _range(words)
    if spread is not None:
        return Count(spread[0], True, spread[1])
    value = word_number(" ".join(t.text for t in words if t.dep_ != "quantmod" or t.like_num))
    if value is None:
        value = word_number(num.text)
    return Count(value, _bounded(num))


def _number_phrase(token: Token) -> Count:
    """The count a noun phrase head carries: its nummod ("seven people"), or itself ("seven", "11")."""
    if token.like_num or token.pos_ == "NUM":
        return _numeral_count(token)
    nums = [c for c in token.children if c.dep_ == "nummod"]
    if nums:
        return _numeral_count(nums[0])
    numbers = load("numbers")
    if token.lower_ in numbers["units"]:  # "a dozen", "both"
        return Count(numbers["units"][token.lower_])
    vague = set(numbers["vague"]) | set(load("casualty_lexicon")["group_nouns"])
    if token.tag_ in ("NN", "NNP") and token.lower_ not in vague and any(
            c.lower_ in ("a", "an", "one") for c in token.children if c.dep_ == "det"):
        return Count(1)  # "a soldier" = 1, but not "a number of militants"
    return Count(None)


def _bounded(num: Token) -> bool:
    text = " ".join(t.lower_ for t in num.subtree)
    head_text = " ".join(t.lower_ for t in num.doc[max(0, num.i - 3):num.i])
    bounds = load("casualty_lexicon")["bound_words"]
    return any(b in text or head_text.endswith(b) for b in bounds)


def count_of(token: Token) -> Count:
    """The size of the group a noun phrase names, summing coordinated groups with their own counts."""
    first = _number_phrase(token)
    if first.value is None or first.upper is not None or token.like_num or token.pos_ == "NUM":
        return first
    value, hedged = first.value, first.hedged
    for conj in (c for c in token.conjuncts if c.i > token.i):
        extra = _number_phrase(conj)
        if extra.value is None:
            break  # "seven people and many others": the first count only
        value, hedged = value + extra.value, hedged or extra.hedged
    return Count(value, hedged)


def _victims_of(anchor: Token, passive_subject_ok: bool) -> list[Token]:
    victims = []
    for child in anchor.children:
        if child.dep_ in ("dobj", "nsubjpass") or (
            child.dep_ == "nsubj" and (passive_subject_ok or child.pos_ == "NUM")
        ):
            victims.append(child)
    if not victims and anchor.dep_ in ("acl", "amod") and anchor.tag_ == "VBN" and (
            anchor.head.pos_ in ("NOUN", "PROPN", "NUM")):
        victims.append(anchor.head)  # "three civilians killed", "twelve injured"
    return victims


class _Found:
    """The counts of one sentence, each victims phrase counted once."""

    def __init__(self) -> None:
        self.items: list[Casualty] = []
        self.seen: set[int] = set()

    def add(self, kind: str, anchor: Token, victim: Token | None) -> None:
        count = _victim_count(victim) if victim is not None else Count(None)
        if count.value is None or count.value < 0 or (victim is not None and victim.i in self.seen):
            return
        if victim is not None:
            self.seen.add(victim.i)
        self.items.append(Casualty(kind, count.value, anchor, victim, count.hedged, upper=count.upper))


def _verb_counts(token: Token, lex: dict, found: _Found) -> None:
    lemma = token.lemma_.lower()
    kind = "killed" if lemma in lex["killed_verbs"] else "injured" if lemma in lex["injured_verbs"] else None
    if kind:
        for victim in _victims_of(token, passive_subject_ok=lemma in lex["intransitive_killed"]):
            found.add(kind, token, victim)
        return
    if lemma in lex["life_verbs"]:  # "claimed the lives of 84 people"
        for child in (c for c in token.children if c.dep_ == "dobj" and c.lower_ in ("lives", "life")):
            for prep in (p for p in child.children if p.lower_ == "of"):
                for pobj in (o for o in prep.children if o.dep_ == "pobj"):
                    found.add("killed", token, pobj)


def _toll_objects(token: Token) -> list[Token]:
    """When "the dead" or "the toll" is a subject, what its verb counts (its object or a "to" phrase)."""
    out = []
    for obj in (c for c in token.head.children if c.dep_ in ("dobj", "attr", "prep")):
        target = obj if obj.dep_ != "prep" else next((c for c in obj.children if c.dep_ == "pobj"), None)
        if target is not None:
            out.append(target)
    return out


def _noun_victims(token: Token, lex: dict) -> list[Token]:
    """The victims a casualty noun or adjective counts: "12 dead", "left 15 people dead", "seven
    people dead", "the dead included ...", "11 deaths"."""
    numbered = [c for c in token.children if c.dep_ == "nummod"]
    if numbered and token.pos_ != "NOUN":
        return numbered[:1]
    if token.dep_ == "oprd":
        return [c for c in token.head.children if c.dep_ == "dobj"]
    if token.dep_ in ("amod", "acl") and token.head.pos_ in ("NOUN", "PROPN", "NUM"):
        return [token.head]
    if token.dep_ == "nsubj" and token.head.lemma_ in lex["toll_verbs"]:
        return _toll_objects(token)
    return [token] if token.pos_ == "NOUN" and numbered else []


def _noun_counts(token: Token, lex: dict, found: _Found) -> None:
    kind = "killed" if token.lower_ in lex["dead_words"] else "injured"
    for victim in _noun_victims(token, lex):
        found.add(kind, token, victim)


def find_casualties(sent: Span) -> list[Casualty]:
    """Every casualty count reported in one sentence."""
    lex = load("casualty_lexicon")
    found = _Found()
    for token in sent:
        verbal = token.pos_ in ("VERB", "AUX") or token.tag_.startswith("VB")
        if verbal and token.lemma_.lower() in set(lex["killed_verbs"]) | set(lex["injured_verbs"]) | set(
                lex["life_verbs"]):
            _verb_counts(token, lex, found)
            continue
        if token.lower_ in lex["dead_words"] or token.lower_ in lex["injured_words"]:
            _noun_counts(token, lex, found)
    return found.items


def _victim_count(victim: Token) -> Count:
    """Count for a victims phrase; "one of its colonels" is 1, "two of them" is 2."""
    if victim.dep_ in ("dobj", "nsubjpass", "nsubj", "pobj", "attr") and victim.pos_ == "NUM":
        count = _numeral_count(victim)
        if count.value is not None:
            return count
    return count_of(victim)
