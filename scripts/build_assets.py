"""Install the pages' browser code: ``npm ci`` from the lock file, then copy the bundles and their
licences into kg/server/static/vendor/ (git-ignored). Safe to run again; warns and exits 0 when npm
is absent (the server then falls back to a plain query form). See kg/server/assets.py.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kg.server.assets import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
