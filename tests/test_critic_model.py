"""The shipped critic (models/critic): it loads, its weights are the ones its manifest names, and
on test-split brands it never trained on it prefers the trainer's reply to the weak one."""

import json

import pytest

from assistant import Settings
from assistant.coach.critic import load_critic, read_manifest, weights_sha256
from assistant.coach.review import coach
from assistant.config import REPO_ROOT
from assistant.library.cases import load_library, load_split
from assistant.library.policy import load_policies

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def critic():
    load_critic.cache_clear()
    found = load_critic(Settings().models_dir, 2)
    assert found is not None, "models/critic is missing: run `assistant train critic`"
    return found


def test_the_weights_are_the_ones_the_manifest_names(critic):
    manifest = read_manifest(critic.folder)
    assert weights_sha256(critic.folder) == manifest["sha256"]
    assert 0.0 < critic.threshold < 1.0


def test_gold_beats_weak_on_test_brands(critic):
    data = REPO_ROOT / "data"
    test_ids = load_split(data)
    cases = [c for c in load_library(data) if c.id in test_ids and c.weak_reply][:40]
    better = 0
    for case in cases:
        gold, weak = critic.probabilities(
            case.complaint, [case.reply, case.weak_reply], case.channel, case.customer
        )
        better += gold > weak
    assert better >= 36, f"gold above weak on {better} of {len(cases)}"


def test_a_refusal_and_a_misplaced_condolence_are_rejected(critic):
    complaint = "My parcel arrived with the box crushed and the lamp inside broken."
    good = (
        "A crushed box and a broken lamp is not how it should arrive, and I'm sorry. I'll send a "
        "replacement today: DM us your order number and I'll sort it."
    )
    refusal = "I'm sorry, but I'm unable to assist with your request."
    p_good, p_refusal = critic.probabilities(complaint, [good, refusal], "twitter")
    assert p_good > critic.threshold > p_refusal


def test_real_failing_drafts_score_low_with_guards_and_critic_together(critic):
    """The critic alone rejects 5 of these 10 real failing drafts (2026-12-04): the rule guards
    catch the rest, and together no draft keeps a high coach score."""
    rows = [
        json.loads(line)
        for line in (REPO_ROOT / "tests/fixtures/meaning_guard_drafts.jsonl")
        .read_text()
        .splitlines()
    ]
    library = {c.id: c for c in load_library(REPO_ROOT / "data")}
    policies = load_policies(REPO_ROOT / "data")
    rejected = 0
    for row in rows:
        case = library[row["case_id"]]
        review = coach(
            row["reply"],
            case.complaint,
            case.channel,
            policies.for_brand(case.brand),
            policies,
            case.customer,
            critic=critic,
        )
        assert review.score <= 30, (row["case_id"], review.score)
        rejected += review.finding("answers_complaint").status == "fail"
    assert rejected >= 4, rejected
