"""docs/linked-data.md's deployment, run as written: the nginx recipe (docs/deploy/nginx.conf) in front of
``kg serve --public-url`` naming the proxy's URL; a Linked Data client that only knows the proxy follows
IRIs from one entity and never leaves it."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import time
from pathlib import Path

import requests
from serving import free_port

from kg.config import DEFAULT_BASE, REPO_ROOT

RECIPE = REPO_ROOT / "docs" / "deploy" / "nginx.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def _crawler():
    spec = importlib.util.spec_from_file_location("crawl_linked_data", REPO_ROOT / "scripts" / "crawl_linked_data.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["crawl_linked_data"] = module
    spec.loader.exec_module(module)
    return module


def _wait_for(proc, text: str, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    for line in proc.stdout:
        if text in line:
            return
        if time.monotonic() > deadline:
            break
    raise AssertionError(f"kg serve did not print {text!r}")


def test_kg_serve_behind_the_nginx_recipe_at_its_public_url(tmp_path, seed_store):
    assert Path(NGINX).is_file(), "nginx is needed for the proxy recipe test: apt-get install -y nginx"
    data = tmp_path / "seeds.nq"
    with open(data, "wb") as handle:
        seed_store.export("nquads", handle)
    listen, upstream = free_port(), free_port()
    public = f"http://127.0.0.1:{listen}/"
    server = subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", "--data", str(data), "--port", str(upstream),
                               "--workers", "1", "--public-url", public], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, cwd=REPO_ROOT)
    conf = (RECIPE.read_text(encoding="utf-8").replace("PREFIX", str(tmp_path))
            .replace("LISTEN", f"127.0.0.1:{listen}").replace("UPSTREAM", f"127.0.0.1:{upstream}")
            .replace("SERVER_NAME", "localhost"))
    (tmp_path / "nginx.conf").write_text(conf, encoding="utf-8")
    proxy = None
    try:
        _wait_for(server, "serving on")
        proxy = subprocess.Popen([NGINX, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-g",
                                  "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for _ in range(100):
            try:
                requests.get(public, timeout=5)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        # the recipe limits a client to 20 requests a second (burst 40): a short crawl, two at a time
        report = _crawler().crawl(public + "id/state/iran", public, limit=6, threads=2)
        assert not report.failures, report.failures
        assert len(report.iris) == 6 and all(iri.startswith(public) for iri in report.iris)
        page = requests.get(public + "id/state/iran", headers={"Accept": "text/turtle"}, timeout=60).text
        assert f"<{public}id/state/iran>" in page and DEFAULT_BASE not in page
        sd = requests.get(public + "sparql", headers={"Accept": "text/turtle"}, timeout=60).text
        assert f"<{public}sparql>" in sd  # the endpoint as clients reach it, not the upstream address
        assert f":{upstream}" not in sd
    finally:
        if proxy is not None:
            proxy.terminate()
            proxy.wait(30)
        server.terminate()
        server.wait(60)

