"""No way out through XML: external entities, DTDs and entity expansion on every XML/HTML parse path.

The paths that parse markup we did not write: ``kg build`` HTML ingest (trafilatura over lxml), and
RDF loaded by ``KGStore.load_quads`` (``kg serve/query/export/validate/eval --data FILE``: RDF/XML, and
JSON-LD with its remote ``@context``). The server's update path takes SPARQL text only (Oxigraph's
SPARQL parser, no XML). Each attack must be refused or neutralised quickly, reading no local file
and making no connection (a listener on a loopback port named by the attack sees any attempt).

RDF/XML is read once, by lxml, and Oxigraph parses lxml's re-serialisation (``kg.store.xmlguard``). A
screen in front of Oxigraph used to disagree with it on malformed prologs and let bombs through, so the
cases here are generated: prolog mutations (the ones that got through, and more) x entity shapes, for
``load_quads`` and for every command that takes ``--data``; a seeded generator stacks random mutations
(``-m slow``: 1,200 of them; a CI-size 120 in the default run). The rule for each case: refused with one
line naming the file, or loaded with no literal longer than the file itself (no expansion at all).
"""

from __future__ import annotations

import ast
import json
import random
import subprocess
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from kg.config import REPO_ROOT, Settings
from kg.ingest import read_inputs
from kg.records import Document
from kg.store import KGStore, StoreError

SECRET = "CANARY-7d1f0c"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDF_HEAD = (
    f'<rdf:RDF xmlns:rdf="{RDF_NS}" xmlns:ex="http://example.org/">'
    '<rdf:Description rdf:about="http://example.org/s"><ex:p>'
)
RDF_TAIL = "</ex:p></rdf:Description></rdf:RDF>"


def laughs(levels: int) -> str:
    """``&l{levels};`` expands to 10 ** (levels + 1) characters."""
    return '<!ENTITY l0 "xxxxxxxxxx">' + "".join(
        f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, levels + 1)
    )


LAUGHS = laughs(8)  # &l8; = 10^9 characters


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
        "laughs": (rdfxml(LAUGHS, "&l8;"), "entities"),
        "quadratic": (rdfxml(f'<!ENTITY big "{"y" * 50_000}">', "&big;" * 50_000), "entities"),
    }


@pytest.mark.parametrize("name", ["file", "net", "public", "param", "laughs", "quadratic"])
def test_rdfxml_entity_attacks_are_refused_by_load_quads(tmp_path, secret_file, listener, name):
    text, words = attacks(secret_file, listener.getsockname()[1])[name]
    path = tmp_path / f"{name}.rdf"
    path.write_text(text, encoding="utf-8")
    store = KGStore()
    started = time.perf_counter()
    with pytest.raises(StoreError) as refused:
        store.load_quads(path)
    assert time.perf_counter() - started < 5  # Oxigraph alone spends ~50 s and 1 GB on "laughs"
    assert len(store) == 0 and SECRET not in str(refused.value)
    assert words in str(refused.value) and "refused" in str(refused.value) and path.name in str(refused.value)
    assert not listener.connected()


def test_rdfxml_declaring_any_entity_is_refused_even_a_namespace_shorthand(tmp_path):
    """RDF/XML needs no entities; OWL tools once wrote ``&ex;`` for namespaces, but allowing "harmless"
    ones means judging which are harmless, which is the second opinion that let bombs through."""
    path = tmp_path / "onto.rdf"
    path.write_text(rdfxml('<!ENTITY ex "http://example.org/">', "&ex;thing"), encoding="utf-8")
    with pytest.raises(StoreError, match=r"declares entities \(ex\).*refused"):
        KGStore().load_quads(path)


