"""Install the pages' browser code: ``npm ci`` from the lock file, then copy the bundles and their
licences into kg/server/static/vendor/ (git-ignored). Safe to run again; warns and exits 0 when npm
is absent (the server then falls back to a plain query form). See kg/server/assets.py.

Then compiles the entity gazetteer and phrase tables once (kg.nlp.compiled), so the first build does not.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kg.server.assets import main  # noqa: E402


def compile_gazetteer() -> None:
    try:
        from kg.nlp.compiled import main as compile_main

        compile_main()
    except (ImportError, OSError) as exc:  # no model yet: the first build compiles it instead
        print(f"gazetteer not compiled now ({exc}); the first build will", file=sys.stderr)


if __name__ == "__main__":
    code = main()
    compile_gazetteer()
    sys.exit(code)
