"""The critic's seams (ranking, gating, coaching), its rule guards, its data and the review harness,
on deterministic fakes: TableCritic stands in for the cross-encoder."""

import json
import random
from pathlib import Path

import pytest

from assistant.cli import main
from assistant.coach.guard_types import GuardContext
from assistant.coach.guards import run_guards
from assistant.coach.meaning_guards import MEANING_GUARDS
from assistant.coach.review import coach
from assistant.config import REPO_ROOT
from assistant.library.cases import load_library
from assistant.library.policy import load_policies
from assistant.offline.critic_data import (
    build_pairs,
    heldout_brands,
    load_phrases,
    perturb,
)
from assistant.offline.critic_metrics import auc, measure
from assistant.offline.critic_training import calibrate, split_heldout
from assistant.offline.review_pack import (
    GOLD,
    WEAK,
    build_pack,
    import_labels,
    wilson,
)
from assistant.testing import TableCritic, make_case

GOOD = "I'm sorry your Rome flight was cancelled without a word. I'll rebook you now: send us a DM."
FLUENT_WRONG = "I'm sorry your parcel arrived damaged. I'll send a replacement today: DM us."
COMPLAINT = "My flight to Rome was cancelled and nobody told me."
FIXTURES = REPO_ROOT / "tests" / "fixtures" / "meaning_guard_drafts.jsonl"


# -- the drafter and the coach with a critic ------------------------------------------------------
def test_the_critic_ranks_the_candidates_that_passed_the_guards(make_assistant):
    critic = TableCritic({GOOD: 0.93, FLUENT_WRONG: 0.71}, threshold=0.6)
    assistant = make_assistant([FLUENT_WRONG, GOOD], critic=critic)
    result = assistant.suggest(COMPLAINT, "twitter", "Acme Air")
    assert result.draft == GOOD
    assert result.alternatives == [FLUENT_WRONG]
    assert [c.critic for c in result.candidates] == [0.71, 0.93, 0.71]
    assert critic.calls[0][1] == [FLUENT_WRONG, GOOD, FLUENT_WRONG]


def test_a_candidate_the_critic_rejects_is_dropped_and_the_fallback_shows(make_assistant):
    critic = TableCritic({FLUENT_WRONG: 0.2}, threshold=0.6)
    assistant = make_assistant([FLUENT_WRONG], critic=critic)
    result = assistant.suggest(COMPLAINT, "twitter", "Acme Air")
    assert result.fallback is True
    assert result.draft != FLUENT_WRONG
    failed = [c for c in result.candidates[0].checks if not c.passed]
    assert [c.name for c in failed] == ["answers_complaint"]
    assert failed[0].reason == "the critic judges it not sendable (20%, bar 60%)"


def test_without_a_critic_the_drafter_ranks_by_the_coach_alone(make_assistant):
    result = make_assistant([FLUENT_WRONG, GOOD]).suggest(COMPLAINT, "twitter", "Acme Air")
    assert [c.critic for c in result.candidates] == [None, None, None]
    assert all("answers_complaint" not in [k.name for k in c.checks] for c in result.candidates)


def test_the_coach_score_cannot_stay_high_for_a_reply_the_critic_rejects(policies):
    plain = coach(GOOD, COMPLAINT, "twitter", policies=policies)
    accepted = coach(GOOD, COMPLAINT, "twitter", policies=policies, critic=TableCritic({GOOD: 0.9}))
    rejected = coach(GOOD, COMPLAINT, "twitter", policies=policies, critic=TableCritic({GOOD: 0.1}))
    assert accepted.score == plain.score
    assert accepted.finding("answers_complaint").status == "pass"
    assert rejected.finding("answers_complaint").status == "fail"
    assert rejected.finding("answers_complaint").severity == "critical"
    assert rejected.score == round(plain.score * 0.3)


# -- rule guards on real drafts ------------------------------------------------------------------
def _fixtures():
    return [json.loads(line) for line in FIXTURES.read_text().splitlines()]


