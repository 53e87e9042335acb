"""A non-editable install works outside the checkout: the wheel carries the shipped data,
prompts and models (setup.py copies them to assistant/defaults/), and `assistant suggest` run
from another folder drafts for a brand nobody configured."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from assistant.config import REPO_ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
         str(REPO_ROOT), "-w", str(out)],
        check=True, capture_output=True, cwd=out,
    )  # fmt: skip
    [built] = out.glob("*.whl")
    return built


def test_the_wheel_carries_the_shipped_data_prompts_and_models(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {
        f"assistant/defaults/{p.relative_to(REPO_ROOT)}"
        for folder in ("data/cases", "data/brands", "data/lexicons", "prompts", "models/coach")
        for p in (REPO_ROOT / folder).glob("*")
        if p.is_file()
    }
    assert shipped and shipped <= names
    for name in ("data/channels.yaml", "data/policy_default.yaml", "data/split.json"):
        assert f"assistant/defaults/{name}" in names
    assert "assistant/store/schema.sql" in names
    assert not any(n.startswith(("tests/", "bench/")) for n in names)


@pytest.mark.model
def test_an_install_outside_the_checkout_drafts_for_an_unknown_brand(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    site = next((venv / "lib").glob("python*/site-packages"))
    # The dependencies come from this environment; the package itself only from the wheel.
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    pip = [str(venv / "bin/python"), "-m", "pip", "install", "-q", "--no-deps", str(wheel)]
    subprocess.run(pip, check=True, capture_output=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.pop("PYTHONPATH", None)
    where = subprocess.run(
        [str(venv / "bin/python"), "-c", "import assistant.config as c; print(c.DEFAULTS)"],
        capture_output=True, text=True, cwd=elsewhere, env=env, check=True,
    )  # fmt: skip
    assert where.stdout.strip().endswith("site-packages/assistant/defaults")
    out = subprocess.run(
        [str(venv / "bin/assistant"), "suggest", "--brand", "My Company", "--channel", "twitter",
         "My order never arrived and nobody answers my emails."],
        capture_output=True, text=True, cwd=elsewhere, env=env, timeout=1200,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[0]  # a draft
    assert "No policy on file for My Company" in out.stderr
