"""Shared fixtures: the fakes from assistant.testing, wired into an Assistant on a temp home."""

from __future__ import annotations

from dataclasses import replace

import pytest

from assistant import Assistant, Settings
from assistant.config import REPO_ROOT
from assistant.policy import BrandPolicy, load_policies
from assistant.testing import SAMPLE_CASES, HashingEmbedder, ScriptedGenerator


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
    return Settings(home=tmp_path / "home")


@pytest.fixture
def make_assistant(settings, policies):
    def build(replies, cases=SAMPLE_CASES, **changes):
        return Assistant(
            replace(settings, **changes),
            embedder=HashingEmbedder(),
            generator=ScriptedGenerator(replies),
            cases=[replace(c) for c in cases],
            policies=policies,
        )

    return build
