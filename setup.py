"""Build step the declarative pyproject.toml cannot express: ship the top-level resources/ folder.

The demo mailbox, demo site and icons live once, at the top of the checkout (where the tests and the
PyInstaller spec read them). A wheel has no such place, so building one copies them into the
package as ``leaddesk/_resources``, where ``leaddesk.resources`` looks first. An editable install
keeps reading the checkout's folder, so nothing is copied then.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

RESOURCES = Path(__file__).resolve().parent / "resources"


class BuildPyWithResources(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        target = Path(self.build_lib) / "leaddesk" / "_resources"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(RESOURCES, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


setup(cmdclass={"build_py": BuildPyWithResources})
