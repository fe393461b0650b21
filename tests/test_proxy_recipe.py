"""Slow clients: kg serve's own connection limit, and the nginx recipe of SECURITY.md run as written.

105 connections that never finish their request used to exhaust waitress's default 100 and lock every
other client out. kg serve now keeps up to 1,000 and drops idle ones; in front of a network, the recipe in
docs/deploy/nginx.conf holds slow clients in nginx instead. Both are tested with a real server and real slow
sockets: a normal request must still be answered while they hang.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from serving import free_port

from kg.config import REPO_ROOT

RECIPE = REPO_ROOT / "docs" / "deploy" / "nginx.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def _wait(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            requests.get(url, params={"query": "ASK {}"}, timeout=2)
            return
        except requests.RequestException:
            time.sleep(0.1)
    raise AssertionError(f"{url} did not answer")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """kg serve as a user starts it, on a store with one triple."""
    tmp = tmp_path_factory.mktemp("proxy")
    data = tmp / "g.nq"
    data.write_text("<http://e/s> <http://e/p> <http://e/o> <http://e/g> .\n", encoding="utf-8")
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", "--data", str(data), "--port", str(port),
                             "--workers", "1"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, "TMPDIR": str(tmp)})
    try:
        _wait(f"http://127.0.0.1:{port}/sparql")
        yield port
    finally:
        proc.terminate()
        proc.wait(30)


def _slow_clients(port: int, count: int, body: bool = False) -> list[socket.socket]:
    """Connections that start a request and never finish it (headers, or a body, left incomplete)."""
    socks = []
    for _ in range(count):
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        if body:
            sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                         b"Content-Length: 100000\r\n\r\nSELECT")
        else:
            sock.sendall(b"GET /sparql?query=ASK%20%7B%7D HTTP/1.1\r\nHost: x\r\n")
        socks.append(sock)
    return socks


def _answers_while(port: int, socks: list[socket.socket], source: str = "127.0.0.1") -> float:
    """Seconds a normal client (from ``source``, another loopback address if the slow ones share its rate
    limit) waits for an answer while the slow connections hang."""
    import http.client
    import json

    started = time.perf_counter()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15, source_address=(source, 0))
        conn.request("GET", "/sparql?query=ASK%20%7B%7D", headers={"Accept": "application/sparql-results+json"})
        response = conn.getresponse()
        body = response.read().decode()
        assert response.status == 200 and json.loads(body)["boolean"] is True, body
        return time.perf_counter() - started
    finally:
        for sock in socks:
            sock.close()


def test_kg_serve_answers_while_150_slow_clients_hang(served):
    waited = _answers_while(served, _slow_clients(served, 150))
    assert waited < 5, waited


def test_the_nginx_recipe_holds_slow_clients_and_passes_requests_through(served, tmp_path):
    assert Path(NGINX).is_file(), "nginx is needed for the proxy recipe test: apt-get install -y nginx"
    listen = free_port()
    conf = (RECIPE.read_text(encoding="utf-8").replace("PREFIX", str(tmp_path))
            .replace("LISTEN", f"127.0.0.1:{listen}").replace("UPSTREAM", f"127.0.0.1:{served}")
            .replace("SERVER_NAME", "localhost"))
    (tmp_path / "nginx.conf").write_text(conf, encoding="utf-8")
    check = subprocess.run([NGINX, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    proxy = subprocess.Popen([NGINX, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-g",
                              "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait(f"http://127.0.0.1:{listen}/sparql")
        socks = _slow_clients(listen, 300) + _slow_clients(listen, 40, body=True)
        waited = _answers_while(listen, socks, source="127.0.0.2")  # the slow ones spent 127.0.0.1's rate
        assert waited < 5, waited
    finally:
        proxy.terminate()
        proxy.wait(30)
