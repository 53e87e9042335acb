"""`Assistant`: the library, index, models and pipeline wired together, every part lazy.

    assistant = Assistant(Settings.from_env())
    suggestion = assistant.suggest("My flight was cancelled...", channel="twitter")

Parts can be passed in (tests pass the fakes from `testing.py`); otherwise they are built on first
use from the settings, so constructing an Assistant never loads a model.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from assistant.backends.generation import Generator
from assistant.backends.models import (
    embedder_folder,
    load_manifests,
    prompt_style,
    resolve_generator,
)
from assistant.coach.analysis import Analysis, analyse
from assistant.config import Settings
from assistant.drafting.pipeline import Drafter, Ranker, simple_rank
from assistant.drafting.types import Request, Suggestion
from assistant.errors import IndexMismatchError
from assistant.library.cases import Case, load_library
from assistant.library.policy import Policies, load_policies
from assistant.retrieval.index import CaseIndex, Embedder, SentenceTransformerEmbedder
from assistant.store.protocol import Store
from assistant.text.inputs import check_text, clean_name


class Assistant:
    def __init__(
        self,
        settings: Settings | None = None,
        *,
        embedder: Embedder | None = None,
        generator: Generator | None = None,
        cases: Sequence[Case] | None = None,
        policies: Policies | None = None,
        ranker: Ranker | None = None,
        persist_index: bool = True,
        store: Store | None = None,
        index: CaseIndex | None = None,
        critic=None,
    ):
        """Every part may be passed in (tests pass fakes from assistant.testing); what is not
        passed is built from `settings` on first use."""
        self.settings = settings or Settings()
        self._embedder = embedder
        self._generator = generator
        self._cases = list(cases) if cases is not None else None
        self._policies = policies
        self._ranker = ranker
        self._index: CaseIndex | None = index
        self._store = store
        self._critic = critic
        if index is not None and cases is None:
            self._cases = index.cases
        self._drafter: Drafter | None = None
        self.persist_index = persist_index

    # -- parts -------------------------------------------------------------------------------
    @property
    def cases(self) -> list[Case]:
        if self._cases is None:
            library = load_library(self.settings.data_dir)
            edits = {c.id: c for c in self._stored("edited_cases")}
            library = [edits.get(c.id, c) for c in library]  # trainers' edits win over the files
            self._cases = library + self._stored("approved_cases")
        return self._cases

    def approved_cases(self) -> list[Case]:
        """Cases trainers approved or added (kept in the feedback store)."""
        return self._stored("approved_cases")

    def _stored(self, method: str) -> list[Case]:
        path = self.settings.feedback_db
        if not path.exists():
            return []
        from assistant.store.sqlite import FeedbackStore

        return getattr(FeedbackStore(path), method)()

    @property
    def policies(self) -> Policies:
        if self._policies is None:
            self._policies = load_policies(self.settings.data_dir)
        return self._policies

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            spec = load_manifests(self.settings.models_dir)[self.settings.embedder]
            self._embedder = SentenceTransformerEmbedder(
                spec.name,
                embedder_folder(spec),
                int(spec.extra.get("dimension", 384)),
                self.settings.threads,
            )
        return self._embedder

    @property
    def generator(self) -> Generator:
        if self._generator is None:
            from assistant.backends.registry import build_generator

            self._generator = build_generator(self.settings)
        return self._generator

    @property
    def critic(self):
        """The reply critic (coach/critic.py) when installed and on; None otherwise."""
        if self._critic is None and self.settings.critic == "on":  # a passed-in one is kept
            from assistant.coach.critic import load_critic

            self._critic = load_critic(self.settings.models_dir, self.settings.threads)
        return self._critic

    @property
    def ranker(self) -> Ranker:
        if self._ranker is None:
            try:
                from assistant.coach.review import rank_score

                self._ranker = rank_score
            except ImportError:
                self._ranker = simple_rank
        return self._ranker

    @property
    def index(self) -> CaseIndex:
        if self._index is None:
            self._index = self.load_or_build_index()
        return self._index

    def load_or_build_index(self, rebuild: bool = False, progress: bool = False) -> CaseIndex:
        folder = self.settings.index_dir
        if not rebuild and self.persist_index:
            try:
                return CaseIndex.load(folder, self.cases, self.embedder)
            except IndexMismatchError as exc:
                if (folder / "manifest.json").exists():
                    print(f"Rebuilding the index: {exc}", file=sys.stderr)
        index = CaseIndex.build(self.cases, self.embedder, progress=progress)
        if self.persist_index:
            index.save(folder)
        self._index = index
        return index

    @property
    def drafter(self) -> Drafter:
        if self._drafter is None:
            s = self.settings
            self._drafter = Drafter(
                self.index,
                self.generator,
                self.policies,
                s.prompts_dir,
                self.ranker,
                s.candidates,
                s.top_k,
                s.max_new_tokens,
                s.max_complaint_chars,
                s.streaming,
                critic=self.critic,
                prompt_style=prompt_style(s.models_dir, s.model),
            )
        return self._drafter

    def warm_up(self) -> None:
        """Load every model now (the app calls this at start so the first request is fast)."""
        _ = self.index
        for part in (self.embedder, self.generator, self.critic):
            if part is not None and hasattr(part, "warm_up"):
                part.warm_up()

    # -- operations --------------------------------------------------------------------------
    def suggest(
        self,
        complaint: str,
        channel: str = "twitter",
        brand: str | None = None,
        customer: str | None = None,
        agent: str | None = None,
        **kwargs,
    ) -> Suggestion:
        request = self._checked(Request(complaint, channel, brand, customer, agent))
        return self.drafter.suggest(request, **kwargs)

    def suggest_stream(
        self,
        complaint: str,
        channel: str = "twitter",
        brand: str | None = None,
        customer: str | None = None,
        agent: str | None = None,
        **kwargs,
    ) -> Iterator[str | Suggestion]:
        request = self._checked(Request(complaint, channel, brand, customer, agent))
        yield from self.drafter.stream(request, **kwargs)

    def _checked(self, request: Request) -> Request:
        """Refuse bad input before any model loads (a typo should not cost a model load)."""
        from assistant.text.inputs import clean_complaint

        check_text(request.channel, "channel", "name")
        check_text(request.brand, "brand name", "brand", optional=True)
        self.policies.channel(request.channel)
        self.policies.for_brand(request.brand)
        clean_complaint(request.complaint, self.settings.max_complaint_chars)
        clean_name(request.customer, "customer")
        clean_name(request.agent, "agent")
        return request

    def analyse(self, complaint: str, channel: str = "twitter") -> Analysis:
        from assistant.text.inputs import clean_complaint

        check_text(channel, "channel", "name")
        self.policies.channel(channel)
        return analyse(clean_complaint(complaint, self.settings.max_complaint_chars).text, channel)

    def add_cases(self, cases: Sequence[Case]) -> None:
        """Teach the index new cases at once (no restart) and keep the saved index in step."""
        self.index.add(cases)
        self._cases = self.index.cases
        if self.persist_index:
            self.index.save(self.settings.index_dir)

    def model_path(self) -> Path | str:
        return resolve_generator(
            self.settings.model, self.settings.models_dir, self.settings.cache_dir
        )[1]

    # -- coaching and feedback (modules owned by the coach and app work) -----------------------
    def coach(
        self,
        reply: str,
        complaint: str,
        channel: str = "twitter",
        brand: str | None = None,
        customer: str | None = None,
    ):
        """Review `reply` against the recovery checklist and the guards -> coaching.Review."""
        from assistant.coach.review import coach

        customer = self._check_reply(reply, complaint, channel, brand, customer)
        return coach(
            reply,
            complaint,
            channel=channel,
            policy=self.policies.for_brand(brand),
            policies=self.policies,
            customer=customer,
            critic=self.critic,
        )

    def rewrite(
        self,
        action: str,
        reply: str,
        complaint: str,
        channel: str = "twitter",
        brand: str | None = None,
        customer: str | None = None,
    ):
        """Apply a rewrite action (warmer, shorter, formal, ownership, no_policy_speak,
        translate) -> coaching.RewriteResult with before and after scores."""
        from assistant.coach.rewrite import rewrite

        customer = self._check_reply(reply, complaint, channel, brand, customer)
        check_text(action, "rewrite action", "name")
        return rewrite(
            action,
            reply,
            complaint,
            channel=channel,
            policy=self.policies.for_brand(brand),
            policies=self.policies,
            customer=customer,
            generator=self._generator_or_none(),
        )

    def _check_reply(self, reply, complaint, channel, brand, customer) -> str | None:
        """The limits of a reply to coach or rewrite, before any work (a 1 MB reply is refused,
        not rewritten for 40 s while other agents wait); returns the cleaned customer name."""
        check_text(reply, "reply", "reply")
        check_text(complaint, "complaint", "complaint")
        check_text(channel, "channel", "name")
        check_text(brand, "brand name", "brand", optional=True)
        return clean_name(customer, "customer")

    def _generator_or_none(self):
        try:
            return self.generator
        except Exception:  # rewrites that need no model still work without one
            return None

    @property
    def store(self):
        """The feedback store (SQLite under settings.home), opened on first use."""
        if self._store is None:
            from assistant.store.sqlite import FeedbackStore

            self._store = FeedbackStore(self.settings.feedback_db)
        return self._store
