"""`assistant eval` on the deterministic fakes (exact values), and one smoke run on a real model."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pytest

from assistant.cli import build_parser, main
from assistant.config import Settings
from assistant.errors import InputError
from assistant.library.cases import stratified_split
from assistant.library.policy import load_policies
from assistant.offline.evaluation import eval_cli, evaluate, select_test_cases
from assistant.offline.report import summarise, to_markdown
from assistant.service import Assistant
from assistant.testing import SAMPLE_CASES, HashingEmbedder, ScriptedGenerator, make_case

GOLD_OSLO = (
    "I'm sorry your Oslo flight was cancelled without any notice. I'm rebooking you now: "
    "please send us a DM with your booking reference."
)
GOLD_BILL = (
    "I'm sorry you were billed twice. I've opened a review of the duplicate payment and "
    "will message you once it is done."
)
REFUSAL = "I'm sorry, but I can't assist with that request today."
# Over twitter's 280 characters, with no repeated sentence (so only the length guard fails).
TOO_LONG = " ".join(
    [
        "I am sorry about the double charge on your bill.",
        "I have opened a review of the duplicate payment today.",
        "You will get a message from me once the review is complete.",
        "Our billing team will check every line of the statement.",
        "Nothing else is needed from you right now.",
        "Thank you for your patience while we sort this out.",
    ]
)
TEST_CASES = [
    make_case(
        id="e-001",
        complaint="My flight to Oslo was cancelled and nobody told me anything.",
        reply=GOLD_OSLO,
    ),
    make_case(
        id="e-002",
        industry="mobile",
        issue="billing_double_charge",
        emotion="anger",
        sensitive=["legal_threat"],
        complaint="I was billed twice this month and nobody answers the phone.",
        reply=GOLD_BILL,
    ),
]
TRAIN_COMPLAINTS = {c.complaint for c in SAMPLE_CASES}


def draft_for(conversation: list[dict]) -> str:
    """Oslo: the gold reply on every row. Billing: a refusal for the billing example, else a
    reply over the twitter limit, so every candidate fails a guard and the drafter falls back."""
    example, complaint = conversation[1]["content"], conversation[-1]["content"]
    if "Oslo" in complaint:
        return GOLD_OSLO
    return REFUSAL if "billed twice for March" in example else TOO_LONG


def make_assistant(tmp_path, generator=None) -> Assistant:
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    (data / "split.json").write_text(json.dumps({"test": ["e-001", "e-002"]}))
    cases = [make_case(**c.to_dict()) for c in SAMPLE_CASES + TEST_CASES]
    return Assistant(
        # The scripted drafts key on the worked example: the example prompt.
        Settings(home=tmp_path / "home", data_dir=data, model="smollm2-135m-care"),
        embedder=HashingEmbedder(),
        generator=generator or ScriptedGenerator(draft_for),
        cases=cases,
        policies=load_policies(Settings().data_dir),
        persist_index=False,
    )


@dataclass
class Finding:
    check: str
    status: str


@dataclass
class Review:
    score: float
    breakdown: dict = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)


def apology_coach(reply, complaint, channel, policy, policies, customer):
    """A stand-in for coaching.coach (another module's job): 90 with an apology and a DM, 40
    with an apology only, 10 without."""
    sorry, dm = "sorry" in reply.lower(), "DM" in reply
    score = 10.0 + 30 * sorry + 50 * (sorry and dm)
    status = {True: "pass", False: "fail"}
    findings = [Finding("apology", status[sorry]), Finding("move_private", status[dm])]
    # A check that never applies here: it must stay out of every pass rate.
    return Review(score, {}, findings + [Finding("condolence", "n/a")])


def test_select_test_cases_reads_split_json_and_marks_every_case(tmp_path):
    assistant = make_assistant(tmp_path)
    split = select_test_cases(assistant.cases, assistant.settings.data_dir)
    assert split.test_ids == {"e-001", "e-002"}
    assert sorted(c.id for c in split.cases) == ["e-001", "e-002"]
    assert str(tmp_path / "data" / "split.json") == split.source
    assert {c.id: c.split for c in assistant.cases if c.split == "test"}.keys() == {
        "e-001",
        "e-002",
    }
    assert len(select_test_cases(assistant.cases, assistant.settings.data_dir, limit=1).cases) == 1


def test_select_test_cases_computes_the_split_when_the_file_is_missing(tmp_path):
    cases = [make_case(id=f"x-{i:03d}") for i in range(20)]
    split = select_test_cases(cases, tmp_path)
    assert split.test_ids == stratified_split(cases)
    assert len(split.test_ids) == 4  # 20% of one (language, industry) stratum of 20
    assert "split.json is missing" in split.source
    assert sum(c.split == "test" for c in cases) == 4


def test_select_test_cases_rejects_a_limit_below_one(tmp_path):
    with pytest.raises(InputError, match="limit is 0"):
        select_test_cases(list(SAMPLE_CASES), tmp_path, limit=0)


def test_evaluate_counts_guard_failures_before_and_after_filtering(tmp_path):
    assistant = make_assistant(tmp_path)
    split = select_test_cases(assistant.cases, assistant.settings.data_dir)
    results = {r.id: r for r in evaluate(assistant, split.cases, split.test_ids, progress=False)}

    oslo, bill = results["e-001"], results["e-002"]
    assert (oslo.candidates, oslo.failed_candidates, oslo.failed_checks) == (3, 0, {})
    # identical candidates are not alternatives
    assert (oslo.draft, oslo.alternatives, oslo.fallback) == (GOLD_OSLO, [], False)
    assert oslo.similarity == 1.0
    assert (bill.candidates, bill.failed_candidates) == (3, 3)
    assert bill.failed_checks == {"length": 2, "not_refusal": 1}
    assert bill.fallback is True and bill.draft not in (REFUSAL, TOO_LONG)
    # After filtering nothing shown breaks a guard, and no test case was ever an example.
    assert oslo.shown_violations == [] and bill.shown_violations == []
    assert oslo.leaked_ids == [] and bill.leaked_ids == []
    shown_examples = {conv[1]["content"] for call in assistant.generator.calls for conv in call}
    assert shown_examples <= TRAIN_COMPLAINTS
    # The similarity pairs each draft with its own case's gold reply.
    vectors = HashingEmbedder().embed_batch([bill.draft, GOLD_BILL])
    assert bill.similarity == round(float(vectors[0] @ vectors[1]), 4)
    assert (oslo.coach.score, bill.coach.score) == (None, None)


def test_summary_and_markdown_on_fakes(tmp_path):
    assistant = make_assistant(tmp_path)
    split = select_test_cases(assistant.cases, assistant.settings.data_dir)
    results = evaluate(assistant, split.cases, split.test_ids, apology_coach, progress=False)
    report = summarise(results, candidates=3, coach_available=True, split_source="x")

    assert (report.cases, report.candidates, report.failed_candidates) == (2, 6, 3)
    assert report.before_rate == 0.5 and report.fallback_rate == 0.5
    assert report.failed_checks == {"length": 2, "not_refusal": 1}
    assert (report.after_violations, report.leaks) == (0, 0)
    scores = {r.id: (r.coach.score, r.gold_coach.score) for r in results}
    assert scores["e-001"] == (90.0, 90.0)  # draft is the gold reply: apology and DM
    assert scores["e-002"][1] == 40.0  # the gold billing reply apologises, no DM
    assert report.coach["gold"]["mean"] == 65.0
    assert report.coach["checks_gold"]["apology"] == {"pass_rate": 1.0, "statuses": {"pass": 2}}
    assert report.coach["checks_gold"]["move_private"]["pass_rate"] == 0.5
    assert report.coach["checks_gold"]["condolence"] == {"pass_rate": None, "statuses": {"n/a": 2}}
    assert sum(report.coach["histogram"].values()) == 2
    assert report.breakdowns["sensitive"]["sensitive"]["fallback_rate"] == 1.0
    assert report.breakdowns["sensitive"]["not sensitive"]["fallback_rate"] == 0.0
    assert report.breakdowns["industry"].keys() == {"airline", "mobile"}
    assert report.length["twitter"]["within_limit"] == 1.0
    assert report.length["twitter"]["n"] == 2
    assert [e["id"] for e in report.examples] == [r.id for r in results]

    text = to_markdown(report)
    assert "## By emotion" in text and "| anger | 1 |" in text
    assert "> " + GOLD_OSLO in text
    assert "| length | 2 | 0.333 |" in text


def test_coach_errors_are_counted_not_raised(tmp_path):
    def broken(*args, **kwargs):
        raise KeyError("breakdown")

    assistant = make_assistant(tmp_path)
    split = select_test_cases(assistant.cases, assistant.settings.data_dir)
    report = summarise(evaluate(assistant, split.cases, split.test_ids, broken, progress=False))
    assert report.coach["errors"] == 2
    assert report.coach["first_error"] == "KeyError: 'breakdown'"
    assert report.coach["draft"] == {"n": 0}
    assert "Coach unavailable" in to_markdown(report)


def test_eval_cli_writes_both_reports(tmp_path):
    assistant = make_assistant(tmp_path)
    out = tmp_path / "out"
    args = build_parser().parse_args(["eval", "--limit", "2", "--out", str(out)])
    assert eval_cli(args, assistant=assistant) == 0

    report = json.loads((out / "report.json").read_text())
    assert report["cases"] == 2 and report["candidates"] == 6
    assert report["fallback_rate"] == 0.5 and report["candidate_violation_rate"] == 0.5
    assert report["after_violations"] == 0
    assert report["meta"]["model"] == "scripted"
    assert report["meta"]["test_total"] == 2 and report["meta"]["library"] == 7
    assert sorted(r["id"] for r in report["results"]) == ["e-001", "e-002"]
    assert "# Drafting evaluation on the test split" in (out / "report.md").read_text()


def test_eval_cli_gates_on_shown_drafts_not_candidates(tmp_path):
    # A generator that always writes a card number on a public channel: the drafter falls back,
    # so the shown draft is safe and eval still passes. This proves the gate looks at shown text.
    generator = ScriptedGenerator(["I'm sorry. Your card 4111 1111 1111 1111 is blocked."])
    assistant = make_assistant(tmp_path, generator)
    args = build_parser().parse_args(["eval", "--out", str(tmp_path / "o")])
    assert eval_cli(args, assistant=assistant) == 0
    report = json.loads((tmp_path / "o" / "report.json").read_text())
    assert report["failed_checks"]["private_data"] == 6
    assert report["fallback_rate"] == 1.0


def test_adapter_must_be_a_lora_folder(tmp_path):
    args = build_parser().parse_args(["eval", "--adapter", str(tmp_path / "nope")])
    with pytest.raises(InputError, match="not a LoRA adapter folder"):
        eval_cli(args)


@pytest.mark.model
def test_eval_smoke_on_the_small_real_model(tmp_path):
    out = tmp_path / "eval"
    code = main(["eval", "--model", "smollm2-135m", "--limit", "3", "--out", str(out)])
    report = json.loads((out / "report.json").read_text())
    assert report["cases"] == 3
    assert report["candidates"] == 9  # three candidates for each complaint
    assert report["after_violations"] == 0 and report["leaks"] == 0
    assert code == 0
    assert all(r["draft"].strip() for r in report["results"])
    assert -1.0 <= report["similarity"]["mean"] <= 1.0
