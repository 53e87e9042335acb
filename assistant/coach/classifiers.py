"""Labelling text: lexicon rules (exact, with spans) and small trained models (optional).

Lexicons live in `data/lexicons/<name>.yaml`, one mapping of label -> patterns, so trainers can
read and extend them without touching code. Patterns are regular expressions matched
case-insensitively, anchored at the start of a word (so `apolog` matches "apologise" and
"apologies"); end a pattern with `\\b` to match whole words only. A label's patterns may be one
list or a mapping of language -> list (en, es, fr, de); every language is tried on every text,
because a short or mixed message is easily mis-detected and a cue word rarely means something
else in another of the four languages.

The trained models are logistic regressions over hashed word and character n-grams, fitted with
scikit-learn on the library's train split and saved as plain arrays in `models/coach/`; predicting
needs only numpy, so analysis stays fast and never imports scikit-learn or torch.
"""

from __future__ import annotations

import json
import re
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml

from assistant.config import coach_models_dir, lexicons_dir
from assistant.errors import ConfigError, ModelError

# Patterns that start like a word ("sorry", "\\d+ days", "(?:my|our)") are anchored at a word
# start; those that start with a symbol ("🙄", "\\?", "@", "^") are not.
_WORDISH = re.compile(r"\w|\\[dwb]|[(\[]")


@dataclass(frozen=True)
class Hit:
    label: str
    start: int
    end: int
    text: str


class PatternSet:
    """The labels of one lexicon file, each compiled into a single alternation."""

    def __init__(self, name: str, groups: dict[str, list[str]]):
        self.name = name
        self.patterns: dict[str, re.Pattern] = {}
        for label, patterns in groups.items():
            if not patterns:
                continue
            # Anchor at a word start unless the pattern starts with a symbol (emoji, "@"),
            # which may follow a letter directly ("lol🙃"). One shared look-behind in front of
            # the alternation: checked once per position, not once per pattern (5x faster).
            anchored = [p for p in patterns if _WORDISH.match(p)]
            loose = [p for p in patterns if not _WORDISH.match(p)]
            parts = []
            if anchored:
                parts.append(r"(?<!\w)(?:" + "|".join(f"(?:{p})" for p in anchored) + ")")
            parts += [f"(?:{p})" for p in loose]
            joined = "|".join(parts)
            try:
                self.patterns[label] = re.compile(joined, re.I)
            except re.error as exc:
                bad = next((p for p in patterns if _invalid(p)), joined)
                raise ConfigError(
                    f"Lexicon {name!r}, label {label!r}: the pattern {bad!r} is not a valid "
                    f"regular expression ({exc}). Fix it in {lexicons_dir() / (name + '.yaml')}."
                ) from None

    @property
    def labels(self) -> list[str]:
        return list(self.patterns)

    def find(self, text: str, label: str) -> list[Hit]:
        pattern = self.patterns.get(label)
        if pattern is None:
            return []
        return [Hit(label, m.start(), m.end(), m.group()) for m in pattern.finditer(text)]

    def first(self, text: str, label: str) -> Hit | None:
        pattern = self.patterns.get(label)
        m = pattern.search(text) if pattern is not None else None
        return Hit(label, m.start(), m.end(), m.group()) if m else None

    def has(self, text: str, label: str) -> bool:
        pattern = self.patterns.get(label)
        return bool(pattern and pattern.search(text))

    def count(self, text: str, label: str) -> int:
        pattern = self.patterns.get(label)
        return len(pattern.findall(text)) if pattern is not None else 0

    def matching(self, text: str) -> list[str]:
        return [label for label, pattern in self.patterns.items() if pattern.search(text)]


def _invalid(pattern: str) -> bool:
    try:
        re.compile(pattern)
    except re.error:
        return True
    return False


def _flatten(value, name: str, label: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, dict):
        return [p for lang_list in value.values() for p in _flatten(lang_list, name, label)]
    raise ConfigError(f"Lexicon {name!r}, label {label!r} must be a list or a language mapping.")


@lru_cache(maxsize=32)
def lexicon(name: str, directory: str | None = None) -> PatternSet:
    """The compiled lexicon `data/lexicons/<name>.yaml` (cached: files are read once)."""
    path = Path(directory or lexicons_dir()) / f"{name}.yaml"
    if not path.exists():
        raise ConfigError(f"Lexicon {path} is missing; restore it from the repository.")
    try:
        rows = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path} is not valid YAML: {exc}") from None
    if not isinstance(rows, dict):
        raise ConfigError(f"{path} must be a mapping of label -> patterns.")
    return PatternSet(name, {str(k): _flatten(v, name, str(k)) for k, v in rows.items()})


@lru_cache(maxsize=16)
def table(name: str, directory: str | None = None) -> dict:
    """A data file from `data/lexicons/` read as-is (word lists, templates, weights)."""
    path = Path(directory or lexicons_dir()) / f"{name}.yaml"
    if not path.exists():
        raise ConfigError(f"Lexicon {path} is missing; restore it from the repository.")
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path} is not valid YAML: {exc}") from None


# -- trained models ----------------------------------------------------------------------------

# 2**18 buckets: the library's vocabulary (a few tens of thousands of n-grams) collides rarely,
# and the weight matrix stays under 2 MB per model as float32.
HASH_BUCKETS = 2**18
# Weights smaller than this change a probability by well under 1% and are not stored.
_PRUNE = 0.01
_TOKEN = re.compile(r"\w+|[^\w\s]", re.UNICODE)


