"""The ``--manifest`` file: per-article metadata (url, title, publisher, date) keyed by file name.

A manifest that cannot be used at all (unreadable, not text, no ``file`` column) stops the build
before anything is built: its metadata would otherwise be lost without a word. A bad *value* in it
costs only that value (see :mod:`kg.ingest.metadata`), and a row that names no file only that row;
each is kept in :attr:`Manifest.warnings` for the build to report.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field, replace
from pathlib import Path

from kg.ingest.metadata import FIELDS, _kind, check_fields
from kg.ingest.readers import ReadError, decode
from kg.records import DocumentMeta, DroppedField

__all__ = ["FIELDS", "Manifest", "ManifestError", "load_manifest"]


class ManifestError(Exception):
    """The manifest itself cannot be used (the build stops: its metadata would be silently lost)."""


@dataclass
class Manifest:
    rows: dict[str, dict[str, object]]  # file name -> the usable values of its row (checked)
    warnings: list[DroppedField] = field(default_factory=list)  # values and rows that were left out

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
            date=row.get("date") or meta.date,
        )

    def missing(self, seen: set[str]) -> list[str]:
        """Files the manifest names that the build never read (reported, not fatal)."""
        return sorted(set(self.rows) - seen)


def _read_rows(path: Path) -> list[tuple[str, object]]:
    """(where, row) for each row of the file, before any value is looked at."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ManifestError(f"cannot read manifest {path}: {exc.strerror or exc}") from None
    try:
        text = decode(raw, control_check=False)
    except ReadError as exc:
        raise ManifestError(f"cannot read manifest {path}: {exc}") from None
    rows: list[tuple[str, object]] = []
    if path.suffix.lower() in {".jsonl", ".json"}:
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                rows.append((f"{path.name}:{number}", json.loads(line)))
            except json.JSONDecodeError as exc:
                rows.append((f"{path.name}:{number}", f"broken JSON line: {exc.msg} at column {exc.colno}"))
        return rows
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))  # quoted fields may span lines
        if reader.fieldnames is not None and "file" not in reader.fieldnames:
            raise ManifestError(f"{path}: the header row has no 'file' field (it has {', '.join(reader.fieldnames)})")
        for number, row in enumerate(reader, start=1):
            rows.append((f"{path.name} row {number}", row))
    except csv.Error as exc:
        raise ManifestError(f"{path}: not a readable CSV file ({exc})") from None
    return rows


def load_manifest(path: Path | None) -> Manifest:
    if path is None:
        return Manifest({})
    result: dict[str, dict[str, object]] = {}
    warnings: list[DroppedField] = []
    rows = _read_rows(path)
    for where, row in rows:
        if isinstance(row, str):  # a line that is not JSON at all
            warnings.append(DroppedField(where, "row", row))
            continue
        if not isinstance(row, dict):
            warnings.append(DroppedField(where, "row", "not a JSON object"))
            continue
        name = row.get("file")  # as written: it must match a real file name, odd characters and all
        if not isinstance(name, str) or not name.strip() or not Path(name).name:
            why = f"not a string ({_kind(name)})" if name is not None and not isinstance(name, str) else "empty"
            warnings.append(DroppedField(where, "row", f"no usable 'file' field ({why})"))
            continue
        name = Path(name).name
        kept, dropped = check_fields({k: v for k, v in row.items() if k in FIELDS})
        warnings += [DroppedField(f"{where} ({name})", f, reason) for f, reason in dropped]
        result[name] = kept
    if rows and not result and all(w.field == "row" for w in warnings):
        # not one row could be used: the wrong file, not a few bad rows
        raise ManifestError(f"{path}: no row has a usable 'file' field ({warnings[0]})")
    return Manifest(result, warnings)
