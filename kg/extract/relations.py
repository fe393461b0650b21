"""Links between events: casualties to the attack that caused them, reactions to their causes.

Both work on the parse of one sentence after the mentions have been merged into events:

* a casualty count belongs to the attack its verb is said of (an attack noun as its
  subject or in its "in"/"by" phrase, or the attack word it hangs from), else to the sentence's only attack,
  else (lower confidence) to the attack of the sentence before;
* ``inResponseTo`` is read only where the text says so: "after", "following", "follows", "in
  response to", "in retaliation for". The events inside the marker's phrase are the causes; the
  event of the main clause (or, when the reacting clause's subject points back, the latest earlier event) is
  the reaction.
"""

from __future__ import annotations

from spacy.tokens import Span, Token

from kg.extract.casualties import Casualty
from kg.extract.events import EventMention
from kg.extract.lexicons import load
from kg.extract.merge import Event
from kg.extract.spec import words


def _owner(token: Token, by_token: dict[int, EventMention]) -> EventMention | None:
    """The attack mention whose trigger (or light verb) is ``token``."""
    return by_token.get(token.i)


def _said_of(anchor: Token, by_token: dict[int, EventMention]) -> EventMention | None:
    """The attack a casualty word is said of: in its subject, agent or prepositional phrase ("the
    attack killed", "killed in the attack"), or the attack word it hangs from."""
    for child in anchor.children:
        if child.dep_ in ("nsubj", "agent", "prep"):
            for tok in [child, *child.subtree]:
                if (m := _owner(tok, by_token)) is not None:
                    return m
    node = anchor
    for _ in range(6):
        if node.head.i == node.i:
            return None
        node = node.head
        if (m := _owner(node, by_token)) is not None:
            return m
    return None


def _tally(anchor: Token) -> bool:
    """A running tally, not one attack's toll: the subject is a war or conflict ("the insurgency has
    killed thousands"), or the verb is a perfect with no attack named ("has killed 3,000")."""
    background = words()["background_nouns"]
    subjects = [c for c in anchor.children if c.dep_ in ("nsubj", "nsubjpass")]
    governing = [c for c in anchor.head.children if c.dep_ in ("nsubj", "nsubjpass")] if anchor.dep_ in (
        "oprd", "acomp", "dobj", "xcomp", "ccomp") else []  # "the war has left 3,000 dead"
    if any(s.lemma_.lower() in background for s in subjects + governing):
        return True
    # "killed in the conflict", "since the war began"
    if any(p.dep_ == "prep" and o.dep_ == "pobj" and o.lemma_.lower() in background
           for p in anchor.children for o in p.children):
        return True
    # "a conflict that has left 3,000 dead": the toll hangs from a war noun
    if any(n.pos_ == "NOUN" and n.lemma_.lower() in background for n in list(anchor.ancestors)[:3]):
        return True
    perfect = any(c.dep_ == "aux" and c.lower_ in ("has", "have") for c in anchor.children)
    return perfect and not subjects


def link_casualties(sent: Span, casualties: list[Casualty], mentions: list[EventMention],
                    previous: EventMention | None, confidence_scale: float) -> None:
    """Add each casualty count to the attack event it belongs to (killed and injured apart)."""
    attacks = [m for m in mentions if m.category == "Attack" and m.event is not None]
    by_token: dict[int, EventMention] = {}
    for m in attacks:
        for i in m.tokens:
            by_token.setdefault(i, m)
    for casualty in casualties:
        owner, confidence = _said_of(casualty.anchor, by_token), 0.8
        if owner is None and (casualty.background or _tally(casualty.anchor)):
            continue  # a recap's or a war's toll belongs to no attack told here unless its verb names one
        if owner is None and len({id(m.event) for m in attacks}) == 1:
            owner, confidence = attacks[0], 0.65
        if owner is None and not attacks and previous is not None and previous.event is not None:
            owner, confidence = previous, 0.5
        if owner is None:
            continue
        confidence *= confidence_scale * (0.9 if casualty.hedged else 1.0)
        target = owner.event.killed if casualty.kind == "killed" else owner.event.injured
        target.append((casualty.count, casualty.anchor, confidence, casualty.note))


def _marker_scope(token: Token, lex: dict) -> list[Token] | None:
    """The words a response marker governs: "after X", "in response to X", "X followed ..."."""
    lower, lemma = token.lower_, token.lemma_.lower()
    if lower in lex["prepositions"] and token.dep_ in ("prep", "mark"):
        return list(token.head.subtree) if token.dep_ == "mark" else list(token.subtree)
    if lemma in lex["nouns"] and token.pos_ == "NOUN":
        return [t for t in token.subtree if t.i > token.i]
    if lemma in lex["verbs"] and token.pos_ == "VERB":
        return [t for c in token.children if c.dep_ in ("dobj", "prep") for t in c.subtree]
    return None


def _effect_of(sent: Span, marker: Token, causes: list[EventMention], in_sentence: list[EventMention],
               inside: set[int], events: list[Event]) -> tuple[Event | None, float]:
    """The reacting event: the sentence's event nearest the marker outside its phrase, else (for
    a subject that points back, "the move") the latest earlier attack."""
    cause_event = causes[0].event
    effects = [m for m in in_sentence if m.head.i not in inside and m.event is not cause_event]
    if effects:
        return min(effects, key=lambda m: abs(m.head.i - marker.i)).event, 0.75
    earlier = [e for e in events if e is not cause_event and e.mentions and e.category == "Attack" and min(
        m.head.i for m in e.mentions) < sent.start]
    if not earlier or not _anaphoric_subject(sent, marker):
        return None, 0.0
    return max(earlier, key=lambda e: e.last), 0.6


def link_responses(sent: Span, mentions: list[EventMention], events: list[Event]) -> None:
    """Record ``inResponseTo`` where a sentence marks one event as the reaction to another."""
    lex = load("response_markers")
    in_sentence = [m for m in mentions if m.event is not None]
    if not in_sentence and not any(t.lemma_.lower() in lex["nouns"] + lex["verbs"] for t in sent):
        return
    for token in sent:
        scope = _marker_scope(token, lex)
        if not scope:
            continue
        inside = {t.i for t in scope}
        causes = [m for m in in_sentence if m.head.i in inside and m.category == "Attack"]
        if not causes:
            continue
        effect, confidence = _effect_of(sent, token, causes, in_sentence, inside, events)
        cause = causes[0].event
        if effect is None or effect is cause:
            continue
        if all(c is not cause for c, _, _ in effect.responds_to):
            effect.responds_to.append((cause, confidence, token))


def _anaphoric_subject(sent: Span, marker: Token) -> bool:
    """Whether the reacting clause's subject points back ("this", "the move", "the step")."""
    anaphors = load("response_markers")["anaphor_nouns"]
    node = marker
    while node.head.i != node.i and node.pos_ not in ("VERB", "AUX"):
        node = node.head
    while node.dep_ in ("prep", "pobj", "advcl", "xcomp") and node.head.i != node.i:
        node = node.head
    for child in node.children:
        if child.dep_ in ("nsubj", "nsubjpass") and (child.lemma_.lower() in anaphors or child.lower_ in anaphors):
            return True
    return False
