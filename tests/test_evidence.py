"""Evidence sentences quote the article, never the boilerplate blanked around them."""

from kg.extract.evidence import sentence_evidence
from kg.ingest import make_document
from kg.records import DocumentMeta


def test_evidence_stops_where_the_article_stops(nlp):
    text = (
        "Rebels shelled the town of Kidal on Monday, killing five soldiers, the army said\n"
        "Source link\n\nCheck Also\n\nAnother story about a summit\n"
    )
    document = make_document("x.txt", text, DocumentMeta(source="x.txt"))
    doc = nlp(document.clean_text)
    evidence = sentence_evidence(document, doc[0], 0.8)
    assert evidence.sentence == "Rebels shelled the town of Kidal on Monday, killing five soldiers, the army said"
    assert text[evidence.start : evidence.end] == evidence.sentence
