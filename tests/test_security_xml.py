"""No way out through XML: external entities, DTDs and entity expansion on every XML/HTML parse path.

The paths that parse markup we did not write: ``kg build`` HTML ingest (trafilatura over lxml), and
RDF loaded by ``KGStore.load_quads`` (``kg serve/query/export/validate --data FILE``: RDF/XML, and
JSON-LD with its remote ``@context``). The server's update path takes SPARQL text only (Oxigraph's
SPARQL parser, no XML). Each attack must be refused or neutralised quickly, reading no local file
and making no connection (a listener on a loopback port named by the attack sees any attempt).
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg.config import REPO_ROOT, Settings
from kg.ingest import read_inputs
from kg.records import Document
from kg.store import KGStore, StoreError

SECRET = "CANARY-7d1f0c"
RDF_HEAD = (
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">'
    '<rdf:Description rdf:about="http://example.org/s"><ex:p>'
)
RDF_TAIL = "</ex:p></rdf:Description></rdf:RDF>"
LAUGHS = '<!ENTITY a "xxxxxxxxxx">' + "".join(
    f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8)
)  # &i; = 10^9 characters


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text(SECRET, encoding="utf-8")
    return path


def rdfxml(dtd: str, body: str) -> str:
    return f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [{dtd}]>\n{RDF_HEAD}{body}{RDF_TAIL}'


def attacks(secret: Path, port: int) -> dict[str, tuple[str, str]]:
    """name -> (RDF/XML text, words the refusal must use)."""
    return {
        "file": (rdfxml(f'<!ENTITY f SYSTEM "file://{secret}">', "&f;"), "external entity"),
        "net": (rdfxml(f'<!ENTITY n SYSTEM "http://127.0.0.1:{port}/e">', "&n;"), "external entity"),
        "public": (rdfxml(f'<!ENTITY n PUBLIC "-//X//Y" "http://127.0.0.1:{port}/p">', "&n;"), "external entity"),
        "param": (rdfxml(f'<!ENTITY % p SYSTEM "http://127.0.0.1:{port}/p.dtd"> %p;', "x"), "external entity"),
        "laughs": (rdfxml(LAUGHS, "&i;"), "entity-expansion"),
        "quadratic": (rdfxml(f'<!ENTITY big "{"y" * 50_000}">', "&big;" * 50_000), "expand"),
    }


@pytest.mark.parametrize("name", ["file", "net", "public", "param", "laughs", "quadratic"])
def test_rdfxml_entity_attacks_are_refused_by_load_quads(tmp_path, secret_file, listener, name):
    text, words = attacks(secret_file, listener.getsockname()[1])[name]
    path = tmp_path / f"{name}.rdf"
    path.write_text(text, encoding="utf-8")
    store = KGStore()
    started = time.perf_counter()
    with pytest.raises((StoreError, SyntaxError)) as refused:
        store.load_quads(path)
    assert time.perf_counter() - started < 5  # Oxigraph alone spends ~50 s and 1 GB on "laughs"
    assert len(store) == 0 and SECRET not in str(refused.value)
    if isinstance(refused.value, StoreError):
        assert words in str(refused.value) and path.name in str(refused.value)
    assert not listener.connected()


def test_rdfxml_with_harmless_internal_entities_still_loads(tmp_path):
    """OWL files declare namespaces as entities; those keep working."""
    path = tmp_path / "onto.rdf"
    path.write_text(rdfxml('<!ENTITY ex "http://example.org/">', "&ex;thing"), encoding="utf-8")
    store = KGStore()
    store.load_quads(path)
    assert [q.object.value for q in store.ox.quads_for_pattern(None, None, None, None)] == ["http://example.org/thing"]


def test_jsonld_remote_context_is_not_fetched(tmp_path, listener):
    port = listener.getsockname()[1]
    path = tmp_path / "remote.jsonld"
    doc = {"@context": f"http://127.0.0.1:{port}/ctx.jsonld", "@id": "http://example.org/s", "p": "v"}
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises((StoreError, SyntaxError), match="remote context"):
        KGStore().load_quads(path)
    assert not listener.connected()


def test_kg_commands_given_hostile_rdfxml_fail_in_one_line_without_reading_it(tmp_path, secret_file, listener):
    """``--data`` on the command line (the same door as ``kg serve --data``)."""
    text, _ = attacks(secret_file, listener.getsockname()[1])["laughs"]
    evil = tmp_path / "evil.rdf"
    evil.write_text(text, encoding="utf-8")
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "kg.cli", "query", "ASK { ?s ?p ?o }", "--data", str(evil)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO_ROOT,
    )
    assert result.returncode == 2, result.stderr
    assert "entity-expansion" in result.stderr and "Traceback" not in result.stderr
    assert time.perf_counter() - started < 60


@pytest.mark.parametrize("prolog", ['<?xml version="1.0"?>\n', ""])
def test_html_ingest_resolves_no_entities(tmp_path, secret_file, listener, prolog):
    port = listener.getsockname()[1]
    dtd = (
        f'<!DOCTYPE html [<!ENTITY f SYSTEM "file://{secret_file}"><!ENTITY n SYSTEM '
        f'"http://127.0.0.1:{port}/x">{LAUGHS}]>'
    )
    body = (
        "<p>Officials said a drone strike hit a fuel depot on Monday, killing four people, the governor "
        "said in a statement. &f; &n; &i;</p>"
    ) * 3
    (tmp_path / "page.html").write_text(
        f"{prolog}{dtd}<html><head><title>Depot hit</title></head><body><article>{body}</article></body></html>",
        encoding="utf-8",
    )
    started = time.perf_counter()
    items = list(read_inputs([tmp_path / "page.html"], Settings()))
    assert time.perf_counter() - started < 10
    texts = [i.text for i in items if isinstance(i, Document)]
    assert len(texts) == 1 and "drone strike" in texts[0]
    assert SECRET not in texts[0] and "xxxxxxxxxx" not in texts[0] and len(texts[0]) < 2_000
    assert not listener.connected()


XML_FORMATS = {"xml", "application/rdf+xml", "pretty-xml", "trix", "rdfxml"}


def test_no_rdflib_xml_parser_in_the_package():
    """rdflib's RDF/XML parser has no entity-expansion limit of its own (a laughs file costs minutes);
    every RDF the package reads goes through Oxigraph after ``kg.store.xmlguard``. Guard that."""
    offenders = []
    for path in sorted((REPO_ROOT / "kg").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "parse":
                for kw in node.keywords:
                    if kw.arg == "format" and isinstance(kw.value, ast.Constant) and kw.value.value in XML_FORMATS:
                        offenders.append(f"{path.relative_to(REPO_ROOT)}:{node.lineno}")
    assert not offenders, f"rdflib RDF/XML parsing needs the entity guard: {offenders}"
