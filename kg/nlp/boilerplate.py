"""Signal ``kg_boilerplate``: text that names nothing, written to ``doc.spans["kg_blocked"]``."""

from __future__ import annotations

from spacy.tokens import Doc

from kg.nlp.resources import Resources
from kg.nlp.spans import BLOCKED


class BoilerplateSignal:
    def __init__(self, res: Resources):
        self.res = res

    def __call__(self, doc: Doc) -> Doc:
        doc.spans[BLOCKED] = []
        return doc
