"""Build hook: ship the embedded data inside the package.

Everything else is declared in ``pyproject.toml``. The embedded dataset (``geodata/``, with
the simplified boundaries) and the model inputs (``models/``: the criteria catalogue, example
cases, scenarios and leads) stay at the top of the repository, where analysts edit them; a
wheel gets a copy of both under ``siting/_embedded/``, which
:data:`siting.settings.embedded_geodata_dir` and :data:`siting.settings.criteria_file` use
when the package runs outside a checkout. Editable installs read the checkout's folders.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
#: Top-level folders copied into the package, and the files of each that are left out.
EMBEDDED = {"geodata": ("_staging",), "models": ()}


class BuildWithData(build_py):
    """``build_py`` that also copies the embedded data into ``siting/_embedded``."""

    def run(self) -> None:
        """Build the package, then copy the data next to it."""
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "siting" / "_embedded"
        for folder, skip in EMBEDDED.items():
            source = ROOT / folder
            if not source.is_dir():
                raise FileNotFoundError(f"{source} is missing: the wheel needs it")
            shutil.rmtree(target / folder, ignore_errors=True)
            shutil.copytree(
                source,
                target / folder,
                ignore=shutil.ignore_patterns(*skip, "__pycache__", "*.pyc", ".*"),
            )

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        """List the files built, the copied data included."""
        outputs = list(super().get_outputs(include_bytecode))
        target = Path(self.build_lib) / "siting" / "_embedded"
        outputs += [str(p) for p in target.rglob("*") if p.is_file()]
        return outputs


setup(cmdclass={"build_py": BuildWithData})
