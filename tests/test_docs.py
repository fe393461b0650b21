"""The documentation tells the truth: its commands, flags, paths, links, queries, defaults and counts are
checked against the code and the data, and the README's tour and the endpoint's examples run as written.

Why: docs drift silently when a flag is renamed, a query file moves, a default changes or a data set grows.
Each drift here becomes a failing test that names the Markdown file and line.
"""

from __future__ import annotations

import ast
import contextlib
import gc
import io
import json
import os
import re
import shlex
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import typer
from serving import serving
from typer.testing import CliRunner

from kg.cli import app
from kg.config import EXAMPLES_DIR, QUERIES_DIR, REPO_ROOT, Settings

SHARED = REPO_ROOT.parent / "shared"
PRUNE = {"node_modules", "vendor", "build", "dist", "__pycache__"}
# Made by scripts/build_assets.py at install time (git-ignored), so not checked as repo paths.
# Made on the machine, never in git: the browser bundle (npm) and the real-news texts (rebuilt from the
# search tool's stored pages, see realnews/README.md).
GENERATED = ("kg/server/static/vendor", "realnews/texts")
SHELL_LANGS = {"", "sh", "bash", "shell", "console"}
OPERATORS = {"&&", "||", ";", "|"}
PORT_IN_DOCS = "http://127.0.0.1:8000"


def _markdown_files() -> list[Path]:
    found = []
    for folder, dirs, files in os.walk(REPO_ROOT):
        dirs[:] = [
            d for d in dirs if not d.startswith(".") and d not in PRUNE and not d.endswith(".egg-info")
        ]
        found += [Path(folder) / f for f in files if f.endswith(".md")]
    return sorted(found)


DOCS = _markdown_files()


def rel(doc: Path) -> str:
    return str(doc.relative_to(REPO_ROOT))


def read(name: str) -> str:
    return (REPO_ROOT / name).read_text(encoding="utf-8")


# -- reading Markdown ------------------------------------------------------------------------------
FENCE = re.compile(
    r"^(?P<indent>[ \t]*)```(?P<lang>[\w-]*)[ \t]*\n(?P<body>.*?)^(?P=indent)```[ \t]*$", re.M | re.S
)
INLINE = re.compile(r"`([^`\n]+)`")
LINK = re.compile(r"!?\[[^\]\n]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")


@dataclass(frozen=True)
class Block:
    where: str  # "docs/endpoint.md:30"
    lang: str
    text: str


def blocks(doc: Path) -> list[Block]:
    text = doc.read_text(encoding="utf-8")
    return [
        Block(
            f"{rel(doc)}:{text.count(chr(10), 0, m.start()) + 1}",
            m.group("lang"),
            textwrap.dedent(m.group("body")),
        )
        for m in FENCE.finditer(text)
    ]


def prose(doc: Path) -> str:
    """The text outside code fences (fences blanked line for line, so line numbers stay right)."""
    text = doc.read_text(encoding="utf-8")
    return FENCE.sub(lambda m: "\n" * m.group(0).count("\n"), text)


def inline_spans(doc: Path) -> list[tuple[str, str]]:
    text = prose(doc)
    return [
        (f"{rel(doc)}:{text.count(chr(10), 0, m.start()) + 1}", m.group(1)) for m in INLINE.finditer(text)
    ]


# -- reading shell commands --------------------------------------------------------------------------
def logical_lines(text: str) -> Iterator[str]:
    """Shell command lines: backslash continuations joined, and lines joined while a quote is open."""
    buffer = ""
    for line in text.splitlines():
        if line.rstrip().endswith("\\"):
            buffer += line.rstrip()[:-1] + " "
            continue
        buffer += line + "\n"
        try:
            shlex.split(buffer, comments=True)
        except ValueError:  # an open quote: the command goes on on the next line
            continue
        yield buffer
        buffer = ""
    if buffer.strip():
        yield buffer


