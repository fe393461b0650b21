"""Print an :class:`EvalReport` as rich tables, and several reports as one summary table."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from kg.eval.results import Counts, EvalReport, SectionResult, Tally

# The targets the project set for the development set (issue 4).
TARGETS = {"entities": 0.9, "attacks": 0.8, "diplomatic_actions": 0.8, "arguments": 0.75}


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _counts_row(name: str, c: Counts, style: str = "") -> list[str]:
    row = [name, str(c.tp), str(c.fp), str(c.fn), _pct(c.precision), _pct(c.recall), _pct(c.f1)]
    return [f"[{style}]{x}[/]" for x in row] if style else row


def _prf_table(title: str, section: SectionResult, caption: str | None = None) -> Table:
    table = Table(title=title, caption=caption, title_justify="left")
    for col in ("", "TP", "FP", "FN", "P", "R", "F1"):
        table.add_column(col, justify="left" if not col else "right")
    for name, counts in sorted(section.by_type.items()):
        table.add_row(*_counts_row(name, counts))
    table.add_row(*_counts_row("all", section.counts, "bold"))
    return table


def _arguments_table(title: str, sections: list[tuple[str, SectionResult]]) -> Table:
    table = Table(title=title, title_justify="left")
    for col in ("", "argument", "correct", "total", "accuracy"):
        table.add_column(col, justify="right" if col in ("correct", "total", "accuracy") else "left")
    for name, section in sections:
        for arg, tally in section.arguments.items():
            table.add_row(name, arg, str(tally.correct), str(tally.total), _pct(tally.accuracy))
        if section.arguments:
            total = section.argument_accuracy()
            table.add_row(f"[bold]{name}[/]", "[bold]all[/]", str(total.correct), str(total.total),
                          f"[bold]{_pct(total.accuracy)}[/]")
    return table


def render(report: EvalReport, console: Console) -> None:
    """The full report: one table per section, then the missed required facts and the duplicates."""
    console.print(f"[bold]Scoring against[/] {escape(report.facts)}", highlight=False)
    console.print(_prf_table(
        "Entities", report.entities,
        "Precision counts predicted nodes of the types the facts file lists; the file names only salient "
        "entities, so precision is a lower bound.",
    ))
    if report.entities.arguments:
        console.print(_arguments_table("Entity attributes (found required entities)",
                                       [("entities", report.entities)]))
    console.print(_prf_table("Attacks (rows by gold type; FP rows by predicted type)", report.attacks))
    console.print(_prf_table("Diplomatic actions", report.diplomatic_actions))
    console.print(_arguments_table("Arguments of matched required events",
                                   [("attacks", report.attacks), ("diplomatic", report.diplomatic_actions)]))
    other = report.other_facts
    if other.arguments:
        console.print(_arguments_table("Other facts (recall)", [("other", other)]))
    console.print(headline(report), highlight=False)
    if report.missed:
        console.print(f"\n[bold red]{len(report.missed)} required facts missed:[/]")
        for miss in report.missed:
            console.print(f"  [red]✗[/] {miss.section} {escape(miss.id)}: {escape(miss.reason)}",
                          highlight=False)
    else:
        console.print("\n[bold green]every required fact was found[/]")
    for section, nodes in report.false_positives.items():
        shown = ", ".join(nodes[:30]) + (f" … and {len(nodes) - 30} more" if len(nodes) > 30 else "")
        console.print(f"\n[bold]{len(nodes)} {section} in the graph match no gold fact[/] "
                      f"(false positives, or salient facts the file does not list): {escape(shown)}",
                      highlight=False)
    if report.duplicates:
        console.print(f"\n[bold yellow]{len(report.duplicates)} duplicates[/] (one thing, several nodes):")
        for dup in report.duplicates:
            console.print(f"  [yellow]•[/] {dup.section} {escape(dup.id)}: {escape(', '.join(dup.nodes))}",
                          highlight=False)


def _mark(value: float | None, target: float) -> str:
    if value is None:
        return "–"
    return f"[green]{value:.2f}[/]" if value >= target else f"[red]{value:.2f}[/]"


def headline(report: EvalReport) -> str:
    """One line with the four figures the targets are set on."""
    args: Tally = report.argument_accuracy()
    return (f"entity F1 {_mark(report.entities.counts.f1, TARGETS['entities'])} · "
            f"attack F1 {_mark(report.attacks.counts.f1, TARGETS['attacks'])} · "
            f"diplomatic F1 {_mark(report.diplomatic_actions.counts.f1, TARGETS['diplomatic_actions'])} · "
            f"argument accuracy {_mark(args.accuracy, TARGETS['arguments'])} · "
            f"{len(report.missed)} required missed · {len(report.duplicates)} duplicates")


def render_summary(reports: list[tuple[str, EvalReport]], console: Console) -> None:
    """Several corpora (seeds, devset, examples) in one table, against the targets."""
    table = Table(title="Quality summary (targets: entity F1 ≥ 0.9, event F1 ≥ 0.8, arguments ≥ 0.75)",
                  title_justify="left")
    for col in ("corpus", "entity P/R/F1", "attack P/R/F1", "diplomatic P/R/F1", "arguments",
                "other facts", "missed", "duplicates"):
        table.add_column(col, justify="left" if col == "corpus" else "right")
    for name, r in reports:
        def prf(c: Counts, target: float) -> str:
            return f"{_pct(c.precision)}/{_pct(c.recall)}/{_mark(c.f1, target)}"

        args = r.argument_accuracy()
        other = r.other_facts.counts
        table.add_row(escape(name), prf(r.entities.counts, TARGETS["entities"]),
                      prf(r.attacks.counts, TARGETS["attacks"]),
                      prf(r.diplomatic_actions.counts, TARGETS["diplomatic_actions"]),
                      f"{args.correct}/{args.total} {_mark(args.accuracy, TARGETS['arguments'])}",
                      f"{other.tp}/{other.tp + other.fn}", str(len(r.missed)), str(len(r.duplicates)))
    console.print(table)
