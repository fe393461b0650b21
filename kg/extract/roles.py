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

# clause boundaries: role filling never crosses into another clause's arguments
CLAUSE_DEPS = {"ccomp", "advcl", "relcl", "csubj", "parataxis", "xcomp", "acl", "conj", "appos", "mark"}
LOCATION_PREPS = {"in", "inside", "near", "around", "at", "across", "into", "within", "outside", "on",
                  "along", "throughout", "from", "onto", "toward", "towards", "off", "between"}
TARGET_PREPS = {"on", "against", "at", "targeting", "upon", "into"}
PRONOUNS = {"it", "its", "they", "their", "them", "he", "his", "him", "she", "her", "itself", "themselves"}
PERSON_PRONOUNS = {"he", "his", "him", "she", "her"}
RELATIVE = {"which", "that", "who", "whom", "whose"}
ANAPHOR_HEADS = {"nation", "country", "government", "state", "regime", "military", "army", "ministry", "office",
                 "forces", "administration", "side", "capital", "republic", "neighbour", "neighbor", "group",
                 "militants", "organization", "organisation", "movement", "authorities", "officials", "alliance",
                 "bloc", "coalition", "confederation", "union", "council"}
TERRITORY_HEADS = {"territory", "soil", "airspace", "border", "borders", "land", "lands", "side", "waters",
                   "sovereignty", "region", "province", "city", "town", "village", "part", "capital", "area",
                   "frontier", "coast", "mainland"}
GROUP_MEMBER_NOUNS = {"gunman", "gunmen", "fighter", "fighters", "militant", "militants", "member", "members",
                      "soldier", "soldiers", "troops", "rebel", "rebels", "insurgent", "insurgents", "forces",
                      "spokesman", "spokeswoman", "spokesperson", "official", "officials", "envoy", "delegation",
                      "militiamen", "jihadists", "attacker", "attackers", "bomber", "bombers"}
GROUP_ANAPHORS = {"group", "militants", "organization", "organisation", "movement"}


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
        if child.dep_ in ("relcl", "acl", "ccomp", "advcl", "punct", "cc", "conj", "appos"):
            continue
        if child.dep_ == "prep" and not (child.lower_ in ("of", "for") or (
                child.lower_ == "from" and head.lemma_.lower() in GROUP_MEMBER_NOUNS)):
            continue  # "gunmen from Boko Haram" names the group; "a rocket from Lebanon" does not
        out.extend(phrase_tokens(child))
    return sorted(out, key=lambda t: t.i)


def entity_of_phrase(head: Token, view: EntityView, types: set[str] | None = None,
                     place_as_state: bool = True) -> tuple[str | None, Token | None]:
    """The entity a noun phrase names: the head's own mention first, then its modifiers.

    "Pakistan's Foreign Ministry" -> the ministry; "the Pakistani military" -> Pakistan;
    "members of the al-Shabaab group" -> al-Shabaab; "Islamabad" as an actor -> Pakistan.
    """
    wanted = types or ACTOR_TYPES
    head_hit = view.at(head)
    tokens = [t for t in phrase_tokens(head) if not _backer(t)]
    candidates = ([head_hit] if head_hit else []) + [h for h in hits_in(tokens, view) if h != head_hit]
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


BACKING_WORDS = {"backed", "supported", "allied", "aligned", "funded", "sponsored", "armed", "led", "linked"}


def _backer(token: Token) -> bool:
    """"Iran" in "the Iran-backed Houthis": who backs the group, not the group."""
    doc = token.doc
    return token.i + 2 < len(doc) and doc[token.i + 1].text == "-" and doc[token.i + 2].lower_ in BACKING_WORDS


