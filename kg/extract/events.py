"""Event mentions: attacks and diplomatic actions found in one sentence, with their roles.

A trigger (a noun such as "airstrikes", "condemnation", or a verb such as "struck", "recalled")
is found from the lexicons in ``data/``; its roles are read from the parse (see
:mod:`kg.extract.roles`). Nominal mentions take their perpetrator from a possessor ("Iran's
strikes"), a "by" phrase ("the attack by Iran") or a light verb's subject ("Pakistan carried out
strikes", "it claimed responsibility for an attack"). The mentions of one real event are merged
later by :mod:`kg.extract.merge`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from spacy.tokens import Span, Token

from kg.extract.context import DIPLOMATIC_ACTOR_TYPES, EntityView
from kg.extract.dates import PartialDate, parse_expression
from kg.extract.lexicons import load
from kg.extract.roles import (
    PRONOUNS,
    TARGET_PREPS,
    Role,
    Salience,
    agent_of_verb,
    dates_under,
    distributive_subject,
    entity_of_phrase,
    hits_in,
    most_specific_place,
    phrase_tokens,
    places_under,
    prep_objects,
)

QUANTITY_NOUNS = {"wave", "series", "string", "spate", "barrage", "round", "salvo", "volley", "number", "pair",
                  "couple", "flurry", "campaign"}
ATTACK_SUBTYPES = ("Airstrike", "MissileStrike", "DroneStrike", "Bombing", "ArmedAssault")
TARGET_TYPES = {"ArmedGroup", "GovernmentBody", "Organization", "Official", "Person", "State", "MediaOrganization"}


@dataclass
class EventMention:
    """One mention of an event in one sentence, with the roles read around its trigger."""

    category: str  # "Attack" or "DiplomaticAction"
    types: set[str]
    head: Token  # the trigger's head word
    trigger: str  # the trigger words as written
    sent: Span
    agents: list[Role] = field(default_factory=list)  # perpetrator / actor
    patients: list[Role] = field(default_factory=list)  # target / recipient
    locations: list[Role] = field(default_factory=list)
    date: PartialDate | None = None
    date_token: Token | None = None
    date_confidence: float = 0.0
    killed: list[tuple[int, Token, float]] = field(default_factory=list)
    injured: list[tuple[int, Token, float]] = field(default_factory=list)
    definite: bool = False  # "the strikes", "this attack": may refer to an event already mentioned
    anaphoric_only: bool = False  # "the military action": never a new event by itself
    past: bool = False  # "previous blasts", "a December assault": not the current events
    headline: bool = False  # in a title line (no final punctuation): a summary of the lead's event
    habitual: bool = False  # "numerous attacks": no single event
    weak: bool = False  # "explosions": the effect of an attack, typed only by context
    light_verb: Token | None = None
    roots: list[Token] = field(default_factory=list)  # the words its roles were read under
    about_attack: EventMention | None = None  # "condemned the strikes": the attack reacted to
    event: object | None = None  # the merged event it belongs to (set by merge)

    @property
    def tokens(self) -> set[int]:
        ids = {self.head.i} | {r.i for r in self.roots}
        if self.light_verb is not None:
            ids.add(self.light_verb.i)
        return ids

    def has_arguments(self) -> bool:
        return bool(self.agents or self.patients or self.locations)


# ---------------------------------------------------------------- triggers


def _modifier_types(head: Token) -> set[str]:
    """Subtypes named by the words modifying a trigger ("missile and drone strikes")."""
    mods = load("attack_lexicon")["modifiers"]
    found: set[str] = set()
    for child in head.children:
        if child.dep_ in ("compound", "amod", "nmod", "npadvmod"):
            for word in [child, *child.conjuncts]:
                kind = mods.get(word.lemma_.lower()) or mods.get(word.lower_) or mods.get(word.lower_.rstrip("s"))
                if kind:
                    found.add(kind)
                for grand in word.children:  # "air and drone strikes" parsed as nested compounds
                    if grand.dep_ in ("compound", "amod", "conj"):
                        kind = mods.get(grand.lemma_.lower())
                        if kind:
                            found.add(kind)
    # the words right before the trigger, read as a list ("missile and drone strikes", "air, drone strikes")
    i = head.i - 1
    while i >= max(0, head.i - 6):
        word = head.doc[i]
        if word.lower_ in ("and", ",", "or", "-", "/"):
            i -= 1
            continue
        kind = mods.get(word.lower_) or mods.get(word.lemma_.lower())
        if not kind:
            break
        found.add(kind)
        i -= 1
    return found


def weapon_key(token: Token) -> str | None:
    """The weapon-lexicon entry a word names: by lemma, or (a capitalised "Drones" heading a sentence is
    tagged as a proper noun and keeps its plural as lemma) by its singular."""
    weapons = load("attack_lexicon")["weapon_nouns"]
    for key in (token.lemma_.lower(), token.lower_, token.lower_[:-1] if token.lower_.endswith("s") else ""):
        if key in weapons:
            return key
    return None


# the parts of speech _attack_trigger can accept (nouns, and verbs or adjectives read as nouns or verbs)
_TRIGGER_POS = frozenset({"NOUN", "PROPN", "VERB", "ADJ"})


def _attack_trigger(token: Token) -> tuple[set[str], str, bool] | None:
    """(types, trigger text, anaphoric_only) when ``token`` names an attack, else None."""
    if token.pos_ not in _TRIGGER_POS:
        return None  # called on every token: skip the lexicon work for words no branch below can take
    lex = load("attack_lexicon")
    lemma = token.lemma_.lower()
    lower = token.lower_
    prev = token.doc[token.i - 1] if token.i > 0 else None
    nominal = token.dep_ in ("pobj", "dobj", "nsubj", "nsubjpass") or (  # "launches offensive" read as adjective
        token.dep_ == "acomp" and token.head.lemma_.lower() in lex["light_verbs"])
    if token.pos_ in ("NOUN", "PROPN") or (token.pos_ in ("VERB", "ADJ") and nominal and (
            token.tag_ == "VBG" or token.pos_ == "ADJ")):
        for key in (f"{prev.lemma_.lower()} {lemma}" if prev is not None else None,
                    f"{prev.lower_} {lower}" if prev is not None else None, lemma, lower):
            if key and key in lex["nouns"]:
                if token.dep_ == "compound" and token.head.pos_ in ("NOUN", "PROPN") and " " not in key and (
                        token.head.lemma_.lower() not in lex["nouns"]):
                    return None  # "assault rifles", "attack helicopters": a kind of thing, no attack
                types = set(lex["nouns"][key]) | _modifier_types(token)
                if any(c.lower_ in lex["assault_people"] for c in token.conjuncts):
                    types.add("ArmedAssault")  # "a suicide bomber and gunmen attacked": both
                text = f"{prev.text} {token.text}" if " " in key else token.text
                return types, text, key in lex["anaphoric_only"] and not types
        weapon = weapon_key(token)
        if weapon is not None:
            lemma = weapon
            head = token.head
            if token.dep_ == "dobj" and head.lemma_.lower() in lex["fire_verbs"]:
                return set(lex["weapon_nouns"][lemma]) | _modifier_types(token), token.text, False
            if token.dep_ == "nsubj" and head.lemma_.lower() in ("explode", "detonate", "hit", "strike", "land",
                                                               "slam", "kill", "rain", "attack", "target",
                                                               "pound", "destroy", "damage", "fall", "crash",
                                                               "bomb", "shell"):
                return set(lex["weapon_nouns"][lemma]), token.text, False
            if any(c.dep_ == "acl" and c.lemma_.lower() in ("hit", "strike", "land", "target", "slam")
                   for c in token.children):
                return set(lex["weapon_nouns"][lemma]) | _modifier_types(token), token.text, False
            if token.dep_ == "pobj" and head.lower_ == "with" and head.head.lemma_.lower() in lex["verbs"]:
                return None  # "attacked with drones": the verb is the trigger
        return None
    if token.pos_ == "VERB" and token.dep_ not in ("amod", "compound"):
        if lemma in lex["verbs"]:
            # "Drones strike Port Sudan" (a headline parsed with the weapon as a compound of the verb)
            weapons = {w for c in token.children if c.dep_ == "compound" and (w := weapon_key(c))}
            named = {kind for w in weapons for kind in lex["weapon_nouns"][w]}
            return set(lex["verbs"][lemma]) | _instrument_types(token) | named, token.text, False
        for obj in (c for c in token.children if c.dep_ == "dobj"):
            phrase = f"{lemma} {obj.lower_}"
            if phrase in lex["verb_object_phrases"]:  # "opened fire on a passenger train"
                return set(lex["verb_object_phrases"][phrase]), f"{token.text} {obj.text}", False
        particle = next((c for c in token.children if c.dep_ == "prt"), None)
        if particle is not None and f"{lemma} {particle.lower_}" in lex["verbs"]:
            return set(lex["verbs"][f"{lemma} {particle.lower_}"]), f"{token.text} {particle.text}", False
    return None


def _instrument_types(verb: Token) -> set[str]:
    """"attacked with drones" / "struck with missiles": the instrument names the subtype."""
    weapons = load("attack_lexicon")["weapon_nouns"]
    found: set[str] = set()
    for child in verb.children:
        if child.dep_ == "prep" and child.lower_ in ("with", "using", "by"):
            for pobj in child.children:
                for word in [pobj, *pobj.conjuncts]:
                    found.update(weapons.get(word.lemma_.lower(), []))
    return found


def _is_attack_noun(token: Token) -> bool:
    trig = _attack_trigger(token)
    return trig is not None and token.pos_ != "VERB"


def _subject_is_attack(verb: Token) -> Token | None:
    """The attack noun a verb is said of ("the strikes targeted ...", "explosions, which hit ...")."""
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass"):
            if child.lower_ in ("which", "that") and verb.dep_ == "relcl":
                child = verb.head
            if _is_attack_noun(child):
                return child
            if weapon_key(child) is not None:
                return child
            if child.lemma_.lower() in ("operation", "action", "it", "they", "campaign", "mission"):
                return child
    return None


# ---------------------------------------------------------------- attacks


def _definite(head: Token) -> bool:
    for child in head.children:
        if child.dep_ in ("det", "poss") and child.lower_ in ("the", "this", "these", "those", "that", "its",
                                                               "their", "both"):
            return True
        if child.dep_ == "amod" and child.lower_ in ("latest", "same", "reported", "recent", "deadly"):
            return True
    return False


def _flags(head: Token, mention: EventMention) -> None:
    lex = load("attack_lexicon")
    words = {c.lower_ for c in head.children if c.dep_ in ("amod", "det", "nummod", "advmod", "compound", "quantmod")}
    verb = head.head if head.dep_ in ("dobj", "pobj", "nsubj") else head
    if verb.dep_ == "prep":
        verb = verb.head
    adverbs = {c.lower_ for c in verb.children if c.dep_ in ("advmod", "npadvmod")}
    prep_words = {t.lower_ for t in verb.subtree if t.dep_ == "pobj" and t.head.lower_ == "in"}
    if words & set(lex["habitual_modifiers"]) or adverbs & set(lex["habitual_adverbs"]) or "past" in prep_words:
        mention.habitual = True
    if {c.lower_ for c in head.children if c.dep_ in ("amod", "det")} & set(lex["past_modifiers"]):
        mention.past = True  # "previous blasts", "an earlier attack" (not "two days earlier": that is a date)
    if (head.pos_ != "VERB" and head.tag_ in ("NNS", "NNPS") and head.dep_ == "pobj"
            and head.head.lower_ in ("for", "of") and head.head.head.lemma_.lower() not in (
                "responsibility", "credit", "series", "wave", "string", "spate", "claim")
            and all(c.dep_ in ("amod", "punct") for c in head.children)):
        mention.habitual = True  # "a base for attacks", "the threat of attacks"
    if any(c.dep_ == "neg" for c in verb.children) or any(c.dep_ == "neg" for c in head.children):
        mention.habitual = True  # "did not attack": no event
    if ongoing(head):
        mention.habitual = True
    if head.dep_ == "pobj" and head.head.lower_ == "of" and head.head.head.lemma_.lower() in TIME_UNITS:
        mention.habitual = True  # "after weeks of attacks": a campaign
    if head.dep_ in ("dobj", "nsubjpass") and head.head.lemma_.lower() in STOP_VERBS:
        mention.habitual = True  # "until Israel halts its offensive": no attack told
    if head.pos_ == "VERB" and any(c.dep_ == "aux" and c.lower_ in ("can", "could", "may", "might", "will", "would",
                                                                   "shall", "should", "must") for c in head.children):
        mention.habitual = True  # "shows JNIM can hit the junta", "vowed it would strike": no attack told
    if head.pos_ == "VERB" and head.dep_ in ("xcomp", "ccomp", "pcomp") and head.head.lemma_.lower() in (
            "deny", "refute", "reject", "dismiss"):
        mention.habitual = True  # "Russia denied targeting civilians": a denied attack is not reported as one


TIME_UNITS = {"day", "week", "month", "year", "decade", "hour"}
STOP_VERBS = {"halt", "stop", "end", "cease", "suspend", "pause", "resume", "continue", "intensify", "escalate"}
CAMPAIGN_VERBS = {"begin", "start", "continue", "keep", "resume", "step"}


def ongoing(head: Token) -> bool:
    """A series, not one event: "have attacked ships since November", "began targeting ships"."""
    verb = head if head.pos_ in ("VERB", "AUX") else head.head
    if any(c.dep_ == "prep" and c.lower_ == "since" for c in verb.children):
        return True
    return head.pos_ == "VERB" and head.dep_ in ("xcomp", "pcomp") and head.head.lemma_.lower() in CAMPAIGN_VERBS


def _light_verb(head: Token) -> Token | None:
    """The verb a nominal trigger is the object of ("carried out strikes", "claimed responsibility for")."""
    lex = load("attack_lexicon")
    node = head
    # walk through conjuncts and appositions to the first noun of the chain
    while node.dep_ in ("conj", "appos") and node.head.pos_ in ("NOUN", "PROPN"):
        node = node.head
    # "a series of strikes", "a wave of attacks": the quantity noun stands in the verb's place
    if node.dep_ == "pobj" and node.head.lower_ == "of" and node.head.head.lemma_.lower() in QUANTITY_NOUNS:
        node = node.head.head
    if node.dep_ in ("dobj", "acomp") and (node.head.lemma_.lower() in lex["light_verbs"] or (
            weapon_key(node) is not None and node.head.lemma_.lower() in lex["fire_verbs"])):
        return node.head
    if node.dep_ == "pobj":
        prep = node.head
        holder = prep.head
        if prep.lower_ in ("for", "of") and holder.lower_ in ("responsibility", "credit"):
            verb = holder.head
            if holder.dep_ in ("dobj", "pobj") and verb.lemma_.lower() in ("claim", "take", "accept", "deny", "of"):
                return verb if verb.lower_ != "of" else verb.head
    if node.dep_ == "nsubjpass" and node.head.lemma_.lower() in lex["light_verbs"]:
        return node.head
    return None


def _capital(token: Token) -> bool:
    """Whether a state's mention is its capital's name ("the Bamako attack" is where, not who)."""
    span = next((e for e in token.doc.ents if e.start <= token.i < e.end), None)
    info = getattr(span._, "kg", None) if span is not None and span.has_extension("kg") else None
    return isinstance(info, dict) and info.get("how") == "capital"


def _agent_of_noun(head: Token, view: EntityView, salience: Salience, light: Token | None) -> Role | None:
    for child in head.children:
        if child.dep_ == "poss" and child.ent_type_ != "DATE":
            if child.lower_ in PRONOUNS:
                key = salience.resolve(child)
                if key:
                    return Role(key, child, 0.6)
                continue
            key, tok = entity_of_phrase(child, view)
            if key is not None:
                return Role(key, tok, 0.85)
        if child.dep_ == "prep" and child.lower_ == "by":
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    key, tok = entity_of_phrase(pobj, view)
                    if key is not None:
                        return Role(key, tok, 0.85)
    # "airstrikes by X" with the "by" phrase mis-attached to the verb; "drones launched by X"
    by_phrases = [c for c in head.children if c.dep_ == "acl"]
    if head.dep_ == "dobj" and any(c.dep_ == "nsubj" for c in head.head.children):
        by_phrases.append(head.head)
    for holder in by_phrases:
        for child in holder.children:
            if child.dep_ == "agent":
                for pobj in child.children:
                    key, tok = entity_of_phrase(pobj, view) if pobj.dep_ == "pobj" else (None, None)
                    if key is not None:
                        return Role(key, tok, 0.75)
    for child in head.children:
        if child.dep_ in ("compound", "amod", "nmod"):
            hit = view.at(child)
            if hit is not None and hit.type != "Place" and not _capital(child) and (key := view.as_actor(hit)):
                return Role(key, child, 0.7 if child.dep_ == "compound" else 0.65)  # not "the Bamako attack"
    if light is not None:
        if light.lower_ == "of" or light.pos_ == "NOUN":  # "Tehran's claim of responsibility for"
            return _agent_of_noun(light, view, salience, None)
        if light.pos_ in ("NOUN", "PROPN"):
            return None
        role = agent_of_verb(light, view, salience)
        if role is not None:
            return Role(role.key, role.token, role.confidence - 0.05)
    # "claim of responsibility": the holder noun's possessor
    node = head
    for _ in range(6):
        if node.dep_ in ("pobj", "prep", "dobj"):
            node = node.head
            if node.pos_ == "NOUN" and node.lemma_.lower() in ("claim", "responsibility", "admission"):
                for child in node.children:
                    if child.dep_ == "poss":
                        key, tok = entity_of_phrase(child, view)
                        if key is not None:
                            return Role(key, tok, 0.8)
    # a claim of responsibility earlier in the sentence names the attacker even when the parse is off
    for token in head.sent:
        if token.i >= head.i:
            break
        if token.lemma_.lower() == "responsibility":
            claim = token.head if token.head.lemma_.lower() in ("claim", "take", "accept") else None
            if claim is None and token.dep_ == "pobj" and token.head.head.lemma_.lower() == "claim":
                claim = token.head.head
            if claim is None:
                continue
            if claim.pos_ == "NOUN":
                role = _agent_of_noun(claim, view, salience, None) if claim.i != head.i else None
            else:
                role = agent_of_verb(claim, view, salience)
            if role is not None:
                return Role(role.key, role.token, role.confidence - 0.1)
    # "blamed X for the bombing", "accused X of the attack": the accused is the attacker (as alleged)
    if head.dep_ == "pobj" and head.head.lower_ in ("for", "of") and head.head.head.lemma_.lower() in (
            "blame", "accuse", "hold", "fault"):
        for obj in head.head.head.children:
            if obj.dep_ == "dobj":
                key, tok = entity_of_phrase(obj, view)
                if key is not None:
                    return Role(key, tok, 0.6)
    # a parse that lost the link: the first verb above is a light verb ("Russia launched a wave of ...")
    node = head
    for _ in range(5):
        if node.dep_ not in ("dobj", "pobj", "prep", "conj", "compound", "appos", "nmod") or node.head.i == node.i:
            break
        node = node.head
        if node.pos_ == "VERB":
            if node.lemma_.lower() in load("attack_lexicon")["light_verbs"] and node.i != (light.i if light else -1):
                role = agent_of_verb(node, view, salience)
                if role is not None:
                    return Role(role.key, role.token, 0.55)
            break
    # conjunct or apposition of another attack noun: share its agent ("missile and drone attacks")
    if head.dep_ in ("conj", "appos") and _is_attack_noun(head.head):
        return _agent_of_noun(head.head, view, salience, _light_verb(head.head))
    return None


def _targets_and_places(head: Token, view: EntityView, roots: list[Token], stop: set[int],
                        direct_objects: list[Token], salience: Salience | None = None
                        ) -> tuple[list[Role], list[Role]]:
    lex = load("attack_lexicon")
    targets: list[Role] = []
    places: list[Role] = []

    def take_target(obj: Token, confidence: float, state_is_target: bool) -> None:
        node = obj
        # "members of X", "strongholds of X", "positions of X" -> X
        for child in obj.children:
            if child.dep_ == "prep" and child.lower_ == "of":
                for pobj in child.children:
                    if pobj.dep_ == "pobj" and view.at(pobj) is not None:
                        node = pobj
        # "targets belonging to the PKK", "positions linked to X"
        for child in obj.children:
            if child.dep_ == "acl" and child.lemma_.lower() in ("belong", "link", "affiliate", "tie", "use"):
                for _, pobj in prep_objects(child, {"to", "with", "by"}):
                    if view.at(pobj) is not None:
                        node = pobj
        hit = view.at(node)
        if hit is None and view.describe_group(node) is not None:
            hit = view.at(node)  # "targeted a Kurdish militant group"
        if hit is not None:
            if hit.type == "State":
                places.append(Role(hit.key, node, confidence))
                if state_is_target:
                    targets.append(Role(hit.key, node, confidence - 0.1))
                return
            if hit.type == "Place":
                places.append(Role(hit.key, node, confidence))
                return
            if hit.type in TARGET_TYPES:
                targets.append(Role(hit.key, node, confidence))
                return
        # "an IRGC vehicle", "Iranian security forces", "a Houthi base"
        for tok in phrase_tokens(node):
            sub = view.at(tok)
            if sub is None or tok.i == node.i:
                continue
            if sub.type in ("ArmedGroup", "GovernmentBody", "Organization") and tok.dep_ in (
                    "compound", "nmod", "poss"):
                targets.append(Role(sub.key, tok, confidence - 0.1))
                return
            if sub.type == "State" and node.lemma_.lower() in lex["generic_target_heads"]:
                targets.append(Role(sub.key, tok, confidence - 0.25))
                return

    for obj in direct_objects:
        for item in [obj, *obj.conjuncts]:
            take_target(item, 0.85, state_is_target=True)
    for root in roots:
        for prep, pobj in prep_objects(root, TARGET_PREPS):
            if prep in ("on", "against", "targeting", "upon", "at"):
                take_target(pobj, 0.8, state_is_target=prep in ("against", "targeting"))
    found = []
    for root in roots:
        found.extend(places_under(root, view, stop))
    if salience is not None and not found:
        # "an attack ... on its territory": the pronoun's state
        for root in roots:
            for _, pobj in prep_objects(root, {"on", "in", "inside", "into", "within"}):
                if pobj.lemma_.lower() in lex["territory_heads"]:
                    for poss in pobj.children:
                        if poss.dep_ == "poss" and poss.lower_ in ("its", "their"):
                            state = salience.resolve(poss)
                            if state and view.type_of(state) == "State":
                                places.append(Role(state, pobj, 0.55))
    best = most_specific_place(found, view)
    if best is not None:
        key, tok = best
        places.insert(0, Role(key, tok, 0.8))
    # a State the event happened in is recorded too, so the territory is known even if the place is not
    states = [(hit, tok) for hit, tok, _ in found if hit.type == "State"]
    for hit, tok in states[:1]:
        if all(p.key != hit.key for p in places):
            places.append(Role(hit.key, tok, 0.7))
    # places in other states inside a coordinated phrase: kept so the mention can be split by state
    seen_states = {view.state_of(p.key) for p in places}
    for hit, tok, _ in found:
        state = view.state_of(hit.key)
        if state not in seen_states and _under_conjunct(tok, head):
            places.append(Role(hit.key, tok, 0.7))
            seen_states.add(state)
    return targets, places


def attack_mentions(sent: Span, view: EntityView, salience: Salience, pub: date | None) -> list[EventMention]:
    """Every attack mentioned in a sentence, with perpetrator, target and location read from the parse."""
    mentions: list[EventMention] = []
    for token in sent:
        found = _attack_trigger(token)
        if found is None:
            continue
        types, text, anaphoric_only = found
        if token.pos_ == "VERB" and _subject_is_attack(token) is not None:
            continue  # "the strikes targeted X": a role of the noun mention, not a new event
        if token.pos_ == "VERB" and token.dep_ == "acl" and _attack_trigger(token.head) is not None:
            continue  # "a missile hit on a base": the noun is the trigger
        if (token.pos_ == "VERB" and token.lemma_.lower() in ("target", "hit", "pound")
                and agent_of_verb(token, view, salience) is None):
            continue  # "targeted strikes", "was hit": too vague without an attacker
        mention = EventMention("Attack", types, token, text, sent, anaphoric_only=anaphoric_only)
        mention.weak = token.lemma_.lower() in load("attack_lexicon")["weak"] and " " not in text
        mentions.append(mention)
    known = {m.head.i for m in mentions}
    headline = is_headline(sent)
    for mention in mentions:
        _fill_attack(mention, view, salience, known, pub)
        mention.headline = headline
        if _ranked_aside(mention.head):
            # "..., officials said, in the deadliest strike on Israeli territory since ...": the same event ranked
            mention.anaphoric_only, mention.definite, mention.agents = True, True, []
    for mention in list(mentions):
        mentions.extend(_split_by_state(mention, view))
    return mentions


def _ranked_aside(head: Token) -> bool:
    """"in the deadliest attack since 2019": a superlative aside about an event already told."""
    superlative = any(c.tag_ == "JJS" or c.lower_.endswith("est") and c.dep_ == "amod" for c in head.children)
    return superlative and head.dep_ == "pobj" and head.head.lower_ == "in"


def is_headline(sent: Span) -> bool:
    """A title line: the document's first sentence, with no final punctuation."""
    words = [t for t in sent if not t.is_space]
    return sent.start == 0 and bool(words) and words[-1].text not in (".", "!", "?", '"', "\u201d", ":")


