#!/usr/bin/env bash
# Build the seeds, the development set and the examples in memory and score each against its
# analyst facts file, ending with one summary table against the targets.
# Extra arguments go to `kg eval` (e.g. --json, --require).
set -euo pipefail
cd "$(dirname "$0")/.."
KG="${KG:-kg}"
command -v "$KG" >/dev/null 2>&1 || KG=".venv/bin/kg"
exec "$KG" eval --all "$@"
