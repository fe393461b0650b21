"""Entry point of a query worker process: ``python -m kg.server.worker KIND PATH`` (see kg.server.engine)."""

from __future__ import annotations

import sys

from kg.server.engine import worker_main

if __name__ == "__main__":
    worker_main(sys.argv[1], sys.argv[2], *(int(a) for a in sys.argv[3:5]))