def _split_by_state(mention: EventMention, view: EntityView) -> list[EventMention]:
    """One trigger, targets in several states joined by "and"/"as well as": one attack per state.

    "Iran struck an Israeli 'espionage centre' in Iraq as well as Islamic State fighters in Syria"
    reports two strikes; the places and targets inside a coordinated phrase go to a second mention.
    """
    if not mention.agents or len(mention.locations) < 1:
        return []
    first_state = view.state_of(mention.locations[0].key)
    extra: list[EventMention] = []
    for role in list(mention.locations[1:]):
        state = view.state_of(role.key)
        if state is None or state == first_state or not _under_conjunct(role.token, mention.head):
            continue
        conj = _conjunct_root(role.token, mention.head)
        inside = {t.i for t in conj.subtree}
        clone = EventMention(mention.category, set(mention.types), mention.head, mention.trigger, mention.sent,
                             agents=list(mention.agents), light_verb=mention.light_verb)
        clone.locations = [r for r in mention.locations if r.token.i in inside]
        clone.patients = [r for r in mention.patients if r.token.i in inside]
        for tok in conj.subtree:  # "Islamic State terrorists in Syria": the group named in the conjunct
            hit = view.at(tok)
            if hit is not None and hit.type in ("ArmedGroup", "GovernmentBody", "Organization") and all(
                    r.key != hit.key for r in clone.patients):
                clone.patients.append(Role(hit.key, tok, 0.6))
        clone.date, clone.date_token, clone.date_confidence = mention.date, mention.date_token, mention.date_confidence
        if not clone.patients or {r.key for r in clone.patients} <= {r.key for r in mention.patients}:
            continue  # "Turkey strikes PKK in Iraq and Syria": one operation against one target, two places
        mention.locations = [r for r in mention.locations if r.token.i not in inside]
        mention.patients = [r for r in mention.patients if r.token.i not in inside and all(
            r.key != p.key for p in clone.patients)]
        extra.append(clone)
    return extra