@pytest.fixture(scope="module")
def library():
    return {c.id: c for c in load_library(REPO_ROOT / "data")}


def _ctx(case, policies):
    return GuardContext(
        case.complaint,
        policies.channel(case.channel),
        policies.for_brand(case.brand),
        case.language,
        customer=case.customer,
        agent=case.agent,
        kind=case.kind,
    )


@pytest.mark.parametrize("row", _fixtures(), ids=lambda r: f"{r['guard']}-{r['case_id']}")
def test_each_meaning_guard_fails_the_real_draft_that_showed_the_fault(row, library):
    policies = load_policies(REPO_ROOT / "data")
    case = library[row["case_id"]]
    checks = {c.name: c for c in run_guards(row["reply"], _ctx(case, policies))}
    assert checks[row["guard"]].passed is False
    # ... and the trainer's gold reply to the same complaint passes it.
    gold = {c.name: c for c in run_guards(case.reply, _ctx(case, policies))}
    assert gold[row["guard"]].passed is True


def test_the_real_draft_fixtures_cover_four_rule_guards():
    assert {r["guard"] for r in _fixtures()} >= {
        "condolence_fits",
        "not_refusal",
        "praise_thanked",
        "greeting_name",
    }


@pytest.mark.parametrize(
    # Written for the rule (no real draft has shown each of these yet):
    ("reply", "remedies", "complaint", "passed"),
    [
        ("I've refunded you in full.", ("refund_review",), "I was charged twice.", False),
        ("I've refunded you in full.", ("refund",), "I was charged twice.", True),
        (
            "I've removed it from your account, so I can't help you find it.",
            ("refund",),
            "Where is my parcel?",
            False,
        ),
        (
            "Our quality team inspected it and confirmed it meets our standards.",
            (),
            "The car seat strap snapped with my son in it.",
            False,
        ),
        ("I can't say more until our safety team has examined it.", (), "The strap snapped.", True),
        ("I've cancelled your membership now.", (), "How do I cancel this club?", True),
        ("I've cancelled your membership now.", (), "The club charged me twice.", False),
    ],
)
def test_claims_of_finished_actions_follow_the_policy(reply, remedies, complaint, passed, policies):
    policy = policies.for_brand("Acme Air")
    from dataclasses import replace

    ctx = GuardContext(
        complaint, policies.channel("chat"), replace(policy, remedies=remedies), "en"
    )
    check = next(g for g in MEANING_GUARDS if g.__name__ == "check_no_claimed_action")
    assert check(reply, ctx).passed is passed


def test_the_meaning_guards_pass_nearly_every_gold_reply(library):
    policies = load_policies(REPO_ROOT / "data")
    failed = [
        (c.id, g.__name__)
        for c in library.values()
        for g in MEANING_GUARDS
        if not g(c.reply, _ctx(c, policies)).passed
    ]
    # 8 of 6,768 at the time of writing (listed in docs/critic.md); a new rule that fails
    # gold replies wholesale must not slip in.
    assert len(failed) <= 10, failed


# -- the critic's data --------------------------------------------------------------------------
def test_perturbations_make_the_failure_they_name():
    phrases = load_phrases(REPO_ROOT / "data")
    case = make_case(
        complaint="Charged £35 twice on Tuesday for one parking session.",
        reply="Ana, two charges of £35 for one session on Tuesday is our mistake. I'm sorry. "
        "I'll refund one today.",
        customer="Ana",
    )
    rng = random.Random(0)
    assert "Ana" not in perturb(case, "wrong_name", rng, phrases, [])
    assert "£73" in perturb(case, "wrong_amount", rng, phrases, [])
    wrong_day = perturb(case, "wrong_day", rng, phrases, [])
    assert "Tuesday" not in wrong_day and wrong_day != case.reply
    assert any(
        p in perturb(case, "condolence", rng, phrases, []) for p in phrases["condolence"]["en"]
    )
    repeated = perturb(case, "repeat", rng, phrases, [])
    assert len(repeated) > len(case.reply)
    bereaved = make_case(sensitive=["bereavement"])
    assert perturb(bereaved, "condolence", rng, phrases, []) is None