def shell_commands(text: str) -> Iterator[list[str]]:
    """Each simple command (argv) of a shell text, split at && || ; and |, environment assignments dropped."""
    for line in logical_lines(text):
        try:
            tokens = shlex.split(line, comments=True)
        except ValueError:
            continue
        current: list[str] = []
        for token in [*tokens, ";"]:
            if token in OPERATORS:
                while current and re.fullmatch(r"[A-Z_][A-Z0-9_]*=.*", current[0]):
                    current.pop(0)
                if current:
                    yield current
                current = []
            else:
                current.append(token)


def kg_argv(argv: list[str]) -> list[str] | None:
    """The arguments after ``kg`` if argv runs the kg program (scripts/score_all.sh is kg eval --all)."""
    program = argv[0]
    if program == "kg" or program.endswith("/bin/kg"):
        return argv[1:]
    if program.endswith("score_all.sh"):
        return ["eval", "--all", *argv[1:]]
    return None


def doc_shell_texts() -> list[tuple[str, str]]:
    """(where, shell text) for every shell block and every inline code span of every doc."""
    found = []
    for doc in DOCS:
        found += [(b.where, b.text) for b in blocks(doc) if b.lang in SHELL_LANGS]
        found += inline_spans(doc)
    return found


def cli_help_examples() -> list[tuple[str, str]]:
    """The "Examples:" lines of each command's --help (README: `kg COMMAND --help` explains each)."""
    found = []
    for name, command in typer.main.get_command(app).commands.items():
        lines = (command.help or "").split("Examples:", 1)
        if len(lines) == 2:
            examples = [line for line in lines[1].splitlines() if line.strip().startswith("kg ")]
            found += [(f"kg {name} --help", line) for line in examples]
    return found


@dataclass(frozen=True)
class KgCommand:
    where: str
    argv: tuple[str, ...]

    @property
    def synopsis(self) -> bool:
        """A usage line (``[--out FILE]``, ``INPUT...``, ``kg COMMAND``), not a command to run."""
        if not self.argv or not re.fullmatch(r"[a-z]+", self.argv[0]):
            return True
        plain = [t for t in self.argv if not re.search(r"\s", t)]  # tokens with spaces are quoted queries
        return any(
            re.search(r"[\[\]]|\.\.\.|…|^\|$", t) or re.fullmatch(r"[A-Z][A-Z0-9_.]*(\.\.\.)?", t)
            for t in plain[1:]
            if not t.startswith("-")
        )


def kg_commands() -> list[KgCommand]:
    found = []
    for where, text in doc_shell_texts() + cli_help_examples():
        for argv in shell_commands(text):
            args = kg_argv(argv)
            if args:  # a bare `kg` in prose names the program, it is no command
                found.append(KgCommand(where, tuple(args)))
    return found


KG_COMMANDS = kg_commands()
GROUP = typer.main.get_command(app)


def options_of(name: str) -> set[str]:
    command = GROUP.commands[name]
    return {"--help"} | {
        opt for p in command.params for opt in (*p.opts, *p.secondary_opts) if opt.startswith("-")
    }


def test_the_docs_show_kg_commands_at_all():
    """Guards the extraction: if the parser found nothing, the command tests would pass vacuously."""
    names = {c.argv[0] for c in KG_COMMANDS if c.argv}
    assert {"build", "query", "export", "serve", "validate", "remove", "eval"} <= names, names
    assert sum(not c.synopsis for c in KG_COMMANDS) >= 20


@pytest.mark.parametrize("command", KG_COMMANDS, ids=lambda c: f"{c.where} kg {' '.join(c.argv)[:60]}")
def test_every_documented_kg_command_parses(command: KgCommand):
    """Every `kg ...` line of the docs and of --help names a real command and real flags; runnable lines
    parse exactly as typed (types and counts of arguments included)."""
    name, *args = command.argv
    if command.synopsis:
        if re.fullmatch(r"[A-Z]+", name):  # kg COMMAND --help
            assert set(args) <= {"--help"}, command
            return
        assert name in GROUP.commands, f"{command.where}: no command kg {name}"
        flags = {
            m for a in args if not re.search(r"\s", a) for m in re.findall(r"(?<![\w-])--?[a-z][\w-]*", a)
        }
        unknown = flags - options_of(name)
        assert not unknown, f"{command.where}: kg {name} has no {sorted(unknown)}"
        return
    assert name in GROUP.commands, f"{command.where}: no command kg {name}"
    args = [a for a in args if a != "--help"]
    try:
        GROUP.commands[name].make_context(name, list(args))
    except Exception as exc:  # typer vendors its own click: any parsing error is a wrong doc line
        pytest.fail(f"{command.where}: `kg {' '.join(command.argv)}` does not parse: {exc}")