def _conjunct_root(token: Token, head: Token) -> Token:
    node = token
    while node.head.i != node.i and node.i != head.i:
        if node.dep_ == "conj":
            return node
        node = node.head
    return token


def _under_conjunct(token: Token, head: Token) -> bool:
    return _conjunct_root(token, head).i != token.i or token.dep_ == "conj"


def _called_objects(verb: Token) -> list[Token]:
    """"struck what the military called a series of Hezbollah targets": the named thing is the object."""
    return [o for c in verb.children if c.dep_ == "ccomp" and c.lemma_.lower() in ("call", "describe", "term", "label")
            and any(w.dep_ == "dobj" and w.lower_ == "what" for w in c.children)
            for o in c.children if o.dep_ == "oprd"]


def _fill_attack(mention: EventMention, view: EntityView, salience: Salience, known: set[int],
                 pub: date | None) -> None:
    head = mention.head
    stop = known - {head.i}
    direct: list[Token] = []
    roots = [head]
    if head.pos_ == "VERB":
        role = agent_of_verb(head, view, salience)
        if role is not None:
            mention.agents.append(role)
        passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in head.children)
        direct = [c for c in head.children if c.dep_ == ("nsubjpass" if passive else "dobj")]
        direct += _called_objects(head)
        direct = [head.head if d.lower_ in ("which", "that", "whom", "who") and head.dep_ == "relcl" else d
                  for d in direct]
        if head.dep_ == "relcl" and not direct and not passive:
            direct = [head.head]  # "the PKK, which Turkey attacked on Tuesday"
        mention.definite = False
    else:
        light = _light_verb(head)
        mention.light_verb = light
        mention.definite = _definite(head)
        role = _agent_of_noun(head, view, salience, light)
        if role is not None:
            mention.agents.append(role)
        if light is not None and light.pos_ == "VERB":
            roots.append(light)
        # "explosions were reported near Kramatorsk": where and when come from the verb
        if head.dep_ in ("nsubjpass", "nsubj") and head.head.pos_ == "VERB" and head.head.lemma_.lower() in (
                "report", "hear", "see", "occur", "happen", "rock", "hit", "strike", "kill", "target",
                "destroy", "leave", "land", "wound", "injure", "attack", "pound", "damage", "slam",
                "explode", "detonate", "fall", "crash", "rain", "ram", "blow", "storm", "bomb", "shell",
                "begin", "start", "resume", "continue"):
            roots.append(head.head)  # "the attacks began on Sunday"
        # "the RSF overran the camp in an assault that killed 400": the verb the attack is the manner of
        if not mention.agents and head.dep_ == "pobj" and head.head.lower_ in ("in", "during") and (
                head.head.head.pos_ == "VERB" and light is None):
            verb = head.head.head
            role = agent_of_verb(verb, view, salience)
            if role is not None and not any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children):
                mention.agents.append(Role(role.key, role.token, min(role.confidence, 0.6)))
                roots.append(verb)
                direct.extend(c for c in verb.children if c.dep_ == "dobj")
        # "fired missiles to destroy strongholds of X": the purpose clause names the target
        if light is not None and light.pos_ == "VERB":
            for comp in light.children:
                if comp.dep_ in ("xcomp", "advcl") and comp.lemma_.lower() in ("destroy", "target", "hit", "strike",
                                                                               "attack", "eliminate", "neutralize"):
                    direct.extend(c for c in comp.children if c.dep_ == "dobj")
                    roots.append(comp)
        # "the strikes targeted X", "explosions, which hit two locations around Kharkiv"
        for verb in [head.head] + [c for c in head.children if c.dep_ == "relcl"]:
            if verb.pos_ == "VERB" and _subject_is_attack(verb) is not None and verb.lemma_.lower() in load(
                    "attack_lexicon")["role_verbs_when_subject_is_attack"]:
                direct.extend(c for c in verb.children if c.dep_ == "dobj")
                direct.extend(_called_objects(verb))
                roots.append(verb)
    _flags(head, mention)
    mention.roots = [r for r in roots if r.i != head.i]
    targets, places = _targets_and_places(head, view, roots, stop, direct, salience)
    if head.pos_ != "VERB" and mention.agents:
        # "US and British strikes", "Russian and Syrian warplanes": every named attacker
        for child in head.children:
            if child.dep_ in ("compound", "amod", "nmod"):
                for word in child.conjuncts:
                    hit = view.at(word)
                    key = view.as_actor(hit) if hit is not None else None
                    if key is not None and all(r.key != key for r in mention.agents):
                        mention.agents.append(Role(key, word, mention.agents[0].confidence))
    if head.pos_ != "VERB" and not any(view.type_of(p.key) == "Place" for p in places):
        for child in head.children:  # "the Bamako attack", "the Beirut strike"
            hit = view.at(child) if child.dep_ in ("compound", "nmod") else None
            if hit is not None and (hit.type == "Place" or _capital(child)):
                places.insert(0, Role(hit.key, child, 0.7))
                break
    agent_keys = {r.key for r in mention.agents}
    mention.patients = [t for t in targets if t.key not in agent_keys]
    mention.locations = places
    _attach_date(mention, roots, stop, pub)
    if mention.date is not None and mention.date.month and not mention.date.day:
        mention.past = mention.past or not mention.date.relative_to_event
    if mention.date is None and head.pos_ != "VERB":
        # "Government forces backed by U.S. airstrikes pushed them out in 2022": the clause's verb dates it
        verbs = [a for a in list(head.ancestors)[:5] if a.pos_ == "VERB"]
        for span in [span for verb in verbs for span in dates_under(verb, stop)][:1]:
            parsed = parse_expression(span.text, pub)
            if parsed is not None and parsed.year and not parsed.month:
                mention.date = parsed
    if mention.date is not None and mention.date.year and not mention.date.month:
        mention.habitual = True  # "U.S. airstrikes pushed the group out in 2022 and 2023": a campaign