def _objects(store: KGStore) -> list[str]:
    return sorted(q.object.value for q in store.ox.quads_for_pattern(None, None, None, None))


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("plain", f'<?xml version="1.0"?>\n{RDF_HEAD}v{RDF_TAIL}'.encode()),
        ("no-declaration", f"{RDF_HEAD}v{RDF_TAIL}".encode()),
        ("bom", b"\xef\xbb\xbf" + f'<?xml version="1.0" encoding="UTF-8"?>{RDF_HEAD}v{RDF_TAIL}'.encode()),
        ("utf-16", f'<?xml version="1.0" encoding="UTF-16"?>{RDF_HEAD}v{RDF_TAIL}'.encode("utf-16")),
        ("element-only-dtd", f"<!DOCTYPE rdf:RDF [<!ELEMENT rdf:RDF ANY>]>{RDF_HEAD}v{RDF_TAIL}".encode()),
        ("comment-and-pi", f"<!-- c --><?pi x?>{RDF_HEAD}v<!-- in --><?pi y?>{RDF_TAIL}".encode()),
    ],
)
def test_rdfxml_without_entities_loads_whatever_its_prolog(tmp_path, name, data):
    path = tmp_path / f"{name}.rdf"
    path.write_bytes(data)
    store = KGStore()
    store.load_quads(path)
    assert _objects(store) == ["v"]


def test_oxigraph_parses_what_lxml_read_not_the_raw_file(tmp_path):
    """Oxigraph's own RDF/XML parser refuses every encoding but UTF-8; an ISO-8859-1 file loads, so
    what Oxigraph parsed was lxml's UTF-8 re-serialisation: one reading of the document."""
    import pyoxigraph as ox

    data = f'<?xml version="1.0" encoding="ISO-8859-1"?>{RDF_HEAD}Bogotá{RDF_TAIL}'.encode("latin-1")
    path = tmp_path / "latin1.rdf"
    path.write_bytes(data)
    with pytest.raises(SyntaxError):
        list(ox.parse(data, format=ox.RdfFormat.RDF_XML))
    store = KGStore()
    store.load_quads(path)
    assert _objects(store) == ["Bogotá"]
    store.load_quads(path)  # a second load goes through ox.parse (store not empty): same reading
    assert len(store) == 1


def test_the_rewritten_rdfxml_means_what_the_file_means():
    """The package's own ontology as RDF/XML (xml:base, default namespace, datatypes, languages) loads,
    through lxml's re-serialisation, to the same triples as its Turtle twin (blank nodes aside)."""
    import pyoxigraph as ox

    def ground(path: Path) -> tuple[int, set[str]]:
        store = KGStore()
        store.load_quads(path)
        quads = list(store.ox.quads_for_pattern(None, None, None, None))
        blank = (ox.BlankNode,)
        return len(quads), {str(q.triple) for q in quads
                            if not isinstance(q.subject, blank) and not isinstance(q.object, blank)}

    owl = ground(REPO_ROOT / "ontology" / "conflict-kg.owl")
    assert owl[0] > 100 and owl == ground(REPO_ROOT / "ontology" / "conflict-kg.ttl")


def test_an_external_dtd_is_never_fetched_and_entities_it_would_declare_are_refused(tmp_path, listener):
    port = listener.getsockname()[1]
    path = tmp_path / "ext.rdf"
    path.write_text(f'<!DOCTYPE rdf:RDF SYSTEM "http://127.0.0.1:{port}/x.dtd">{RDF_HEAD}v{RDF_TAIL}')
    store = KGStore()
    store.load_quads(path)  # no entity used: the DOCTYPE is dropped, nothing fetched
    assert _objects(store) == ["v"]
    for body, attribute in (("&x;", ""), ("v", ' ex:q="&x;"')):
        head = RDF_HEAD.replace('/s"', '/s"' + attribute)
        path.write_text(f'<!DOCTYPE rdf:RDF SYSTEM "http://127.0.0.1:{port}/x.dtd">{head}{body}{RDF_TAIL}')
        with pytest.raises(StoreError, match="does not declare"):
            KGStore().load_quads(path)
    assert not listener.connected()


