"""Signal ``kg_gazetteer``: names the lists know, written to ``doc.spans["kg_gazetteer"]``.

States by name, demonym or capital (a capital after a locative word is the city: "from Tehran"), armed
groups, bodies, media and organizations (context-only aliases need a group word, parentheses or the
NER's agreement), generic bodies with the State they belong to ("Pakistan's Foreign Ministry"),
regions and seas, multiword places. Also sets ``doc._.kg_context``: how much the text speaks of each
State (a neighbour of a named State counts a little), which the place linkers weigh.

Each candidate's ``rule`` names the list it came from.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

from kg.nlp import cues
from kg.nlp.places import province_next
from kg.nlp.resources import Resources
from kg.nlp.spans import PRIORITY_GAZ, Candidate, blocked_tokens, write

GROUP = "kg_gazetteer"
NEIGHBOUR_WEIGHT = 0.3  # a neighbour of a mentioned state: 'Gaza' near Israel
NAMED_LABELS = {"group": "ArmedGroup", "body": "GovernmentBody", "media": "MediaOrganization", "org": "Organization"}
RULES = {"N": "named list", "C": "named list (context alias)", "B": "bodies.tsv (generic)", "R": "regions.tsv",
         "P": "places (multiword)"}


def state_info(res: Resources, iso2: str, how: str) -> dict:
    state = res.gaz.states[iso2]
    ids = {"wikidata": state.wikidata, "iso3166": iso2}
    if state.geonames:
        ids["geonames"] = state.geonames
    return {"state": iso2, "how": how, "canonical": state.name, "ids": ids, "source": "gazetteer",
            "confidence": 0.95 if how != "capital" else 0.85, "rule": f"states.tsv ({how})"}


def named_candidate(info, start: int, end: int, rule: str) -> Candidate:
    ids = {"wikidata": info.wikidata} if info.wikidata else {}
    data = {"canonical": info.canonical, "ids": ids, "source": "gazetteer", "confidence": 0.95, "rule": rule}
    if info.states and info.kind == "body":
        data["state"] = info.states[0]
    elif info.states:
        data["home"] = list(info.states)
    return Candidate(start, end, NAMED_LABELS[info.kind], PRIORITY_GAZ, data)


class GazetteerSignal:
    def __init__(self, res: Resources):
        self.res = res
        self.gaz = res.gaz

    def __call__(self, doc: Doc) -> Doc:
        blocked = blocked_tokens(doc)
        matches = [m for m in self.res.names.find(doc) if not blocked.intersection(range(m[1], m[2]))]
        ner_at = {i: ent for ent in doc.ents for i in range(ent.start, ent.end)}
        cands, context, states_by_end = self._states(doc, matches, ner_at)
        for iso2 in list(context):
            for other in self.gaz.neighbours.get(iso2, ()):
                if other not in context:
                    context[other] = NEIGHBOUR_WEIGHT
        for key, start, end in matches:
            cand = self._other(doc, key, start, end, ner_at, context, states_by_end)
            if cand is not None:
                cands.append(cand)
        doc._.kg_context = context
        write(doc, GROUP, cands)
        return doc

    def _states(self, doc: Doc, matches, ner_at: dict[int, Span]):
        cands: list[Candidate] = []
        context: dict[str, float] = {}
        states_by_end: dict[int, Candidate] = {}
        for key, start, end in matches:
            if not key.startswith("S|"):
                continue
            _, iso2, how = key.split("|")
            if cues.inside_ner_name(self.gaz, ner_at.get(start), start, end):
                continue  # "Foreign Minister Israel Katz", "Puerto Jordan": a longer name
            cand = Candidate(start, end, "State", PRIORITY_GAZ, state_info(self.res, iso2, how))
            if how == "capital" and cues.locative(doc, start, end):
                place = self.gaz.best_place(doc[start:end].text, {iso2: 100.0})
                info = {**self.res.linker.place_info(place, "gazetteer"), "rule": "states.tsv (capital as place)"}
                cand = Candidate(start, end, "Place", PRIORITY_GAZ, info)
            else:
                context[iso2] = context.get(iso2, 0.0) + 1.0
                states_by_end[end] = cand
            cands.append(cand)
        return cands, context, states_by_end

    def _other(self, doc: Doc, key: str, start: int, end: int, ner_at, context, states_by_end) -> Candidate | None:
        kind = key[0]
        if kind in "NC":
            return self._named(doc, key, start, end, ner_at)
        if kind == "B":
            return self._generic_body(doc, self.gaz.generic_bodies[int(key[2:])], start, end, states_by_end)
        linker = self.res.linker
        if kind == "R":
            place = self.gaz.places[key[2:]]
            if province_next(doc, end):
                place = self.gaz.best_place(doc[start:end].text, context, True) or place
            return Candidate(start, end, "Place", PRIORITY_GAZ,
                             {**linker.place_info(place, "gazetteer"), "rule": RULES["R"]})
        if kind == "P":
            place = self.gaz.best_place(doc[start:end].text, context, province_next(doc, end))
            if place:
                return Candidate(start, end, "Place", PRIORITY_GAZ,
                                 {**linker.place_info(place, "gazetteer"), "rule": RULES["P"]})
        return None

    def _named(self, doc: Doc, key: str, start: int, end: int, ner_at) -> Candidate | None:
        info = self.gaz.named[int(key[2:])]
        if (key[0] == "C" and not cues.context_ok(self.gaz, doc, start, end)) or cues.in_compound(doc, start, end):
            return None
        ent = ner_at.get(start) or ner_at.get(end - 1)
        if info.kind in ("media", "org") and ent is not None and (
                (ent.end > end and doc[end].is_title) or (ent.start < start and doc[start - 1].is_title
                                                           and doc[start - 1].lower_ != "the")):
            # "The National Electoral Council" is no newspaper called The National, and the
            # "National Security Council" is not the (UN) Security Council
            return None
        return named_candidate(info, start, end, RULES[key[0]])

    def _generic_body(self, doc: Doc, body, start: int, end: int, states_by_end) -> Candidate | None:
        """'Pakistan's Foreign Ministry', 'the Pakistani military', or a capitalised 'Foreign Office'."""
        before = states_by_end.get(start)
        if before is None and start >= 1 and doc[start - 1].text in self.res.words.possessive:
            before = states_by_end.get(start - 1)
        state = before.info["state"] if before is not None else None
        text = doc[start:end].text
        # "China Coast Guard", "the Chinese coast guard": news names the body with its State in front
        written = doc[before.start:end].text if before is not None and before.end in (start, start - 1) else None
        if state is None and not (text[0].isupper() and end - start >= 2):
            return None
        default = None if state else dict(body.default_states).get(cues.norm(text))
        if state is None and default is None:
            default = _subject_state_before(doc, start, states_by_end)
        confidence = 0.85 if state else 0.7 if default else 0.6
        data = {"source": "pattern", "confidence": confidence, "generic": body.canonical, "rule": RULES["B"]}
        state = state or default
        if state:
            data["state"] = state
            data["canonical"] = body.canonical.replace("{state}", self.gaz.states[state].name)
        if written:
            data["written"] = written
        return Candidate(start, end, "GovernmentBody", PRIORITY_GAZ, data)


def _subject_state_before(doc: Doc, start: int, states_by_end: dict[int, Candidate]) -> str | None:
    """'Russia said it had asked for a meeting. Foreign ministry spokeswoman X said ...': a body the text
    gives no state for belongs to the State that is the subject of this or the previous sentence."""
    sent = doc[start].sent
    since = doc[sent.start - 1].sent.start if sent.start > 0 else sent.start
    best = None
    for end, cand in states_by_end.items():
        if since <= cand.start and end <= start and doc[end - 1].dep_ in ("nsubj", "nsubjpass") \
                and (best is None or cand.start > best.start):
            best = cand
    return best.info["state"] if best is not None else None