def _attach_date(mention: EventMention, roots: list[Token], stop: set[int], pub: date | None) -> None:
    for root in roots:
        for child in root.children:
            if child.dep_ == "poss" and child.ent_type_ == "DATE":  # "Tuesday's strikes"
                parsed = parse_expression(child.text, pub)
                if parsed is not None:
                    mention.date, mention.date_token, mention.date_confidence = parsed, child, 0.8
                    return
        for span in dates_under(root, stop):
            text = span.text
            if span.end < len(span.doc) and span.doc[span.end].lower_ in ("before", "earlier", "later", "after",
                                                                          "prior", "ago"):
                text = f"{text} {span.doc[span.end].text}"  # "the day" + "before"
            parsed = parse_expression(text, pub)
            if parsed is not None:
                mention.date, mention.date_token, mention.date_confidence = parsed, span.root, 0.8
                return
    # "The attacks began on Sunday, when drones struck ...": the clause describes that day
    for root in roots:
        if root.dep_ in ("relcl", "advcl", "acl") and root.head.ent_type_ == "DATE" and any(
                c.lower_ in ("when", "as") for c in root.children):
            span = next((e for e in root.doc.ents if e.start <= root.head.i < e.end), None)
            parsed = parse_expression(span.text, pub) if span is not None else None
            if parsed is not None:
                mention.date, mention.date_token, mention.date_confidence = parsed, root.head, 0.75
                return
    # a date modifying the trigger noun itself: "a December assault", "the January 16 attack"
    for child in mention.head.children:
        if child.ent_type_ == "DATE" and child.dep_ in ("compound", "amod", "nmod", "npadvmod"):
            parsed = parse_expression(child.text, pub)
            if parsed is not None:
                mention.date, mention.date_token, mention.date_confidence = parsed, child, 0.75
                return


