"""A Linked Data browser that is not ours, Trifid (Zazuko, from npm: tests/external/package.json), pointed at
the endpoint, shows an entity and follows a link to another, in Debian's Chromium (issue 13, item 4).

Our server runs under a public URL (``--public-url``, its own address here); Trifid is given that URL as its
dataset base and our /sparql as its endpoint, reads each entity through SPARQL and rewrites our IRIs to its
own host, the way it fronts any endpoint. Install it with ``npm ci --prefix tests/external`` (.ci/run does).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest
import requests

from kg.config import REPO_ROOT
from tests.serving import free_port

pytestmark = pytest.mark.browser

EXTERNAL = REPO_ROOT / "tests" / "external"
NODE = shutil.which("node") or "/usr/bin/node"


@pytest.fixture(scope="module")
def kg_public(sample_store):
    """Our server on a free port whose own URL is its public URL."""
    from waitress import create_server

    from kg.server import ServerConfig, close_app, create_app

    holder: dict = {}
    server = create_server(lambda environ, start: holder["app"](environ, start), host="127.0.0.1", port=0,
                           threads=4)
    url = f"http://127.0.0.1:{server.effective_port}/"
    holder["app"] = app = create_app(sample_store, ServerConfig(workers=1, public_url=url))
    threading.Thread(target=server.run, daemon=True).start()
    assert app.extensions["kg"].engine.wait_ready(60)
    yield url
    server.close()
    close_app(app)


@pytest.fixture(scope="module")
def trifid(kg_public):
    assert (EXTERNAL / "node_modules" / "trifid-core").is_dir(), (
        "Trifid is needed for this test: npm ci --prefix tests/external")
    assert Path(NODE).is_file(), "node is needed for Trifid (apt-get install -y nodejs npm)"
    port = free_port()
    env = {**os.environ, "DATASET_BASE_URL": kg_public, "SPARQL_ENDPOINT_URL": kg_public + "sparql",
           "SPARQL_ENDPOINT_USERNAME": "", "SPARQL_ENDPOINT_PASSWORD": ""}
    proc = subprocess.Popen([NODE, str(EXTERNAL / "trifid.mjs"), str(port)], cwd=EXTERNAL, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180  # Trifid loads its plugins for ~20 s on a loaded machine
        while time.monotonic() < deadline:
            with contextlib.suppress(requests.ConnectionError):
                requests.get(url + "/query", timeout=5)
                break
            assert proc.poll() is None, proc.stdout.read()
            time.sleep(0.5)
        else:
            raise AssertionError("Trifid did not start")
        yield url
    finally:
        proc.terminate()
        proc.wait(30)


def test_trifid_shows_an_entity_and_follows_a_link_to_another(watched, trifid):
    page = watched.page
    page.goto(trifid + "/id/event/strike-1", wait_until="load")
    assert page.locator("h1").first.inner_text().strip() == "missile and drone strikes on Port Ember"
    link = page.locator(f'a[href="{trifid}/id/state/northland"]').first
    assert link.count() == 1  # the perpetrator, linked on Trifid's own host
    link.click()
    page.wait_for_url(trifid + "/id/state/northland")
    assert page.locator("h1").first.inner_text().strip() == "Northland"
    assert "http://www.wikidata.org/entity/Q4115189" in page.content()  # its owl:sameAs, read from our endpoint
    assert watched.outside == [], watched.outside