def test_the_readme_command_summary_lists_every_command():
    block = next(b for b in blocks(REPO_ROOT / "README.md") if b.text.lstrip().startswith("kg build INPUT"))
    listed = {argv[1] for argv in shell_commands(block.text) if argv[0] == "kg"}
    assert listed == set(GROUP.commands), (
        f"{block.where}: the README's command summary lists {sorted(listed)}"
    )


# -- paths and links ------------------------------------------------------------------------------------
TOP_LEVEL = {p.name for p in REPO_ROOT.iterdir()}


def repo_path(token: str, doc_dir: Path) -> Path | None:
    """The file a doc token points at when it is a repository path (else None: user paths like data/kg)."""
    token = token.rstrip(".,:;")
    if token.startswith("@"):  # curl --data-binary @file
        token = token[1:]
    if (
        not token
        or token.startswith(("/", "./", "-", "http:", "https:", "~"))
        or re.search(r"[<>…$={}()\s|\[\]]", token)
    ):
        return None
    first = token.split("/", 1)[0]
    if first == "..":
        return REPO_ROOT / token
    if first == "shared" and "/" in token:
        return REPO_ROOT.parent / token
    if first in TOP_LEVEL and (first != token or token in ("examples", "devset", "testset", "queries")):
        return REPO_ROOT / token
    if "/" in token and (doc_dir / first).exists():
        return doc_dir / token
    return None


def _exists(path: Path) -> bool:
    if any(str(path).startswith(str(REPO_ROOT / g)) for g in GENERATED):
        return True
    return any(path.parent.glob(path.name)) if "*" in path.name else path.exists()


def test_every_repository_path_named_in_the_docs_exists():
    """Paths in code spans and shell blocks (`queries/timeline.rq`, `python ontology/build.py`, `@file`)."""
    missing, checked = [], 0
    for doc in DOCS:
        tokens = [(where, span) for where, span in inline_spans(doc) if not re.search(r"\s", span)]
        for block in blocks(doc):
            if block.lang in SHELL_LANGS:
                tokens += [(block.where, t) for argv in shell_commands(block.text) for t in argv]
        for where, token in tokens:
            path = repo_path(token, doc.parent)
            if path is not None:
                checked += 1
                if not _exists(path):
                    missing.append(f"{where}: {token}")
    assert checked > 50, "the path extraction found almost nothing"
    assert not missing, "paths named in the docs that do not exist:\n" + "\n".join(missing)


def test_every_relative_link_points_at_a_file():
    broken, checked = [], 0
    for doc in DOCS:
        text = prose(doc)
        for m in LINK.finditer(text):
            target = m.group(1)
            if re.match(r"[a-z]+:", target) or target.startswith("#"):
                continue
            checked += 1
            if not (doc.parent / target.split("#", 1)[0]).exists():
                broken.append(f"{rel(doc)}:{text.count(chr(10), 0, m.start()) + 1}: {target}")
    assert checked >= 10
    assert not broken, "broken links:\n" + "\n".join(broken)


def test_the_readme_links_every_other_doc():
    """Every Markdown page is reachable from the README, directly or through a page it links."""
    seen, todo = set(), [REPO_ROOT / "README.md"]
    while todo:
        doc = todo.pop()
        if doc in seen or not doc.is_file():
            continue
        seen.add(doc)
        for m in LINK.finditer(prose(doc)):
            target = (doc.parent / m.group(1).split("#", 1)[0]).resolve()
            if target.suffix == ".md":
                todo.append(target)
    unreachable = [rel(d) for d in DOCS if d.resolve() not in {s.resolve() for s in seen}]
    assert not unreachable, f"not linked from README.md (directly or indirectly): {unreachable}"


