"""How well the critic separates sendable from not sendable, on pairs it never trained on.

    metrics = measure(probs, pairs, threshold)

ROC AUC overall, on the real drafts alone, per language and per source; at the operating
threshold, the share of not-sendable real drafts that pass and of sendable ones that pass; and
a confusion table per reason (real drafts) and per kind (synthetic negatives).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence


def auc(labels: Sequence[float], probs: Sequence[float]) -> float | None:
    """ROC AUC of sendable (label 1) against not sendable (label 0); after-edit rows are left
    out. None when one side is empty."""
    from sklearn.metrics import roc_auc_score

    pairs = [(y, p) for y, p in zip(labels, probs, strict=True) if y in (0.0, 1.0)]
    if len({y for y, _ in pairs}) < 2:
        return None
    return float(roc_auc_score([y for y, _ in pairs], [p for _, p in pairs]))


def _rate(values: list[bool]) -> dict:
    return {
        "n": len(values),
        "pass": sum(values),
        "share": sum(values) / len(values) if values else None,
    }


def measure(probs: Sequence[float], pairs: Sequence[dict], threshold: float) -> dict:
    labels = [p["label"] for p in pairs]
    drafts = [i for i, p in enumerate(pairs) if p["source"] == "draft"]
    out: dict = {
        "n": len(pairs),
        "threshold": threshold,
        "auc": auc(labels, probs),
        "auc_drafts": auc([labels[i] for i in drafts], [probs[i] for i in drafts]),
        # Few real drafts are sendable as they are; "usable" (sendable or after an edit) against
        # not sendable is the separation that decides what an agent is shown.
        "auc_drafts_usable": auc(
            [1.0 if labels[i] > 0 else 0.0 for i in drafts], [probs[i] for i in drafts]
        ),
        "per_language": {},
        "per_source": {},
        "drafts_at_threshold": {},
        "by_reason": {},
        "by_kind": {},
    }
    for key, field in (("per_language", "language"), ("per_source", "source")):
        groups = defaultdict(list)
        for i, p in enumerate(pairs):
            groups[p[field]].append(i)
        out[key] = {
            g: {
                "n": len(ix),
                "auc": auc([labels[i] for i in ix], [probs[i] for i in ix]),
                "auc_drafts": auc(
                    [labels[i] for i in ix if i in set(drafts)],
                    [probs[i] for i in ix if i in set(drafts)],
                ),
            }
            for g, ix in sorted(groups.items())
        }
    for name, value in (("not_sendable", 0.0), ("edit", 0.5), ("sendable", 1.0)):
        out["drafts_at_threshold"][name] = _rate(
            [probs[i] >= threshold for i in drafts if labels[i] == value]
        )
    reasons = defaultdict(list)
    for i in drafts:
        if labels[i] == 0.0:
            reasons[pairs[i]["reason"] or "unstated"].append(probs[i] >= threshold)
    out["by_reason"] = {r: _rate(v) for r, v in sorted(reasons.items())}
    kinds = defaultdict(list)
    for i, p in enumerate(pairs):
        if p["source"] != "draft":
            kinds[p["kind"]].append(probs[i] >= threshold)
    out["by_kind"] = {k: _rate(v) for k, v in sorted(kinds.items())}
    return out


def format_metrics(m: dict) -> list[str]:
    def pct(x):
        return "n/a" if x is None else f"{x:.3f}"

    lines = [
        f"pairs {m['n']}, threshold {m['threshold']:.3f}",
        f"ROC AUC overall {pct(m['auc'])}, real drafts {pct(m['auc_drafts'])}"
        f" (usable vs not {pct(m.get('auc_drafts_usable'))})",
    ]
    d = m["drafts_at_threshold"]
    for name in ("sendable", "edit", "not_sendable"):
        r = d[name]
        lines.append(f"  real drafts {name}: {r['pass']}/{r['n']} pass")
    lines.append(
        "per language: "
        + ", ".join(
            f"{k} {pct(v['auc'])} (drafts {pct(v['auc_drafts'])}, n {v['n']})"
            for k, v in m["per_language"].items()
        )
    )
    lines.append(
        "not-sendable drafts passing, by reason: "
        + ", ".join(f"{k} {v['pass']}/{v['n']}" for k, v in m["by_reason"].items())
    )
    lines.append(
        "synthetic pairs passing, by kind: "
        + ", ".join(f"{k} {v['pass']}/{v['n']}" for k, v in m["by_kind"].items())
    )
    return lines
