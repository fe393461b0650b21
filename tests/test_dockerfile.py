"""The Dockerfile stays in step with the project: its commands are real `kg` commands with real flags,
it serves the store it builds, its health check is answered, and the build context leaves out the
local environment and the installed bundles (which the image makes itself from the registries).

No image is built here (no base image can be pulled on the CI machine); tests/test_container_steps.py
runs the image's steps in a clean venv instead, and docs/endpoint.md says so.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import click
import typer

from kg.cli import app

REPO = Path(__file__).resolve().parent.parent
DOCKERFILE = (REPO / "Dockerfile").read_text(encoding="utf-8")


def instructions() -> list[tuple[str, str]]:
    """(instruction, argument) with continuation lines joined and comments dropped."""
    lines, current = [], ""
    for raw in DOCKERFILE.splitlines():
        if raw.lstrip().startswith("#") or not raw.strip():
            continue
        current += raw.rstrip("\\").strip() + " "
        if not raw.rstrip().endswith("\\"):
            word, _, rest = current.strip().partition(" ")
            lines.append((word.upper(), rest.strip()))
            current = ""
    return lines


def run_commands() -> list[list[str]]:
    commands = []
    for word, rest in instructions():
        if word == "RUN":
            commands += [shlex.split(part) for part in re.split(r"\s*&&\s*", rest) if part.strip()]
    return commands


def parse_kg(argv: list[str]) -> click.Context:
    """Parse a `kg ...` command line exactly as the program would, without running it."""
    assert argv[0] == "kg", argv
    group = typer.main.get_command(app)
    command = group.get_command(click.Context(group), argv[1])
    assert command is not None, f"no kg command {argv[1]!r}"
    return command.make_context(argv[1], list(argv[2:]))


def test_the_image_installs_as_the_readme_says_and_builds_the_examples():
    commands = run_commands()
    assert ["pip", "install", "-e", "."] in commands
    assert ["python", "scripts/build_assets.py"] in commands
    builds = [c for c in commands if c[:2] == ["kg", "build"]]
    assert len(builds) == 1
    build = parse_kg(builds[0])
    assert build.params["inputs"] in (None, [], ())  # no input: the example corpus, examples/
    serve = json.loads(dict(instructions())["CMD"])
    context = parse_kg(serve)
    assert context.params["store"] == build.params["store"]  # it serves the store it built
    assert context.params["host"] == "0.0.0.0" and context.params["port"] == 8000
    assert "EXPOSE" in dict(instructions()) and dict(instructions())["EXPOSE"] == "8000"
    assert dict(instructions())["USER"] != "root"


def test_the_health_check_is_answered_by_the_server(tmp_path):
    from kg.server import ServerConfig, close_app, create_app
    from kg.store import KGStore

    url = re.search(r"u\.urlopen\('http://127\.0\.0\.1:8000(/[^']+)'", DOCKERFILE).group(1)
    application = create_app(KGStore(), ServerConfig(workers=0))
    try:
        response = application.test_client().get(url)
        assert response.status_code == 200 and response.json["boolean"] is True  # ASK {} holds on any store
    finally:
        close_app(application)


def test_the_build_context_leaves_out_local_state():
    ignored = {line.strip() for line in (REPO / ".dockerignore").read_text(encoding="utf-8").splitlines()
               if line.strip() and not line.startswith("#")}
    assert {".venv", "node_modules", "kg/server/static/vendor", ".kg-store", ".git"} <= ignored
