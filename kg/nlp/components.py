"""The entity components of the pipeline, registered with ``@Language.factory``.

After spaCy's ``ner`` come the signals, each writing candidates to its own span group, and one arbiter
(see ``kg/nlp/README.md`` for the layout):

=====================  =========================  =====================================================
component              writes                     what
=====================  =========================  =====================================================
``kg_boilerplate``     ``doc.spans["kg_blocked"]`` lines and words that name nothing (share bars, "Most
                                                  Read", bylines, photo credits, headline nouns)
``kg_gazetteer``       ``kg_gazetteer``, context  names the lists know (:mod:`.signal_gazetteer`)
``kg_sites``           ``kg_sites``               named sites and features (:mod:`.signal_sites`)
``kg_officials``       ``kg_officials``           names with titles of office (:mod:`.signal_officials`)
``kg_patterns``        ``kg_patterns``            Matcher patterns of ``data/patterns.json``
``kg_groups``          ``kg_groups``              groups news introduces by acronym or head word
``kg_ner_repair``      ``kg_ner``                 the NER's spans, retyped and linked
``kg_entities``        ``doc.ents``, ``kg_info``  the arbiter: settles overlaps (:mod:`.arbiter`)
=====================  =========================  =====================================================

``doc.ents`` then carries the ontology class local names (:data:`ENTITY_LABELS`) plus spaCy's
numeric and temporal labels (:data:`KEPT_SPACY_LABELS`), and ``span._.kg`` what is known about each
entity span (:func:`span_info`).
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from kg.nlp.arbiter import KEPT_SPACY_LABELS, Arbiter
from kg.nlp.boilerplate import BoilerplateSignal
from kg.nlp.cues import common_words
from kg.nlp.resources import resources
from kg.nlp.signal_gazetteer import GazetteerSignal
from kg.nlp.signal_groups import GroupSignal
from kg.nlp.signal_ner import NerSignal
from kg.nlp.signal_officials import OfficialsSignal
from kg.nlp.signal_patterns import PatternSignal
from kg.nlp.signal_sites import SiteSignal
from kg.nlp.spans import GROUPS, Candidate, register_extensions, span_info

__all__ = ["ENTITY_LABELS", "KEPT_SPACY_LABELS", "PIPELINE", "Candidate", "span_info"]

ENTITY_LABELS = ("State", "ArmedGroup", "Person", "Official", "GovernmentBody", "MediaOrganization",
                 "Organization", "Place")
#: The entity components in pipeline order, all after ``ner``.
PIPELINE = ("kg_boilerplate", "kg_gazetteer", "kg_sites", "kg_officials", "kg_patterns", "kg_groups",
            "kg_ner_repair", "kg_entities")
_CONFIG = {"data_dir": None, "fuzzy_threshold": 88.0}


class _Component:
    """A signal as a pipeline component: ``gaz`` and ``res`` are the shared, read-only resources."""

    def __init__(self, signal, res):
        register_extensions()
        self.signal = signal
        self.res = res
        self.gaz = res.gaz

    def __call__(self, doc: Doc) -> Doc:
        return self.signal(doc)


def _factory(name: str, assigns: list[str], make):
    @Language.factory(name, default_config=dict(_CONFIG), requires=["doc.ents", "token.pos"], assigns=assigns)
    def create(nlp: Language, name: str, data_dir: str | None, fuzzy_threshold: float) -> _Component:
        res = resources(nlp, data_dir, fuzzy_threshold)
        return _Component(make(nlp, res), res)

    return create


make_boilerplate = _factory("kg_boilerplate", ["doc.spans"], lambda nlp, res: BoilerplateSignal(res))
make_gazetteer = _factory("kg_gazetteer", ["doc.spans", "doc._.kg_context"], lambda nlp, res: GazetteerSignal(res))
make_sites = _factory("kg_sites", ["doc.spans"], lambda nlp, res: SiteSignal(res))
make_officials = _factory("kg_officials", ["doc.spans"], lambda nlp, res: OfficialsSignal(res))
make_patterns = _factory("kg_patterns", ["doc.spans"], lambda nlp, res: PatternSignal(nlp, res))
make_groups = _factory("kg_groups", ["doc.spans"], lambda nlp, res: GroupSignal(res))
make_ner_repair = _factory("kg_ner_repair", ["doc.spans"], lambda nlp, res: NerSignal(res, common_words(nlp)))


@Language.factory("kg_entities", default_config={**_CONFIG, "priorities": dict(GROUPS)},
                  requires=["doc.spans"], assigns=["doc.ents", "doc._.kg_info"])
def make_kg_entities(nlp: Language, name: str, data_dir: str | None, fuzzy_threshold: float,
                     priorities: dict[str, int]) -> _Component:
    """The arbiter; ``priorities`` (span group -> rank) is part of the pipeline's config."""
    res = resources(nlp, data_dir, fuzzy_threshold)
    return _Component(Arbiter(res, priorities, common_words(nlp)), res)
