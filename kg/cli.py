"""The ``kg`` command: thin wrappers that parse arguments and call pipeline, store and server."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from kg.config import DEFAULT_STORE, EXAMPLES_DIR, Settings
from kg.display import markup_safe, visible

app = typer.Typer(
    help="conflict-kg: build a provenance-keeping knowledge graph of armed conflict and diplomacy "
    "from news articles, query it with SPARQL and serve it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True, soft_wrap=True)  # one message a line, for logs and scripts

StoreOpt = Annotated[
    Path | None, typer.Option("--store", help="Persistent store folder (Oxigraph). Default: ./.kg-store")
]
DataOpt = Annotated[
    list[Path] | None,
    typer.Option("--data", help="Read the graph from RDF files (.trig .nq .ttl .nt .jsonld) instead of a store."),
]
StoreUrlOpt = Annotated[
    str | None,
    typer.Option("--store-url", envvar="KG_STORE_URL",
                 help="Keep the graph in an existing SPARQL 1.1 server: its query URL (e.g. Oxigraph server's "
                      "http://HOST:7878/query, Virtuoso's http://HOST:8890/sparql) instead of a store folder."),
]
UpdateUrlOpt = Annotated[
    str | None,
    typer.Option("--update-url", help="The server's SPARQL Update URL (default: .../update beside a .../query "
                                      "URL, else the query URL)."),
]
StoreAuthOpt = Annotated[
    str | None,
    typer.Option("--store-auth", envvar="KG_STORE_AUTH",
                 help="USER:PASS for the SPARQL server (Basic or Digest); KG_STORE_AUTH keeps it out of the "
                      "process list."),
]
BaseOpt = Annotated[str | None, typer.Option("--base", help="Base IRI for minted entity and event IRIs.")]


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print one line (the message is taken as plain text: it carries file names and input) and
    return the Exit to raise."""
    err.print(f"[bold red]error:[/] {markup_safe(message, limit=2_000)}", highlight=False)
    return typer.Exit(code)


def say(label: str, message: object) -> None:
    """One line to stderr: ``label`` is our own markup, ``message`` plain text from anywhere."""
    err.print(f"{label} {markup_safe(message, limit=2_000)}" if label else markup_safe(message, limit=2_000),
              highlight=False)


def open_store(store: Path | None, data: list[Path] | None, read_only: bool = False, url: str | None = None,
               update_url: str | None = None, auth: str | None = None):
    """A store from ``--data`` files (in memory), a SPARQL server (``--store-url``) or a store folder; clear
    errors for all three."""
    from kg.store import KGStore, StoreError, open_graph_store

    try:
        if url or update_url or auth:
            if data or store:
                raise fail("give either --store-url or --store/--data, not both")
            return open_graph_store(url=url, update_url=update_url, auth=auth)
        if data:
            memory = KGStore()
            for path in data:
                if not path.is_file():
                    what = "not a regular file (a folder, pipe or device)" if _exists(path) else "no such file"
                    raise fail(f"--data {path}: {what}")
                memory.load_quads(path)
            return memory
        path = store or DEFAULT_STORE
        if read_only and not path.exists():
            raise fail(f"no store at {path}: run `kg build` first, or pass --store DIR / --data FILE")
        return KGStore(path, read_only=read_only)
    except (StoreError, SyntaxError, ValueError, OSError) as exc:
        raise fail(str(exc)) from None


