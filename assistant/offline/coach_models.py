"""Training the coach's small text models (scikit-learn), and the profanity model's export."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from assistant.coach.classifiers import HASH_BUCKETS, TextModel, hashed_features


def export_profanity_model(path: Path) -> Path:
    """Convert the installed alt-profanity-check model to `path` (.npz); needs scikit-learn."""
    from importlib import resources

    import joblib

    data = resources.files("profanity_check") / "data"
    vectorizer = joblib.load(data / "vectorizer.joblib")
    model = joblib.load(data / "model.joblib")
    folds = model.calibrated_classifiers_
    vocabulary = {str(k): int(v) for k, v in vectorizer.vocabulary_.items()}
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        path,
        vocabulary=np.array(json.dumps(vocabulary, ensure_ascii=False)),
        idf=vectorizer.idf_.astype(np.float64),
        coef=np.stack([f.estimator.coef_.ravel() for f in folds]).astype(np.float64),
        intercept=np.array([float(f.estimator.intercept_[0]) for f in folds]),
        sigmoid=np.array([[f.calibrators[0].a_, f.calibrators[0].b_] for f in folds]),
    )
    return path


def feature_matrix(texts):
    """Hashed features of `texts` as a scipy CSR matrix (rows = texts)."""
    from scipy.sparse import csr_matrix

    rows, cols, values = [], [], []
    for row, text in enumerate(texts):
        for col, value in hashed_features(text).items():
            rows.append(row)
            cols.append(col)
            values.append(value)
    return csr_matrix((values, (rows, cols)), shape=(len(texts), HASH_BUCKETS), dtype=np.float32)


def _threshold(probs: np.ndarray, truth: np.ndarray, min_precision: float) -> float:
    """The lowest probability at which out-of-fold precision reaches `min_precision`."""
    best = 1.01  # never fires: the label could not be learned to that precision
    for t in sorted(set(np.round(probs, 4)), reverse=True):
        said = probs >= t
        if said.sum() >= 3 and truth[said].mean() >= min_precision:
            best = float(t)
    return best


def train_text_model(
    name: str,
    texts: list[str],
    targets: list[set[str]],
    labels: list[str],
    min_precision: float = 0.8,
    folds: int = 5,
    seed: int = 0,
) -> tuple[TextModel, dict[str, dict[str, float]]]:
    """Fit one logistic regression per label; thresholds from `folds`-fold predictions.

    Returns the model fitted on all `texts` and, per label, the cross-validated precision and
    recall at its threshold (an estimate of how it does on unseen text).
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    x = feature_matrix(texts)
    weights = np.zeros((len(labels), HASH_BUCKETS), dtype=np.float32)
    bias = np.zeros(len(labels), dtype=np.float32)
    thresholds = np.ones(len(labels), dtype=np.float32)
    report: dict[str, dict[str, float]] = {}
    for i, label in enumerate(labels):
        y = np.array([label in t for t in targets], dtype=int)
        if y.sum() < folds:
            thresholds[i] = 1.01
            report[label] = {"positives": int(y.sum()), "precision": 0.0, "recall": 0.0}
            continue
        oof = np.zeros(len(texts))
        splitter = StratifiedKFold(folds, shuffle=True, random_state=seed)
        for fit_idx, held_idx in splitter.split(np.zeros(len(y)), y):
            clf = LogisticRegression(C=4.0, class_weight="balanced", max_iter=2000)
            clf.fit(x[fit_idx], y[fit_idx])
            oof[held_idx] = clf.predict_proba(x[held_idx])[:, 1]
        thresholds[i] = _threshold(oof, y, min_precision)
        said = oof >= thresholds[i]
        report[label] = {
            "positives": int(y.sum()),
            "threshold": float(thresholds[i]),
            "precision": float(y[said].mean()) if said.any() else 0.0,
            "recall": float(said[y == 1].mean()),
        }
        clf = LogisticRegression(C=4.0, class_weight="balanced", max_iter=2000)
        clf.fit(x, y)
        weights[i] = clf.coef_.ravel()
        bias[i] = clf.intercept_[0]
    return TextModel(name, list(labels), weights, bias, thresholds), report
