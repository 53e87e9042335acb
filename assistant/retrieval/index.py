"""Embedding search over the case library.

`Embedder` is the seam: one method, `embed_batch(texts) -> float32 array` of unit vectors.
`CaseIndex` keeps every vector in memory, searches exactly (one matrix product) by default and
switches to a FAISS HNSW graph above `approximate_threshold` cases, where exact search stops
fitting a 15 ms budget. It saves vectors with a manifest and refuses a manifest that does not
match the library or embedder, so a stale index is never used silently.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from assistant.errors import IndexMismatchError, InputError
from assistant.library.cases import Case, Match, library_checksum
from assistant.library.files import private_dir

INDEX_VERSION = 1
# Filters that leave at most this many rows are searched exactly on those rows: 50k x 384
# floats is ~2 ms of matrix-vector product on 2 cores, below an HNSW walk that skips most nodes.
EXACT_SUBSET_MAX = 50_000
# The HNSW graph's build and search breadth (see CaseIndex._graph for what they measured).
HNSW_EF_CONSTRUCTION = 160
HNSW_EF_SEARCH = 512
# A filtered graph search fetches this many times k neighbours, then keeps those that pass the
# filter; when fewer than k pass, it fetches ten times more once, then falls back to exact.
OVERFETCH = 20
FILTER_FIELDS = ("brand", "industry", "channel", "language", "split", "issue")


class Embedder(Protocol):
    name: str
    dimension: int

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray: ...


def embed(embedder: Embedder, texts: Sequence[str], batch_size: int = 32, progress: bool = False):
    """All `texts` embedded in batches, with a tqdm bar when `progress`.

    Texts go in length order, so a batch pads to similar lengths, and the rows come back in the
    caller's order. With batches of 32 this built the index 1.6x faster than library-order
    batches of 64 (bench/index_build.py, BENCHMARKS.md).
    """
    if not texts:
        return np.zeros((0, embedder.dimension), dtype=np.float32)
    order = np.argsort([len(t) for t in texts], kind="stable")
    starts = range(0, len(texts), batch_size)
    if progress:
        from tqdm import tqdm

        starts = tqdm(starts, desc="Embedding cases", unit="batch")
    parts = [embedder.embed_batch([texts[j] for j in order[i : i + batch_size]]) for i in starts]
    vectors = np.empty((len(texts), embedder.dimension), dtype=np.float32)
    vectors[order] = np.vstack(parts)
    return vectors


class SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2 from its PyPI package (or any sentence-transformers folder), lazily."""

    def __init__(self, name: str, folder: Path, dimension: int = 384, threads: int = 2):
        self.name = name
        self.folder = Path(folder)
        self.dimension = dimension
        self.threads = threads
        self._model = None

    def warm_up(self) -> None:
        if self._model is None:
            # Importing sentence-transformers pulls in torch: only here, never at module import.
            import torch
            from sentence_transformers import SentenceTransformer

            torch.set_num_threads(self.threads)
            self._model = SentenceTransformer(str(self.folder), device="cpu")

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        self.warm_up()
        vectors = self._model.encode(
            list(texts), batch_size=64, normalize_embeddings=True, convert_to_numpy=True
        )
        return vectors.astype(np.float32)


def _codes(cases: Sequence[Case], name: str, vocab: dict) -> np.ndarray:
    """One integer per case for the value of field `name`; `vocab` maps values to codes and
    grows with new values."""
    return np.fromiter(
        (vocab.setdefault(getattr(c, name), len(vocab)) for c in cases),
        dtype=np.int32,
        count=len(cases),
    )