# -- queries/README.md --------------------------------------------------------------------------------------
def test_queries_readme_lists_exactly_the_query_files_with_their_parameters():
    text = read("queries/README.md")
    rows = re.findall(r"^\| (\w+\.rq) \| (.*) \|$", text, re.M)
    listed = {name: set(re.findall(r"`param: (\w+)`", question)) for name, question in rows}
    files = {
        p.name: set(re.findall(r"^# param: (\w+)", p.read_text(encoding="utf-8"), re.M))
        for p in QUERIES_DIR.glob("*.rq")
    }
    assert set(listed) == set(files), "queries/README.md table and queries/*.rq differ"
    assert listed == files, "the parameters in queries/README.md differ from the files' # param: headers"


# -- counts and defaults the docs state ---------------------------------------------------------------------
def number(text: str) -> float:
    return float(re.sub(r"[,\s\u202f\u00a0]", "", text))


NUMBER_WORDS = """zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen
fifteen sixteen seventeen eighteen nineteen twenty"""
WORDS = {w: i for i, w in enumerate(NUMBER_WORDS.split())}


def word_number(text: str) -> int:
    """'Twenty-two' -> 22, 'Six' -> 6, '22' -> 22."""
    text = text.lower()
    if text.isdigit():
        return int(text)
    tens, _, unit = text.partition("-")
    return WORDS[tens] + (WORDS[unit] if unit else 0)


def stated(text: str, pattern: str, where: str) -> list[str]:
    m = re.search(pattern, text)
    assert m, f"{where} no longer says /{pattern}/: update the pattern in tests/test_docs.py with the doc"
    return list(m.groups())


def test_serve_defaults_in_security_and_endpoint_docs():
    from kg.server import ServerConfig

    serve = {p.name: p.default for p in GROUP.commands["serve"].params}
    sec, ep = read("SECURITY.md"), read("docs/endpoint.md")
    assert f"`{serve['host']}:{serve['port']}`" in sec
    assert number(stated(sec, r"\| query time limit \| ([\d,]+) s", "SECURITY.md")[0]) == serve["timeout"]
    assert number(stated(sec, r"\| result size \| ([\d,]+) rows", "SECURITY.md")[0]) == serve["max_rows"]
    assert (
        number(stated(sec, r"\| request body \| ([\d,]+) bytes", "SECURITY.md")[0])
        == ServerConfig().max_body_bytes
    )
    threads, workers = stated(sec, r"(\d+) HTTP threads, (\d+) query worker processes", "SECURITY.md")
    assert (int(threads), int(workers)) == (serve["threads"], serve["workers"])
    assert number(stated(ep, r"\(`--timeout`, ([\d,]+) s\)", "docs/endpoint.md")[0]) == serve["timeout"]
    assert (
        number(stated(ep, r"\(`--max-rows`, ([\d ,\u202f]+) rows", "docs/endpoint.md")[0])
        == serve["max_rows"]
    )
    assert (
        number(stated(ep, r"`max_body_bytes` \((\d+) MB\)", "docs/endpoint.md")[0]) * 1e6
        == ServerConfig().max_body_bytes
    )


def test_readme_names_every_environment_setting_with_its_default(monkeypatch):
    readme = read("README.md")
    sources = "\n".join(p.read_text(encoding="utf-8") for p in (REPO_ROOT / "kg").rglob("*.py"))
    names = set(
        re.findall(r"""(?:environ\.get|_env_int)\(\s*["'](KG_\w+)["']|envvar=["'](KG_\w+)["']""", sources)
    )
    names = {a or b for a, b in names}
    assert len(names) >= 5, names
    assert not [n for n in names if f"`{n}`" not in readme], "README.md: environment settings not documented"
    for name in names:
        monkeypatch.delenv(name, raising=False)
    defaults = Settings()
    for field, env in (
        ("spacy_model", "KG_SPACY_MODEL"),
        ("max_document_bytes", "KG_MAX_DOCUMENT_BYTES"),
        ("max_line_chars", "KG_MAX_LINE_CHARS"),
        ("batch_size", "KG_BATCH_SIZE"),
    ):
        value = stated(readme, rf"`{env}` \(default `?([\w,]+)`?", "README.md")[0]
        assert str(getattr(defaults, field)) == value.replace(",", ""), env


