"""Only the build step pyproject.toml cannot say: copy the content folders into the wheel.

`pip install .` builds a wheel whose `bot/_content/` holds intents/, knowledge/, risk/,
escalation/ and kwaliteitskompas/, so the installed bot answers (and reports) from any folder.
An editable install (scripts/setup) reads them from the checkout and copies nothing.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
CONTENT_FOLDERS = ("intents", "knowledge", "risk", "escalation", "kwaliteitskompas")


class BuildWithContent(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "bot" / "_content"
        for folder in CONTENT_FOLDERS:
            if (ROOT / folder).is_dir():
                shutil.copytree(
                    ROOT / folder,
                    target / folder,
                    dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
                )


setup(cmdclass={"build_py": BuildWithContent})
