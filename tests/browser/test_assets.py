"""The install step for browser code, and the page the server falls back to without it (no browser)."""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

import pytest

from kg.server import assets

REPO = Path(__file__).resolve().parents[2]


def fake_npm(folder: Path, status: int) -> Path:
    script = folder / "npm"
    script.write_text(f"#!/bin/sh\necho fake npm \"$@\" >&2\nexit {status}\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


def test_no_npm_is_a_warning_not_a_failure(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PATH", str(tmp_path))  # nothing called npm on the PATH
    status = assets.main(["--force", "--vendor", str(tmp_path / "vendor")])
    assert status == 0
    assert "npm not found" in capsys.readouterr().err
    assert not (tmp_path / "vendor").exists()


def test_failing_npm_ci_fails_the_install(tmp_path, monkeypatch, capsys):
    fake_npm(tmp_path, 1)
    monkeypatch.setenv("PATH", str(tmp_path) + os.pathsep + os.environ["PATH"])
    status = assets.main(["--force", "--vendor", str(tmp_path / "vendor")])
    assert status == 1
    assert "npm ci" in capsys.readouterr().err


def test_stamp_makes_a_second_run_a_no_op(tmp_path):
    vendor = tmp_path / "vendor"
    for names in assets.REQUIRED.values():
        for name in names:
            (vendor / name).parent.mkdir(parents=True, exist_ok=True)
            (vendor / name).write_text("x", encoding="utf-8")
    assert not assets.up_to_date(REPO, vendor)
    (vendor / assets.STAMP).write_text(json.dumps({"lock": assets.lock_digest(REPO)}), encoding="utf-8")
    assert assets.up_to_date(REPO, vendor)
    assert assets.build(REPO, vendor, npm="/nonexistent/npm") == "up to date"  # npm not even called
    (vendor / assets.REQUIRED["yasgui"][0]).unlink()
    assert not assets.up_to_date(REPO, vendor)


def test_bundled_files_are_not_in_the_repository():
    gitignore = (REPO / ".gitignore").read_text(encoding="utf-8")
    assert "kg/server/static/vendor/" in gitignore and "node_modules/" in gitignore
    lock = (REPO / "package-lock.json").read_text(encoding="utf-8")
    assert '"@zazuko/yasgui"' in lock and '"vis-network"' in lock


@pytest.fixture
def client(tmp_path):
    from kg.server import close_app, create_app
    from kg.store import KGStore

    store = KGStore()
    store.load_quads(Path(__file__).parent / "data" / "sample.trig")
    app = create_app(store)
    app.config["KG_QUERIES_DIR"] = tmp_path
    (tmp_path / "one.rq").write_text("# title: One <b>query</b>\nSELECT * WHERE { ?s ?p ?o } LIMIT 1\n")
    yield app.test_client()
    close_app(app)


def test_without_bundles_the_query_page_is_a_plain_form(client, monkeypatch):
    monkeypatch.setattr(assets, "available", lambda feature, vendor_dir=None: False)
    html = client.get("/").get_data(as_text=True)
    assert '<form id="plain-form" method="post" action="/sparql">' in html
    assert "yasgui.min.js" not in html and "vendor/" not in html
    assert "One &lt;b&gt;query&lt;/b&gt;" in html  # canned query titles are escaped too


def test_with_bundles_the_query_page_loads_yasgui_from_this_server(client, monkeypatch):
    monkeypatch.setattr(assets, "available", lambda feature, vendor_dir=None: True)
    html = client.get("/").get_data(as_text=True)
    assert 'src="/assets/vendor/yasgui/yasgui.min.js"' in html
    loaded = re.findall(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"', html)
    assert len(loaded) >= 5 and all(url.startswith(("/", "data:")) for url in loaded), loaded


def test_dashboard_escapes_article_text(client):
    html = client.get("/dashboard").get_data(as_text=True)
    assert "Red Hand &lt;script&gt;" in html
    assert "<script>window" not in html