def test_ontology_readme_counts_the_terms():
    from rdflib import OWL, RDF, Graph

    text = read("ontology/README.md")
    classes, props, obj, data, ann = map(
        int,
        stated(
            text,
            r"(\d+) classes and (\d+) properties \((\d+) object, (\d+) datatype, (\d+) annotation",
            "ontology/README.md",
        ),
    )
    graph = Graph().parse(REPO_ROOT / "ontology" / "conflict-kg.ttl")
    ns = "https://w3id.org/conflict-kg/ontology#"

    def count(kind) -> int:
        return sum(1 for s in set(graph.subjects(RDF.type, kind)) if str(s).startswith(ns))

    actual = (
        count(OWL.Class),
        count(OWL.ObjectProperty),
        count(OWL.DatatypeProperty),
        count(OWL.AnnotationProperty),
    )
    assert (classes, obj, data, ann) == actual
    assert props == obj + data + ann


def _article_files(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.suffix in (".txt", ".html", ".jsonl")]


def _documents(folder: Path) -> int:
    return sum(
        sum(1 for line in p.open(encoding="utf-8") if line.strip()) if p.suffix == ".jsonl" else 1
        for p in _article_files(folder)
    )


@pytest.mark.parametrize("corpus", ["examples", "devset", "testset"])
def test_corpus_readme_tables_list_exactly_the_articles(corpus):
    """Reads only file names (the held-out test set's texts and facts are not for tests to look at)."""
    folder = REPO_ROOT / corpus
    text = read(f"{corpus}/README.md")
    listed = set(re.findall(r"^\| `?([\w.-]+\.(?:txt|html|jsonl))`? \|", text, re.M))
    assert listed == {p.name for p in _article_files(folder)}, f"{corpus}/README.md table"
    first_word = re.match(r"\W*(\S+)", text.split("\n\n", 1)[1]).group(1)  # "Six short news articles"
    assert word_number(first_word) == _documents(folder), f"{corpus}/README.md opens with {first_word!r}"


def test_devset_readme_counts_files_and_facts():
    text = read("devset/README.md")
    files, txt = map(
        int, stated(text, r"\((\d+) files: (\d+) `\.txt`, one `\.html`, one `\.jsonl` holding two", "devset")
    )
    articles = _article_files(REPO_ROOT / "devset")
    assert files == len(articles) and txt == sum(p.suffix == ".txt" for p in articles)
    assert (
        sum(p.suffix == ".html" for p in articles) == 1
        and _documents(REPO_ROOT / "devset") - len(articles) == 1
    )
    facts = json.loads(read("devset/facts.json"))
    said = stated(
        text, r"(\d+) entities, (\d+) attacks, (\d+) diplomatic actions, (\d+) other facts", "devset"
    )
    keys = ("entities", "attacks", "diplomatic_actions", "other_facts")
    assert [int(n) for n in said] == [len(facts[k]) for k in keys]


def test_readme_corpus_sizes():
    text = read("README.md")
    examples = stated(text, r"\(examples/README\.md\): (\w+) articles", "README.md")[0]
    devset = stated(text, r"\(devset/README\.md\): (\w+) articles", "README.md")[0]
    assert word_number(examples) == _documents(EXAMPLES_DIR)
    assert word_number(devset) == _documents(REPO_ROOT / "devset")


# -- SPARQL in the docs runs on the seed graph ------------------------------------------------------------
def _python_blocks(doc: Path) -> list[Block]:
    return [b for b in blocks(doc) if b.lang == "python"]