def test_a_local_external_dtd_is_not_even_opened(tmp_path):
    """A DOCTYPE naming a local DTD file: libxml2 must not open it (a FIFO there would block forever, and
    the entities it declares would count as declared). A parser option that looks unrelated
    (lxml's ``collect_ids=False``) once turned that loading on."""
    import os
    import signal

    fifo = tmp_path / "ext.dtd"
    os.mkfifo(fifo)
    declaring = tmp_path / "declares.dtd"
    declaring.write_text('<!ENTITY x "FROM-THE-DTD">')
    path = tmp_path / "local.rdf"
    previous = signal.signal(signal.SIGALRM, lambda *_: pytest.fail("the external DTD (a FIFO) was opened"))
    signal.alarm(10)
    try:
        for dtd, body in ((fifo, "v"), (declaring, "v"), (declaring, "&x;")):
            path.write_text(f'<!DOCTYPE rdf:RDF SYSTEM "{dtd}">{RDF_HEAD}{body}{RDF_TAIL}')
            store = KGStore()
            if body == "v":
                store.load_quads(path)
                assert _objects(store) == ["v"]
            else:
                with pytest.raises(StoreError, match="does not declare"):
                    store.load_quads(path)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_literal_and_input_sizes_are_bounded_with_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("KG_MAX_LITERAL_CHARS", "1000")
    path = tmp_path / "big.rdf"
    path.write_text(f"{RDF_HEAD}{'w' * 1001}{RDF_TAIL}")
    with pytest.raises(StoreError, match=r"literal .* of 1,001 characters, over the limit of 1,000 "
                                         r"\(KG_MAX_LITERAL_CHARS\)"):
        KGStore().load_quads(path)
    path.write_text(f"{RDF_HEAD.replace('<ex:p>', '')[:-1]} ex:p=\"{'w' * 1001}\"/></rdf:RDF>")
    with pytest.raises(StoreError, match="attribute .*over the limit"):
        KGStore().load_quads(path)
    monkeypatch.setenv("KG_MAX_LITERAL_CHARS", "100000")
    monkeypatch.setenv("KG_MAX_RDFXML_BYTES", "500")
    path.write_text(f"{RDF_HEAD}{'w' * 600}{RDF_TAIL}")
    with pytest.raises(StoreError, match=r"over 500 bytes \(KG_MAX_RDFXML_BYTES\).*N-Quads"):
        KGStore().load_quads(path)


def test_jsonld_remote_context_is_not_fetched(tmp_path, listener):
    port = listener.getsockname()[1]
    path = tmp_path / "remote.jsonld"
    doc = {"@context": f"http://127.0.0.1:{port}/ctx.jsonld", "@id": "http://example.org/s", "p": "v"}
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(StoreError, match="remote @context.*refused") as refused:
        KGStore().load_quads(path)
    assert path.name in str(refused.value)
    assert not listener.connected()


# -- generated cases: prolog mutations x entity shapes ----------------------------------------------
@dataclass(frozen=True)
class Prolog:
    """The parts of a document before and around its body, each of which a mutation may change."""

    bom: bytes = b""
    declaration: str = '<?xml version="1.0"?>'
    before_doctype: str = "\n"
    doctype_name: str = "rdf:RDF"
    external_id: str = ""
    subset_before: str = ""  # inside [ ], before the entity declarations
    subset_after: str = ""
    after_doctype: str = "\n"
    second_doctype: bool = False
    before_root: str = ""
    newline: str = "\n"
    encoding: str = "utf-8"


MUTATIONS: dict[str, dict] = {  # name -> the fields it changes (the first eight got past the old screen)
    "well-formed": {},
    "standalone-maybe": {"declaration": '<?xml version="1.0" standalone="maybe"?>'},
    "space-before-declaration": {"declaration": ' <?xml version="1.0"?>'},
    "double-dash-in-comment": {"before_doctype": "\n<!-- a -- b -->\n"},
    "bad-element-declaration": {"subset_before": "<!ELEMENT rdf:RDF (((>"},
    "junk-before-entities": {"subset_before": "junk ]] <x> &amp;"},
    "bad-doctype-name": {"doctype_name": "1bad name"},
    "two-doctypes": {"second_doctype": True},
    "undeclared-prefix-first": {"doctype_name": "nope:RDF"},
    "undeclared-element-prefix": {"before_root": "<nope:x/>"},
    "no-declaration": {"declaration": ""},
    "utf8-bom": {"bom": b"\xef\xbb\xbf"},
    "utf16": {"declaration": '<?xml version="1.0" encoding="UTF-16"?>', "encoding": "utf-16"},
    "latin1": {"declaration": '<?xml version="1.0" encoding="ISO-8859-1"?>', "encoding": "latin-1"},
    "bogus-encoding": {"declaration": '<?xml version="1.0" encoding="x-bogus-enc"?>'},
    "version-1.1": {"declaration": '<?xml version="1.1"?>'},
    "comment-before-doctype": {"before_doctype": "\n<!-- note -->\n"},
    "pi-before-doctype": {"before_doctype": "\n<?style x?>\n"},
    "crlf": {"newline": "\r\n"},
    "lowercase-doctype": {},  # render() writes <!doctype
    "external-subset-too": {"external_id": ' SYSTEM "http://127.0.0.1:9/x.dtd"'},
    "public-subset-too": {"external_id": ' PUBLIC "-//W3C//DTD X//EN" "http://127.0.0.1:9/x.dtd"'},
    "attlist-first": {"subset_before": '<!ATTLIST rdf:RDF x CDATA "d">'},
    "doctype-after-root-junk": {"after_doctype": "\n<?pi?>\n<!-- -->\n"},
    "whitespace-in-doctype": {"doctype_name": "  rdf:RDF  "},
}
LOWERCASE = {"lowercase-doctype"}