@lru_cache(maxsize=64)
def hashed_features(text: str) -> dict[int, float]:
    """Word 1-2 grams and character 3-5 grams inside words, hashed (crc32) and L2-normalised.

    crc32 (not Python's `hash`) so a model trained on one machine predicts the same elsewhere.
    Character n-grams carry the inflections of four languages and the emoji that mark sarcasm.
    Cached (each model asks for the same text's features); do not mutate the result.
    """
    lowered = text.lower()
    tokens = _TOKEN.findall(lowered)
    grams = [f"w:{t}" for t in tokens]
    grams += [f"b:{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False)]
    for token in tokens:
        padded = f" {token} "
        for n in (3, 4, 5):
            grams += [f"c:{padded[i : i + n]}" for i in range(max(0, len(padded) - n + 1))]
    counts: dict[int, float] = {}
    for gram in grams:
        bucket = zlib.crc32(gram.encode("utf-8")) % HASH_BUCKETS
        counts[bucket] = counts.get(bucket, 0.0) + 1.0
    norm = sum(v * v for v in counts.values()) ** 0.5 or 1.0
    return {k: v / norm for k, v in counts.items()}


@dataclass
class TextModel:
    """One-vs-rest logistic regressions over `hashed_features`, one row per label."""

    name: str
    labels: list[str]
    weights: np.ndarray  # (labels, HASH_BUCKETS) float32
    bias: np.ndarray  # (labels,)
    thresholds: np.ndarray  # (labels,) chosen on the train split (see bench/coach_eval.py)

    def probabilities(self, text: str) -> dict[str, float]:
        features = hashed_features(text)
        if not features:
            return {label: 0.0 for label in self.labels}
        index = np.fromiter(features.keys(), dtype=np.int64)
        values = np.fromiter(features.values(), dtype=np.float32)
        logits = self.weights[:, index] @ values + self.bias
        probs = 1.0 / (1.0 + np.exp(-logits))
        return {label: float(p) for label, p in zip(self.labels, probs, strict=True)}

    def predict(self, text: str) -> list[str]:
        probs = self.probabilities(text)
        return [
            label
            for label, threshold in zip(self.labels, self.thresholds, strict=True)
            if probs[label] >= threshold
        ]

    def save(self, folder: Path) -> Path:
        """Sparse on disk: only weights above `_PRUNE` in size, as float16 (a few hundred KB)."""
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{self.name}.npz"
        rows, cols = np.nonzero(np.abs(self.weights) >= _PRUNE)
        np.savez_compressed(
            path,
            labels=np.array(json.dumps(self.labels)),
            rows=rows.astype(np.int16),
            cols=cols.astype(np.int32),
            values=self.weights[rows, cols].astype(np.float16),
            bias=self.bias.astype(np.float32),
            thresholds=self.thresholds.astype(np.float32),
        )
        return path

    @classmethod
    def load(cls, path: Path) -> TextModel:
        try:
            with np.load(path) as data:
                labels = json.loads(str(data["labels"]))
                weights = np.zeros((len(labels), HASH_BUCKETS), dtype=np.float32)
                weights[data["rows"], data["cols"]] = data["values"].astype(np.float32)
                return cls(
                    name=path.stem,
                    labels=labels,
                    weights=weights,
                    bias=data["bias"],
                    thresholds=data["thresholds"],
                )
        except (OSError, KeyError, ValueError) as exc:
            raise ModelError(
                f"The coach model {path} cannot be read ({exc}). Retrain it with "
                "`python bench/coach_eval.py --train` or delete it to use the rules alone."
            ) from None


@lru_cache(maxsize=8)
def load_model(name: str, folder: str | None = None) -> TextModel | None:
    """The trained model `models/coach/<name>.npz`, or None when it has not been trained."""
    path = Path(folder or coach_models_dir()) / f"{name}.npz"
    return TextModel.load(path) if path.exists() else None


# -- profanity (alt-profanity-check, exported to plain arrays) ----------------------------------

_SKLEARN_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token pattern


@dataclass
class ProfanityModel:
    """alt-profanity-check's model without scikit-learn: tf-idf, 5 linear SVMs, sigmoids.

    Importing the package costs 2-5 s (scikit-learn); these arrays load in milliseconds and
    give the same probabilities (checked in tests/test_analysis.py when the package is there).
    """

    vocabulary: dict[str, int]
    idf: np.ndarray  # (vocab,)
    coef: np.ndarray  # (folds, vocab)
    intercept: np.ndarray  # (folds,)
    sigmoid: np.ndarray  # (folds, 2): a, b of each fold's calibration

    def probability(self, text: str) -> float:
        counts: dict[int, int] = {}
        for token in _SKLEARN_TOKEN.findall(text.lower()):
            index = self.vocabulary.get(token)
            if index is not None:
                counts[index] = counts.get(index, 0) + 1
        if not counts:
            decision = self.intercept
        else:
            index = np.fromiter(counts.keys(), dtype=np.int64)
            values = np.fromiter(counts.values(), dtype=np.float64) * self.idf[index]
            values /= np.linalg.norm(values) or 1.0
            decision = self.coef[:, index] @ values + self.intercept
        a, b = self.sigmoid[:, 0], self.sigmoid[:, 1]
        return float(np.mean(1.0 / (1.0 + np.exp(a * decision + b))))


@lru_cache(maxsize=2)
def load_profanity_model(folder: str | None = None) -> ProfanityModel | None:
    path = Path(folder or coach_models_dir()) / "profanity.npz"
    if not path.exists():
        return None
    with np.load(path) as data:
        return ProfanityModel(
            vocabulary=json.loads(str(data["vocabulary"])),
            idf=data["idf"],
            coef=data["coef"],
            intercept=data["intercept"],
            sigmoid=data["sigmoid"],
        )


# -- training (scikit-learn, imported only here) ------------------------------------------------