@app.command()
def build(
    inputs: Annotated[
        list[Path] | None, typer.Argument(help="Article files (.txt .html .jsonl) or folders. Default: the examples.")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Write the dataset to FILE (.trig .nq .ttl .nt .jsonld). Without --store the build is in "
            "memory and FILE holds exactly these inputs; with --store it holds everything in that store.",
        ),
    ] = None,
    store: StoreOpt = None,
    store_url: StoreUrlOpt = None,
    update_url: UpdateUrlOpt = None,
    store_auth: StoreAuthOpt = None,
    manifest: Annotated[
        Path | None,
        typer.Option(
            "--manifest",
            help="CSV or JSONL: file,url,title,publisher,date. Default: manifest.csv in a lone input folder.",
        ),
    ] = None,
    base: BaseOpt = None,
    strict: Annotated[
        bool,
        typer.Option("--strict", help="Stop at the first document that must be skipped or metadata value dropped."),
    ] = False,
    memory: Annotated[
        bool, typer.Option("--memory", help="Build in memory only, keep no store (implied by --out without --store).")
    ] = False,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Worker processes for NLP and extraction "
                                                                  "(with ray/dask and no --address: the local "
                                                                  "cluster's workers).")] = 1,
    executor: Annotated[
        str, typer.Option("--executor", help="Where NLP and extraction run: local (this machine), ray or dask.")
    ] = "local",
    address: Annotated[
        str | None,
        typer.Option("--address", help="Join a running cluster: ray://HOST:10001 or auto for Ray, "
                                       "tcp://HOST:8786 for Dask. Without it a local cluster is started."),
    ] = None,
) -> None:
    """Read articles and add their facts to the graph.

    \b
    Examples:
      kg build                                  # the bundled example corpus into ./.kg-store
      kg build articles/ --store data/kg        # a folder into a persistent store
      kg build a.txt b.html --out graph.trig    # in memory: graph.trig holds just these two
      kg build new/ --store data/kg --out all.nq  # into the store; all.nq holds all it has
      kg build feed.jsonl --manifest meta.csv   # with publication dates and publishers
      kg build big-feed/ --store data/kg -j 2   # NLP in two worker processes
      kg build big-feed/ --executor dask --address tcp://scheduler:8786   # on a Dask cluster
    Building the same input twice changes nothing: documents are identified by their content.
    A bad metadata value (a URL, title, publisher or date that cannot be used) is dropped with a
    warning and the article built without it.
    Exit status: 0 all built; 3 built, but some documents were skipped (each named above, with
    its reason); 1 nothing could be built (or --strict stopped); 2 bad usage.
    """
    from kg.executors import ExecutorError
    from kg.ingest import folder_manifest, load_manifest
    from kg.ingest.manifest import ManifestError
    from kg.pipeline import Builder, BuildError
    from kg.store import KGStore, StoreError

    settings = Settings(base=base) if base else Settings()
    paths = inputs or [EXAMPLES_DIR]
    missing = [str(p) for p in paths if not _exists(p)]
    if missing:
        raise fail(f"no such file or folder: {', '.join(missing)}")
    if memory and (store is not None or store_url):
        raise fail("give either --memory or --store DIR / --store-url, not both")
    if out is not None and out.suffix.lower() not in FORMAT_BY_SUFFIX:  # before the build, not after it
        raise fail(f"cannot tell the format of {out}: use one of {', '.join(FORMAT_BY_SUFFIX)}")
    if out is not None and not out.parent.is_dir():  # a long build must not end in an unwritable --out
        raise fail(f"cannot write {out}: no folder {out.parent}")
    if manifest is None and (manifest := folder_manifest(paths)):
        say("using", f"{manifest} for publication dates and publishers")
    try:
        loaded_manifest = load_manifest(manifest)
    except ManifestError as exc:
        raise fail(str(exc)) from None
    # --out alone: the file holds these inputs only
    in_memory = memory or (out is not None and store is None and not store_url)
    kg_store = KGStore() if in_memory else open_store(store, None, url=store_url, update_url=update_url,
                                                      auth=store_auth)
    with err.status("loading the NLP pipeline…"):
        builder = Builder(kg_store, settings)
    try:
        with _executor(executor, settings, jobs, address, builder.nlp) as chosen:
            report = _build_with_progress(builder, paths, loaded_manifest, strict, chosen)
    except BuildError as exc:
        raise fail(f"--strict: {exc}", 1) from None
    except (StoreError, ExecutorError) as exc:  # a SPARQL server or a cluster that went away: what was written stays
        raise fail(f"{exc} (documents already written stay; run the build again to go on)", 1) from None
    for skipped in report.skipped:
        say("[yellow]skipped[/]", f"{skipped.name}: {skipped.reason}")
    for dropped in report.dropped:
        say("[yellow]warning[/]", dropped)
    seen = {Path(p).name for p in _all_names(paths)}
    for name in loaded_manifest.missing(seen):
        say("[yellow]manifest[/]", f"names {name}, which was not among the inputs")
    if out:
        _write(kg_store, out)
        if not in_memory:
            documents, this_run = len(kg_store.graphs()), report.built + report.unchanged
            say("", f"{out} holds the {documents} documents of the store {kg_store.path or store_url}, {this_run} "
                    "of them "
                    "from these inputs (leave out --store to write only these inputs)")
    say("", report.summary())
    if report.read == 0:
        raise fail("no documents found in the inputs", 1)
    if report.skipped:
        code = 1 if report.built + report.unchanged == 0 else 3
        raise fail(f"{len(report.skipped)} of {report.read} documents skipped (see above)", code)


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except (OSError, ValueError):  # a name too long for the file system, or holding a NUL
        return False


