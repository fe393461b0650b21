"""The Dockerfile's steps, run as written in a clean venv, since no container can run here.

Podman and buildah install from Debian on this machine, but no base image can be had (the registries
reached are PyPI, Debian and npm, not a container registry) and crun may not set its limits in this
sandbox, so the image itself is never built (issue 18). Instead each ``RUN`` command of the Dockerfile
is read from it and carried out on a copy of the sources (``git ls-files``, as ``COPY . /app`` with
.dockerignore gives): the venv, ``pip install -e .``, ``scripts/build_assets.py`` and the ``kg build``;
then its ``CMD`` serves and its ``HEALTHCHECK`` is run against it. The only changes are paths
(/opt/venv, /app, /data become temporary folders), the port (a free one) and the host (127.0.0.1: in
a container 0.0.0.0 is the container's own network, here it would be the machine's). System steps
(apt-get, useradd, chown, cleaning up) are named and left out; any other command fails the test, so a
new step cannot be skipped silently. Dependencies come from this venv's site-packages through a
``.pth`` line (as in test_wheel.py): installed with ``--no-deps``, so only the project is new.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import requests
from serving import free_port
from test_dockerfile import instructions, run_commands

REPO = Path(__file__).resolve().parent.parent
SYSTEM_STEPS = {"apt-get", "useradd", "chown", "rm"}  # the image's OS, its user and its cleaning up


def _env(venv: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "KG_STORE", "VIRTUAL_ENV")}
    env.update(PYTHONNOUSERSITE="1", PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}")
    for pair in re.findall(r"(\w+)=(\S+)", dict(instructions())["ENV"]):
        if pair[0].startswith(("PYTHON", "PIP")):
            env[pair[0]] = pair[1]
    return env


def _run(args: list[str], cwd: Path, env: dict[str, str], timeout: float = 600) -> subprocess.CompletedProcess:
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{args} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
    return result


def _copy_sources(target: Path) -> None:
    """What ``COPY . /app`` puts in the image: the tracked files, less what .dockerignore leaves out."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, text=True, check=True)
    ignored = [line.strip() for line in (REPO / ".dockerignore").read_text(encoding="utf-8").splitlines()
               if line.strip() and not line.startswith("#")]
    for name in filter(None, listed.stdout.split("\0")):
        if any(name == i or name.startswith(i.rstrip("/") + "/") for i in ignored) or not (REPO / name).is_file():
            continue
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(REPO / name, target / name)


def test_the_dockerfile_steps_build_the_examples_and_serve_them(tmp_path):
    app, venv, data = tmp_path / "app", tmp_path / "venv", tmp_path / "data"
    app.mkdir()
    data.mkdir()
    _copy_sources(app)
    env = _env(venv)
    store = None
    done: list[str] = []
    for command in run_commands():
        word = command[0]
        if word in SYSTEM_STEPS:
            continue
        if command[:3] == ["python", "-m", "venv"]:
            _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], app, env)
            where = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
            purelib = _run([str(venv / "bin" / "python"), "-c", where], app, env).stdout.strip()
            ours = sorted({sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]})
            Path(purelib, "_test_dependencies.pth").write_text("\n".join(ours) + "\n", encoding="utf-8")
        elif command[:2] == ["pip", "install"]:
            _run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "--no-deps",
                  "--no-build-isolation", "--no-index", "-q", *command[2:]], app, env)
        elif word == "python":
            _run([str(venv / "bin" / "python"), *command[1:]], app, env)
        elif command[:2] == ["kg", "build"]:
            args = [str(data / "kg-store") if a == "/data/kg-store" else a for a in command[2:]]
            built = _run([str(venv / "bin" / "kg"), "build", *args], app, env)
            assert "6 built" in built.stderr + built.stdout, built.stderr
            store = data / "kg-store"
        else:
            raise AssertionError(f"a Dockerfile step this test does not know: {shlex.join(command)}")
        done.append(shlex.join(command))
    assert store is not None and store.is_dir(), done
    where = _run([str(venv / "bin" / "python"), "-c", "import kg; print(kg.__file__)"], tmp_path, env).stdout
    assert where.strip().startswith(str(app)), where  # the image's own copy, editable, not this checkout

    port = free_port()
    serve = json.loads(dict(instructions())["CMD"])
    swap = {"/data/kg-store": str(store), "0.0.0.0": "127.0.0.1", "8000": str(port)}
    serve = [str(venv / "bin" / "kg")] + [swap.get(a, a) for a in serve[1:]]
    server = subprocess.Popen(serve, cwd=app, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    health = shlex.split(dict(instructions())["HEALTHCHECK"].split(" CMD ", 1)[1].replace("8000", str(port)))
    try:
        deadline = time.monotonic() + 120
        while subprocess.run([str(venv / "bin" / "python"), *health[1:]], env=env, capture_output=True,
                             timeout=30).returncode != 0:
            assert server.poll() is None, server.stdout.read() if server.stdout else ""
            assert time.monotonic() < deadline, "the health check never passed"
            time.sleep(0.5)
        url = f"http://127.0.0.1:{port}"
        page = requests.get(url + "/", timeout=30)
        assert page.status_code == 200 and "vendor/yasgui/yasgui.min.js" in page.text  # build_assets ran
        assert requests.get(url + "/dashboard", timeout=30).status_code == 200
        count = requests.get(url + "/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"},
                             headers={"Accept": "application/sparql-results+json"}, timeout=30).json()
        assert int(count["results"]["bindings"][0]["n"]["value"]) > 1000  # the examples, built into the store
    finally:
        server.terminate()
        server.communicate(timeout=30)
