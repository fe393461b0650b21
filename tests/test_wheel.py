"""The wheel works outside the repository: built from a copy of the sources, installed into a fresh venv,
run from an empty folder with no PYTHONPATH (``kg build``, ``kg validate``, ``kg serve`` with its editor).

Nothing is downloaded: the wheel is built without build isolation (setuptools and wheel come from the test
extra) and installed with ``--no-index --no-deps``; its dependencies are seen through a ``.pth`` line naming
this venv's site-packages, which (unlike a site folder) runs none of the ``.pth`` hooks there, so this
checkout's editable install cannot leak into the new venv.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import time
import zipfile
from pathlib import Path

import psutil
import pytest
import requests
from serving import free_port

from kg import resources
from kg.config import REPO_ROOT
from kg.server import assets

SOURCES = ["kg", "ontology", "queries", "examples", "setup.py", "pyproject.toml", "MANIFEST.in", "README.md"]


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "KG_STORE", "VIRTUAL_ENV", "PYTHONHOME")}
    env["PYTHONNOUSERSITE"] = "1"
    return env


def _run(args: list[str], cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess:
    result = subprocess.run(args, cwd=cwd, env=_clean_env(), capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{args} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """A wheel built from a copy of the sources (so no stale build/ folder of the checkout can leak in)."""
    assert assets.available("yasgui"), "run scripts/build_assets.py first: the wheel must carry the editor"
    source = tmp_path_factory.mktemp("src")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "_bundled", "build.py", "template.html.j2")
    for name in SOURCES:
        path = REPO_ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=ignore)
        else:
            shutil.copyfile(path, source / name)
    dist = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q",
          "-w", str(dist), str(source)], cwd=source)
    assert not (source / "kg" / "_bundled").exists(), "the build must not write into the source tree"
    (built,) = dist.glob("conflict_kg-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    """A fresh venv holding only the wheel (dependencies seen through this venv's site-packages)."""
    target = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(target)], check=True, timeout=120)
    python = target / "bin" / "python"
    purelib = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    Path(purelib, "_test_dependencies.pth").write_text("\n".join(sorted(ours)) + "\n", encoding="utf-8")
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-index", "--no-deps", "-q",
          str(wheel)], cwd=target)
    return target


def test_the_wheel_carries_every_data_file(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    wanted = set()
    for folder, patterns in resources.BUNDLED.items():
        for pattern in patterns:
            wanted |= {f"kg/_bundled/{folder}/{p.name}" for p in (REPO_ROOT / folder).glob(pattern) if p.is_file()}
    # every file of the package but docs and caches: code, templates, static files, data, browser bundles
    for path in (REPO_ROOT / "kg").rglob("*"):
        relative = path.relative_to(REPO_ROOT).as_posix()
        if path.is_file() and "__pycache__" not in relative and "/_bundled/" not in relative \
                and path.suffix not in (".md", ".pyc"):
            wanted.add(relative)
    assert {"kg/_bundled/ontology/vocab.json", "kg/_bundled/ontology/conflict-kg.owl",
            "kg/_bundled/queries/timeline.rq", "kg/_bundled/examples/manifest.csv",
            "kg/server/templates/query.html", "kg/server/static/vendor/yasgui/yasgui.min.js"} <= wanted
    assert sorted(wanted - names) == []


def test_installed_wheel_builds_validates_and_serves_from_an_empty_folder(venv, tmp_path):
    bin_dir = venv / "bin"
    folder = tmp_path / "empty"
    folder.mkdir()
    where = _run([str(bin_dir / "python"), "-c", "import kg, kg.vocab, kg.resources as r; "
                  "print(kg.__file__); print(r.ONTOLOGY_DIR); print(r.is_installed())"], cwd=folder).stdout.split()
    assert where[0].startswith(str(venv)) and where[1].startswith(str(venv)) and where[2] == "True", where

    built = _run([str(bin_dir / "kg"), "build"], cwd=folder)  # the bundled examples into ./.kg-store
    assert "6 built" in built.stderr and (folder / ".kg-store").is_dir(), built.stderr
    checked = _run([str(bin_dir / "kg"), "validate"], cwd=folder)
    assert checked.stdout.strip().splitlines()[-1] == "valid", checked.stdout

    port = free_port()
    server = subprocess.Popen([str(bin_dir / "kg"), "serve", "--port", str(port), "--workers", "2"], cwd=folder,
                              env=_clean_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        page = _wait_for(url + "/", server)
        assert page.status_code == 200 and "vendor/yasgui/yasgui.min.js" in page.text  # the editor, not the form
        script = requests.get(url + "/static/vendor/yasgui/yasgui.min.js", timeout=10)
        assert script.status_code == 200 and len(script.content) > 100_000
        answer = requests.get(url + "/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"},
                              headers={"Accept": "application/sparql-results+json"}, timeout=30)
        assert answer.status_code == 200, answer.text
        assert int(answer.json()["results"]["bindings"][0]["n"]["value"]) > 1000
        canned = requests.get(url + "/queries", headers={"Accept": "application/json"}, timeout=30)
        assert "timeline" in {q["name"] for q in canned.json()}  # the bundled queries/
        ontology = requests.get(url + "/ontology", headers={"Accept": "text/turtle"}, timeout=30)
        assert ontology.status_code == 200 and ("ckg:Attack" in ontology.text or "#Attack>" in ontology.text)
        found = requests.get(url + "/search", params={"q": "houthi", "format": "json"}, timeout=30).json()
        assert found["results"][0]["label"] == "Houthis"  # the search page and its index, from the wheel
        page = requests.get(url + "/search", params={"q": "houthi"}, headers={"Accept": "text/html"}, timeout=30)
        assert page.status_code == 200 and "/id/group/houthis" in page.text
        workers = [p for p in psutil.Process(server.pid).children(recursive=True)
                   if "worker_main" in " ".join(p.cmdline())]  # kg.server.engine._WORKER_START
        assert len(workers) == 2
        for worker in workers:  # the query workers found the installed kg on their own
            assert "PYTHONPATH" not in worker.environ()
            assert worker.cmdline()[0].startswith(str(venv))
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    assert "serving on" in output


def _wait_for(url: str, server: subprocess.Popen, seconds: float = 120) -> requests.Response:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            said = server.stdout.read() if server.stdout else ""
            raise AssertionError(f"kg serve exited {server.returncode}: {said}")
        try:
            return requests.get(url, timeout=5)
        except requests.ConnectionError:
            time.sleep(0.3)
    raise AssertionError(f"kg serve did not answer {url} within {seconds} s")
