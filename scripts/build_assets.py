"""Install the pages' browser code: ``npm ci`` from the lock file, then copy the bundles and their
licences into kg/server/static/vendor/ (git-ignored). Safe to run again; warns and exits 0 when npm
is absent (the server then falls back to a plain query form). See kg/server/assets.py.

Then compiles the entity gazetteer and phrase tables once (kg.nlp.compiled), so the first build does not.

``--test`` also installs what only the tests use from npm: the external Linked Data browser (Trifid) pinned in
tests/external/ for tests/browser/test_linked_data_browser.py.
"""

import shutil
import subprocess
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


def install_test_tools() -> int:
    npm = shutil.which("npm")
    if npm is None:
        print("npm not found: the external Linked Data browser test cannot run", file=sys.stderr)
        return 1
    folder = Path(__file__).resolve().parent.parent / "tests" / "external"
    command = [npm, "ci", "--prefix", str(folder), "--no-audit", "--no-fund", "--loglevel=error"]
    return subprocess.run(command, check=False).returncode


if __name__ == "__main__":
    code = main([a for a in sys.argv[1:] if a != "--test"])
    compile_gazetteer()
    if "--test" in sys.argv[1:]:
        code = code or install_test_tools()
    sys.exit(code)