def doc_queries() -> list[tuple[str, str]]:
    """Every SPARQL text in the docs: ```sparql blocks, `kg query '...'`, curl's query=, and Python's
    setQuery("...") / graph.query("...")."""
    found = []
    for doc in DOCS:
        for block in blocks(doc):
            if block.lang == "sparql":
                found.append((block.where, block.text))
            elif block.lang in SHELL_LANGS:
                for argv in shell_commands(block.text):
                    args = kg_argv(argv)
                    if (
                        args
                        and args[0] == "query"
                        and len(args) > 1
                        and not args[1].startswith("-")
                        and not KgCommand(block.where, tuple(args)).synopsis
                    ):
                        found.append((block.where, args[1]))
                    if argv[0] == "curl":
                        found += [(block.where, t[6:]) for t in argv if t.startswith("query=")]
            elif block.lang == "python":
                for node in ast.walk(ast.parse(block.text)):
                    if (
                        isinstance(node, ast.Call)
                        and isinstance(node.func, ast.Attribute)
                        and node.func.attr in ("setQuery", "query")
                        and node.args
                        and isinstance(node.args[0], ast.Constant)
                        and isinstance(node.args[0].value, str)
                    ):
                        found.append((block.where, node.args[0].value))
    return found


DOC_QUERIES = doc_queries()


def test_the_docs_hold_queries():
    assert len(DOC_QUERIES) >= 6, DOC_QUERIES


@pytest.mark.parametrize("where,sparql", DOC_QUERIES, ids=[w for w, _ in DOC_QUERIES])
def test_every_documented_query_answers_on_the_seed_graph(seed_store, where, sparql):
    from kg.query import QueryError, run_query

    try:
        result = run_query(seed_store, sparql)
    except QueryError as exc:
        pytest.fail(f"{where}: {exc}")
    answers = result if isinstance(result, bool) else list(result)
    assert answers, f"{where}: the documented query finds nothing on the seed graph"


def test_eval_readme_python_sample_runs(seed_store, monkeypatch):
    block = _python_blocks(REPO_ROOT / "kg" / "eval" / "README.md")[0]
    monkeypatch.chdir(SHARED / "spec")  # the sample loads "seed-facts.json" from where it lies
    namespace = {"store": seed_store}
    exec(compile(block.text, block.where, "exec"), namespace)  # noqa: S102 - our own documentation
    assert namespace["report"].entities.counts.f1 is not None


# -- the README tour, as written ---------------------------------------------------------------------------
def tour_commands() -> tuple[str, list[list[str]]]:
    readme = REPO_ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    start = text.index("## A five-minute tour")
    block = next(b for b in blocks(readme) if int(b.where.split(":")[1]) > text.count("\n", 0, start) + 1)
    return block.where, [kg_argv(argv) for argv in shell_commands(block.text) if kg_argv(argv) is not None]


def test_readme_tour_runs_as_written(nlp, tmp_path, monkeypatch):
    """Every tour command but the blocking `kg serve`, verbatim, from a folder laid out like the checkout
    (queries/ and ../shared/ reachable); spaCy is the session's pipeline instead of a fresh load."""
    import kg.cli
    import kg.nlp

    where, commands = tour_commands()
    assert {"build", "query", "export"} <= {c[0] for c in commands}, where
    work = tmp_path / "repo"
    work.mkdir()
    (work / "queries").symlink_to(QUERIES_DIR)
    (tmp_path / "shared").symlink_to(SHARED)
    monkeypatch.chdir(work)
    monkeypatch.setattr(kg.cli, "DEFAULT_STORE", Path(".kg-store"))  # never the developer's $KG_STORE
    monkeypatch.setattr(kg.nlp, "load_pipeline", lambda settings=None: nlp)
    runner = CliRunner()
    for args in commands:
        if args[0] == "serve":
            continue
        result = runner.invoke(app, args)
        gc.collect()  # let go of the writable store before the next command opens it read-only
        assert result.exit_code == 0, (
            f"{where}: kg {' '.join(args)[:80]} -> {result.exit_code}\n{result.output}"
        )
        if args[0] == "query":
            lines = [line for line in result.stdout.splitlines() if line.strip()]
            header = 1 if "--format" in args and args[args.index("--format") + 1] == "csv" else 4
            assert len(lines) > header, (
                f"{where}: kg {' '.join(args)[:60]}... printed no rows:\n{result.stdout}"
            )
    turtle = (work / "seeds.ttl").read_text(encoding="utf-8")
    assert "ckg:SourceDocument" in turtle and "ckg:evidence" in turtle, (
        "the export keeps documents and evidence"
    )