def render(prolog: Prolog, entities: str, body: str, lowercase: bool = False) -> bytes:
    subset = f" [{prolog.subset_before}{entities}{prolog.subset_after}]" if entities else ""
    keyword = "<!doctype" if lowercase else "<!DOCTYPE"
    doctype = f"{keyword} {prolog.doctype_name}{prolog.external_id}{subset}>"
    if prolog.second_doctype:
        doctype += doctype
    text = (f"{prolog.declaration}{prolog.before_doctype}{doctype}{prolog.after_doctype}{prolog.before_root}"
            f"{RDF_HEAD}{body}{RDF_TAIL}").replace("\n", prolog.newline)
    return prolog.bom + text.encode(prolog.encoding, errors="replace")


def shapes(port: int, secret: Path) -> dict[str, tuple[str, str]]:
    """name -> (entity declarations, body using them)."""
    return {
        "nested-8": (LAUGHS, "&l8;"),
        "nested-5": (laughs(5), "&l5;"),  # 10^6 characters: under any amplification limit of a lax parser
        "quadratic": (f'<!ENTITY big "{"y" * 20_000}">', "&big;" * 2_000),
        "file": (f'<!ENTITY f SYSTEM "file://{secret}">', "&f;"),
        "http": (f'<!ENTITY n SYSTEM "http://127.0.0.1:{port}/e">', "&n;"),
        "public": (f'<!ENTITY n PUBLIC "-//X//Y" "http://127.0.0.1:{port}/p">', "&n;"),
        "parameter-external": (f'<!ENTITY % p SYSTEM "http://127.0.0.1:{port}/p.dtd"> %p;', "x"),
        "parameter-nested": ('<!ENTITY % d "<!ENTITY l0 \'xxxxxxxxxx\'><!ENTITY l1 \'&#38;l0;&#38;l0;&#38;l0;\'>"> %d;',
                             "&l1;"),
        "in-attribute": (laughs(5), "v</ex:p><ex:q rdf:resource=\"http://example.org/&l5;\"/><ex:p>"),
        "namespace-shorthand": ('<!ENTITY ex "http://example.org/">', "&ex;thing"),
    }


@dataclass
class Outcome:
    refused: bool
    message: str
    longest_literal: int
    seconds: float


def load(path: Path) -> Outcome:
    store = KGStore()
    started = time.perf_counter()
    try:
        store.load_quads(path)
    except StoreError as exc:
        return Outcome(True, str(exc), 0, time.perf_counter() - started)
    seconds = time.perf_counter() - started
    longest = max((len(q.object.value) for q in store.ox.quads_for_pattern(None, None, None, None)), default=0)
    return Outcome(False, "", longest, seconds)


def grid(port: int, secret: Path) -> list[tuple[str, bytes]]:
    cases = []
    for mutation, changes in MUTATIONS.items():
        prolog = replace(Prolog(), **changes)
        for shape, (entities, body) in shapes(port, secret).items():
            cases.append((f"{mutation}+{shape}", render(prolog, entities, body, mutation in LOWERCASE)))
    return cases


def check_case(tmp_path: Path, name: str, data: bytes) -> Outcome:
    path = tmp_path / f"{name}.rdf"
    path.write_bytes(data)
    outcome = load(path)
    assert outcome.seconds < 5, f"{name}: {outcome.seconds:.1f} s"
    if outcome.refused:
        assert path.name in outcome.message and "\n" not in outcome.message, outcome.message
        assert SECRET not in outcome.message
    else:  # no expansion at all: nothing in the graph is longer than the file that held it
        assert outcome.longest_literal <= len(data), f"{name}: a {outcome.longest_literal:,}-character literal"
    return outcome


