"""Compiled gazetteer artefacts: built once from the lists, then loaded in milliseconds.

Reading the TSV lists, the 38,000 GeoNames places and tokenizing every name for the phrase tables
took most of a one-article build (issue 15). The result depends only on the data files, the code
that reads them and the package versions underneath, so it is built once, written as msgpack
(data only, nothing executable: a tampered cache cannot run code) and keyed by a fingerprint of
all of those. A changed list or package makes a new fingerprint, hence a rebuild; the stale file is
removed. ``python -m kg.nlp.compiled`` builds it at install time (``scripts/build_assets.py`` runs
it); a first build without it compiles on the fly and writes the cache then.

Where: ``$KG_CACHE_DIR``, else ``$XDG_CACHE_HOME/conflict-kg``, else ``~/.cache/conflict-kg``. When
that folder cannot be written, the artefact is used from memory and a warning says so once.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import logging
import os
import sys
import tempfile
from collections.abc import Callable, Iterable
from importlib import metadata
from pathlib import Path
from typing import TypeVar

import srsly

log = logging.getLogger(__name__)
T = TypeVar("T")
#: Bumped when the encoded shape changes in a way the code fingerprint would not show.
FORMAT = "1"


def cache_dir() -> Path:
    explicit = os.environ.get("KG_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "conflict-kg"


def package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "absent"


def fingerprint(files: Iterable[Path], extra: Iterable[str] = ()) -> str:
    """sha256 over the files' names and bytes and the extra strings (versions, settings)."""
    digest = hashlib.sha256(FORMAT.encode())
    for path in sorted(set(files)):
        digest.update(path.name.encode() + b"\0")
        digest.update(path.read_bytes() if path.is_file() else b"<absent>")
    for item in extra:
        digest.update(b"\0" + item.encode())
    return digest.hexdigest()


def scoped(name: str, *scope: str) -> str:
    """An artefact name per data folder / model, so two of them do not evict each other's file."""
    return f"{name}-{hashlib.sha256(chr(0).join(scope).encode()).hexdigest()[:8]}"


def load_or_build(name: str, key: str, build: Callable[[], object], decode: Callable[[object], T]) -> T:
    """The artefact ``name`` for fingerprint ``key``: read from the cache, else built, written and read.

    ``build`` returns the plain (msgpack-able) form; ``decode`` makes the objects the code uses. The first
    run decodes the encoded bytes too, so a cold and a warm start behave exactly alike.
    """
    folder = cache_dir()
    path = folder / f"{name}-{key[:20]}.msgpack"
    try:
        return decode(_loads(path.read_bytes()))
    except FileNotFoundError:
        pass
    except Exception as exc:  # a truncated or foreign file: rebuild it rather than fail the build
        log.warning("compiled %s at %s is unreadable (%s); rebuilding it", name, path, exc)
    data = srsly.msgpack_dumps(build())
    _write(folder, path, name, data)
    return decode(_loads(data))


def _loads(data: bytes):
    """msgpack arrays as tuples (the records are tuples: no copy), with the cyclic GC paused: the
    collector would otherwise walk the million fresh objects several times while they are made."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return srsly.msgpack_loads(data, use_list=False)
    finally:
        if was_enabled:
            gc.enable()


def _write(folder: Path, path: Path, name: str, data: bytes) -> None:
    """Atomic write (two worker processes may compile at once), then drop older fingerprints."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, tmp = tempfile.mkstemp(prefix=f".{name}-", dir=folder)
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except OSError as exc:
        log.warning("cannot write compiled %s to %s (%s); it is rebuilt at every start", name, folder, exc)
        return
    for old in folder.glob(f"{name}-*.msgpack"):
        if old != path:
            with contextlib.suppress(OSError):
                old.unlink()


def main() -> int:
    """Compile the gazetteer and the phrase tables of the configured spaCy model (install time)."""
    from kg.config import Settings
    from kg.nlp import load_pipeline

    load_pipeline(Settings())
    print(f"compiled gazetteer and phrase tables in {cache_dir()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