# -- docs/endpoint.md examples against a live server -------------------------------------------------------
TOKEN = "docs-test-token"


@pytest.fixture(scope="module")
def endpoint(seed_store, tmp_path_factory):
    """A server over a copy of the seed graph (the examples include an update), with an update token."""

    from kg.server import ServerConfig, create_app
    from kg.store import KGStore

    dump = tmp_path_factory.mktemp("endpoint") / "seeds.nq"
    with open(dump, "wb") as handle:
        seed_store.export("nquads", handle)
    store = KGStore()
    store.load_quads(dump)
    with serving(create_app(store, ServerConfig(update_token=TOKEN, workers=1))) as url:
        yield url, store


def curl(argv: list[str], url: str, graphs: list[str]):
    """Run a documented curl command with requests (only the flags the docs use)."""
    import requests

    def fill(text: str) -> str:
        text = text.replace(PORT_IN_DOCS, url).replace("$TOKEN", TOKEN)
        for graph in graphs:  # each `graph/…` placeholder stands for one of the store's source graphs
            text = text.replace("https://w3id.org/conflict-kg/id/graph/…", graph, 1)
        assert "…" not in text and "<rest" not in text, f"unfilled placeholder in {text!r}"
        return text

    target, get, headers, form, body = None, False, {}, [], None
    args = iter(argv[1:])
    for arg in args:
        if arg == "-G":
            get = True
        elif arg == "-H":
            key, _, value = fill(next(args)).partition(":")
            headers[key.strip()] = value.strip()
        elif arg == "--data-urlencode":
            key, _, value = fill(next(args)).partition("=")
            form.append((key, value))
        elif arg == "--data-binary":
            value = next(args)
            body = (REPO_ROOT / value[1:]).read_bytes() if value.startswith("@") else fill(value).encode()
        elif arg.startswith("http"):
            target = fill(arg)
        else:
            raise AssertionError(f"curl flag {arg!r} not known to tests/test_docs.py")
    if get or (body is None and not form):
        return requests.get(target, params=form, headers=headers, timeout=60)
    if body is not None:
        return requests.post(target, data=body, headers=headers, timeout=60)
    return requests.post(target, data=form, headers=headers, timeout=60)


def endpoint_curls() -> list[tuple[str, list[str]]]:
    doc = REPO_ROOT / "docs" / "endpoint.md"
    return [
        (b.where, argv)
        for b in blocks(doc)
        if b.lang in SHELL_LANGS
        for argv in shell_commands(b.text)
        if argv[0] == "curl"
    ]


def test_endpoint_curl_examples_answer(endpoint):
    url, store = endpoint
    graphs = store.graphs()
    curls = endpoint_curls()
    assert len(curls) >= 7
    for where, argv in curls:
        response = curl(argv, url, graphs[:2])
        assert response.status_code == 200, (
            f"{where}: {' '.join(argv)[:100]} -> {response.status_code} {response.text}"
        )
        assert response.content.strip(), f"{where}: empty answer"
    assert graphs[0] not in store.graphs(), "the documented DROP GRAPH took effect"


def test_endpoint_python_examples_print_results(endpoint):
    url, _ = endpoint
    snippets = _python_blocks(REPO_ROOT / "docs" / "endpoint.md")
    assert len(snippets) >= 2
    for block in snippets:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(block.text.replace(PORT_IN_DOCS, url), block.where, "exec"), {})  # noqa: S102
        assert out.getvalue().strip(), f"{block.where}: printed nothing"
