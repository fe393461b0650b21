"""The ``kg`` command: thin wrappers that parse arguments and call pipeline, store and server."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from kg.config import DEFAULT_STORE, EXAMPLES_DIR, Settings

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
BaseOpt = Annotated[str | None, typer.Option("--base", help="Base IRI for minted entity and event IRIs.")]


def fail(message: str, code: int = 2) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(code)


def open_store(store: Path | None, data: list[Path] | None, read_only: bool = False):
    """A store from ``--data`` files (in memory) or a store folder; clear errors for both."""
    from kg.store import KGStore, StoreError

    try:
        if data:
            memory = KGStore()
            for path in data:
                if not path.is_file():
                    raise fail(f"--data {path}: no such file")
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
        Path | None, typer.Option("--out", help="Also write the dataset to FILE (.trig .nq .ttl .nt .jsonld).")
    ] = None,
    store: StoreOpt = None,
    manifest: Annotated[
        Path | None,
        typer.Option(
            "--manifest",
            help="CSV or JSONL: file,url,title,publisher,date. Default: manifest.csv in a lone input folder.",
        ),
    ] = None,
    base: BaseOpt = None,
    strict: Annotated[bool, typer.Option("--strict", help="Stop at the first document that must be skipped.")] = False,
    memory: Annotated[bool, typer.Option("--memory", help="Build in memory only (use with --out).")] = False,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Worker processes for NLP and extraction.")] = 1,
) -> None:
    """Read articles and add their facts to the graph.

    \b
    Examples:
      kg build                                  # the bundled example corpus into ./.kg-store
      kg build articles/ --store data/kg        # a folder into a persistent store
      kg build a.txt b.html --out graph.trig    # and write the dataset out
      kg build feed.jsonl --manifest meta.csv   # with publication dates and publishers
      kg build big-feed/ --store data/kg -j 2   # NLP in two worker processes
    Building the same input twice changes nothing: documents are identified by their content.
    Exit status: 0 all built; 3 built, but some documents were skipped (each named above, with
    its reason); 1 nothing could be built; 2 bad usage.
    """
    from kg.ingest import folder_manifest, load_manifest
    from kg.ingest.manifest import ManifestError
    from kg.pipeline import Builder, BuildError
    from kg.store import KGStore

    settings = Settings(base=base) if base else Settings()
    paths = inputs or [EXAMPLES_DIR]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise fail(f"no such file or folder: {', '.join(missing)}")
    if manifest is None and (manifest := folder_manifest(paths)):
        err.print(f"using {manifest} for publication dates and publishers", highlight=False)
    try:
        loaded_manifest = load_manifest(manifest)
    except ManifestError as exc:
        raise fail(str(exc)) from None
    kg_store = KGStore() if memory else open_store(store, None)
    with err.status("loading the NLP pipeline…"):
        builder = Builder(kg_store, settings)
    try:
        report = _build_with_progress(builder, paths, loaded_manifest, strict, jobs)
    except BuildError as exc:
        raise fail(f"--strict: {exc}", 1) from None
    for skipped in report.skipped:
        err.print(f"[yellow]skipped[/] {skipped.name}: {skipped.reason}", highlight=False)
    seen = {Path(p).name for p in _all_names(paths)}
    for name in loaded_manifest.missing(seen):
        err.print(f"[yellow]manifest[/] names {name}, which was not among the inputs", highlight=False)
    if out:
        _write(kg_store, out)
    err.print(report.summary(), highlight=False)
    if report.read == 0:
        raise fail("no documents found in the inputs", 1)
    if report.skipped:
        code = 1 if report.built + report.unchanged == 0 else 3
        raise fail(f"{len(report.skipped)} of {report.read} documents skipped (see above)", code)


def _all_names(paths: list[Path]) -> list[str]:
    from kg.ingest import iter_files

    return [str(p) for p in iter_files(paths) if isinstance(p, Path)]


def _count_documents(paths: list[Path]) -> int:
    """How many documents the inputs hold (a JSONL file holds one a line), for the progress bar."""
    total = 0
    for name in _all_names(paths):
        if name.lower().endswith(".jsonl"):
            with open(name, "rb") as handle:
                total += sum(1 for line in handle if line.strip())
        else:
            total += 1
    return total


def _build_with_progress(builder, paths, manifest, strict, jobs):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    total = _count_documents(paths)
    columns = [
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]} docs/s"),
        TimeElapsedColumn(),
    ]
    with Progress(*columns, console=err, disable=not err.is_terminal) as bar:
        task = bar.add_task("building", total=total or None, rate="0.0")

        def progress(done: int, _item) -> None:
            elapsed = bar.tasks[0].elapsed or 0.0
            bar.update(task, completed=done, rate=f"{done / elapsed:.1f}" if elapsed else "…")

        return builder.build(paths, manifest=manifest, strict=strict, progress=progress, jobs=jobs)


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
    with open(out, "wb") as handle:
        kg_store.export(fmt, handle)
    err.print(f"wrote {out} ({fmt})", highlight=False)


@app.command()
def query(
    sparql: Annotated[str | None, typer.Argument(help="The SPARQL query text.")] = None,
    file: Annotated[Path | None, typer.Option("--file", "-f", help="Read the query from a .rq file.")] = None,
    store: StoreOpt = None,
    data: DataOpt = None,
    fmt: Annotated[str, typer.Option("--format", help="json, csv, tsv, table, or turtle (for CONSTRUCT).")] = "table",
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

    if (sparql is None) == (file is None):
        raise fail("give either a query or --file Q.rq")
    text = file.read_text(encoding="utf-8") if file else (sparql or "")
    kg_store = open_store(store, data, read_only=True)
    try:
        inspect(text)  # the endpoint's refusals (SERVICE, LOAD) before evaluation, with the same messages
        sys.stdout.write(answer_text(kg_store, text, fmt))
    except (QueryError, UnsafeRequest) as exc:
        raise fail(str(exc)) from None


@app.command()
def export(
    fmt: Annotated[str, typer.Option("--format", help="turtle, trig, nquads, ntriples or jsonld.")] = "turtle",
    store: StoreOpt = None,
    data: DataOpt = None,
    out: Annotated[Path | None, typer.Option("--out", help="Write to FILE instead of standard output.")] = None,
) -> None:
    """Export the graph. Turtle holds the merged graph with documents and evidence statements;
    TriG and N-Quads keep each source's named graph too."""
    from kg.store import EXPORT_FORMATS

    if fmt not in EXPORT_FORMATS:
        raise fail(f"unknown format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}")
    kg_store = open_store(store, data, read_only=True)
    if out:
        _write(kg_store, out, fmt)
    else:
        kg_store.export(fmt, sys.stdout.buffer)


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
) -> None:
    """Serve the graph: SPARQL endpoint at /sparql, query page at /, entity pages at /id/…

    \b
    Examples:
      kg serve                                  # ./.kg-store on http://127.0.0.1:8000/
      kg serve --data graph.trig --port 9000
    """
    from kg.server import ServerConfig, create_app, run

    kg_store = open_store(store, data, read_only=update_token is None and not data)
    config = ServerConfig(
        base=base or Settings().base, update_token=update_token, timeout=timeout, max_rows=max_rows, workers=workers
    )
    run(create_app(kg_store, config), host=host, port=port, threads=threads)


