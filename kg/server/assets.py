"""Third-party browser code for the server's pages, installed from npm at install time.

The repository holds only ``package.json`` and ``package-lock.json``: ``npm ci`` fetches the exact
locked versions and this module copies the few bundles the pages load (plus every bundled package's
licence) into ``kg/server/static/vendor/``, which git ignores. Nothing is ever fetched by the pages
at run time, so the site works with no internet.

Run it with ``python scripts/build_assets.py`` (or ``python -m kg.server.assets``). It is idempotent
(a stamp of the lock file skips a second run) and fails soft when npm is absent: the server then
serves a plain HTML query form instead of the editor.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

STATIC_DIR = Path(__file__).resolve().parent / "static"
VENDOR_DIR = STATIC_DIR / "vendor"
REPO_ROOT = Path(__file__).resolve().parents[2]

# package -> [(file inside the package, name under vendor/<short>/)]: only what the pages load.
BUNDLES: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "@zazuko/yasgui": ("yasgui", [("build/yasgui.min.js", "yasgui.min.js"),
                                  ("build/yasgui.min.css", "yasgui.min.css")]),
    "vis-network": ("vis-network", [("standalone/umd/vis-network.min.js", "vis-network.min.js")]),
}
# What a page needs to find for each feature; ui.py checks these before offering the rich page.
REQUIRED = {
    "yasgui": ["yasgui/yasgui.min.js", "yasgui/yasgui.min.css"],
    "graph": ["vis-network/vis-network.min.js"],
}
LICENCE_NAMES = ("LICENSE", "LICENCE", "COPYING", "LICENSE.md", "LICENSE.txt", "LICENCE.md",
                 "LICENSE-MIT", "LICENSE-APACHE-2.0", "license", "license.md", "LICENSE.MIT")
STAMP = ".stamp.json"


class AssetError(Exception):
    """npm exists but the bundles could not be built; the message says why."""


def available(feature: str, vendor_dir: Path = VENDOR_DIR) -> bool:
    """True when the vendor files for ``feature`` ("yasgui" or "graph") are in place."""
    return all((vendor_dir / name).is_file() for name in REQUIRED[feature])


def lock_digest(repo: Path) -> str:
    return hashlib.sha256((repo / "package-lock.json").read_bytes()).hexdigest()


def up_to_date(repo: Path, vendor_dir: Path) -> bool:
    """The vendor dir was made from this very lock file and still holds every bundle."""
    stamp = vendor_dir / STAMP
    if not stamp.is_file():
        return False
    try:
        recorded = json.loads(stamp.read_text(encoding="utf-8"))
    except ValueError:
        return False
    return recorded.get("lock") == lock_digest(repo) and all(available(f, vendor_dir) for f in REQUIRED)


def run_npm_ci(repo: Path, npm: str) -> None:
    """``npm ci`` from the lock file; install scripts are not needed for prebuilt bundles."""
    command = [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--omit=dev"]
    print("running:", " ".join(command), flush=True)
    result = subprocess.run(command, cwd=repo, check=False)
    if result.returncode != 0:
        raise AssetError(f"`npm ci` failed with exit status {result.returncode}")


def installed_packages(repo: Path) -> list[tuple[str, dict]]:
    """(path under the repo, lock entry) of every installed non-dev package, sorted by name."""
    lock = json.loads((repo / "package-lock.json").read_text(encoding="utf-8"))
    rows = [(path, entry) for path, entry in lock.get("packages", {}).items()
            if path.startswith("node_modules/") and not entry.get("dev")]
    return sorted(rows)


def licence_text(package_dir: Path) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for name in LICENCE_NAMES:
        path = package_dir / name
        if path.is_file() and name.lower() not in {f.lower() for f, _ in found}:
            found.append((name, path.read_text(encoding="utf-8", errors="replace")))
    return found


def write_licences(repo: Path, vendor_dir: Path) -> int:
    """One THIRD-PARTY-LICENSES.txt covering every package the bundles were built from.

    The YASGUI bundles include their dependencies (CodeMirror, jQuery, DataTables, N3, ...), so the
    whole installed tree is listed, each with its declared licence and its licence file's text.
    """
    parts = ["Third-party code shipped in this folder, installed by `npm ci` from package-lock.json.\n"
             "Each entry gives the package, its declared licence and the text of its licence file(s).\n"]
    for path, entry in installed_packages(repo):
        name = path.split("node_modules/")[-1]
        package_dir = repo / path
        declared = entry.get("license", "")
        if not declared and (package_dir / "package.json").is_file():
            declared = json.loads((package_dir / "package.json").read_text(encoding="utf-8")).get("license", "")
        texts = licence_text(package_dir)
        parts.append("=" * 78 + f"\n{name} {entry.get('version', '')} (license: {declared or 'unknown'})\n")
        if texts:
            parts.extend(f"--- {file_name} ---\n{text.strip()}\n" for file_name, text in texts)
        else:
            parts.append(_no_file_note(package_dir, declared))
    (vendor_dir / "THIRD-PARTY-LICENSES.txt").write_text("\n".join(parts), encoding="utf-8")
    return len(installed_packages(repo))


def _no_file_note(package_dir: Path, declared: str) -> str:
    """Packages that ship no licence file (the @zazuko ones): state the licence and its author."""
    meta = {}
    if (package_dir / "package.json").is_file():
        meta = json.loads((package_dir / "package.json").read_text(encoding="utf-8"))
    author = meta.get("author", "")
    if isinstance(author, dict):
        author = author.get("name", "")
    note = f"The package ships no licence file; package.json declares {declared or 'no licence'}"
    note += f", author {author}." if author else "."
    if declared == "MIT":
        note += "\n" + (Path(__file__).resolve().parent / "data" / "MIT.txt").read_text(encoding="utf-8")
    return note + "\n"


def copy_bundles(repo: Path, vendor_dir: Path) -> list[Path]:
    copied = []
    for package, (short, files) in BUNDLES.items():
        package_dir = repo / "node_modules" / package
        target = vendor_dir / short
        target.mkdir(parents=True, exist_ok=True)
        for source, name in files:
            if not (package_dir / source).is_file():
                raise AssetError(f"{package} has no {source}: was the lock file changed by hand?")
            shutil.copyfile(package_dir / source, target / name)
            copied.append(target / name)
        texts = licence_text(package_dir)
        for file_name, text in texts:
            (target / file_name).write_text(text, encoding="utf-8")
        if not texts:
            declared = json.loads((package_dir / "package.json").read_text(encoding="utf-8")).get("license", "")
            (target / "LICENSE.txt").write_text(f"{package}\n" + _no_file_note(package_dir, declared),
                                                encoding="utf-8")
    return copied


def build(repo: Path = REPO_ROOT, vendor_dir: Path = VENDOR_DIR, force: bool = False,
          npm: str | None = None) -> str:
    """Install and copy the bundles; returns what happened ("built", "up to date", "no npm")."""
    if not (repo / "package-lock.json").is_file():
        raise AssetError(f"no package-lock.json in {repo}: run this from a checkout of the repository")
    if not force and up_to_date(repo, vendor_dir):
        return "up to date"
    npm = npm or shutil.which("npm")
    if npm is None:
        return "no npm"
    run_npm_ci(repo, npm)
    if vendor_dir.exists():
        shutil.rmtree(vendor_dir)
    vendor_dir.mkdir(parents=True)
    copied = copy_bundles(repo, vendor_dir)
    count = write_licences(repo, vendor_dir)
    versions = {path.split("node_modules/")[-1]: entry.get("version")
                for path, entry in installed_packages(repo) if path.split("node_modules/")[-1] in BUNDLES}
    (vendor_dir / STAMP).write_text(json.dumps({"lock": lock_digest(repo), "versions": versions}, indent=1),
                                    encoding="utf-8")
    print(f"copied {len(copied)} bundles and the licences of {count} packages into {vendor_dir}")
    return "built"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--force", action="store_true", help="run npm ci even if the bundles are up to date")
    parser.add_argument("--repo", type=Path, default=REPO_ROOT, help="folder holding package-lock.json")
    parser.add_argument("--vendor", type=Path, default=VENDOR_DIR, help="where the bundles go")
    args = parser.parse_args(argv)
    try:
        outcome = build(args.repo, args.vendor, force=args.force)
    except AssetError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if outcome == "no npm":
        print("warning: npm not found; the server will serve a plain query form without the editor "
              "and entity pages without the interactive graph. Install Node.js/npm and rerun "
              "`python scripts/build_assets.py` for the full pages.", file=sys.stderr)
    elif outcome == "up to date":
        print(f"browser bundles are up to date in {args.vendor}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
