"""Stage 2: the spaCy pipeline (statistical NER + our entity signals and their arbiter).

``load_pipeline(settings)`` loads the model named by ``settings.spacy_model`` (all of it: the event
extractor reads the model's own lemmas) and adds our components, registered with ``@Language.factory``
in :mod:`kg.nlp.components`, so the whole pipeline is described by spaCy config: ``kg_line_breaks``
before the parser, then after ``ner`` the signals of :data:`kg.nlp.components.PIPELINE`, each writing
candidates to ``doc.spans``, and the arbiter ``kg_entities`` that settles them into ``doc.ents``.
After it, ``doc.ents`` carries our ontology labels (:data:`ENTITY_LABELS`) plus spaCy's
DATE/TIME/CARDINAL/ORDINAL/QUANTITY/MONEY/PERCENT, and every entity span exposes what is known about it
through ``span._.kg`` (see :func:`span_info`).

Nothing is cached globally per settings: each call builds a fresh Language; only the read-only
gazetteer resources (keyed by data directory and model) are shared.
"""

from __future__ import annotations

import spacy
from spacy.language import Language

from kg.config import Settings
from kg.nlp import sentences
from kg.nlp.components import ENTITY_LABELS, KEPT_SPACY_LABELS, PIPELINE, span_info

__all__ = ["ENTITY_LABELS", "KEPT_SPACY_LABELS", "load_pipeline", "span_info"]


def load_pipeline(settings: Settings | None = None, data_dir: str | None = None) -> Language:
    """The spaCy Language for ``settings.spacy_model`` with the entity components added."""
    settings = settings or Settings()
    nlp = spacy.load(settings.spacy_model)
    previous = "ner"
    for name in PIPELINE:
        nlp.add_pipe(name, after=previous, config={"data_dir": data_dir})
        previous = name
    nlp.add_pipe(sentences.COMPONENT, before="parser")  # headlines and blank lines end sentences
    return nlp