# ---------------------------------------------------------------- diplomatic actions


def _word_in(token: Token, words: list[str]) -> bool:
    text = " ".join(t.lower_ for t in phrase_tokens(token))
    return token.lemma_.lower() in words or token.lower_ in words or any(
        f" {w} " in f" {text} " for w in words if " " in w)


def _objects(verb: Token) -> list[Token]:
    objs = [c for c in verb.children if c.dep_ in ("dobj", "nsubjpass", "attr", "dative")]
    for _prep, pobj in prep_objects(verb, {"with", "to", "on", "off", "down"}):
        objs.append(pobj)
    for child in verb.children:  # "cut off diplomatic ties"
        if child.dep_ == "prt":
            objs.extend(c for c in verb.children if c.dep_ == "dobj")
    return objs


def diplomatic_mentions(sent: Span, view: EntityView, salience: Salience,
                        attacks: list[EventMention], pub: date | None) -> list[EventMention]:
    """Every diplomatic action in a sentence, with actor and recipient."""
    lex = load("diplomatic_lexicon")
    groups = {"envoy": lex["envoy_words"], "visit": lex["visit_words"], "relations": lex["relations_words"],
              "counterpart": lex["counterpart_words"], "claim": lex["claim_words"], "statement": ["statement"],
              "right": lex["right_words"]}
    mentions: list[EventMention] = []
    taken: set[int] = set()
    shared_actor: Role | None = None
    for token in sent:
        lemma = token.lemma_.lower()
        if token.i in taken:
            continue
        kind = None
        if token.pos_ in ("VERB", "AUX") and token.dep_ not in ("amod",):
            negated = any(c.dep_ == "neg" for c in token.children)
            for entry in lex["verbs"]:
                if entry["lemma"] != lemma:
                    continue
                if negated and lemma not in lex["negated_ok"]:
                    continue
                if any(c.dep_ == "prep" and c.lower_ in ("into", "onto") for c in token.children) or any(
                        c.dep_ == "nsubj" and weapon_key(c) is not None for c in token.children):
                    continue  # "drones slammed into the port": a strike, not a rebuke
                objects = _objects(token)
                if "object" in entry and not any(_word_in(o, groups[entry["object"]]) for o in objects):
                    continue
                if "as_object" in entry and not any(
                        pobj.lemma_.lower() in entry["as_object"]
                        for holder in [token, *objects] for _, pobj in prep_objects(holder, {"as"})) and not any(
                        c.dep_ in ("oprd", "xcomp") and c.lemma_.lower() in entry["as_object"] for c in token.children):
                    continue  # "described the strikes as a violation", "called the raids a violation"
                if entry.get("needs_object") and not objects:
                    continue
                if "needs_words" in entry and not any(
                        c.lower_ in entry["needs_words"]
                        and not any(g.ent_type_ in ("DATE", "TIME") for g in c.children)
                        for c in token.children):
                    continue  # "called on Tuesday" is not "called on X"
                if "needs_prep_object" in entry and not any(
                        _word_in(p, groups[entry["needs_prep_object"]])
                        for _, p in prep_objects(token, {"with", "to"})):
                    continue
                kind = entry["type"]
                break
            if kind is None and lemma in ("ask", "tell", "order", "instruct", "request", "direct", "give"):
                objs = [c for c in token.children if c.dep_ in ("dobj", "dative")]
                comp = [c for c in token.children if c.dep_ in ("xcomp", "ccomp")]
                if any(_word_in(o, lex["envoy_words"]) for o in objs) and any(
                        c.lemma_ == "leave" or (c.lemma_ == "return" and any(g.dep_ == "neg" for g in c.children))
                        for c in comp):
                    kind = "EnvoyExpulsion"
                    taken.update(c.i for c in comp)
            if kind is None and lemma in ("vow", "pledge", "promise", "threaten") and any(
                    c.dep_ in ("xcomp", "ccomp") and c.lemma_.lower() in lex["warning_complements"]
                    for c in token.children):
                kind = "Warning"  # "vowed to retaliate", "pledged to avenge"
            if kind is None and lemma == "pay" and any(
                    c.dep_ == "dobj" and c.lemma_.lower() == "price" for c in token.children) and any(
                    c.lower_ in ("will", "would", "shall") for c in token.children):
                kind = "Warning"  # "X will pay a heavy price": said by the one who warns
            if kind is None and lemma in ("return", "leave") and token.dep_ not in ("xcomp",):
                subj = [c for c in token.children if c.dep_ == "nsubj"]
                if subj and _word_in(subj[0], lex["envoy_words"]) and (
                        lemma == "leave" or any(c.dep_ == "neg" for c in token.children)) and any(
                        c.lemma_ in ("should", "must", "will", "have") for c in token.children):
                    kind = "EnvoyExpulsion"
        elif token.pos_ in ("NOUN", "PROPN"):
            prev = token.doc[token.i - 1] if token.i > 0 else None
            for key in (f"{prev.lower_} {token.lower_}" if prev is not None else "", token.lemma_.lower(),
                        token.lower_):
                if key in lex["nouns"]:
                    needs = lex["noun_needs"].get(key)
                    scope = token.head if token.dep_ == "dobj" else token  # "held talks with his counterpart"
                    context = {t.lower_ for t in phrase_tokens(token)} | {t.lemma_.lower() for t in scope.subtree}
                    if needs and not any(n in context or any(n in c for c in context) for n in needs):
                        continue
                    kind = lex["nouns"][key]
                    break
        if kind is None:
            continue
        if _accused_of(token):
            continue  # "accusing Algeria of meddling by hosting separatist leaders": an allegation, no step
        if token.dep_ in ("xcomp", "advcl") and any(c.lower_ == "to" for c in token.children) and (
                token.head.i in {m.head.i for m in mentions}):
            continue  # "summoned the envoy to protest the sanctions": the purpose of the summons
        mention = EventMention("DiplomaticAction", {kind}, token, token.text, sent)
        mention.habitual = ongoing(token)  # "have threatened dozens of vessels since November"
        _fill_diplomatic(mention, view, salience, attacks, pub)
        if token.dep_ == "conj" and token.head.i in {m.head.i for m in mentions}:
            # "recalled its envoy and warned ...": a coordinated action has the first one's actor
            first = next(m for m in mentions if m.head.i == token.head.i)
            if first.agents:
                mention.agents = [Role(r.key, r.token, r.confidence - 0.05) for r in first.agents]
        if mention.agents:
            shared_actor = mention.agents[0]
        elif shared_actor is not None:
            # "X condemned the attack ... and warned of ...": coordinated actions share the actor
            mention.agents.append(Role(shared_actor.key, shared_actor.token, 0.5))
        actor_states = {view.state_of(r.key) or r.key for r in mention.agents}
        mention.patients = [r for r in mention.patients if (view.state_of(r.key) or r.key) not in actor_states]
        if kind == "Demand" and lemma in lex["interstate_only"] and not any(
                view.type_of(r.key) in ("State", "GovernmentBody", "Official") and r.confidence >= 0.6
                for r in mention.patients):
            continue  # "urged calm", "called for an end to violence": an appeal, not a demand on a party
        mentions.append(mention)
    return mentions


