"""Only the build step pyproject.toml cannot declare: the top-level data folders, copied into the wheel.

``ontology/``, ``queries/`` and ``examples/`` stay at the top of the repository (their source of truth); a
wheel needs them inside the package, so ``build_py`` copies the files ``kg.resources.BUNDLED`` names into
``<build>/kg/_bundled/<folder>/``. The source tree is never written, and an editable install
(``pip install -e .``) copies nothing: ``kg.resources`` reads the checkout's folders directly.
"""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


def bundled_patterns() -> dict[str, tuple[str, ...]]:
    """``kg.resources.BUNDLED``, read from the source without importing ``kg`` (its dependencies may be
    missing at build time), so the folders and patterns are written down in one place only."""
    tree = ast.parse((HERE / "kg" / "resources.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.AnnAssign | ast.Assign):
            targets = [node.target] if isinstance(node, ast.AnnAssign) else node.targets
            if any(isinstance(t, ast.Name) and t.id == "BUNDLED" for t in targets) and node.value is not None:
                return ast.literal_eval(node.value)
    raise RuntimeError("kg/resources.py defines no BUNDLED")


class BuildWithData(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        for folder, patterns in bundled_patterns().items():
            source = HERE / folder
            files = sorted({p for pattern in patterns for p in source.glob(pattern) if p.is_file()})
            if not files:
                raise RuntimeError(f"{source} holds no {', '.join(patterns)}: nothing to bundle")
            target = Path(self.build_lib) / "kg" / "_bundled" / folder
            target.mkdir(parents=True, exist_ok=True)
            for path in files:
                shutil.copyfile(path, target / path.name)


setup(cmdclass={"build_py": BuildWithData})
