"""Quality gates on the real case library (data/cases) and its split."""

import json

import pytest

from assistant.cases import load_library, load_split, stratified_split
from assistant.config import REPO_ROOT
from assistant.library_checks import (
    MINIMUMS,
    TEST_MINIMUM,
    diversity,
    exact_duplicates,
    facet_counts,
    over_length,
    private_data_in_gold,
    same_moves,
    shortfalls,
)
from assistant.policy import load_policies

DATA = REPO_ROOT / "data"


@pytest.fixture(scope="module")
def cases():
    return load_library(DATA)


def test_every_row_validates_and_ids_are_unique(cases):
    assert len({c.id for c in cases}) == len(cases)


def test_every_facet_reaches_its_minimum(cases):
    assert shortfalls(cases) == []


def test_gold_replies_are_safe_and_fit_their_channel(cases):
    assert private_data_in_gold(cases) == []
    assert over_length(cases) == []


def test_gold_and_weak_differ_on_at_least_one_move(cases):
    assert same_moves(cases) == []


def test_no_duplicate_complaints(cases):
    assert exact_duplicates(cases) == []


def test_every_case_brand_has_a_policy_of_the_same_industry(cases):
    brands = load_policies(DATA).brands
    wrong = [c.id for c in cases if c.brand not in brands or brands[c.brand].industry != c.industry]
    assert wrong == []


def test_gold_replies_are_in_the_complaint_language(cases):
    from assistant.language import same_language

    assert [c.id for c in cases if not same_language(c.reply, c.language)] == []


def test_split_is_fixed_stratified_and_large_enough(cases):
    test_ids = load_split(DATA)
    assert test_ids == stratified_split(cases)  # data/split.json is up to date
    assert len(test_ids) >= TEST_MINIMUM
    counts = facet_counts([c for c in cases if c.split == "test"])
    for language in ("es", "fr", "de"):
        assert counts["language"][language] >= 3
    stored = json.loads((DATA / "split.json").read_text())
    assert stored["strata"] == ["language", "industry", "issue"]


def test_diversity_shows_no_template(cases):
    figures = diversity(cases)
    assert figures["distinct_3gram_share"] >= 0.7
    most_common_opening = figures["top_openings"][0][1]
    assert most_common_opening <= len(cases) * 0.06


def test_minimums_cover_every_listed_facet():
    assert len(MINIMUMS["industry"]) == 16
    assert len(MINIMUMS["issue"]) == 12
    assert len(MINIMUMS["sensitive"]) == 11


@pytest.mark.model
def test_no_near_duplicate_complaints_by_embedding(cases):
    from assistant import Assistant
    from assistant.library_checks import near_duplicates
    from assistant.retrieval import embed

    vectors = embed(Assistant().embedder, [c.complaint for c in cases])
    assert near_duplicates(cases, vectors, 0.95) == []


@pytest.mark.parametrize(
    "name, lines, sarcastic",
    [("tune", 180, 110), ("check", 150, 95), ("train_a", 220, 130), ("train_b", 220, 120)],
)
def test_labelled_sarcasm_sets_are_well_formed(name, lines, sarcastic):
    path = DATA / "sarcasm" / f"{name}.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    keys = ["id", "text", "language", "channel", "industry", "sarcastic", "form"]
    assert [list(r) for r in rows] == [keys] * lines
    assert len({r["id"] for r in rows}) == lines and len({r["text"] for r in rows}) == lines
    assert sum(r["sarcastic"] is True for r in rows) == sarcastic
    assert {r["language"] for r in rows} == {"en", "es", "fr", "de"}
    assert all(len(r["text"]) <= 280 for r in rows if r["channel"] == "twitter")
