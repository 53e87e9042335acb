"""`assistant eval`: run the drafting pipeline on the library's test split and measure it.

For every test case the drafter answers the case's complaint with retrieval restricted to the
train split (a test case never sees itself or another test case), and we record what an agent
would have been shown beside the trainer's gold reply: guard failures among all candidates
(before filtering) and in the shown drafts (after: must be 0), fallbacks, the coach's score, the
embedding similarity to the gold reply, and length against the channel's limit.
`eval_report.py` turns the results into report.md and report.json.

    results = evaluate(assistant, select_test_cases(assistant.cases, data_dir).cases)
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from assistant.coach.guard_types import GuardContext
from assistant.coach.guards import run_guards
from assistant.drafting.types import Request, Suggestion
from assistant.errors import AssistantError, InputError
from assistant.library.cases import Case, load_split, stratified_split
from assistant.retrieval.index import embed
from assistant.text.inputs import clean_complaint

# Coach finding statuses (coaching.Finding.status): a met check, and a check that does not apply
# to this complaint (no condolence needed without a bereavement), left out of its pass rate.
PASS_STATUSES = frozenset({"pass"})
NOT_APPLICABLE = frozenset({"n/a"})

CoachFn = Callable[..., object]


@dataclass
class TestSplit:
    cases: list[Case]  # the test cases, in evaluation order
    test_ids: set[str]
    source: str  # where the split came from, said in the report


@dataclass
class CoachResult:
    score: float | None = None
    checks: dict[str, str] = field(default_factory=dict)  # check -> status
    error: str | None = None


@dataclass
class CaseResult:
    """One test case: what the agent was shown, beside the gold reply."""

    id: str
    industry: str
    channel: str
    language: str
    emotion: str
    sensitive: bool
    complaint: str
    gold: str
    draft: str
    alternatives: list[str]
    fallback: bool
    model: str
    candidates: int  # drafted candidates, kept or dropped
    failed_candidates: int  # candidates with at least one failed guard (before filtering)
    failed_checks: dict[str, int]  # guard name -> candidates it failed
    shown_violations: list[str]  # "guard: reason" for every failed guard in a shown draft
    retrieved_ids: list[str]
    leaked_ids: list[str]  # retrieved test cases: must stay empty
    limit: int  # the channel's character limit
    similarity: float = 0.0  # cosine of draft and gold reply embeddings
    example_similarity: float = 0.0  # the top retrieved case's own reply vs gold (a baseline)
    coach: CoachResult = field(default_factory=CoachResult)
    gold_coach: CoachResult = field(default_factory=CoachResult)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def chars(self) -> int:
        return len(self.draft)

    def to_dict(self) -> dict:
        return {**asdict(self), "chars": self.chars}


def _order_key(case: Case) -> str:
    # A hash of the id, not the file order: `--limit 20` then samples every industry and
    # channel instead of the first author group's file.
    return hashlib.sha256(case.id.encode()).hexdigest()


def select_test_cases(cases: Sequence[Case], data_dir: Path, limit: int | None = None) -> TestSplit:
    """The test split from data/split.json, or computed with `stratified_split` when missing.

    Every case's `split` is set to match, so the index's `split` filter keeps test cases out.
    """
    if limit is not None and limit < 1:
        raise InputError(f"--limit must be greater than 0. Currently, limit is {limit}.")
    test_ids = load_split(data_dir)
    source = f"{Path(data_dir) / 'split.json'}"
    if not test_ids:
        test_ids = stratified_split([c for c in cases if c.source == "library"])
        source = "computed with cases.stratified_split (data/split.json is missing)"
    for case in cases:
        case.split = "test" if case.id in test_ids else "train"
    chosen = sorted((c for c in cases if c.split == "test"), key=_order_key)
    if not chosen:
        raise InputError(
            f"The library has no test cases ({len(cases)} cases, split from {source}). "
            "Run `assistant cases split` to write data/split.json."
        )
    return TestSplit(chosen[:limit] if limit else chosen, test_ids, source)


def resolve_coach() -> CoachFn | None:
    """`coaching.coach` when that module exists; None (the report says so) while it does not."""
    try:
        from assistant.coach.review import coach
    except ImportError:
        return None
    return coach


def run_coach(coach: CoachFn | None, reply: str, case: Case, policy, policies) -> CoachResult:
    if coach is None:
        return CoachResult()
    try:
        review = coach(
            reply,
            case.complaint,
            channel=case.channel,
            policy=policy,
            policies=policies,
            customer=case.customer,
        )
    except Exception as exc:  # one bad review must not lose an hour of drafts; counted in report
        return CoachResult(error=f"{type(exc).__name__}: {exc}")
    checks = {}
    for finding in getattr(review, "findings", None) or []:
        status = getattr(finding, "status", "")
        status = ("pass" if status else "fail") if isinstance(status, bool) else str(status)
        checks[str(getattr(finding, "check", "?"))] = status
    score = getattr(review, "score", None)
    return CoachResult(None if score is None else float(score), checks)


def _shown_violations(suggestion: Suggestion, ctx: GuardContext) -> list[str]:
    # The guards run again here, on exactly the text shown, rather than trusting the checks
    # the drafter attached: a post-processing bug between checking and showing shows up here.
    found = []
    for text in [suggestion.draft, *suggestion.alternatives]:
        found += [f"{c.name}: {c.reason}" for c in run_guards(text, ctx) if not c.passed]
    return found


def evaluate(
    assistant,
    cases: Sequence[Case],
    test_ids: set[str] | None = None,
    coach: CoachFn | None = None,
    progress: bool = True,
) -> list[CaseResult]:
    """Draft a reply to every case in `cases` with retrieval restricted to the train split."""
    test_ids = set(test_ids if test_ids is not None else (c.id for c in cases))
    drafter = assistant.drafter
    policies = assistant.policies
    results: list[CaseResult] = []
    bar = cases
    if progress:
        from tqdm import tqdm

        bar = tqdm(cases, desc="Evaluating", unit="case")
    for case in bar:
        brand = case.brand if case.brand in policies.brands else None
        request = Request(case.complaint, case.channel, brand, case.customer, case.agent)
        suggestion = drafter.suggest(request, filters={"split": "train"}, exclude_ids=test_ids)
        policy = policies.for_brand(brand)
        rule = policies.channel(case.channel)
        ctx = GuardContext(
            complaint=clean_complaint(case.complaint, drafter.max_complaint_chars).text,
            channel=rule,
            policy=policy,
            language=suggestion.analysis.language,
            examples=[m.case for m in suggestion.cases],
            customer=request.customer,
            agent=request.agent,
        )
        failed: dict[str, int] = {}
        for candidate in suggestion.candidates:
            for check in candidate.checks:
                if not check.passed:
                    failed[check.name] = failed.get(check.name, 0) + 1
        retrieved = [m.case.id for m in suggestion.cases]
        results.append(
            CaseResult(
                id=case.id,
                industry=case.industry,
                channel=case.channel,
                language=case.language,
                emotion=case.emotion,
                sensitive=bool(case.sensitive),
                complaint=case.complaint,
                gold=case.reply,
                draft=suggestion.draft,
                alternatives=list(suggestion.alternatives),
                fallback=suggestion.fallback,
                model=suggestion.model,
                candidates=len(suggestion.candidates),
                failed_candidates=sum(not c.passed for c in suggestion.candidates),
                failed_checks=dict(sorted(failed.items())),
                shown_violations=_shown_violations(suggestion, ctx),
                retrieved_ids=retrieved,
                leaked_ids=[i for i in retrieved if i in test_ids],
                limit=rule.limit,
                coach=run_coach(coach, suggestion.draft, case, policy, policies),
                gold_coach=run_coach(coach, case.reply, case, policy, policies),
                seconds={k: round(v, 3) for k, v in suggestion.timings.items()},
            )
        )
        if progress:
            bar.set_postfix(fallbacks=sum(r.fallback for r in results))
    _add_similarities(assistant.embedder, results, {c.id: c for c in assistant.cases})
    return results


def _add_similarities(embedder, results: list[CaseResult], by_id: dict[str, Case]) -> None:
    """Cosine similarity of each draft (and, as a baseline, the top example's reply) to gold."""
    if not results:
        return
    examples = [by_id[r.retrieved_ids[0]].reply if r.retrieved_ids else "" for r in results]
    vectors = embed(embedder, [r.draft for r in results] + [r.gold for r in results] + examples)
    n = len(results)
    drafts, golds, tops = vectors[:n], vectors[n : 2 * n], vectors[2 * n :]
    for r, sim, base in zip(
        results,
        np.einsum("ij,ij->i", drafts, golds),
        np.einsum("ij,ij->i", tops, golds),
        strict=True,
    ):
        # Rounded so reruns on the same machine give byte-identical reports.
        r.similarity = round(float(sim), 4)
        r.example_similarity = round(float(base), 4)


def _build_assistant(args):
    from assistant.config import Settings
    from assistant.service import Assistant

    settings = Settings.from_env(
        model=getattr(args, "model", None), candidates=getattr(args, "candidates", None)
    )
    adapter = getattr(args, "adapter", None)
    if not adapter:
        return Assistant(settings)
    from assistant.backends.cpu import resolve_dtype
    from assistant.backends.generation import TransformersGenerator
    from assistant.backends.models import resolve_generator

    folder = Path(adapter).expanduser()
    if not (folder / "adapter_config.json").exists():
        raise InputError(
            f"--adapter {adapter!r} is not a LoRA adapter folder (no adapter_config.json). "
            "Pass the folder `assistant train --out` wrote."
        )
    name, source = resolve_generator(settings.model, settings.models_dir, settings.cache_dir)
    generator = TransformersGenerator(
        f"{name}+{folder.name}",
        source,
        settings.threads,
        adapter=folder,
        dtype=resolve_dtype(settings.dtype),
    )
    return Assistant(settings, generator=generator)


def eval_cli(args, assistant=None) -> int:
    """`assistant eval`: write report.md and report.json to `args.out`; 0 when no shown draft
    broke a guard and no test case was retrieved, 1 otherwise (so CI can gate on it)."""
    from assistant.offline.report import summarise, write_report

    assistant = assistant if assistant is not None else _build_assistant(args)
    split = select_test_cases(
        assistant.cases, assistant.settings.data_dir, getattr(args, "limit", None)
    )
    coach = resolve_coach()
    # Index and model load here, before the progress bar, so its per-case rate is the drafting.
    print(f"Loading the index and models for {len(split.cases)} test cases...", file=sys.stderr)
    assistant.warm_up()
    results = evaluate(assistant, split.cases, split.test_ids, coach, progress=True)
    report = summarise(
        results,
        library=len(assistant.cases),
        test_total=len(split.test_ids),
        split_source=split.source,
        candidates=assistant.drafter.candidates,
        embedder=getattr(assistant.embedder, "name", "unknown"),
        coach_available=coach is not None,
    )
    try:
        md, js = write_report(report, Path(args.out))
    except OSError as exc:
        raise AssistantError(
            f"Could not write the report to {args.out!r} ({exc.strerror}). Pass a writable --out."
        ) from exc
    print(f"Evaluated {len(results)} test cases with {report.meta['model']}: {md}, {js}")
    for line in report.headline():
        print(line)
    return 0 if report.after_violations == 0 and report.leaks == 0 else 1