def test_pairs_are_split_by_brand_and_never_mix(library):
    cases = list(library.values())[:400]
    heldout = heldout_brands(cases, set(), 0.2, 0)
    pairs = build_pairs(cases, heldout, phrases=load_phrases(REPO_ROOT / "data"), seed=0)
    train_brands = {p["brand"] for p in pairs if p["split"] == "train"}
    held_brands = {p["brand"] for p in pairs if p["split"] == "heldout"}
    assert train_brands and held_brands and not train_brands & held_brands
    assert sum(p["label"] == 1.0 for p in pairs) == 400
    train, cal, test = split_heldout(pairs, 0)
    assert not {p["brand"] for p in cal} & {p["brand"] for p in test}


def test_the_threshold_lets_at_most_five_percent_of_bad_drafts_through():
    probs = [i / 100 for i in range(100)]  # 100 bad drafts scoring 0.00 .. 0.99
    threshold = calibrate(probs, [0.0] * 100, ["draft"] * 100)
    assert sum(p >= threshold for p in probs) == 5


def test_metrics_count_passes_by_reason():
    pairs = [
        {"label": 1.0, "source": "draft", "reason": "", "language": "en", "kind": "x"},
        {"label": 0.0, "source": "draft", "reason": "misread", "language": "en", "kind": "x"},
        {"label": 0.0, "source": "draft", "reason": "invented", "language": "es", "kind": "x"},
    ]
    m = measure([0.9, 0.7, 0.2], pairs, 0.5)
    assert m["auc"] == 1.0
    assert m["by_reason"] == {
        "invented": {"n": 1, "pass": 0, "share": 0.0},
        "misread": {"n": 1, "pass": 1, "share": 1.0},
    }
    assert auc([1.0, 1.0], [0.1, 0.2]) is None


# -- the blind review harness ----------------------------------------------------------------
def _drafts(cases, n):
    return [
        {"id": f"sys:{c.id}:0", "system": "sys", "case_id": c.id, "reply": f"draft {i}"}
        for i, c in enumerate(cases[:n])
    ]


def test_a_pack_hides_the_source_and_deals_controls_to_every_share(library):
    cases = sorted(library.values(), key=lambda c: c.id)
    policies = load_policies(REPO_ROOT / "data")
    pack = build_pack(
        _drafts(cases, 10), cases, policies.for_brand, shares=2, controls_per_share=2, seed=0
    )
    assert len(pack.items) == 10 + 2 * 2 * 2
    assert set(pack.items[0]) == {
        "item",
        "channel",
        "brand",
        "policy",
        "customer",
        "agent",
        "complaint",
        "reply",
    }
    for share in pack.shares:
        kinds = [pack.key[i["item"]]["system"] for i in share]
        assert kinds.count(GOLD) == 2 and kinds.count(WEAK) == 2
    assert {pack.key[i["item"]]["system"] for i in pack.items} == {"sys", GOLD, WEAK}


def test_a_rater_whose_controls_fail_is_discarded():
    key = {"a": {"system": GOLD}, "b": {"system": WEAK}, "c": {"system": "sys"}}
    labels = [
        {"item": "a", "label": "sendable", "rater": "good"},
        {"item": "b", "label": "not_sendable", "rater": "good"},
        {"item": "c", "label": "edit", "rater": "good"},
        {"item": "a", "label": "not_sendable", "rater": "careless"},
        {"item": "b", "label": "sendable", "rater": "careless"},
        {"item": "c", "label": "sendable", "rater": "careless"},
    ]
    result = import_labels(labels, key)
    assert result.raters["good"]["kept"] and not result.raters["careless"]["kept"]
    assert result.systems["sys"]["counts"] == {"sendable": 0, "edit": 1, "not_sendable": 0}


