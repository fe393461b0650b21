"""What a scoring run found: counts, per-argument accuracy, misses and duplicates (plain data)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Counts:
    """True positives, false positives and false negatives, with P/R/F1 derived from them."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict:
        return {**asdict(self), "precision": self.precision, "recall": self.recall, "f1": self.f1}


@dataclass
class Tally:
    """How many times an argument was right among the matched gold facts that give it."""

    correct: int = 0
    total: int = 0

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.total if self.total else None

    def add(self, ok: bool) -> None:
        self.total += 1
        self.correct += int(ok)

    def as_dict(self) -> dict:
        return {**asdict(self), "accuracy": self.accuracy}


@dataclass
class Miss:
    """A required fact the graph lacks (or has wrong), with the reason in words."""

    section: str  # entities, attacks, diplomatic_actions, other_facts
    id: str
    reason: str


@dataclass
class Duplicate:
    """Several nodes matching one gold entity or event (the merged graph should have one)."""

    section: str
    id: str
    nodes: list[str]


@dataclass
class EventMatch:
    gold: str
    node: str
    score: float
    arguments: dict[str, bool] = field(default_factory=dict)


@dataclass
class SectionResult:
    counts: Counts = field(default_factory=Counts)
    by_type: dict[str, Counts] = field(default_factory=dict)
    arguments: dict[str, Tally] = field(default_factory=dict)
    matches: list[EventMatch] = field(default_factory=list)

    def argument(self, name: str) -> Tally:
        return self.arguments.setdefault(name, Tally())

    def argument_accuracy(self) -> Tally:
        total = Tally()
        for tally in self.arguments.values():
            total.correct += tally.correct
            total.total += tally.total
        return total

    def as_dict(self) -> dict:
        return {
            "counts": self.counts.as_dict(),
            "by_type": {k: v.as_dict() for k, v in sorted(self.by_type.items())},
            "arguments": {k: v.as_dict() for k, v in self.arguments.items()},
            "argument_accuracy": self.argument_accuracy().as_dict(),
            "matches": [asdict(m) for m in self.matches],
        }


@dataclass
class EvalReport:
    facts: str
    entities: SectionResult = field(default_factory=SectionResult)
    attacks: SectionResult = field(default_factory=SectionResult)
    diplomatic_actions: SectionResult = field(default_factory=SectionResult)
    other_facts: SectionResult = field(default_factory=SectionResult)
    missed: list[Miss] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    false_positives: dict[str, list[str]] = field(default_factory=dict)  # section -> nodes matching no gold

    @property
    def ok(self) -> bool:
        """Every required fact was found."""
        return not self.missed

    def argument_accuracy(self) -> Tally:
        """Accuracy over every argument of every matched attack and diplomatic action."""
        total = Tally()
        for section in (self.attacks, self.diplomatic_actions):
            tally = section.argument_accuracy()
            total.correct += tally.correct
            total.total += tally.total
        return total

    def as_dict(self) -> dict:
        return {
            "facts": self.facts,
            "ok": self.ok,
            "entities": self.entities.as_dict(),
            "attacks": self.attacks.as_dict(),
            "diplomatic_actions": self.diplomatic_actions.as_dict(),
            "other_facts": self.other_facts.as_dict(),
            "argument_accuracy": self.argument_accuracy().as_dict(),
            "missed": [asdict(m) for m in self.missed],
            "duplicates": [asdict(d) for d in self.duplicates],
            "false_positives": self.false_positives,
        }

    def summary_dict(self) -> dict:
        """The figures alone (counts, P/R/F1, argument accuracy, how many misses and duplicates), with no fact
        named: what may be read of a held-out corpus."""
        return {
            "facts": self.facts,
            **{name: getattr(self, name).counts.as_dict()
               for name in ("entities", "attacks", "diplomatic_actions", "other_facts")},
            "argument_accuracy": self.argument_accuracy().as_dict(),
            "missed": len(self.missed),
            "duplicates": len(self.duplicates),
        }
