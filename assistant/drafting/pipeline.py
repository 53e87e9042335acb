"""The drafting pipeline: analyse -> retrieve -> prompt -> generate -> guard -> rank -> Suggestion.

`Drafter` gets its parts passed in (index, generator, policies, ranker), so tests run it on the
fakes in `testing.py` and the app on the real models.
"""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

from assistant.backends.generation import Conversation, Generator
from assistant.coach.analysis import Analysis, analyse
from assistant.coach.critic import ReplyCritic
from assistant.coach.guard_types import Check, GuardContext
from assistant.coach.guards import example_facts, passed, run_guards
from assistant.drafting.replies import (
    adapt_example_reply,
    hopeless,
    remedies_text,
    render_fallback,
    tidy,
)
from assistant.drafting.types import Candidate, Request, Suggestion
from assistant.library.cases import Case, Match
from assistant.library.policy import BrandPolicy, Policies
from assistant.retrieval.index import CaseIndex
from assistant.text.inputs import clean_complaint, clean_name
from assistant.text.language import LANGUAGE_NAMES
from assistant.text.prompts import prompt_data, render
from assistant.text.sentences import sentences

Ranker = Callable[[str, str, Analysis, str], float]

# Retrieval re-ranking: look at 4x top_k neighbours and add these to the cosine similarity of a
# case from the same channel / of the same kind. 0.05 reorders near-ties (cosines within ~0.05)
# without letting an unrelated same-channel case beat a close one.
RERANK_POOL = 4
# The fallback reuses a gold reply only for a near-identical case: below this cosine, a gold
# reply's story (a lost day's pay, a status page) is another customer's, even with names removed.
FALLBACK_REUSE_SIMILARITY = 0.85
CHANNEL_BONUS = 0.05
KIND_BONUS = 0.05
PROMPT_STYLES = ("example", "brief")


def simple_rank(reply: str, complaint: str, analysis: Analysis, channel: str) -> float:
    """A stand-in ranker (the coach replaces it): first person, apology, shared words."""
    lowered = reply.lower()
    score = 10.0 * bool(
        re.search(r"\b(i'll|i will|i've|i have|voy a|je vais|ich werde)\b", lowered)
    )
    score += 10.0 * bool(re.search(r"\b(sorry|apolog|siento|lamento|désolé|leid)\w*", lowered))
    shared = set(re.findall(r"\w{5,}", complaint.lower())) & set(re.findall(r"\w{5,}", lowered))
    return score + min(len(shared), 10)