def test_wilson_interval():
    low, high = wilson(8, 10)
    assert (round(low, 3), round(high, 3)) == (0.490, 0.943)


def test_review_pack_and_import_from_the_command_line(tmp_path, library, capsys):
    cases = sorted(library.values(), key=lambda c: c.id)
    drafts = tmp_path / "drafts.jsonl"
    drafts.write_text("".join(json.dumps(d) + "\n" for d in _drafts(cases, 4)))
    pack = tmp_path / "pack.jsonl"
    assert (
        main(["eval", "--review-pack", str(pack), "--drafts", str(drafts), "--controls", "1"]) == 0
    )
    key = json.loads((tmp_path / "pack.key.json").read_text())
    labels = tmp_path / "rater1.jsonl"
    rows = []
    for line in pack.read_text().splitlines():
        item = json.loads(line)["item"]
        kind = key[item]["system"]
        label = {"gold": "sendable", "weak": "not_sendable"}.get(kind, "not_sendable")
        rows.append({"item": item, "label": label, "reason": "nonsense"})
    labels.write_text("".join(json.dumps(r) + "\n" for r in rows))
    capsys.readouterr()
    assert (
        main(["eval", "--review-import", str(labels), "--key", str(tmp_path / "pack.key.json")])
        == 0
    )
    out = capsys.readouterr().out
    assert "rater1: gold 1/1, weak 1/1 -> kept" in out
    assert "sys: 4, 0% [0%-49%] / 0% [0%-49%] / 100% [51%-100%]" in out
    assert "not sendable because: nonsense 4" in out


def test_bad_labels_get_a_clear_message(tmp_path, capsys):
    labels = tmp_path / "l.jsonl"
    labels.write_text('{"item": "r1", "label": "great"}\n')
    key = tmp_path / "k.json"
    key.write_text("{}")
    assert main(["eval", "--review-import", str(labels), "--key", str(key)]) == 2
    assert "label must be one of sendable, edit, not_sendable" in capsys.readouterr().err


def test_the_rubric_names_every_label_and_reason():
    from assistant.offline.review_pack import LABELS, REASONS

    rubric = Path(REPO_ROOT / "docs/eval/rubric.md").read_text()
    assert all(f"`{r}`" in rubric for r in REASONS)
    assert all(label in rubric for label in LABELS)


def test_gold_controls_come_from_vetted_cases_when_reviews_exist(library):
    from assistant.offline.review_pack import vetted_gold

    cases = sorted(library.values(), key=lambda c: c.id)
    vetted = vetted_gold(REPO_ROOT / "data")
    assert vetted and len(vetted) > 300
    policies = load_policies(REPO_ROOT / "data")
    pack = build_pack(
        _drafts(cases, 5),
        cases,
        policies.for_brand,
        shares=1,
        controls_per_share=10,
        seed=0,
        vetted=vetted,
    )
    golds = [k["case_id"] for k in pack.key.values() if k["system"] == GOLD]
    assert len(golds) == 10 and set(golds) <= vetted


def test_harvest_writes_one_row_per_candidate_and_resumes(make_assistant, tmp_path):
    from assistant.offline.harvest import harvest
    from assistant.testing import SAMPLE_CASES

    assistant = make_assistant([GOOD, FLUENT_WRONG])
    out = tmp_path / "drafts.jsonl"
    cases = SAMPLE_CASES[:2]
    assert harvest(assistant, cases, out, "scripted", per_complaint=2, with_fallback=True) == 6
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert sorted(r["id"] for r in rows) == sorted(
        [f"scripted:{c.id}:{k}" for c in cases for k in (0, 1)]
        + [f"fallback:{c.id}:0" for c in cases]
    )
    assert {r["reply"] for r in rows if r["system"] == "scripted"} == {GOOD, FLUENT_WRONG}
    assert all(r["example_id"] != r["case_id"] for r in rows if r["system"] == "scripted")
    assert harvest(assistant, cases, out, "scripted", per_complaint=2) == 0  # resumed: all done
