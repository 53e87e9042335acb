"""Packaging step pyproject.toml cannot express: the wheel carries the shipped data, prompts and
models (assistant/defaults/), so a non-editable install works outside the checkout."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

SHIPPED = ("data", "prompts", "models")


class BuildWithDefaults(build_py):
    def run(self):
        super().run()
        target = Path(self.build_lib) / "assistant" / "defaults"
        for name in SHIPPED:
            shutil.copytree(
                name,
                target / name,
                dirs_exist_ok=True,
                ignore=shutil.ignore_patterns("__pycache__"),
            )


setup(cmdclass={"build_py": BuildWithDefaults})
