"""A token-level view of the entity index, shared by the event, attribution and relation extractors.

The entity engineer's :class:`EntityIndex` speaks in character offsets and record keys; role
filling walks the dependency parse token by token, so this view maps every token to the entity
mention covering it, and answers "which state does this actor belong to" (an official's
affiliation, a place's country, a capital used for its government).
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

ACTOR_TYPES = {"State", "ArmedGroup", "GovernmentBody", "Official", "Person", "Organization", "MediaOrganization"}
DIPLOMATIC_ACTOR_TYPES = {"State", "GovernmentBody", "Official", "Person", "ArmedGroup", "Organization"}
PLACE_TYPES = {"Place", "State"}


@dataclass(frozen=True)
class Hit:
    """An entity mention found at a token."""

    key: str
    type: str
    start: int  # token indices of the mention
    end: int


class EntityView:
    """Maps tokens to entity mentions and keys to types and states."""

    def __init__(self, index, doc: Doc, document=None):
        self.index = index
        self.doc = doc
        self.document = document  # the Document, for the evidence of records made here
        self.described: set[str] = set()  # keys of groups known only by a description (see describe_group)
        self.types: dict[str, str] = {r.key: r.type for r in index.records}
        self.names: dict[str, str] = {r.key: r.name for r in index.records}
        self._by_token: dict[int, Hit] = {}
        self.hits: list[Hit] = []
        for mention in index.mentions:
            span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
            if span is None or len(span) == 0:
                continue
            hit = Hit(mention.key, self.types.get(mention.key, mention.type), span.start, span.end)
            self.hits.append(hit)
            for i in range(span.start, span.end):
                self._by_token.setdefault(i, hit)
        self.hits.sort(key=lambda h: h.start)

    def at(self, token: Token) -> Hit | None:
        return self._by_token.get(token.i)

    def in_span(self, span: Span) -> list[Hit]:
        return [h for h in self.hits if span.start <= h.start < span.end]

    def type_of(self, key: str | None) -> str | None:
        return self.types.get(key) if key else None

    def state_of(self, key: str | None) -> str | None:
        """The State an entity is, belongs to or lies in (None when unknown)."""
        if key is None:
            return None
        if self.types.get(key) == "State":
            return key
        try:
            return self.index.state_of(key)
        except Exception:  # an index without the method or an unknown key: no state known
            return None

    def containers_of(self, key: str) -> set[str]:
        """The places a place lies in (empty when unknown)."""
        try:
            return self.index.containers_of(key)
        except AttributeError:  # an index without locatedIn facts
            return set()

    def describe_group(self, head: Token) -> str | None:
        """The ArmedGroup a description headed by ``head`` stands for ("a Kurdish militant group"),
        created in the index on first use (see :mod:`kg.extract.groups`); None when it is no such phrase."""
        from kg.extract.evidence import sentence_evidence
        from kg.extract.groups import described_group, named_group_described

        found = described_group(head, self)
        adder = getattr(self.index, "add_described_group", None)
        if found is None or adder is None or self.document is None:
            return None
        name, start, end, descriptors = found
        named = [(r.key, {r.name, *r.names}) for r in self.index.records
                 if r.type == "ArmedGroup" and r.key not in self.described]
        key = named_group_described(descriptors, named)
        if key is None:
            span = self.doc[start:end]
            key = adder(name, span.start_char, span.end_char, sentence_evidence(self.document, span, 0.7))
            self.described.add(key)
        self.types[key] = "ArmedGroup"
        self.names.setdefault(key, name)
        hit = Hit(key, "ArmedGroup", start, end)
        self.hits.append(hit)
        self.hits.sort(key=lambda h: h.start)
        for i in range(start, end):
            self._by_token[i] = hit
        return key

    def as_actor(self, hit: Hit) -> str | None:
        """The actor key a mention stands for: a capital or city used as subject stands for its state."""
        if hit.type in ACTOR_TYPES:
            return hit.key
        if hit.type == "Place":
            return self.state_of(hit.key)
        return None
