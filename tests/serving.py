"""Serve an app on a free loopback port for a test, the way `kg serve` does (waitress, threads)."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator


@contextlib.contextmanager
def serving(app, threads: int = 4) -> Iterator[str]:
    """Yield the base URL once the query workers are ready; stop the server and its workers after."""
    from waitress import create_server

    from kg.server import close_app

    server = create_server(app, host="127.0.0.1", port=0, threads=threads)
    threading.Thread(target=server.run, daemon=True).start()
    assert app.extensions["kg"].engine.wait_ready(60)
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        server.close()
        close_app(app)


def free_port() -> int:
    """A loopback port nothing listens on now (for a server the test starts in another process)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
