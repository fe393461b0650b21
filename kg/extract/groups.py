"""Armed groups known only by a description: "a Kurdish militant group", "Tuareg rebels".

News often names an attacker or a target by who they are rather than by an organisation's name
("the strikes targeted a Kurdish militant group", "Anglophone separatists ambushed a convoy").
Such a noun phrase - headed by a group word (group, militants, rebels, ...) with a capitalised ethnic
or regional modifier - stands for an ArmedGroup named by the phrase without its determiner. The word
lists are in ``data/described_groups.json``; a State's demonym is not such a modifier ("Iranian
militants" stays as it is read elsewhere), nor is a known group's name ("Houthi rebels" are the Houthis).
"""

from __future__ import annotations

from spacy.tokens import Token

from kg.extract.lexicons import load

MODIFIER_DEPS = {"compound", "amod", "nmod"}
# an entity of these types in a modifier already says who the phrase is about
_NAMED = {"State", "ArmedGroup", "GovernmentBody", "Organization", "MediaOrganization", "Official", "Person"}


def _modifier_tokens(head: Token) -> list[Token] | None:
    """The words right before a group noun that modify it, when they are all words."""
    left = [c for c in head.lefts if c.dep_ in MODIFIER_DEPS]
    tokens = sorted({t for c in left for t in c.subtree if t.i < head.i}, key=lambda t: t.i)
    if not tokens or tokens[-1].i != head.i - 1 or any(not (t.is_alpha or t.text == "-") for t in tokens):
        return None
    return tokens


def _descriptor(token: Token, view, lex: dict) -> bool | None:
    """Whether a modifier is a capitalised ethnic or regional word; None when it names an entity
    itself (then the phrase is that entity's, not a description)."""
    hit = view.at(token)
    if hit is not None and hit.type in _NAMED:
        return None
    if token.lower_ in lex["not_descriptors"]:
        return False
    capital = token.text[:1].isupper() and (token.i != token.sent.start or token.pos_ in ("PROPN", "ADJ"))
    return capital and (token.pos_ in ("PROPN", "ADJ") or hit is not None or token.ent_type_ in ("NORP", "GPE"))


def described_group(head: Token, view) -> tuple[str, int, int, list[str]] | None:
    """(name, first token, end token, descriptor words) of a group description headed by ``head``."""
    lex = load("described_groups")
    if head.pos_ not in ("NOUN", "PROPN") or head.lower_ not in lex["heads"] or view.at(head) is not None:
        return None
    tokens = _modifier_tokens(head)
    if tokens is None:
        return None
    descriptors: list[str] = []
    for token in tokens:
        kind = _descriptor(token, view, lex)
        if kind is None:
            return None
        if kind:
            descriptors.append(token.text)
    if not descriptors:
        return None
    return " ".join([*(t.text for t in tokens), head.text]), tokens[0].i, head.i + 1, descriptors


def named_group_described(descriptors: list[str], groups: list[tuple[str, set[str]]]) -> str | None:
    """The one named group of the document whose name carries a descriptor ("Tuareg separatist rebels"
    -> a named Tuareg rebel alliance), else None: the description most likely refers to it."""
    wanted = {d.lower() for d in descriptors}
    found = {key for key, names in groups
             if any(wanted & {w.lower().strip("'’") for w in name.replace("-", " ").split()} for name in names)}
    return found.pop() if len(found) == 1 else None