class CaseIndex:
    def __init__(
        self,
        embedder: Embedder,
        cases: Sequence[Case] = (),
        vectors: np.ndarray | None = None,
        approximate_threshold: int = 20_000,
    ):
        # 20k: exact search over 20k x 384 floats is ~1 ms; HNSW pays off only well above that.
        self.embedder = embedder
        self.cases: list[Case] = list(cases)
        dim = embedder.dimension
        self.vectors = vectors if vectors is not None else np.zeros((0, dim), dtype=np.float32)
        if len(self.vectors) != len(self.cases):
            raise IndexMismatchError(
                f"{len(self.vectors)} vectors for {len(self.cases)} cases; rebuild the index."
            )
        self.approximate_threshold = approximate_threshold
        self._faiss = None
        # Filterable fields as integer codes, built on first use: a filter over 1M cases is a
        # numpy comparison (milliseconds) instead of 1M Python attribute reads (~1 s).
        self._columns: dict[str, tuple[np.ndarray, dict]] = {}
        # add() may run (a trainer approves a case) while agents search: swap both together.
        self._lock = threading.Lock()

    @classmethod
    def build(cls, cases: Sequence[Case], embedder: Embedder, progress: bool = False, **kwargs):
        vectors = embed(embedder, [c.complaint for c in cases], progress=progress)
        return cls(embedder, cases, vectors, **kwargs)

    def __len__(self) -> int:
        return len(self.cases)

    @property
    def approximate(self) -> bool:
        return len(self.cases) >= self.approximate_threshold

    def add(self, cases: Iterable[Case]) -> None:
        """Embed and append new cases; no rebuild (the HNSW graph takes them incrementally)."""
        cases = list(cases)
        known = {c.id for c in self.cases}
        dup = [c.id for c in cases if c.id in known]
        if dup:
            raise InputError(f"Cases already in the index: {', '.join(dup[:5])}.")
        vectors = embed(self.embedder, [c.complaint for c in cases])
        with self._lock:
            self.cases = self.cases + cases
            self.vectors = np.vstack([self.vectors, vectors]) if len(self.vectors) else vectors
            for name, (codes, vocab) in self._columns.items():
                self._columns[name] = (np.concatenate([codes, _codes(cases, name, vocab)]), vocab)
            if self._faiss is not None:
                self._faiss.add(vectors)

    def replace(self, case: Case) -> None:
        """Swap in an edited case by id, under the lock: its vector (when the complaint changed)
        and its filter columns change with it, so a case moved from es to en is found as en."""
        positions = [i for i, c in enumerate(self.cases) if c.id == case.id]
        if not positions:
            raise InputError(f"Case {case.id!r} is not in the library; add it as a new case.")
        pos = positions[0]
        changed = self.cases[pos].complaint != case.complaint
        vector = embed(self.embedder, [case.complaint])[0] if changed else None
        with self._lock:
            self.cases = [*self.cases[:pos], case, *self.cases[pos + 1 :]]
            if vector is not None:
                self.vectors = self.vectors.copy()
                self.vectors[pos] = vector
                self._faiss = None  # the graph holds the old vector: rebuilt on the next search
            for name, (codes, vocab) in self._columns.items():
                codes = codes.copy()
                codes[pos] = _codes([case], name, vocab)[0]
                self._columns[name] = (codes, vocab)

    def _graph(self):
        if self._faiss is None:
            import faiss

            # M=32, efConstruction 160, efSearch 512 (bench/retrieval.py, new complaints against
            # a synthetic 1M-case library): recall@5 0.967 with 2.5 ms p95 of search. With
            # efConstruction 64 the graph built 2.3x faster (149 s) but reached only 0.889 at 1M.
            graph = faiss.IndexHNSWFlat(self.embedder.dimension, 32, faiss.METRIC_INNER_PRODUCT)
            graph.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
            graph.hnsw.efSearch = HNSW_EF_SEARCH
            graph.add(self.vectors)
            self._faiss = graph
        return self._faiss

    def _column(self, name: str) -> tuple[np.ndarray, dict]:
        if name not in self._columns:
            vocab: dict = {}
            self._columns[name] = (_codes(self.cases, name, vocab), vocab)
        return self._columns[name]

    def _mask(self, filters: dict | None, exclude: set[str]) -> np.ndarray | None:
        if not filters and not exclude:
            return None
        unknown = set(filters or {}) - set(FILTER_FIELDS)
        if unknown:
            raise InputError(f"Unknown filter {sorted(unknown)}; use {', '.join(FILTER_FIELDS)}.")
        mask = np.ones(len(self.cases), dtype=bool)
        for name, value in (filters or {}).items():
            codes, vocab = self._column(name)
            mask &= codes == vocab.get(value, -1)
        if exclude:
            codes, vocab = self._column("id")
            mask &= ~np.isin(codes, [vocab[i] for i in exclude if i in vocab])
        return mask

    def search_vector(
        self,
        query: np.ndarray,
        k: int = 3,
        filters: dict | None = None,
        exclude_ids: Iterable[str] = (),
        exact: bool | None = None,
    ) -> list[Match]:
        if k < 1:
            raise InputError(f"k must be greater than 0. Currently, k is {k}.")
        if not self.cases:
            return []
        with self._lock:
            return self._search(
                np.asarray(query, dtype=np.float32).reshape(-1), k, filters, exclude_ids, exact
            )

    def _search(self, query, k, filters, exclude_ids, exact) -> list[Match]:
        mask = self._mask(filters, set(exclude_ids))
        rows = None if mask is None else np.flatnonzero(mask)
        use_exact = (not self.approximate) if exact is None else exact
        # A filter that leaves few rows is searched exactly on those rows: cheaper than a graph
        # walk that must skip most of the nodes it visits, and never misses.
        small_subset = rows is not None and len(rows) <= EXACT_SUBSET_MAX
        if not use_exact and not small_subset:
            hits = self._graph_search(query, k, mask)
            if len(hits) >= min(k, len(self.cases) if rows is None else len(rows)):
                return [Match(self.cases[i], s) for i, s in hits]
        if small_subset:
            scores = self.vectors[rows] @ query
        else:
            scores = self.vectors @ query  # one pass; gathering a big subset first costs more
            scores = scores if rows is None else scores[rows]
        top = np.argpartition(-scores, k)[:k] if len(scores) > k else np.arange(len(scores))
        top = top[np.argsort(-scores[top], kind="stable")]
        ids = top if rows is None else rows[top]
        return [Match(self.cases[i], float(s)) for i, s in zip(ids, scores[top], strict=True)]

    def _graph_search(self, query, k, mask) -> list[tuple[int, float]]:
        """The graph's nearest neighbours that pass `mask`: over-fetch, then filter, widening
        the fetch once when the filter leaves fewer than k (the caller then goes exact). A FAISS
        ID selector inside the graph walk was tried instead and lost true neighbours (recall@5
        0.54 at 100k cases, 0.30 at 1M, with the drafter's filters; bench/retrieval.py)."""
        fetches = (k,) if mask is None else (k * OVERFETCH, k * OVERFETCH * 10)
        hits: list[tuple[int, float]] = []
        for fetch in fetches:
            fetch = min(len(self.cases), fetch)
            scores, ids = self._graph().search(query[None, :], fetch)
            hits = [
                (int(i), float(s))
                for i, s in zip(ids[0], scores[0], strict=True)
                if i >= 0 and (mask is None or mask[i])
            ]
            if len(hits) >= k or fetch == len(self.cases):
                break
        return hits[:k]

    def search(
        self, text: str, k: int = 3, filters: dict | None = None, exclude_ids: Iterable[str] = ()
    ) -> list[Match]:
        return self.search_vector(self.embedder.embed_batch([text])[0], k, filters, exclude_ids)

    # Persistence -------------------------------------------------------------------------------
    def manifest(self) -> dict:
        return {
            "version": INDEX_VERSION,
            "embedder": self.embedder.name,
            "dimension": int(self.embedder.dimension),
            "count": len(self.cases),
            "checksum": library_checksum(self.cases),
        }

    def save(self, folder: Path) -> None:
        folder = private_dir(Path(folder))
        np.save(folder / "vectors.npy", self.vectors)
        (folder / "ids.json").write_text(json.dumps([c.id for c in self.cases]))
        (folder / "manifest.json").write_text(json.dumps(self.manifest(), indent=2))

    @classmethod
    def load(cls, folder: Path, cases: Sequence[Case], embedder: Embedder, **kwargs) -> CaseIndex:
        """Load saved vectors for exactly these `cases`; IndexMismatchError if anything differs."""
        folder = Path(folder)
        path = folder / "manifest.json"
        if not path.exists():
            raise IndexMismatchError(f"No index at {folder}; run `assistant index build`.")
        saved = json.loads(path.read_text())
        by_id = {c.id: c for c in cases}
        ids = json.loads((folder / "ids.json").read_text())
        ordered = [by_id[i] for i in ids if i in by_id]
        expected = {
            "version": INDEX_VERSION,
            "embedder": embedder.name,
            "dimension": int(embedder.dimension),
            "count": len(cases),
            "checksum": library_checksum(ordered) if len(ordered) == len(cases) else "(ids differ)",
        }
        diffs = [
            f"{k}: saved {saved.get(k)!r}, now {v!r}"
            for k, v in expected.items()
            if saved.get(k) != v
        ]
        if diffs:
            raise IndexMismatchError(
                f"The index at {folder} does not match the library ({'; '.join(diffs)}). "
                "Run `assistant index build` to rebuild it."
            )
        vectors = np.load(folder / "vectors.npy")
        return cls(embedder, ordered, vectors, **kwargs)