def test_generated_prolog_mutations_times_entity_shapes_are_all_refused(tmp_path, secret_file, listener):
    cases = grid(listener.getsockname()[1], secret_file)
    assert len(cases) == len(MUTATIONS) * 10 == 250
    accepted = [name for name, data in cases if not check_case(tmp_path, name, data).refused]
    assert accepted == [], f"every shape declares an entity and must be refused: {accepted}"
    assert not listener.connected()


@pytest.mark.parametrize("command", ["query", "serve", "validate", "export", "eval"])
def test_every_data_command_refuses_every_generated_case_in_one_line(tmp_path, secret_file, listener, monkeypatch,
                                                                     command):
    """In process (CliRunner), so the 250 cases x 5 commands take seconds; the subprocess test below
    checks the real command line for the bombs of the issue."""
    from typer.testing import CliRunner

    import kg.server
    from kg.cli import app

    monkeypatch.setattr(kg.server, "run", lambda *a, **k: pytest.fail("a refused --data file was served"))
    args = {
        "query": ["query", "ASK { ?s ?p ?o }"],
        "serve": ["serve", "--port", "9"],
        "validate": ["validate"],
        "export": ["export", "--format", "nquads"],
        "eval": ["eval", str(REPO_ROOT / "examples" / "facts.json")],
    }[command]
    runner = CliRunner()
    for name, data in grid(listener.getsockname()[1], secret_file):
        path = tmp_path / f"{name}.rdf"
        path.write_bytes(data)
        result = runner.invoke(app, [*args, "--data", str(path)])
        lines = result.stderr.splitlines()
        assert result.exit_code == 2, f"{command} {name}: {result.exit_code} {result.stderr} {result.exception!r}"
        assert len(lines) == 1 and lines[0].startswith("error: ") and path.name in lines[0], (name, lines)
        assert "Traceback" not in result.output and SECRET not in result.output
    assert not listener.connected()


def _kg(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg.cli", *args], capture_output=True, text=True, timeout=120,
                          cwd=REPO_ROOT)


@pytest.mark.parametrize("command", [["query", "ASK { ?s ?p ?o }"], ["serve", "--port", "9"], ["validate"]],
                         ids=["query", "serve", "validate"])
