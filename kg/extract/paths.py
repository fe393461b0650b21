"""Dependency paths: the small pattern language the event specs are written in.

A spec says where a role's filler, a trigger's condition or a cue lies relative to the trigger as a
path over the parse, read left to right from the trigger token::

    >nsubj                      a child whose relation is nsubj
    <dobj[lemma=@light_verbs]   the head, when this token is its dobj and the head's lemma is listed
    >prep[lower=on|against] >pobj
    +conj                       the token and its conjuncts
    =[pos=VERB]                 a test on the token itself (no move)
    <<                          the words just before the token, read as a list (stops at a word
                                not in the step's [lower=...] filter)

Several relations are joined with ``|`` and ``*`` is any relation. A filter ``[attr=v1|v2]`` keeps a
token whose attribute is one of the values (``!=`` keeps the others); ``@name`` stands for a word
list of the spec. Attributes: ``lemma``, ``lower``, ``pos``, ``tag``, ``ent`` (entity label),
``word`` (lemma or lower form), ``phrase`` (a listed word or multiword occurs in the token's noun
phrase), ``has`` / ``hasnot`` (a child with one of these relations exists / does not).

spaCy's DependencyMatcher matches patterns over the whole document; here a path is always walked
from one trigger, and filters need the spec's word lists and negative tests ("not passive") that its
attribute syntax has no way to say, so the walk is written out (about a hundred lines).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache

from spacy.tokens import Token

_STEP = re.compile(r"^(?P<op>>|<<|<|\+|=)(?P<deps>[a-z*|]*)(?P<filters>(\[[^\]]*\])*)$")
_FILTER = re.compile(r"\[(?P<attr>[a-z]+)(?P<neg>!?)=(?P<values>[^\]]*)\]")
ATTRIBUTES = ("lemma", "lower", "pos", "tag", "ent", "word", "phrase", "has", "hasnot", "dep")
PHRASE_SKIP = frozenset({"relcl", "acl", "ccomp", "advcl", "punct", "cc", "conj", "appos"})


class PathError(ValueError):
    """A path that does not parse; the message names the path and the bad step."""


@dataclass(frozen=True)
class Filter:
    attr: str
    values: tuple[str, ...]
    negated: bool


@dataclass(frozen=True)
class Step:
    op: str
    deps: frozenset[str]
    filters: tuple[Filter, ...]


def _parse_step(text: str, path: str) -> Step:
    match = _STEP.match(text)
    if match is None:
        raise PathError(f"path {path!r}: cannot read step {text!r}")
    filters = []
    for found in _FILTER.finditer(match.group("filters")):
        if found.group("attr") not in ATTRIBUTES:
            raise PathError(f"path {path!r}: unknown attribute {found.group('attr')!r} in {text!r}")
        filters.append(Filter(found.group("attr"), tuple(found.group("values").split("|")), bool(found.group("neg"))))
    deps = frozenset(d for d in match.group("deps").split("|") if d) or frozenset({"*"})
    return Step(match.group("op"), deps, tuple(filters))


@cache
def parse(path: str) -> tuple[Step, ...]:
    """The steps of a path (an empty path is the trigger itself)."""
    return tuple(_parse_step(part, path) for part in path.split())


def _values(values: tuple[str, ...], words: Mapping[str, frozenset[str]]) -> frozenset[str]:
    out: set[str] = set()
    for value in values:
        if value.startswith("@"):
            if value[1:] not in words:
                raise PathError(f"unknown word list {value!r}")
            out |= words[value[1:]]
        else:
            out.add(value)
    return frozenset(out)


def phrase_words(head: Token) -> list[Token]:
    """The tokens of a noun phrase without its clauses, in text order."""
    out = [head]
    for child in head.children:
        if child.dep_ in PHRASE_SKIP or (child.dep_ == "prep" and child.lower_ not in ("of", "for")):
            continue
        out.extend(phrase_words(child))
    return sorted(out, key=lambda t: t.i)


def in_phrase(token: Token, words: frozenset[str]) -> bool:
    """Whether a listed word (by lemma or form) or multiword occurs in the token's noun phrase."""
    tokens = phrase_words(token)
    if any(t.lemma_.lower() in words or t.lower_ in words for t in tokens):
        return True
    text = f" {' '.join(t.lower_ for t in tokens)} "
    return any(f" {w} " in text for w in words if " " in w)


_GETTERS: dict[str, Callable[[Token], str]] = {
    "lemma": lambda t: t.lemma_.lower(), "lower": lambda t: t.lower_, "pos": lambda t: t.pos_,
    "tag": lambda t: t.tag_, "ent": lambda t: t.ent_type_, "dep": lambda t: t.dep_,
}


def _passes(token: Token, flt: Filter, words: Mapping[str, frozenset[str]]) -> bool:
    values = _values(flt.values, words)
    if flt.attr == "word":
        found = token.lemma_.lower() in values or token.lower_ in values
    elif flt.attr == "phrase":
        found = in_phrase(token, values)
    elif flt.attr in ("has", "hasnot"):
        found = any(c.dep_ in values for c in token.children)
        return found if flt.attr == "has" else not found
    else:
        found = _GETTERS[flt.attr](token) in values
    return found != flt.negated


def _dep_ok(dep: str, deps: frozenset[str]) -> bool:
    return "*" in deps or dep in deps


def _left_list(token: Token, step: Step, words: Mapping[str, frozenset[str]]) -> list[Token]:
    """The words right before ``token`` read as a list ("missile and drone strikes")."""
    out: list[Token] = []
    for i in range(token.i - 1, max(-1, token.i - 7), -1):
        word = token.doc[i]
        if word.lower_ in ("and", ",", "or", "-", "/"):
            continue
        if not all(_passes(word, f, words) for f in step.filters):
            break
        out.append(word)
    return out


def _move(token: Token, step: Step, words: Mapping[str, frozenset[str]]) -> list[Token]:
    if step.op == ">":
        found = [c for c in token.children if _dep_ok(c.dep_, step.deps)]
    elif step.op == "<":
        found = [token.head] if token.head.i != token.i and _dep_ok(token.dep_, step.deps) else []
    elif step.op == "+":
        found = [token, *token.conjuncts]
    elif step.op == "<<":
        return _left_list(token, step, words)
    else:
        found = [token]
    return [t for t in found if all(_passes(t, f, words) for f in step.filters)]


def walk(start: Token, path: str, words: Mapping[str, frozenset[str]]) -> list[Token]:
    """Every token the path reaches from ``start`` (in text order, without repeats)."""
    current = [start]
    for step in parse(path):
        reached: dict[int, Token] = {}
        for token in current:
            for found in _move(token, step, words):
                reached.setdefault(found.i, found)
        current = sorted(reached.values(), key=lambda t: t.i)
        if not current:
            break
    return current


def matches(start: Token, path: str, words: Mapping[str, frozenset[str]]) -> bool:
    return bool(walk(start, path, words))