def _accused_of(token: Token) -> bool:
    """Whether a word lies in what someone is accused or blamed of ("accused X of hosting ...")."""
    accusing = ("accuse", "blame", "charge", "suspect")
    for node in list(token.ancestors)[:5]:
        if node.dep_ == "prep" and node.lower_ in ("of", "for") and node.head.lemma_.lower() in (
                *accusing, "condemn", "criticize", "criticise"):
            return node.head.lemma_.lower() in accusing
        if node.dep_ == "prep" and node.lower_ == "by" and node.head.lemma_.lower() in accusing and any(
                c.dep_ == "prep" and c.lower_ in ("of", "for") for c in node.head.children):
            return True  # "accused X of meddling by hosting ...", the "by" hung on the verb
    return False


def _fill_diplomatic(mention: EventMention, view: EntityView, salience: Salience,
                     attacks: list[EventMention], pub: date | None) -> None:
    lex = load("diplomatic_lexicon")
    head = mention.head
    kind = next(iter(mention.types))
    if head.pos_ in ("VERB", "AUX"):
        speaker_verb = head.lemma_ in ("return", "leave", "pay")
        role = agent_of_verb(head, view, salience) if not speaker_verb else None
        if head.lemma_ == "pay":
            for subj in (c for c in head.children if c.dep_ == "nsubj"):
                key, tok = entity_of_phrase(subj, view)
                if key is not None:
                    mention.patients.append(Role(key, tok, 0.7))
        if role is None and speaker_verb:
            # "the ambassador should not return", said by the ministry: the speaker expels
            node = head
            while node.dep_ not in ("ccomp", "ROOT") and node.head.i != node.i:
                node = node.head
            if node.dep_ == "ccomp":
                role = agent_of_verb(node.head, view, salience)
    else:
        role = _agent_of_noun(head, view, salience, head.head if head.dep_ == "dobj" else None)
    group = distributive_subject(head, view) if head.pos_ in ("VERB", "AUX") and role is None else []
    if group:
        mention.agents.extend(group)  # "all three countries were recalling their ambassadors"
        role = group[0]
    elif role is not None and view.type_of(role.key) in DIPLOMATIC_ACTOR_TYPES | {"Place"}:
        mention.agents.append(role)
    actor_state = view.state_of(role.key) if role else None

    def add_recipient(key: str | None, tok: Token, confidence: float) -> None:
        if key is None or (actor_state and view.state_of(key) == actor_state) or (role and key == role.key):
            return
        if all(r.key != key for r in mention.patients):
            mention.patients.append(Role(key, tok, confidence))

    # an attack named as the object: its perpetrator is the recipient ("condemned the strikes")
    attack_heads = {a.head.i: a for a in attacks}
    scope = [t for t in head.subtree if t.i != head.i] if head.pos_ in ("VERB", "AUX") else list(head.subtree)
    for tok in scope:
        if tok.i in attack_heads and mention.about_attack is None and (
                tok.dep_ in ("dobj", "pobj", "nsubjpass") or (tok.dep_ == "nsubj" and tok.head.dep_ == "ccomp")):
            mention.about_attack = attack_heads[tok.i]  # "condemned the strikes", "warned the strikes would ..."
    envoy_words = lex["envoy_words"]
    objects = _objects(head) if head.pos_ in ("VERB", "AUX") else []
    if head.lemma_.lower() in ("ask", "tell", "order", "instruct", "request", "direct", "give", "return", "leave"):
        objects += [c for c in head.children if c.dep_ in ("dobj", "dative", "nsubj")]
    if kind in ("EnvoyRecall",):
        for _, pobj in prep_objects(head, {"from", "to", "in"}):
            key, tok = entity_of_phrase(pobj, view, place_as_state=True)
            add_recipient(key, tok or pobj, 0.8)
        for obj in objects:
            for _, pobj in prep_objects(obj, {"to", "in"}):
                key, tok = entity_of_phrase(pobj, view)
                add_recipient(key, tok or pobj, 0.75)
    else:
        for obj in objects:
            if _word_in(obj, envoy_words) or obj.lemma_.lower() in lex["visit_words"]:
                # "the Iranian ambassador", "Iran's envoy", "Iranian visits": the envoy's country
                for tok in phrase_tokens(obj):
                    hit = view.at(tok)
                    if hit is not None and tok.dep_ in ("amod", "poss", "compound", "nmod", "pobj"):
                        key = view.state_of(hit.key) or view.as_actor(hit)
                        add_recipient(key, tok, 0.8)
                        break
                continue
            key, tok = entity_of_phrase(obj, view)
            if key is not None:
                add_recipient(key, tok, 0.8)
            elif obj.lower_ in PRONOUNS:
                resolved = salience.resolve(obj)
                add_recipient(resolved, obj, 0.55)
        # the place an attack hit is not the recipient ("condemned the strikes on Yemen")
        holders = [head] + [o for o in objects if not _word_in(o, envoy_words) and o.i not in attack_heads]
        if head.pos_ in ("NOUN", "PROPN") and head.dep_ == "dobj":
            holders.append(head.head)  # "held talks with X", "issued a warning to X"
        for _, pobj in [pair for holder in holders for pair in prep_objects(
                holder, {"with", "from", "to", "against", "for", "on", "of", "between"})]:
            if pobj.i in attack_heads:
                continue
            key, tok = entity_of_phrase(pobj, view)
            add_recipient(key, tok or pobj, 0.75)
        attack_tokens = {t.i for i in attack_heads for t in head.doc[i].subtree}
        if not mention.patients:  # "warned of serious consequences for Iran"
            for tok in head.subtree:
                crosses = any(a.dep_ in ("conj", "ccomp", "advcl", "relcl") and a.pos_ in ("VERB", "AUX")
                              for a in tok.ancestors if a.i != head.i and head in a.ancestors)
                if crosses:
                    continue  # "condemned the attack and offered condolences to the Somali people"
                if tok.dep_ == "pobj" and tok.head.lower_ in ("for", "against", "to") and tok.i != head.i and (
                        tok.i not in attack_tokens):
                    key, hit_tok = entity_of_phrase(tok, view)
                    add_recipient(key, hit_tok or tok, 0.65)
    if not mention.patients and kind in ("Warning", "Demand") and head.pos_ in ("VERB", "AUX"):
        # "warned that Pakistan would face consequences": the one warned is the clause's subject
        for comp in (c for c in head.children if c.dep_ == "ccomp"):
            for subj in (c for c in comp.children if c.dep_ in ("nsubj", "nsubjpass")):
                key, tok = entity_of_phrase(subj, view)
                add_recipient(key, tok or subj, 0.65)
    if not mention.patients and kind == "Denial":
        # "X accused Y of arming the rebels - an accusation Y denies": the denial answers the accuser
        for verb in (t for t in mention.sent if t.lemma_.lower() in ("accuse", "blame", "allege") and t.i != head.i):
            role = agent_of_verb(verb, view, salience)
            if role is not None:
                add_recipient(role.key, role.token, min(role.confidence, 0.6))
                break
    if not mention.patients and kind not in ("Statement",):
        states = [h for h in hits_in(mention.sent, view) if h.type in ("State", "Place")]
        others = {view.state_of(h.key) for h in states} - {actor_state, None}
        if len(others) == 1 and mention.about_attack is None:
            key = others.pop()
            tok = next(mention.sent.doc[h.start] for h in states if view.state_of(h.key) == key)
            add_recipient(key, tok, 0.5)
    _attach_date(mention, _diplomatic_roots(head), set(), pub)
    if mention.date is None:
        # "Congo said on Saturday it had severed relations": the action is dated by its announcement
        node = head
        while node.dep_ not in ("ccomp", "ROOT") and node.head.i != node.i:
            node = node.head
        if node.dep_ == "ccomp" and node.head.lemma_.lower() in load("attribution_lexicon")["verbs"]:
            _attach_date(mention, [node.head], {node.i}, pub)
            mention.date_confidence = min(mention.date_confidence, 0.6)


def _diplomatic_roots(head: Token) -> list[Token]:
    """The trigger and the verbs it hangs from ("triggered a spat on Wednesday by recalling")."""
    roots = [head]
    node = head
    for _ in range(3):
        if node.dep_ in ("pcomp", "pobj", "xcomp", "advcl", "conj", "dobj", "prep") and node.head.i != node.i:
            node = node.head
            if node.pos_ in ("VERB", "AUX"):
                roots.append(node)
        else:
            break
    return roots
