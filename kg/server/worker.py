"""A query worker's entry as a module: ``python -m kg.server.worker KIND PATH [MEMORY_MB SERVER_PID]``. The server
starts its workers with the same call made without importing Flask (``kg.server.engine._WORKER_START``)."""

from __future__ import annotations

import sys

from kg.server.engine import worker_main

if __name__ == "__main__":
    worker_main(sys.argv[1], sys.argv[2], *(int(a) for a in sys.argv[3:5]))
