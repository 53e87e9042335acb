"""The case index's contract as a plain list."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from assistant.library.cases import Case


class ListIndex:
    """The case index's contract as a plain list scanned in Python: `search`, `search_vector`,
    `add`, `replace`, `len`, `save` (a no-op). For tests of code that takes an index, and as the
    reference the real `CaseIndex` is checked against (tests/test_retrieval.py)."""

    def __init__(self, embedder, cases: Sequence[Case] = ()):
        self.embedder = embedder
        self.cases: list[Case] = []
        self.vectors: list[np.ndarray] = []
        self.add(cases)

    def __len__(self) -> int:
        return len(self.cases)

    def add(self, cases) -> None:
        cases = list(cases)
        if cases:
            self.vectors += list(self.embedder.embed_batch([c.complaint for c in cases]))
            self.cases += cases

    def replace(self, case: Case) -> None:
        from assistant.errors import InputError

        for i, old in enumerate(self.cases):
            if old.id == case.id:
                self.cases[i] = case
                self.vectors[i] = self.embedder.embed_batch([case.complaint])[0]
                return
        raise InputError(f"Case {case.id!r} is not in the library; add it as a new case.")

    def search_vector(self, query, k: int = 3, filters=None, exclude_ids=(), exact=None):
        from assistant.library.cases import Match

        skip = set(exclude_ids)
        scored = [
            (float(np.dot(query, vector)), case)
            for case, vector in zip(self.cases, self.vectors, strict=True)
            if case.id not in skip
            and all(getattr(case, name) == value for name, value in (filters or {}).items())
        ]
        scored.sort(key=lambda pair: -pair[0])
        return [Match(case, score) for score, case in scored[:k]]

    def search(self, text: str, k: int = 3, filters=None, exclude_ids=()):
        return self.search_vector(self.embedder.embed_batch([text])[0], k, filters, exclude_ids)

    def save(self, folder) -> None:
        """Nothing to save: the list lives in memory."""
