"""Puts the site-wide templates/ inside the installed factcheck package.

templates/ stays beside manage.py in the checkout; a wheel carries a copy as
factcheck/templates/, where factcheck.settings looks when there is no checkout.
Everything else is declared in pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

TEMPLATES = Path(__file__).resolve().parent / "templates"


class BuildWithTemplates(build_py):
    def run(self) -> None:
        super().run()
        if not self.editable_mode:  # an editable install reads the checkout's own templates/
            shutil.copytree(
                TEMPLATES, Path(self.build_lib) / "factcheck" / "templates", dirs_exist_ok=True
            )


setup(cmdclass={"build_py": BuildWithTemplates})