def _all_names(paths: list[Path]) -> list[str]:
    from kg.ingest import iter_files

    return [str(p) for p in iter_files(paths) if isinstance(p, Path)]


def _count_documents(paths: list[Path]) -> int:
    """How many documents the inputs hold (a JSONL file holds one a line), for the progress bar."""
    from kg.ingest import count_records

    total = 0
    for name in _all_names(paths):
        if name.lower().endswith(".jsonl"):
            try:
                total += count_records(Path(name))
            except OSError:  # unreadable: the build names it
                total += 1
        else:
            total += 1
    return total


def _executor(kind: str, settings: Settings, jobs: int, address: str | None, nlp):
    """The executor for ``--executor``/``--address``/``--jobs``, or a one-line error (exit 2)."""
    from kg.executors import ExecutorError, make_executor

    try:
        if kind != "local":
            with err.status(f"starting {kind}…"):
                return make_executor(kind, settings, jobs, address, nlp)
        return make_executor(kind, settings, jobs, address, nlp)
    except ExecutorError as exc:
        raise fail(str(exc)) from None


def _build_with_progress(builder, paths, manifest, strict, executor):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    total = _count_documents(paths)
    if not err.is_terminal:  # a log or a pipe: lines now and then instead of a bar it would not show
        from kg.progress import LogProgress

        lines = LogProgress(total, lambda text: say("", text))
        return builder.build(paths, manifest=manifest, strict=strict, progress=lines, executor=executor)
    columns = [
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]} docs/s"),
        TimeElapsedColumn(),
    ]
    with Progress(*columns, console=err, disable=not err.is_terminal) as bar:
        task = bar.add_task("building", total=total or None, rate="0.0")

        def progress(_read: int, _item) -> None:  # once per document finished; _read runs ahead of it
            done = int(bar.tasks[0].completed) + 1
            elapsed = bar.tasks[0].elapsed or 0.0
            bar.update(task, completed=done, rate=f"{done / elapsed:.1f}" if elapsed else "…")

        return builder.build(paths, manifest=manifest, strict=strict, progress=progress, executor=executor)


FORMAT_BY_SUFFIX = {
    ".trig": "trig",
    ".nq": "nquads",
    ".ttl": "turtle",
    ".nt": "ntriples",
    ".jsonld": "jsonld",
    ".json": "jsonld",
    ".rdf": "rdfxml",
    ".owl": "rdfxml",
}


def _write(kg_store, out: Path, fmt: str | None = None) -> None:
    fmt = fmt or FORMAT_BY_SUFFIX.get(out.suffix.lower())
    if fmt is None:
        raise fail(f"cannot tell the format of {out}: use one of {', '.join(FORMAT_BY_SUFFIX)}")
    try:
        with open(out, "wb") as handle:
            kg_store.export(fmt, handle)
    except OSError as exc:
        raise fail(f"cannot write {out}: {exc.strerror or exc}") from None
    say("wrote", f"{out} ({fmt})")