class Drafter:
    def __init__(
        self,
        index: CaseIndex,
        generator: Generator,
        policies: Policies,
        prompts_dir: Path,
        ranker: Ranker = simple_rank,
        candidates: int = 3,
        top_k: int = 3,
        max_new_tokens: int = 200,
        max_complaint_chars: int = 2000,
        streaming: str = "first-alone",
        critic: ReplyCritic | None = None,
        prompt_style: str = "example",
    ):
        self.index = index
        self.generator = generator
        self.policies = policies
        self.prompts_dir = Path(prompts_dir)
        self.ranker = ranker
        self.candidates = candidates
        self.top_k = top_k
        self.max_new_tokens = max_new_tokens
        self.max_complaint_chars = max_complaint_chars
        self.streaming = streaming
        # The learned critic (coach/critic.py): ranks the candidates that passed the guards and
        # drops those it judges not sendable. None: rules and the ranker alone.
        self.critic = critic
        if prompt_style not in PROMPT_STYLES:
            raise ValueError(f"prompt_style must be one of {PROMPT_STYLES}, not {prompt_style!r}")
        # "example": the long rule list and a retrieved case as a worked example (an untuned
        # model needs both). "brief": a short brief and the complaint, as a model tuned on the
        # library was trained (offline/training_data.py); candidates after the first also see
        # one retrieved case's reply as a hint for tone, so they differ in substance.
        self.prompt_style = prompt_style
        # Stop decoding a candidate once it fails a guard that more text cannot fix (see
        # `hopeless`); the outcome is the same, the time is not. Benchmarks turn it off to
        # measure what it saves.
        self.stop_hopeless = True

    # -- steps -------------------------------------------------------------------------------
    def retrieve(
        self,
        text: str,
        analysis: Analysis,
        filters: dict | None = None,
        exclude_ids=(),
        channel: str | None = None,
    ) -> list[Match]:
        """Top cases in the complaint's language, preferring the same channel and kind.

        A reply's shape depends on its channel (a tweet is not a letter) and on the kind of
        message (praise is not a complaint), so among the nearest `RERANK_POOL` x top_k cases
        those that match get a small bonus; similarity still dominates.
        """
        filters = dict(filters or {})
        pool = self.top_k * RERANK_POOL
        query = self.index.embedder.embed_batch([text])[0]  # once, for both searches
        matches = self.index.search_vector(
            query, pool, {**filters, "language": analysis.language}, exclude_ids
        )
        if len(matches) < self.top_k:  # too few cases in this language: widen to all languages
            seen = {m.case.id for m in matches}
            more = self.index.search_vector(query, pool, filters, exclude_ids)
            matches += [m for m in more if m.case.id not in seen]

        def adjusted(match: Match) -> float:
            bonus = CHANNEL_BONUS * (match.case.channel == channel)
            return match.score + bonus + KIND_BONUS * (match.case.kind == analysis.kind)

        return sorted(matches, key=adjusted, reverse=True)[: self.top_k]

    def examples_for(self, matches: list[Match], count: int | None = None) -> list[Case | None]:
        """The case each candidate's prompt shows (None: the brief alone), one per candidate.

        "example" style: the nearest cases in order. "brief" style: the first candidate from the
        brief alone, the next ones each with one retrieved case as a hint.
        """
        count = self.candidates if count is None else count
        cases = [m.case for m in matches]
        if self.prompt_style == "brief":
            return [None, *cases][:count]
        return cases[:count]

    def conversation(
        self,
        request: Request,
        example: Case | None,
        policy: BrandPolicy,
        analysis: Analysis,
        text: str,
    ) -> Conversation:
        rule = self.policies.channel(request.channel)
        gesture = policy.max_gesture
        values = dict(
            brand_label=policy.brand or "the company",
            public=rule.public,
            private_channel=policy.private_channel,
            customer=request.customer,
            language_name=LANGUAGE_NAMES[analysis.language],
            limit=rule.limit,
            remedies=remedies_text(policy, self.prompts_dir),
            max_gesture=gesture,
            max_gesture_text=f"{gesture:g} {policy.currency}",
            agent=request.agent,
        )
        if self.prompt_style == "brief":
            hint = (
                adapt_example_reply(example, request.customer, request.agent) if example else None
            )
            system = render(
                "draft_brief.j2", self.prompts_dir, channel=rule.name, hint=hint, **values
            )
            return [{"role": "system", "content": system}, {"role": "user", "content": text}]
        if example is None:
            raise ValueError("the example prompt style needs a retrieved case")
        system = render(
            "draft_system.j2", self.prompts_dir, agent_label=request.agent or "an agent", **values
        )
        return [
            {"role": "system", "content": system},
            {"role": "user", "content": example.complaint},
            {
                "role": "assistant",
                "content": adapt_example_reply(example, request.customer, request.agent),
            },
            {"role": "user", "content": text},
        ]

    def fallback(
        self, request: Request, analysis: Analysis, matches: list[Match], ctx: GuardContext
    ) -> tuple[str, list[Check]]:
        """A safe reply: the best gold reply stripped of its own facts, else a trainer template."""
        for match in [m for m in matches[:1] if m.score >= FALLBACK_REUSE_SIMILARITY]:
            facts = example_facts(match.case, ctx)
            adapted = adapt_example_reply(match.case, request.customer, request.agent)
            parts = sentences(adapted)
            kept = [s for s in parts if not facts & set(re.findall(r"\w+", s.lower()))]
            if len(kept) >= 2 and len(kept) == len(parts):
                candidate = " ".join(kept)
                checks = run_guards(candidate, ctx)
                if passed(checks):
                    return candidate, checks
        text = self.fallback_template(request, ctx, ctx.complaint)
        # The template never saw the examples, so it cannot copy them: check it without them
        # (a common word such as "care" in an example's "Customer Care" is not a copied fact).
        return text, run_guards(text, replace(ctx, examples=()))

    def fallback_template(self, request: Request, ctx: GuardContext, text: str) -> str:
        """The trainer-written safe reply for this language and situation."""
        templates = prompt_data(self.prompts_dir, "fallback.yaml")
        # Rules only: a condolence sent to someone who lost nothing is worse than a plain
        # apology, so the template follows the lexicon's precise flags, not the classifiers'.
        rules = analyse(text, request.channel, models=False)
        lang = rules.language if rules.language in templates else "en"
        if rules.kind in ("praise", "question", "noise"):
            key = rules.kind
        elif "bereavement" in rules.sensitive:
            key = "bereavement"
        elif "safety" in rules.sensitive:
            key = "safety"
        else:
            key = "complaint"
        private = ctx.policy.private_channel if ctx.channel.public else ""
        return render_fallback(templates, lang, key, request.customer, request.agent, private)

    # -- the pipeline ------------------------------------------------------------------------
    def suggest(
        self,
        request: Request,
        filters: dict | None = None,
        exclude_ids=(),
        on_text: Callable[[str], None] | None = None,
    ) -> Suggestion:
        started = time.perf_counter()
        rule = self.policies.channel(request.channel)
        policy = self.policies.for_brand(request.brand)
        # A cleaned copy: the caller's Request is never changed.
        request = dataclasses.replace(
            request,
            customer=clean_name(request.customer, "customer"),
            agent=clean_name(request.agent, "agent"),
        )
        cleaned = clean_complaint(request.complaint, self.max_complaint_chars)
        analysis = analyse(cleaned.text, request.channel)
        t0 = time.perf_counter()
        matches = self.retrieve(cleaned.text, analysis, filters, exclude_ids, request.channel)
        t1 = time.perf_counter()
        ctx = GuardContext(
            complaint=cleaned.text,
            channel=rule,
            policy=policy,
            language=analysis.language,
            examples=[m.case for m in matches],
            customer=request.customer,
            agent=request.agent,
            kind=analysis.kind,
        )
        examples = self.examples_for(matches)
        conversations = [
            self.conversation(request, example, policy, analysis, cleaned.text)
            for example in examples
        ]
        give_up = (lambda text: hopeless(text, ctx)) if self.stop_hopeless else None
        texts = self._generate(
            conversations, min(rule.tokens, self.max_new_tokens), on_text, give_up
        )
        t2 = time.perf_counter()
        candidates = [
            Candidate(tidy(text), run_guards(tidy(text), ctx), 0.0, example and example.id)
            for text, example in zip(texts, examples, strict=True)
        ]
        self.judge(candidates, cleaned.text, request, analysis)
        kept = sorted(
            (c for c in candidates if c.passed), key=lambda c: (-(c.critic or 0.0), -c.score)
        )
        notes = list(cleaned.notes)
        if not policy.on_file:
            notes.append(policy.notes)
        if kept:
            draft, checks, fallback = kept[0].text, kept[0].checks, False
        else:
            draft, checks = self.fallback(request, analysis, matches, ctx)
            fallback = True
            notes.append("No drafted candidate passed the guards; this is a safe fallback reply.")
        # Two examples can lead to the same text; an alternative must differ from the draft.
        alternatives = []
        for candidate in kept[1:]:
            if candidate.text not in (draft, *alternatives) and len(alternatives) < 2:
                alternatives.append(candidate.text)
        t3 = time.perf_counter()
        timings = {
            "retrieve": t1 - t0,
            "generate": t2 - t1,
            "guard_rank": t3 - t2,
            "total": t3 - started,
        }
        return Suggestion(
            draft,
            alternatives,
            matches,
            analysis,
            checks,
            fallback,
            getattr(self.generator, "name", "unknown"),
            timings,
            candidates,
            notes,
        )

    def judge(self, candidates: list[Candidate], text: str, request: Request, analysis) -> None:
        """Score the candidates that passed the guards: the ranker's score, and the critic's
        probability that a care lead would send it; below the critic's threshold a candidate
        fails the check "answers_complaint" and is dropped like any guarded one."""
        passing = [c for c in candidates if c.passed]
        for c in passing:
            c.score = self.ranker(c.text, text, analysis, request.channel)
        if self.critic is None or not passing:
            return
        probs = self.critic.probabilities(
            text, [c.text for c in passing], request.channel, request.customer
        )
        for c, p in zip(passing, probs, strict=True):
            c.critic = p
            ok = p >= self.critic.threshold
            reason = (
                f"reads as a sendable answer ({p:.0%})"
                if ok
                else f"the critic judges it not sendable ({p:.0%}, bar {self.critic.threshold:.0%})"
            )
            c.checks = [*c.checks, Check("answers_complaint", ok, reason)]

    def _generate(self, conversations, max_new_tokens, on_text, give_up=None) -> list[str]:
        """Every candidate's text. With someone watching (`on_text`) and streaming
        "first-alone", the first candidate is drafted alone and streamed, then the others in one
        batch: on 2 cores a row decodes ~1.8x faster alone than in a batch of 3 and its prompt
        prefills 3x sooner, so the first draft arrives far earlier and the last one somewhat
        later (bench/suggest_latency.py, BENCHMARKS.md). "batched" decodes all in one call, the
        better choice where more cores make batching nearly free."""
        if not conversations:
            return []
        if on_text is None or len(conversations) == 1 or self.streaming == "batched":
            return self.generator.generate_batch(conversations, max_new_tokens, on_text, give_up)
        first = self.generator.generate_batch(conversations[:1], max_new_tokens, on_text, give_up)
        rest = self.generator.generate_batch(conversations[1:], max_new_tokens, None, give_up)
        return first + rest

    def stream(self, request: Request, **kwargs) -> Iterator[str | Suggestion]:
        """Yield the first draft's text as it is written, then the final Suggestion."""
        import queue
        import threading

        updates: queue.Queue = queue.Queue()
        box: dict = {}

        def work():
            try:
                box["result"] = self.suggest(request, on_text=updates.put, **kwargs)
            except BaseException as exc:  # re-raised in the caller's thread
                box["error"] = exc
            finally:
                updates.put(None)

        threading.Thread(target=work, daemon=True).start()
        while (item := updates.get()) is not None:
            yield item
        if "error" in box:
            raise box["error"]
        yield box["result"]
