"""Links between events: casualties to the attack that caused them, reactions to their causes.

Both work on the parse of one sentence after the mentions have been merged into events:

* a casualty count belongs to the attack its verb is said of ("the attack killed two children",
  "killed in the explosions", "an assault ... that killed 11"), else to the sentence's only attack,
  else (lower confidence) to the attack of the sentence before;
* ``inResponseTo`` is read only where the text says so: "after", "following", "follows", "in
  response to", "in retaliation for". The events inside the marker's phrase are the causes; the
  event of the main clause (or, for "This came as a response to ...", the latest earlier event) is
  the reaction.
"""

from __future__ import annotations

from spacy.tokens import Span, Token

from kg.extract.casualties import Casualty
from kg.extract.events import EventMention
from kg.extract.lexicons import load
from kg.extract.merge import Event


def _owner(token: Token, by_token: dict[int, EventMention]) -> EventMention | None:
    """The attack mention whose trigger (or light verb) is ``token``."""
    return by_token.get(token.i)


def link_casualties(sent: Span, casualties: list[Casualty], mentions: list[EventMention],
                    previous: EventMention | None, confidence_scale: float) -> None:
    """Add each casualty count to the attack event it belongs to."""
    attacks = [m for m in mentions if m.category == "Attack" and m.event is not None]
    by_token: dict[int, EventMention] = {}
    for m in attacks:
        for i in m.tokens:
            by_token.setdefault(i, m)
    for casualty in casualties:
        owner = None
        confidence = 0.8
        anchor = casualty.anchor
        # said of an attack: "the attack killed", "killed in the attack", "killed after explosions"
        for child in anchor.children:
            if child.dep_ in ("nsubj", "agent", "prep"):
                for tok in [child, *child.subtree]:
                    if (m := _owner(tok, by_token)) is not None:
                        owner = m
                        break
            if owner:
                break
        node = anchor
        for _ in range(6):
            if owner is not None or node.head.i == node.i:
                break
            node = node.head
            owner = _owner(node, by_token)
        if owner is None and casualty.background:
            continue  # a recap's toll belongs to no attack told here unless its verb names one
        if owner is None and len({id(m.event) for m in attacks}) == 1:
            owner, confidence = attacks[0], 0.65
        if owner is None and not attacks and previous is not None and previous.event is not None:
            owner, confidence = previous, 0.5
        if owner is None:
            continue
        confidence *= confidence_scale
        if casualty.hedged:
            confidence *= 0.9
        target = owner.event.killed if casualty.kind == "killed" else owner.event.injured
        target.append((casualty.count, anchor, confidence))


def link_responses(sent: Span, mentions: list[EventMention], events: list[Event]) -> None:
    """Record ``inResponseTo`` where a sentence marks one event as the reaction to another."""
    lex = load("response_markers")
    in_sentence = [m for m in mentions if m.event is not None]
    if not in_sentence and not any(t.lemma_.lower() in lex["nouns"] + lex["verbs"] for t in sent):
        return
    for token in sent:
        lower, lemma = token.lower_, token.lemma_.lower()
        scope: Span | list[Token] | None = None
        if lower in lex["prepositions"] and token.dep_ in ("prep", "mark"):
            scope = list(token.head.subtree) if token.dep_ == "mark" else list(token.subtree)
        elif lemma in lex["nouns"] and token.pos_ == "NOUN":
            scope = [t for t in token.subtree if t.i > token.i]
        elif lemma in lex["verbs"] and token.pos_ == "VERB":
            scope = [t for c in token.children if c.dep_ in ("dobj", "prep") for t in c.subtree]
        if not scope:
            continue
        inside = {t.i for t in scope}
        causes = [m for m in in_sentence if m.head.i in inside and m.category == "Attack"]
        if not causes:
            continue
        effects = [m for m in in_sentence if m.head.i not in inside and m.event is not causes[0].event]
        cause_event = causes[0].event
        if effects:
            # the effect nearest the marker in the tree: the main clause's event
            effect = min(effects, key=lambda m: abs(m.head.i - token.i))
            effect_event, confidence = effect.event, 0.75
        else:
            earlier = [e for e in events if e is not cause_event and e.mentions and min(
                m.head.i for m in e.mentions) < sent.start and e.category == "Attack"]
            if not earlier or not _anaphoric_subject(sent, token):
                continue
            effect_event, confidence = max(earlier, key=lambda e: e.last), 0.6
        if effect_event is cause_event or effect_event is None:
            continue
        if all(c is not cause_event for c, _, _ in effect_event.responds_to):
            effect_event.responds_to.append((cause_event, confidence, token))


def _anaphoric_subject(sent: Span, marker: Token) -> bool:
    """Whether the reacting clause's subject points back ("This came as a response", "the move")."""
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