def test_the_issue_bombs_through_the_real_command_line(tmp_path, command):
    """The 703-byte ``standalone="maybe"`` bomb (0.96 GB through Oxigraph), a bomb behind two DOCTYPEs,
    and an unknown encoding (a LookupError traceback before): exit 2, one line, no traceback."""
    files = {
        "maybe.rdf": render(replace(Prolog(), **MUTATIONS["standalone-maybe"]), laughs(7), "&l7;"),
        "two.rdf": render(replace(Prolog(), second_doctype=True), laughs(5), "&l5;"),
        "bogus.rdf": render(replace(Prolog(), **MUTATIONS["bogus-encoding"]), "", "v"),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        started = time.perf_counter()
        result = _kg(*command, "--data", str(tmp_path / name))
        assert result.returncode == 2, result.stderr
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and name in lines[0] and "Traceback" not in result.stderr, result.stderr
        expected = {"maybe.rdf": "standalone", "two.rdf": "not well-formed", "bogus.rdf": "Unsupported encoding"}
        assert expected[name] in lines[0], lines[0]
        assert time.perf_counter() - started < 60


def mutated_prologs(count: int, seed: int, port: int, secret: Path):
    """``count`` documents, each a random stack of 1-4 mutations (later ones win where they touch the same
    part) over a random entity shape, with random nesting depth and amplification."""
    rng = random.Random(seed)
    names = [m for m in MUTATIONS if m != "well-formed"]
    base_shapes = shapes(port, secret)
    for index in range(count):
        chosen = rng.sample(names, rng.randint(1, 4))
        changes: dict = {}
        for mutation in chosen:
            changes.update(MUTATIONS[mutation])
        if rng.random() < 0.3:  # junk of random shape before or after the entities
            junk = rng.choice(["<!-- -- -->", "<!ELEMENT", "]]>", "%undeclared;", "<?pi?>", "&amp;", "<!>"])
            changes["subset_after" if rng.random() < 0.5 else "subset_before"] = junk
        shape = rng.choice([*base_shapes, "random-nested"])
        if shape == "random-nested":
            depth, fan = rng.randint(2, 9), rng.randint(2, 16)
            entities = '<!ENTITY l0 "' + "z" * rng.randint(1, 50) + '">' + "".join(
                f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * fan}">' for i in range(1, depth + 1))
            body = f"&l{depth};"
        else:
            entities, body = base_shapes[shape]
        lowercase = any(m in LOWERCASE for m in chosen)
        yield f"{index:04d}-{'+'.join(chosen)}+{shape}"[:200], render(replace(Prolog(), **changes), entities, body,
                                                                      lowercase)


def run_generator(tmp_path: Path, count: int, seed: int, port: int, secret: Path) -> dict[str, int]:
    counts = {"cases": 0, "refused": 0, "loaded": 0, "expanded past the bound": 0}
    for name, data in mutated_prologs(count, seed, port, secret):
        outcome = check_case(tmp_path, name.replace("/", "_"), data)
        counts["cases"] += 1
        counts["refused" if outcome.refused else "loaded"] += 1
        counts["expanded past the bound"] += outcome.longest_literal > len(data)
        (tmp_path / f"{name.replace('/', '_')}.rdf").unlink()
    return counts


def test_mutated_prologs_ci_size(tmp_path, secret_file, listener):
    counts = run_generator(tmp_path, 120, seed=19, port=listener.getsockname()[1], secret=secret_file)
    assert counts == {"cases": 120, "refused": 120, "loaded": 0, "expanded past the bound": 0}, counts
    assert not listener.connected()


@pytest.mark.slow
def test_mutated_prologs_full_run(tmp_path, secret_file, listener):
    counts = run_generator(tmp_path, 1_200, seed=20, port=listener.getsockname()[1], secret=secret_file)
    print(f"\nmutated prologs: {counts}")
    assert counts["cases"] == 1_200 and counts["expanded past the bound"] == 0, counts
    assert counts["loaded"] == 0, counts  # every generated case declares an entity
    assert not listener.connected()


# -- HTML ingest ------------------------------------------------------------------------------------
@pytest.mark.parametrize("prolog", ['<?xml version="1.0"?>\n', ""])
def test_html_ingest_resolves_no_entities(tmp_path, secret_file, listener, prolog):
    port = listener.getsockname()[1]
    dtd = (
        f'<!DOCTYPE html [<!ENTITY f SYSTEM "file://{secret_file}"><!ENTITY n SYSTEM '
        f'"http://127.0.0.1:{port}/x">{LAUGHS}]>'
    )
    body = (
        "<p>Officials said a drone strike hit a fuel depot on Monday, killing four people, the governor "
        "said in a statement. &f; &n; &l8;</p>"
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


def test_html_json_ld_and_microdata_fetch_no_remote_context(tmp_path, listener):
    """trafilatura reads a page's JSON-LD and microdata for metadata: a remote @context is not fetched."""
    port = listener.getsockname()[1]
    ld = json.dumps({"@context": f"http://127.0.0.1:{port}/ctx", "@type": "NewsArticle",
                     "headline": "Depot hit", "url": f"http://127.0.0.1:{port}/u"})
    body = "<p>Officials said a drone strike hit a fuel depot on Monday, killing four people.</p>" * 3
    (tmp_path / "page.html").write_text(
        f'<html><head><script type="application/ld+json">{ld}</script></head><body>'
        f'<article itemscope itemtype="http://127.0.0.1:{port}/schema">{body}</article></body></html>',
        encoding="utf-8",
    )
    (doc,) = [i for i in read_inputs([tmp_path / "page.html"], Settings()) if isinstance(i, Document)]
    assert "drone strike" in doc.text
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


def test_oxigraph_reads_rdfxml_only_through_the_guard():
    """The one place that hands RDF/XML to Oxigraph is ``load_quads``, with what ``read_rdfxml`` returned."""
    source = (REPO_ROOT / "kg" / "store" / "__init__.py").read_text(encoding="utf-8")
    assert "read_rdfxml(path)" in source and "check_entities" not in source
