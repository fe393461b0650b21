"""Extraction: a spaCy Doc of one article -> a :class:`DocumentExtraction` of entities, events and facts.

The publication date comes first (relative dates need it), then the entity index (the entity
engineer's :func:`kg.extract.entities.collect_entities`, read through :class:`EntityView`); then
the named document passes of :mod:`kg.extract.passes` run in order: the engine over the event-type
specs sentence by sentence, link lists and recaps set apart, mentions merged, casualties,
reactions, attackers and dates linked, parties split, and records and facts emitted, each citing
its sentence.
"""

from __future__ import annotations

from datetime import date
from functools import cache

import spacy
from spacy.tokens import Doc

from kg.config import Settings
from kg.extract.context import EntityView
from kg.extract.dates import infer_publication_date, url_date
from kg.extract.passes import Work, run
from kg.extract.roles import Salience
from kg.records import Document, DocumentExtraction

__all__ = ["extract", "publication_date"]


def publication_date(document: Document) -> tuple[date | None, str]:
    """The document's date and where it came from: "input" (metadata), "text" (inferred from the
    text, else from a day in the page's address) or "unknown"."""
    if document.meta.date is not None:
        return document.meta.date, "input"
    inferred = infer_publication_date(document.clean_text) or infer_publication_date(document.text)
    if inferred is None:
        inferred = url_date(document.meta.url)
    if inferred is not None:
        return inferred, "text"
    return None, "unknown"


@cache
def _lemmatizer(model: str):
    """The model's own rule lemmatizer, loaded alone (the NLP stage drops it for speed)."""
    keep = spacy.load(model, exclude=["tok2vec", "tagger", "parser", "ner", "senter", "attribute_ruler"])
    return keep.get_pipe("lemmatizer") if "lemmatizer" in keep.pipe_names else None


def _ensure_lemmas(doc: Doc) -> None:
    """Triggers are matched on lemmas ("struck" -> strike); fill them in if the pipeline did not."""
    if len(doc) == 0 or all(t.lemma_ for t in doc[:200] if t.is_alpha):
        return
    lemmatizer = _lemmatizer(Settings().spacy_model)
    if lemmatizer is not None:
        lemmatizer(doc)


def extract(document: Document, doc: Doc, index=None) -> DocumentExtraction:
    """Read entities, attacks, diplomatic actions and their facts out of one document.

    ``index`` is an already built entity index (tests pass a small one); by default it is made by
    :func:`kg.extract.entities.collect_entities`.
    """
    pub, source = publication_date(document)
    _ensure_lemmas(doc)
    if index is None:
        from kg.extract.entities import collect_entities

        index = collect_entities(document, doc)
    extraction = DocumentExtraction(document, pub, source, entities=list(index.records), facts=list(index.facts))
    view = EntityView(index, doc, document)
    run(Work(document, doc, view, Salience(view), pub, extraction))
    return extraction
