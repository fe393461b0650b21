"""The ``--manifest`` file: per-article metadata (url, title, publisher, date) keyed by file name."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, replace
from pathlib import Path

from kg.ingest.readers import parse_date
from kg.records import DocumentMeta

FIELDS = ("url", "title", "publisher", "date")


class ManifestError(Exception):
    """The manifest itself cannot be used (the build stops: its metadata would be silently lost)."""


@dataclass
class Manifest:
    rows: dict[str, dict[str, str]]

    def apply(self, path: Path, meta: DocumentMeta) -> DocumentMeta:
        """Manifest values win over what the file itself says; empty values mean unknown."""
        row = self.rows.get(path.name)
        if not row:
            return meta
        return replace(
            meta,
            source=row.get("url") or meta.source,
            url=row.get("url") or meta.url,
            title=row.get("title") or meta.title,
            publisher=row.get("publisher") or meta.publisher,
            date=parse_date(row.get("date")) or meta.date,
        )

    def missing(self, seen: set[str]) -> list[str]:
        """Files the manifest names that the build never read (reported, not fatal)."""
        return sorted(set(self.rows) - seen)


def load_manifest(path: Path | None) -> Manifest:
    if path is None:
        return Manifest({})
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ManifestError(f"cannot read manifest {path}: {exc.strerror or exc}") from None
    rows: list[dict] = []
    if path.suffix.lower() in {".jsonl", ".json"}:
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ManifestError(f"{path}:{number}: broken JSON line: {exc.msg}") from None
    else:
        rows = list(csv.DictReader(text.splitlines()))
    result: dict[str, dict[str, str]] = {}
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict) or not row.get("file"):
            raise ManifestError(f"{path}: row {number} has no 'file' field")
        result[Path(str(row["file"])).name] = {k: str(row.get(k) or "").strip() for k in FIELDS}
    return Manifest(result)
