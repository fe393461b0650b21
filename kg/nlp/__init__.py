"""Stage 2: the spaCy pipeline (statistical NER + our gazetteer/pattern entity component).

``load_pipeline(settings)`` loads the model named by ``settings.spacy_model`` and appends the
``kg_entities`` component (registered with ``@Language.factory`` in :mod:`kg.nlp.components`), so the
whole pipeline is described by spaCy config. After it, ``doc.ents`` carries our ontology labels
(:data:`ENTITY_LABELS`) plus spaCy's DATE/TIME/CARDINAL/ORDINAL/QUANTITY/MONEY/PERCENT, and every
entity span exposes what is known about it through ``span._.kg`` (see :func:`span_info`).

Nothing is cached globally per settings: each call builds a fresh Language; only the read-only
gazetteer (keyed by data directory) is shared.
"""

from __future__ import annotations

import spacy
from spacy.language import Language

from kg.config import Settings
from kg.nlp import sentences
from kg.nlp.components import ENTITY_LABELS, KEPT_SPACY_LABELS, span_info

__all__ = ["ENTITY_LABELS", "KEPT_SPACY_LABELS", "load_pipeline", "span_info"]

# components of the sm model we do not need: dropping them keeps throughput up
_UNUSED = ("lemmatizer",)


def load_pipeline(settings: Settings | None = None, data_dir: str | None = None) -> Language:
    """The spaCy Language for ``settings.spacy_model`` with the ``kg_entities`` component added."""
    settings = settings or Settings()
    nlp = spacy.load(settings.spacy_model, exclude=list(_UNUSED))
    nlp.add_pipe("kg_entities", after="ner", config={"data_dir": data_dir})
    nlp.add_pipe(sentences.COMPONENT, before="parser")  # headlines and blank lines end sentences
    return nlp