@app.command()
def query(
    sparql: Annotated[str | None, typer.Argument(help="The SPARQL query text.")] = None,
    file: Annotated[Path | None, typer.Option("--file", "-f", help="Read the query from a .rq file.")] = None,
    store: StoreOpt = None,
    data: DataOpt = None,
    fmt: Annotated[str, typer.Option("--format", help="json, csv, tsv, table, or turtle (for CONSTRUCT).")] = "table",
    store_url: StoreUrlOpt = None,
    store_auth: StoreAuthOpt = None,
) -> None:
    """Run a SPARQL query on the merged graph.

    \b
    Examples:
      kg query 'SELECT ?s WHERE { ?s a ckg:Attack } LIMIT 5'
      kg query --file queries/attacks_across_borders.rq --format csv
    Prefixes rdf rdfs owl xsd skos prov dcterms schema sem geo ckg are predeclared.
    """
    from kg.query import QueryError, answer_text
    from kg.server.safety import UnsafeRequest, inspect
    from kg.store import StoreError

    if (sparql is None) == (file is None):
        raise fail("give either a query or --file Q.rq")
    try:
        text = file.read_text(encoding="utf-8") if file else (sparql or "")
    except (OSError, UnicodeDecodeError) as exc:
        raise fail(f"cannot read the query file {file}: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        inspect(text)  # the endpoint's refusals (SERVICE, LOAD) before evaluation (and before any remote store)
    except UnsafeRequest as exc:
        raise fail(str(exc)) from None
    kg_store = open_store(store, data, read_only=True, url=store_url, auth=store_auth)
    try:
        sys.stdout.write(answer_text(kg_store, text, fmt))
    except QueryError as exc:
        raise fail(str(exc)) from None
    except StoreError as exc:
        raise fail(str(exc), 1) from None


@app.command()
def export(
    fmt: Annotated[str, typer.Option("--format", help="turtle, trig, nquads, ntriples or jsonld.")] = "turtle",
    store: StoreOpt = None,
    data: DataOpt = None,
    out: Annotated[Path | None, typer.Option("--out", help="Write to FILE instead of standard output.")] = None,
    store_url: StoreUrlOpt = None,
    store_auth: StoreAuthOpt = None,
    base: Annotated[
        str | None, typer.Option("--base", help="Write a copy with the IRIs under the build's base moved under IRI.")
    ] = None,
    from_base: Annotated[
        str | None, typer.Option("--from-base", help="The build's base, for --base (default: $KG_BASE or "
                                                     "https://w3id.org/conflict-kg/id/).")
    ] = None,
) -> None:
    """Export the graph. Turtle holds the merged graph with documents and evidence statements;
    TriG and N-Quads keep each source's named graph too.

    \b
    Examples:
      kg export --format trig --out graph.trig
      kg export --format turtle --base https://kg.example.org/id/ --out copy.ttl   # the store is unchanged
    """
    from kg.store import EXPORT_FORMATS, StoreError

    if fmt not in EXPORT_FORMATS:
        raise fail(f"unknown format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}")
    if store_url and (base is not None or from_base is not None):
        raise fail("--base with --store-url: export the server's graph to a file first, then "
                   "`kg export --data FILE --base IRI`")
    kg_store = open_store(store, data, read_only=True, url=store_url, auth=store_auth)
    if base is not None or from_base is not None:
        from kg.server.rewrite import BadPublicURL, Rebase, RebasedExport

        try:
            kg_store = RebasedExport(kg_store, Rebase(from_base or Settings().base, base or Settings().base))
        except BadPublicURL as exc:
            raise fail(str(exc)) from None
    try:
        if out:
            _write(kg_store, out, fmt)
        else:
            kg_store.export(fmt, sys.stdout.buffer)
    except StoreError as exc:
        raise fail(str(exc), 1) from None


def check_listen_address(host: str, port: int) -> None:
    """Fail with one line when ``host:port`` cannot be listened on, instead of printing "serving on"
    and then waitress's traceback. Binds the way waitress will (every address of ``host``, with
    SO_REUSEADDR, so a port still in TIME_WAIT is not reported busy) and lets go at once."""
    import errno
    import socket

    if not 0 <= port <= 65535:
        raise fail(f"--port {port}: a port is a number from 1 to 65535")
    try:
        addresses = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise fail(f"--host {host}: not an address of this machine ({exc.strerror})") from None
    for family, kind, proto, _name, address in addresses:
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(address)
            except OSError as exc:
                if exc.errno == errno.EADDRINUSE:
                    raise fail(f"port {port} on {host} is in use (another kg serve?); "
                               f"stop it or try --port {port + 1 if port < 65535 else 8000}", 1) from None
                if exc.errno == errno.EACCES:
                    raise fail(f"port {port} on {host} needs more privileges; try --port 8000", 1) from None
                if exc.errno == errno.EADDRNOTAVAIL:
                    raise fail(f"--host {host}: not an address of this machine", 1) from None
                raise fail(f"cannot listen on {host}:{port}: {exc.strerror}", 1) from None


@app.command()
def serve(
    store: StoreOpt = None,
    data: DataOpt = None,
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    update_token: Annotated[
        str | None,
        typer.Option(
            "--update-token",
            envvar="KG_UPDATE_TOKEN",
            help="Allow SPARQL Update with 'Authorization: Bearer T' (or set KG_UPDATE_TOKEN, "
            "which other users cannot read in the process list).",
        ),
    ] = None,
    base: BaseOpt = None,
    timeout: Annotated[float, typer.Option("--timeout", help="Query time limit in seconds.")] = 30.0,
    max_rows: Annotated[int, typer.Option("--max-rows", help="Result-size limit (rows or triples).")] = 100_000,
    threads: Annotated[int, typer.Option("--threads", help="Worker threads for concurrent queries.")] = 8,
    workers: Annotated[
        int,
        typer.Option(
            "--workers", help="Query worker processes (a query over the time limit is stopped by ending its process)."
        ),
    ] = 4,
    query_memory: Annotated[
        int, typer.Option("--query-memory", help="Memory cap of each query worker in MB (0: none); a query past "
                                                 "it gets a 503 and its worker is replaced.")
    ] = 2048,
    queue_wait: Annotated[
        float, typer.Option("--queue-wait", help="Seconds a request waits for a free worker before a 'busy' 503.")
    ] = 1.0,
    store_url: StoreUrlOpt = None,
    update_url: UpdateUrlOpt = None,
    store_auth: StoreAuthOpt = None,
    public_url: Annotated[
        str | None,
        typer.Option("--public-url", help="The URL clients reach this server at (default http://HOST:PORT/): "
                                          "IRIs under the base are shown, and dereference, under URL/id/."),
    ] = None,
) -> None:
    """Serve the graph: SPARQL endpoint at /sparql, query page at /, entity pages at /id/…

    \b
    Examples:
      kg serve                                  # ./.kg-store on http://127.0.0.1:8000/
      kg serve --data graph.trig --port 9000
      kg serve --store-url http://127.0.0.1:7878/query   # in front of an Oxigraph server
      kg serve --public-url https://kg.example.org/   # behind a proxy (docs/linked-data.md)
    """
    from kg.server import ServerConfig, create_app, run
    from kg.server.rewrite import BadPublicURL, check_base, default_public_url, public_base
    from kg.server.rewrite import public_url as checked_url

    base = base or Settings().base
    try:
        public = checked_url(public_url if public_url is not None else default_public_url(host, port))
        if public_base(public) != base:
            check_base(base)  # rewritten as bytes: only a base no format escapes
    except BadPublicURL as exc:
        raise fail(str(exc)) from None
    check_listen_address(host, port)  # before the store and the workers: a busy port fails in a line
    if update_token and store_url:
        raise fail("--update-token with --store-url: send updates to the SPARQL server itself (or kg build "
                   "--store-url); kg serve in front of it is read-only")
    kg_store = open_store(store, data, read_only=update_token is None and not data, url=store_url,
                          update_url=update_url, auth=store_auth)
    config = ServerConfig(
        base=base, update_token=update_token, timeout=timeout, max_rows=max_rows, workers=workers,
        query_memory_mb=query_memory, queue_wait=queue_wait, public_url=public,
    )
    if public_base(public) != base:
        say("", f"IRIs under {base} are shown as {public_base(public)}... (--public-url)")
    run(create_app(kg_store, config), host=host, port=port, threads=threads)


@app.command()
def validate(store: StoreOpt = None, data: DataOpt = None, store_url: StoreUrlOpt = None,
             store_auth: StoreAuthOpt = None) -> None:
    """Check the graph against the SHACL shapes and the ontology, and report in plain words."""
    from kg.validate import validate_store

    kg_store = open_store(store, data, read_only=True, url=store_url, auth=store_auth)
    ok, report = validate_store(kg_store)
    sys.stdout.write(report + "\n")
    raise typer.Exit(0 if ok else 1)


@app.command()
def remove(
    sources: Annotated[list[str], typer.Argument(help="Document ids, file names or source URLs to remove.")],
    store: StoreOpt = None,
    store_url: StoreUrlOpt = None,
    update_url: UpdateUrlOpt = None,
    store_auth: StoreAuthOpt = None,
) -> None:
    """Remove sources: their graphs, and the facts and nodes only they supported."""
    from kg.rdf import find_graphs

    kg_store = open_store(store, None, url=store_url, update_url=update_url, auth=store_auth)
    for source in sources:
        graphs = find_graphs(kg_store, source)
        if not graphs:
            raise fail(f"no source matches {source!r}", 1)
        for graph in graphs:
            removed = kg_store.remove_graph(graph)
            say("removed", f"{graph} ({removed} triples left the merged graph)")
    kg_store.flush()


@app.command("eval")
def eval_command(
    facts: Annotated[Path | None, typer.Argument(help="Facts file in the shape of seed-facts.json.")] = None,
    store: StoreOpt = None,
    data: DataOpt = None,
    build_inputs: Annotated[
        list[Path] | None, typer.Option("--build", help="Build these articles in memory first, then score.")
    ] = None,
    manifest: Annotated[
        Path | None,
        typer.Option("--manifest", help="Manifest for --build (default: the folder's manifest.csv, if any)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
    require: Annotated[bool, typer.Option("--require", help="Exit 1 if a required fact is missed.")] = False,
    all_corpora: Annotated[
        bool, typer.Option("--all", help="Score the corpora tuning may look at: seeds, devset, devset2, examples "
                                         "and the real-news dev split (when its texts are present).")
    ] = False,
    heldout: Annotated[
        bool, typer.Option("--heldout", help="Score the held-out corpora (testset, real-news test split): the "
                                             "summary figures only, never the facts missed.")
    ] = False,
) -> None:
    """Score a graph against an analyst's facts file: P/R/F1 for entities and events, per-argument
    accuracy, the required facts missed (and why) and the duplicates.

    \b
    Examples:
      kg eval examples/facts.json                       # the default store
      kg eval facts.json --data graph.trig --json
      kg eval --build devset devset/facts.json          # build in memory, then score
      kg eval --all                                     # seeds, devsets, examples, real-news dev: one table
      kg eval --heldout                                 # testset and real-news test: figures only
    """
    import json

    from rich.console import Console

    from kg.eval import FactsError, load_facts, render, render_summary, score_store
    from kg.eval.run import Corpus, build_memory_store, heldout_corpora, known_corpora
    from kg.ingest import folder_manifest
    from kg.ingest.manifest import ManifestError

    out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 160)
    if all_corpora and heldout:
        raise fail("give --all or --heldout, not both: held-out figures are read on their own")
    if all_corpora or heldout:
        listed = known_corpora() if all_corpora else heldout_corpora()
        corpora = [c for c in listed if c.present]
        for skipped in (c for c in listed if not c.present):
            say(f"[yellow]no {markup_safe(skipped.name)}[/]", f"({skipped.articles} or {skipped.facts} missing)")
        all_corpora = True
    elif facts is None:
        raise fail("give a facts file (or --all)")
    elif build_inputs:
        folder = build_inputs[0] if len(build_inputs) == 1 and build_inputs[0].is_dir() else None
        corpora = [Corpus(folder.name if folder else facts.stem, folder or Path("."), facts)]
    else:
        corpora = []
    reports, nlp = [], None
    try:
        if not all_corpora and not build_inputs:
            gold = load_facts(facts)
            reports.append((str(facts), score_store(open_store(store, data, read_only=True), gold)))
        for corpus in corpora:
            gold = load_facts(corpus.facts)
            inputs = build_inputs if build_inputs and not all_corpora else [corpus.articles]
            chosen = manifest if manifest and not all_corpora else (corpus.manifest or folder_manifest(inputs))
            with err.status(f"building {markup_safe(corpus.name)} in memory…"):
                try:
                    kg_store, built, nlp = build_memory_store(inputs, chosen, nlp=nlp)
                except (ImportError, OSError) as exc:
                    raise fail(f"cannot build {corpus.name}: {exc}", 1) from None
            say("", f"{corpus.name}: {built.summary()}" + (f" (manifest {chosen})" if chosen else ""))
            reports.append((corpus.name, score_store(kg_store, gold)))
    except (FactsError, ManifestError) as exc:
        raise fail(str(exc)) from None
    if as_json:
        payload = {name: r.summary_dict() if heldout else r.as_dict() for name, r in reports}
        sys.stdout.write(json.dumps(payload if all_corpora else payload[reports[0][0]], indent=1) + "\n")
    else:
        for _name, report in [] if heldout else reports:
            render(report, out)
            out.print()
        if len(reports) > 1 or heldout:
            render_summary(reports, out)
    if require and any(not r.ok for _, r in reports):
        raise typer.Exit(1)


class _VisibleFormatter(logging.Formatter):
    """Log lines carry document names and input text too: each message stays one visible line."""

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 (logging's name)
        record.message = visible(record.message, limit=2_000)
        return super().formatMessage(record)


def main() -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(_VisibleFormatter("%(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.WARNING, handlers=[handler])
    app()


if __name__ == "__main__":
    main()
