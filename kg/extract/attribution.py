"""Who a sentence attributes its report to ("according to Iranian state media", "the ministry said").

Attribution is per sentence: the facts read from a sentence are attributed to the source that
sentence names. A reporting verb ("said", "told", "reported") whose subject is an entity, or an
"according to X" phrase, names the source; an unnamed source ("the ministry said", "a Pakistani
official told CNN") is tied to the most recent matching body or to the state that qualifies it.
Hedges ("reportedly", "alleged", "an anonymous official") lower confidence.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Span, Token

from kg.extract.context import EntityView, Hit
from kg.extract.lexicons import load

SOURCE_TYPES = ("MediaOrganization", "GovernmentBody", "Official", "Person", "Organization", "ArmedGroup", "State")


@dataclass(frozen=True)
class Attribution:
    """The source a sentence names (``key`` None when unnamed) and whether the report is hedged."""

    key: str | None
    verb: Token | None  # the reporting verb, when there is one
    hedged: bool


def _best_source(tokens: list[Token], view: EntityView) -> str | None:
    hits: list[Hit] = []
    for token in tokens:
        hit = view.at(token)
        if hit is not None and hit not in hits:
            hits.append(hit)
    for wanted in SOURCE_TYPES:
        for hit in hits:
            if hit.type == wanted:
                return hit.key if wanted != "Place" else view.state_of(hit.key)
    for hit in hits:
        if hit.type == "Place":
            return view.state_of(hit.key)
    return None


def _body_from_context(head: Token, view: EntityView) -> str | None:
    """An unnamed "the ministry" / "his office": the latest earlier mention of a body with that word."""
    heads = load("attribution_lexicon")["body_heads"]
    if head.lower_ not in heads:
        return None
    for hit in reversed(view.hits):
        if hit.start >= head.i:
            continue
        if hit.type in ("GovernmentBody", "MediaOrganization", "Organization"):
            text = view.doc[hit.start:hit.end].text.lower()
            if head.lower_ in text:
                return hit.key
    return None


def source_of_subject(subject: Token, view: EntityView) -> str | None:
    """The entity a reporting verb's subject stands for."""
    key = _best_source(list(subject.subtree), view)
    if key is not None:
        return key
    return _body_from_context(subject, view)


def _according_to(sent: Span, view: EntityView, hedged: bool) -> Attribution | None:
    """"according to X", "as stated by X", "cited by X": X."""
    markers = load("attribution_lexicon")["marker_heads"]
    for token in sent:
        if token.lower_ not in markers or token.i + 1 >= len(token.doc):
            continue
        nxt = token.doc[token.i + 1]
        if nxt.lower_ not in ("to", "by"):
            continue
        objects = [c for c in nxt.children if c.dep_ == "pobj"] or [
            t for t in token.doc[nxt.i + 1:sent.end] if t.dep_ == "pobj"][:1]
        for obj in objects:
            key = source_of_subject(obj, view)
            if key is not None:
                return Attribution(key, token, hedged)
    return None


def _reporters(verb: Token) -> list[Token]:
    """Who a reporting verb gives as the source: its subject ("cited X as saying": X)."""
    if (verb.lower_ == "saying" and verb.head.lemma_ == "as") or (verb.dep_ == "pcomp" and verb.head.lower_ == "as"):
        return [c for c in verb.head.head.children if c.dep_ == "dobj"]
    return [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]


def attribution_of(sent: Span, view: EntityView) -> Attribution:
    """The attribution a sentence makes, if any."""
    lex = load("attribution_lexicon")
    lowered = sent.text.lower()
    hedged = any(f" {h} " in f" {lowered} " for h in lex["hedges"])
    found = _according_to(sent, view, hedged)
    if found is not None:
        return found
    # a reporting verb with a subject; the root first, then parenthetical verbs (", the ministry said.")
    candidates = sorted((t for t in sent if t.lemma_.lower() in lex["verbs"] and t.pos_ in ("VERB", "AUX")),
                        key=lambda t: (t.dep_ != "ROOT", -t.i))
    for verb in candidates:
        for subject in (s for s in _reporters(verb) if s.pos_ != "PRON"):
            key = source_of_subject(subject, view)
            if key is not None:
                anonymous = any(t.lower_ in lex["anonymous_words"] for t in subject.subtree)
                return Attribution(key, verb, hedged or anonymous)
    return Attribution(None, None, hedged)
