"""Shared fixtures: the fakes from assistant.testing, wired into an Assistant on a temp home."""

from __future__ import annotations

import shutil
from dataclasses import replace

import pytest

from assistant import Assistant, Settings
from assistant.config import REPO_ROOT
from assistant.library.policy import BrandPolicy, load_policies
from assistant.testing import SAMPLE_CASES, HashingEmbedder, ScriptedGenerator


@pytest.fixture(autouse=True)
def no_real_critic(request, monkeypatch):
    """Fast tests never load the shipped critic (it would import torch): an Assistant built
    from plain settings judges by rules alone; tests of the critic pass `TableCritic`."""
    if request.node.get_closest_marker("model") is None:
        monkeypatch.setattr("assistant.coach.critic.load_critic", lambda *a, **k: None)


@pytest.fixture
def policies():
    loaded = load_policies(REPO_ROOT / "data")
    loaded.brands["Acme Air"] = BrandPolicy(
        "Acme Air",
        "airline",
        "@AcmeAir",
        "USD",
        ("refund_review", "voucher", "rebooking"),
        max_credit=0,
        max_voucher=20,
    )
    loaded.brands["Nimbus Mobile"] = BrandPolicy(
        "Nimbus Mobile",
        "mobile",
        None,
        "EUR",
        ("refund", "credit"),
        max_credit=15,
    )
    return loaded


@pytest.fixture
def settings(tmp_path):
    # The fakes script the example-prompt conversation (rules, a worked example, the complaint);
    # a model whose manifest says `prompt: brief` (the default) is tested with make_assistant's
    # `model=` or the drafter's `prompt_style`.
    return Settings(home=tmp_path / "home", model="smollm2-135m-care")


@pytest.fixture
def make_assistant(settings, policies):
    def build(replies, cases=SAMPLE_CASES, critic=None, **changes):
        return Assistant(
            replace(settings, **changes),
            embedder=HashingEmbedder(),
            generator=ScriptedGenerator(replies),
            cases=[replace(c) for c in cases],
            policies=policies,
            critic=critic,
        )

    return build


@pytest.fixture
def data_copy(tmp_path):
    """A writable copy of the policy files and prompts, so editors never touch the repo."""
    data = tmp_path / "data"
    (data / "brands").mkdir(parents=True)
    shutil.copy(REPO_ROOT / "data/brands/travel.yaml", data / "brands/travel.yaml")
    shutil.copy(REPO_ROOT / "data/brands/retail.yaml", data / "brands/retail.yaml")
    for name in ("channels.yaml", "policy_default.yaml"):
        shutil.copy(REPO_ROOT / "data" / name, data / name)
    prompts = shutil.copytree(REPO_ROOT / "prompts", tmp_path / "prompts")
    return data, prompts