class Salience:
    """Remembers which entities were recently subjects, to resolve "it", "the country", "he"."""

    def __init__(self, view: EntityView):
        self.view = view
        self.subjects: list[tuple[int, str, str]] = []  # (token index, key, type)
        for token in view.doc:
            if token.dep_ in ("nsubj", "nsubjpass") and token.lower_ not in PRONOUNS:
                if token.lower_ in RELATIVE and token.head.dep_ == "relcl":
                    role = subject_role(token, view, self)
                    key = role.key if role else None
                else:
                    key, _ = entity_of_phrase(token, view)
                if key is not None:
                    self.subjects.append((token.i, key, view.type_of(key) or ""))

    def resolve(self, pronoun: Token, max_sentences: int = 2) -> str | None:
        """The entity a pronoun or anaphoric noun refers to: the latest subject of a compatible kind."""
        word = pronoun.lower_
        if word in PERSON_PRONOUNS:
            wanted = {"Official", "Person"}
        elif word in GROUP_ANAPHORS:
            wanted = {"ArmedGroup", "Organization"}
        elif word in ("they", "their", "them", "themselves", "authorities", "officials"):
            wanted = ACTOR_TYPES
        else:
            wanted = {"State", "GovernmentBody", "ArmedGroup", "Organization", "MediaOrganization"}
        if word in ("nation", "country", "state", "republic", "capital", "neighbour", "neighbor"):
            wanted = {"State"}
        sent_starts = [s.start for s in pronoun.doc.sents]
        current = max(i for i, s in enumerate(sent_starts) if s <= pronoun.i)
        # a pronoun inside what someone said refers to the speaker first ("Iran said it had fired")
        node = pronoun
        while node.head.i != node.i and node.dep_ not in ("ccomp",):
            node = node.head
        if node.dep_ == "ccomp":
            for child in node.head.children:
                if child.dep_ == "nsubj" and child.lower_ not in PRONOUNS:
                    key, _ = entity_of_phrase(child, self.view)
                    for appos in (c for c in child.children if c.dep_ == "appos" and key is None):
                        key, _ = entity_of_phrase(appos, self.view)  # "A senior official, Minister X, said"
                    if key is not None and (self.view.type_of(key) in wanted or wanted == {"State"}
                                            and self.view.state_of(key)):
                        return key if self.view.type_of(key) in wanted else self.view.state_of(key)
        # this sentence first, then each earlier sentence: its main-clause subject, else its latest subject
        bounds = [(sent_starts[k], sent_starts[k + 1] if k + 1 < len(sent_starts) else len(pronoun.doc))
                  for k in range(current, max(-1, current - max_sentences - 1), -1)]
        for start, end in bounds:
            in_sentence = [(i, k, t) for i, k, t in self.subjects if start <= i < min(end, pronoun.i)]
            main = [(i, k, t) for i, k, t in in_sentence if self.view.doc[i].head.dep_ == "ROOT"]
            for group in ((in_sentence,) if start == sent_starts[current] else (main, in_sentence)):
                for _index, key, kind in reversed(group):
                    if kind in wanted:
                        return key
                    if wanted == {"State"} and (state := self.view.state_of(key)):
                        return state
        return None


def _subject_children(verb: Token) -> tuple[list[Token], list[Token]]:
    active = [c for c in verb.children if c.dep_ in ("nsubj", "csubj")]
    agents = [pobj for c in verb.children if c.dep_ == "agent" for pobj in c.children if pobj.dep_ == "pobj"]
    return active, agents


def agent_of_verb(verb: Token, view: EntityView, salience: Salience, depth: int = 0) -> Role | None:
    """Who does what a verb says: its subject, its "by" agent, or (for "by recalling", "while
    warning", "and asking", "to destroy") the subject of the verb it depends on."""
    if depth > 4:
        return None
    active, agents = _subject_children(verb)
    passive_verb = any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)
    if active and not passive_verb:
        agents = []  # a "by" phrase mis-attached to an active verb belongs to its object
    for agent in agents:
        key, tok = entity_of_phrase(agent, view)
        if key is not None:
            return Role(key, tok, 0.85)
    passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)
    if not passive:
        for subject in active:
            role = subject_role(subject, view, salience)
            if role is not None:
                return role
    if active and not passive:
        return None
    if verb.dep_ in ("xcomp", "conj", "advcl", "pcomp", "acl") or (verb.dep_ == "pobj" and verb.pos_ == "VERB"):
        head = verb.head
        while head.pos_ not in ("VERB", "AUX") and head.head.i != head.i:
            if head.dep_ == "relcl":
                break
            head = head.head
        if head.i != verb.i and head.pos_ in ("VERB", "AUX"):
            role = agent_of_verb(head, view, salience, depth + 1)
            if role is not None:
                return Role(role.key, role.token, role.confidence - 0.05)
    return None