@app.command()
def validate(store: StoreOpt = None, data: DataOpt = None) -> None:
    """Check the graph against the SHACL shapes and the ontology, and report in plain words."""
    from kg.validate import validate_store

    kg_store = open_store(store, data, read_only=True)
    ok, report = validate_store(kg_store)
    sys.stdout.write(report + "\n")
    raise typer.Exit(0 if ok else 1)


@app.command()
def remove(
    sources: Annotated[list[str], typer.Argument(help="Document ids, file names or source URLs to remove.")],
    store: StoreOpt = None,
) -> None:
    """Remove sources: their graphs, and the facts and nodes only they supported."""
    from kg.rdf import find_graphs

    kg_store = open_store(store, None)
    for source in sources:
        graphs = find_graphs(kg_store, source)
        if not graphs:
            raise fail(f"no source matches {source!r}", 1)
        for graph in graphs:
            removed = kg_store.remove_graph(graph)
            err.print(f"removed {graph} ({removed} triples left the merged graph)", highlight=False)
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

    out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 160)
    if all_corpora and heldout:
        raise fail("give --all or --heldout, not both: held-out figures are read on their own")
    if all_corpora or heldout:
        listed = known_corpora() if all_corpora else heldout_corpora()
        corpora = [c for c in listed if c.present]
        for skipped in (c for c in listed if not c.present):
            err.print(f"[yellow]no {skipped.name}[/] ({skipped.articles} or {skipped.facts} missing)")
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
            with err.status(f"building {corpus.name} in memory…"):
                try:
                    kg_store, built, nlp = build_memory_store(inputs, chosen, nlp=nlp)
                except (ImportError, OSError) as exc:
                    raise fail(f"cannot build {corpus.name}: {exc}", 1) from None
            err.print(
                f"{corpus.name}: {built.summary()}" + (f" (manifest {chosen})" if chosen else ""), highlight=False
            )
            reports.append((corpus.name, score_store(kg_store, gold)))
    except FactsError as exc:
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


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    app()


if __name__ == "__main__":
    main()
