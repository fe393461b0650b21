"""Role filling on the dependency parse: who acted, on whom, where and when.

These helpers are shared by attack and diplomatic-action extraction. Each returns the entity keys
it found with a confidence that reflects how it was found: a direct grammatical role (subject,
"by"-agent, possessor, object) is surer than a pronoun resolved by salience or a guess from the
rest of the sentence.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from spacy.tokens import Span, Token

from kg.extract.context import ACTOR_TYPES, EntityView, Hit
from kg.extract.spec import words

# clause boundaries (dependency labels, not words): role filling never crosses into another clause
CLAUSE_DEPS = frozenset({"ccomp", "advcl", "relcl", "csubj", "parataxis", "xcomp", "acl", "conj", "appos", "mark"})
PHRASE_SKIP = frozenset({"relcl", "acl", "ccomp", "advcl", "punct", "cc", "conj", "appos"})
PLACE_STOP = frozenset({"ccomp", "advcl", "csubj", "parataxis", "nsubj", "nsubjpass", "agent", "mark"})


def _w(name: str) -> frozenset[str]:
    """A shared word list (``specs/_words.json``)."""
    return words()[name]


@dataclass(frozen=True)
class Role:
    """An entity filling a role, with the token it was read from and how sure that reading is."""

    key: str
    token: Token
    confidence: float


def hits_in(tokens: Iterable[Token], view: EntityView) -> list[Hit]:
    found: list[Hit] = []
    for token in tokens:
        hit = view.at(token)
        if hit is not None and hit not in found:
            found.append(hit)
    return found


def phrase_tokens(head: Token) -> list[Token]:
    """The tokens of a noun phrase without its clauses: modifiers, possessors, "of"/"for" phrases."""
    out = [head]
    for child in head.children:
        if child.dep_ in PHRASE_SKIP:
            continue
        if child.dep_ == "prep" and not (child.lower_ in ("of", "for") or (
                child.lower_ == "from" and head.lemma_.lower() in _w("member_nouns") | _w("envoy_words"))):
            continue  # fighters or envoys "from" a group or state name it; a weapon "from" a country does not
        out.extend(phrase_tokens(child))
    return sorted(out, key=lambda t: t.i)


def entity_of_phrase(head: Token, view: EntityView, types: set[str] | None = None,
                     place_as_state: bool = True) -> tuple[str | None, Token | None]:
    """The entity a noun phrase names: the head's own mention first, then its modifiers.

    a state's named ministry -> the ministry; "the Xian army" -> the state X;
    "members of the al-Shabaab group" -> al-Shabaab; "Islamabad" as an actor -> Pakistan.
    """
    wanted = types or ACTOR_TYPES
    head_hit = view.at(head)
    tokens = [t for t in phrase_tokens(head) if not _backer(t)]
    candidates = ([head_hit] if head_hit else []) + [h for h in hits_in(tokens, view)
                                                     if h != head_hit and not _backer(head.doc[h.end - 1])]
    for hit in candidates:
        if hit.type in wanted:
            return hit.key, head.doc[hit.start]
    if "ArmedGroup" in wanted and (key := view.describe_group(head)) is not None:
        return key, head  # "a Kurdish militant group", "Tuareg rebels"
    if place_as_state:
        for hit in candidates:
            if hit.type == "Place" and (state := view.state_of(hit.key)):
                return state, head.doc[hit.start]
    return None, None


def capital_named(token: Token) -> bool:
    """Whether a state's mention is its capital's name (before an attack noun: where, not who)."""
    span = next((e for e in token.doc.ents if e.start <= token.i < e.end), None)
    info = getattr(span._, "kg", None) if span is not None and span.has_extension("kg") else None
    return isinstance(info, dict) and info.get("how") == "capital"


def _backer(token: Token) -> bool:
    """The first part of "X-backed", "X-operated", "X-run": who backs, runs or owns the thing named,
    not the thing (a group backed by a state is not the state; a base run by one is its target)."""
    doc = token.doc
    if token.i + 1 < len(doc) and doc[token.i + 1].lower_ in _w("backing_words") and doc[token.i + 1].tag_ == "VBN":
        return True  # written without the hyphen: "the al-Qaeda affiliated group"
    return token.i + 2 < len(doc) and doc[token.i + 1].text == "-" and doc[token.i + 2].lower_ in _w("backing_words")


class Salience:
    """Remembers which entities were recently subjects, to resolve "it", "the country", "we"."""

    def __init__(self, view: EntityView):
        self.view = view
        self.subjects: list[tuple[int, str, str]] = []  # (token index, key, type)
        for token in view.doc:
            if token.dep_ in ("nsubj", "nsubjpass") and token.lower_ not in _w("pronouns"):
                if token.lower_ in _w("relative_pronouns") and token.head.dep_ == "relcl":
                    role = subject_role(token, view, self)
                    key = role.key if role else None
                else:
                    key, _ = entity_of_phrase(token, view)
                if key is not None:
                    self.subjects.append((token.i, key, view.type_of(key) or ""))

    @staticmethod
    def wanted(word: str) -> set[str]:
        """The kinds of entity a pronoun or anaphoric noun can stand for."""
        if word in _w("person_pronouns"):
            return {"Official", "Person"}
        if word in _w("state_anaphors"):
            return {"State"}
        if word in _w("group_anaphors"):
            return {"ArmedGroup", "Organization"}
        if word in _w("plural_anaphors"):
            return set(ACTOR_TYPES)
        return {"State", "GovernmentBody", "ArmedGroup", "Organization", "MediaOrganization"}

    def _fits(self, key: str, wanted: set[str]) -> str | None:
        if self.view.type_of(key) in wanted:
            return key
        if wanted == {"State"}:
            return self.view.state_of(key)
        return None

    def _speaker(self, pronoun: Token, wanted: set[str]) -> str | None:
        """A pronoun inside what someone said refers to the speaker first ("X said it had fired",
        "we condemn ...", the ministry said)."""
        node = pronoun
        while node.head.i != node.i and node.dep_ not in ("ccomp",):
            node = node.head
        if node.dep_ != "ccomp":
            return None
        for child in (c for c in node.head.children if c.dep_ == "nsubj" and c.lower_ not in _w("pronouns")):
            key, _ = entity_of_phrase(child, self.view)
            for appos in (c for c in child.children if c.dep_ == "appos" and key is None):
                key, _ = entity_of_phrase(appos, self.view)
            found = self._fits(key, wanted) if key is not None else None
            if found is not None:
                return found
        return None

    def resolve(self, pronoun: Token, max_sentences: int = 2) -> str | None:
        """The entity a pronoun or anaphoric noun refers to: the latest subject of a compatible kind,
        in this sentence first, then in each earlier one (its main-clause subject first)."""
        wanted = self.wanted(pronoun.lower_)
        speaker = self._speaker(pronoun, wanted)
        if speaker is not None:
            return speaker
        starts = [s.start for s in pronoun.doc.sents]
        current = max(i for i, s in enumerate(starts) if s <= pronoun.i)
        for k in range(current, max(-1, current - max_sentences - 1), -1):
            start, end = starts[k], starts[k + 1] if k + 1 < len(starts) else len(pronoun.doc)
            in_sentence = [(i, key) for i, key, _ in self.subjects if start <= i < min(end, pronoun.i)]
            main = [(i, key) for i, key in in_sentence if self.view.doc[i].head.dep_ == "ROOT"]
            for group in ((in_sentence,) if k == current else (main, in_sentence)):
                for _, key in reversed(group):
                    if (found := self._fits(key, wanted)) is not None:
                        return found
        return None


def _subject_children(verb: Token) -> tuple[list[Token], list[Token]]:
    active = [c for c in verb.children if c.dep_ in ("nsubj", "csubj")]
    agents = [pobj for c in verb.children if c.dep_ == "agent" for pobj in c.children if pobj.dep_ == "pobj"]
    return active, agents


def _governing_verb(verb: Token) -> Token | None:
    """The verb a dependent verb hangs from ("by recalling", "and asking", "to destroy")."""
    if not (verb.dep_ in ("xcomp", "conj", "advcl", "pcomp", "acl") or (verb.dep_ == "pobj" and verb.pos_ == "VERB")):
        return None
    head = verb.head
    while head.pos_ not in ("VERB", "AUX") and head.head.i != head.i:
        if head.dep_ == "relcl":
            return None
        head = head.head
    return head if head.i != verb.i and head.pos_ in ("VERB", "AUX") else None


def agent_of_verb(verb: Token, view: EntityView, salience: Salience, depth: int = 0) -> Role | None:
    """Who does what a verb says: its subject, its "by" agent, or (for a verb that depends on another
    and has no subject of its own) the subject of the verb it depends on."""
    if depth > 4:
        return None
    active, agents = _subject_children(verb)
    passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)
    for agent in agents if passive or not active else []:  # a "by" on an active verb belongs to its object
        key, tok = entity_of_phrase(agent, view)
        if key is not None:
            return Role(key, tok, 0.85)
    if active and not passive:
        return next((r for r in (subject_role(s, view, salience) for s in active) if r is not None), None)
    head = _governing_verb(verb)
    role = agent_of_verb(head, view, salience, depth + 1) if head is not None else None
    return Role(role.key, role.token, role.confidence - 0.05) if role is not None else None


def subject_role(subject: Token, view: EntityView, salience: Salience) -> Role | None:
    """The actor a subject phrase stands for, through relative pronouns, pronouns and anaphors."""
    if subject.lower_ in _w("relative_pronouns") and subject.head.dep_ in ("relcl", "acl"):
        antecedent = subject.head.head
        # "local officials and the ministry, which said": the nearest conjunct with a name
        for candidate in [antecedent, *sorted(antecedent.conjuncts, key=lambda t: -t.i)]:
            key, tok = entity_of_phrase(candidate, view)
            if key is not None:
                return Role(key, tok, 0.8 if candidate.i == antecedent.i else 0.65)
        return None
    if subject.lower_ in _w("pronouns"):
        key = salience.resolve(subject)
        return Role(key, subject, 0.6) if key else None
    key, tok = entity_of_phrase(subject, view)
    if key is not None:
        return Role(key, tok, 0.85)
    if subject.lower_ in _w("anaphor_heads") and _points_back(subject):
        key = salience.resolve(subject)
        return Role(key, subject, 0.55) if key else None
    owner = next((c for c in subject.children if c.dep_ == "poss" and c.lower_ in _w("pronouns")), None)
    if owner is not None and subject.lemma_.lower() in _w("member_nouns") | _w("anaphor_heads"):
        key = salience.resolve(owner)  # "the group said its fighters stormed the base": the group
        return Role(key, subject, 0.6) if key else None
    return None


def _points_back(noun: Token) -> bool:
    """Whether an anaphoric noun refers back ("the group", "the militants") rather than describing an
    actor of its own ("the Palestinian militant group", "a Shiite militia group"): a described noun
    names someone the text has not necessarily mentioned, so it resolves to no earlier subject."""
    return not any(c.dep_ in ("amod", "compound", "nmod") for c in noun.children)


def prep_objects(token: Token, preps: set[str]) -> Iterator[tuple[str, Token]]:
    """(preposition, object head) pairs attached to ``token``, including "targeting X" participles."""
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ in preps:
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    yield child.lower_, pobj
                    for conj in pobj.conjuncts:
                        yield child.lower_, conj
            # "inside of", "near to"
            for sub in child.children:
                if sub.dep_ == "prep":
                    for pobj in sub.children:
                        if pobj.dep_ == "pobj":
                            yield child.lower_, pobj
        if child.dep_ in ("acl", "advcl") and child.lemma_ in ("target", "aim", "hit"):
            for obj in child.children:
                if obj.dep_ == "dobj":
                    yield "targeting", obj
            for prep, pobj in prep_objects(child, {"at"}):
                yield prep, pobj


def _place_blocked(child: Token) -> bool:
    """Branches that say nothing of where the event was: other clauses, the source ("according to a
    source in X"), relative clauses not about a place."""
    if child.dep_ in PLACE_STOP:
        return True
    if child.lower_ in _w("source_markers") or (child.lower_ == "as" and any(
            g.lower_ in ("stated", "reported", "said") for g in child.children)):
        return True
    return child.dep_ == "relcl" and child.lemma_ not in _w("place_clause_verbs")


def _place_hit(child: Token, view: EntityView, under_location: bool) -> Hit | None:
    """The place a word names, if it says where ("an X-ian base" is not in X; "X-ian territory" is; nor is
    "X's embassy", one of ``abroad_heads``)."""
    hit = view.at(child)
    if hit is None or hit.type not in ("Place", "State") or not under_location:
        return None
    if hit.type == "State" and child.dep_ in ("amod", "compound", "nmod") and (
            child.head.lemma_.lower() not in _w("territory_heads")):
        return None
    if child.dep_ == "poss" and child.head.lemma_.lower() in _w("abroad_heads"):
        return None  # "Tehran's consulate in Damascus", "Britain's tanker": what a State owns, not where it is
    return hit


def places_under(token: Token, view: EntityView, stop: set[int]) -> list[tuple[Hit, Token, int]]:
    """Places named in location phrases under ``token`` (not crossing clauses or other events).

    Returns (mention, token, depth) so the caller can prefer the most specific place.
    """
    found: list[tuple[Hit, Token, int]] = []
    queue = [(token, 0, False)]
    seen = {token.i}
    while queue:
        node, depth, under_loc = queue.pop(0)
        for child in node.children:
            if child.i in seen or child.i in stop:
                continue
            seen.add(child.i)
            if _place_blocked(child):
                continue
            loc = under_loc or (child.dep_ == "prep" and child.lower_ in _w("location_preps"))
            hit = _place_hit(child, view, loc)
            if hit is not None and all(h != hit for h, _, _ in found):
                found.append((hit, child, depth))
            if depth < 8:
                queue.append((child, depth + 1, loc))
    return found


def most_specific_place(found: list[tuple[Hit, Token, int]], view: EntityView) -> tuple[str, Token] | None:
    """The most specific place: a non-State place first (in text order), else a State."""
    if not found:
        return None
    places = [f for f in found if f[0].type == "Place"]
    if places:
        # prefer a place that lies inside another one named here ("Kramatorsk in Donetsk Oblast")
        best = min(places, key=lambda f: f[1].i)
        return best[0].key, best[1]
    best = min(found, key=lambda f: (f[2], f[1].i))
    return best[0].key, best[1]


def _date_span(child: Token) -> Span | None:
    return next((e for e in child.doc.ents if e.start <= child.i < e.end), None)


def _date_branch(child: Token, node: Token) -> str:
    """How ``dates_under`` treats a child: "date", "list" (an item of a coordinated object list,
    which is no clause), "follow", or "skip"."""
    if child.ent_type_ == "DATE":
        return "date"
    noun_conj = child.dep_ == "conj" and child.pos_ in ("NOUN", "PROPN") and node.pos_ in ("NOUN", "PROPN")
    if noun_conj:
        return "list"
    if (child.dep_ in CLAUSE_DEPS or child.dep_ in ("nsubj", "nsubjpass")) and child.dep_ not in ("npadvmod", "poss"):
        return "skip"
    if child.dep_ in ("prep", "pobj", "npadvmod", "advmod", "poss", "pcomp", "dobj"):
        return "follow"
    return "skip"


def dates_under(token: Token, stop: set[int], max_depth: int = 3) -> list[Span]:
    """DATE entities attached to ``token`` directly or through a preposition (not inside clauses)."""
    found: list[Span] = []
    queue = [(token, 0)]
    seen = {token.i}
    while queue:
        node, depth = queue.pop(0)
        for child in node.children:
            if child.i in seen or child.i in stop:
                continue
            seen.add(child.i)
            kind = _date_branch(child, node)
            if kind == "date":
                span = _date_span(child)
                if span is not None and span not in found:
                    found.append(span)
                if depth < max_depth and child.dep_ in ("advmod", "npadvmod", "prep"):
                    queue.append((child, depth + 1))  # "Earlier on" + a weekday: two spans, one expression
            elif kind == "list":
                queue.append((child, depth))  # a list's items stand where its first item stands
            elif kind == "follow" and depth < max_depth:
                queue.append((child, depth + 1))
    return found


def in_sentence(sent: Span, token: Token) -> bool:
    return sent.start <= token.i < sent.end


def counted_noun(subject: Token) -> int | None:
    """The count of a collective plural ("the four states", "both capitals"), else None."""
    if subject.lemma_.lower() not in _w("collective_nouns") and subject.lower_ not in _w("collective_nouns"):
        return None
    from kg.extract.casualties import word_number

    for child in subject.children:
        if child.dep_ == "nummod" and (value := word_number(child.lower_)) is not None and value >= 2:
            return value
    return 2 if any(c.lower_ == "both" for c in subject.children) else None


def states_before(doc, start: int, end: int, view: EntityView) -> list[tuple[str, Token]]:
    """The States named between two token offsets, each once, in the order of their last mention."""
    states: list[tuple[str, Token]] = []
    for token in doc[start:end]:
        hit = view.at(token)
        key = view.state_of(hit.key) if hit is not None and hit.type == "State" else None
        if key is not None and (not states or states[-1][0] != key):
            states = [s for s in states if s[0] != key] + [(key, token)]
    return states


def distributive_subject(verb: Token, view: EntityView) -> list[Role]:
    """A counted plural subject ("the four states were withdrawing ...") stands for the last that
    many States named before it (in this sentence or the one before), each acting on its own; []
    when the count does not fit."""
    for subject in (c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")):
        count = counted_noun(subject)
        if count is None:
            continue
        sents = list(verb.doc.sents)
        here = next(i for i, s in enumerate(sents) if s.start <= verb.i < s.end)
        states = states_before(verb.doc, sents[max(0, here - 1)].start, subject.i, view)
        if len(states) >= count:
            return [Role(key, token, 0.6) for key, token in states[-count:]]
    return []