def subject_role(subject: Token, view: EntityView, salience: Salience) -> Role | None:
    """The actor a subject phrase stands for, through relative pronouns, pronouns and anaphors."""
    if subject.lower_ in RELATIVE and subject.head.dep_ in ("relcl", "acl"):
        antecedent = subject.head.head
        # "local officials and the ministry, which said": the nearest conjunct with a name
        for candidate in [antecedent, *sorted(antecedent.conjuncts, key=lambda t: -t.i)]:
            key, tok = entity_of_phrase(candidate, view)
            if key is not None:
                return Role(key, tok, 0.8 if candidate.i == antecedent.i else 0.65)
        return None
    if subject.lower_ in PRONOUNS:
        key = salience.resolve(subject)
        return Role(key, subject, 0.6) if key else None
    key, tok = entity_of_phrase(subject, view)
    if key is not None:
        return Role(key, tok, 0.85)
    if subject.lower_ in ANAPHOR_HEADS:
        key = salience.resolve(subject)
        return Role(key, subject, 0.55) if key else None
    return None


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
            if child.dep_ in ("ccomp", "advcl", "csubj", "parataxis", "nsubj", "nsubjpass", "agent", "mark"):
                continue
            if child.lower_ in ("according", "citing", "quoting") or (child.lower_ == "as" and any(
                    g.lower_ in ("stated", "reported", "said") for g in child.children)):
                continue  # "according to a source in Islamabad" says where the source is
            if child.dep_ == "relcl" and child.lemma_ not in ("hit", "strike", "target", "land", "base", "locate",
                                                              "situate", "operate"):
                continue
            loc = under_loc or (child.dep_ == "prep" and child.lower_ in LOCATION_PREPS)
            hit = view.at(child)
            if (hit is not None and hit.type == "State" and child.dep_ in ("amod", "compound", "nmod")
                    and child.head.lemma_.lower() not in TERRITORY_HEADS):
                hit = None  # "an Israeli spy base" is not in Israel; "Iranian territory" is in Iran
            if hit is not None and hit.type in ("Place", "State") and loc and all(h != hit for h, _, _ in found):
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


def dates_under(token: Token, stop: set[int], max_depth: int = 3) -> list[Span]:
    """DATE entities attached to ``token`` directly or through a preposition (not inside clauses)."""
    doc = token.doc
    found: list[Span] = []
    queue = [(token, 0)]
    seen = {token.i}
    while queue:
        node, depth = queue.pop(0)
        for child in node.children:
            if child.i in seen or child.i in stop:
                continue
            seen.add(child.i)
            # a coordinated object list ("the port, the airport and a fuel depot on Tuesday") is no clause
            noun_conj = child.dep_ == "conj" and child.pos_ in ("NOUN", "PROPN") and node.pos_ in ("NOUN", "PROPN")
            if (child.dep_ in CLAUSE_DEPS or child.dep_ in ("nsubj", "nsubjpass")) and not (
                    child.dep_ in ("npadvmod", "poss") or child.ent_type_ == "DATE" or noun_conj):
                continue
            if child.ent_type_ == "DATE":
                span = next((e for e in doc.ents if e.start <= child.i < e.end), None)
                if span is not None and span not in found:
                    found.append(span)
                if depth < max_depth and child.dep_ in ("advmod", "npadvmod", "prep"):
                    queue.append((child, depth + 1))  # "Earlier on" + "Tuesday": two spans, one expression
                continue
            if noun_conj:
                queue.append((child, depth))  # a list's items stand where its first item stands
            elif depth < max_depth and child.dep_ in ("prep", "pobj", "npadvmod", "advmod", "poss", "pcomp", "dobj"):
                queue.append((child, depth + 1))
    return found


def in_sentence(sent: Span, token: Token) -> bool:
    return sent.start <= token.i < sent.end


COLLECTIVE_NOUNS = {"country", "countries", "state", "states", "nation", "nations", "government", "governments",
                    "neighbour", "neighbours", "neighbor", "neighbors", "capital", "capitals"}
NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "2": 2, "3": 3, "4": 4, "5": 5, "6": 6}


def distributive_subject(verb: Token, view: EntityView) -> list[Role]:
    """"... of Mali, Burkina Faso and Niger - announced that all three countries were recalling ...": a
    counted plural subject stands for the last that many States named before it (in this sentence or
    the one before), each acting on its own; [] when the count does not fit."""
    for subject in (c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")):
        if subject.lemma_.lower() not in COLLECTIVE_NOUNS and subject.lower_ not in COLLECTIVE_NOUNS:
            continue
        count = next((NUMBER_WORDS[c.lower_] for c in subject.children
                      if c.dep_ == "nummod" and c.lower_ in NUMBER_WORDS), None)
        if count is None and any(c.lower_ == "both" for c in subject.children):
            count = 2
        if count is None:
            continue
        sents = list(verb.doc.sents)
        here = next(i for i, s in enumerate(sents) if s.start <= verb.i < s.end)
        start = sents[max(0, here - 1)].start
        states: list[tuple[str, Token]] = []
        for token in verb.doc[start:subject.i]:
            hit = view.at(token)
            key = view.state_of(hit.key) if hit is not None and hit.type == "State" else None
            if key is not None and (not states or states[-1][0] != key):
                states = [s for s in states if s[0] != key] + [(key, token)]
        if len(states) >= count:
            return [Role(key, token, 0.6) for key, token in states[-count:]]
    return []
