"""The blind review: a shuffled pack of (complaint, reply) items for raters, and the labels back.

    assistant eval --review-pack pack.jsonl --drafts a.jsonl b.jsonl --shares 12
    assistant eval --review-import labels/*.jsonl --key pack.key.json

`build_pack` mixes every system's replies with gold and weak replies of other library cases as
controls, gives each item a random id, shuffles, and splits the items into shares (one per
rater). Nothing in a pack says where a reply came from: that is in the key file, which raters
never see. `import_labels` joins the labels to the key, keeps a rater only when their controls
came out right (gold sendable, weak not sendable, each at least `CONTROL_BAR` of the time), and
reports per system the share sendable / sendable after an edit / not sendable with 95% Wilson
intervals, and the reasons. The rubric raters get is docs/eval/rubric.md.
"""

from __future__ import annotations

import json
import math
import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from assistant.errors import InputError
from assistant.library.cases import Case
from assistant.library.policy import BrandPolicy

LABELS = ("sendable", "edit", "not_sendable")
REASONS = ("misread", "invented", "refusal", "nonsense", "generic", "policy", "other")
CONTROL_BAR = 0.9
GOLD, WEAK = "gold", "weak"


def policy_line(policy: BrandPolicy) -> str:
    """What the rater needs to judge promises: what this brand lets an agent offer."""
    offers = [r.replace("_", " ") for r in policy.remedies] or ["no remedies on file"]
    caps = []
    if policy.max_credit:
        caps.append(f"credit up to {policy.max_credit:g} {policy.currency}")
    if policy.max_voucher:
        caps.append(f"voucher up to {policy.max_voucher:g} {policy.currency}")
    line = f"may offer: {', '.join(offers)}"
    if caps:
        line += f" ({'; '.join(caps)})"
    line += f"; private channel: {policy.private_channel}"
    return line + (f"; note: {policy.notes}" if policy.notes else "")


@dataclass
class Pack:
    items: list[dict]  # what raters see
    key: dict[str, dict]  # item id -> where it came from (never given to raters)
    shares: list[list[dict]] = field(default_factory=list)


def build_pack(
    drafts: Sequence[dict],
    cases: Sequence[Case],
    policy_for,
    shares: int = 1,
    controls_per_share: int = 10,
    seed: int = 0,
    vetted: set[str] | None = None,
) -> Pack:
    """Drafts (rows with case_id, reply, system) plus `controls_per_share` gold and as many weak
    replies per share, from library cases none of the drafts answer. Gold controls come from
    `vetted` cases (gold replies an independent review passed) when given: a control must be
    right, or a careful rater who spots a flawed gold reply is discarded for it."""
    if shares < 1:
        raise InputError("--shares must be 1 or more.")
    by_id = {c.id: c for c in cases}
    missing = sorted({d["case_id"] for d in drafts} - by_id.keys())
    if missing:
        raise InputError(
            f"{len(missing)} drafts answer cases not in the library, e.g. {missing[0]}."
        )
    rng = random.Random(seed)
    drafted = {d["case_id"] for d in drafts}
    spare = sorted((c for c in cases if c.id not in drafted and c.weak_reply), key=lambda c: c.id)
    rng.shuffle(spare)
    gold_pool = [c for c in spare if vetted is None or c.id in vetted]
    need = controls_per_share * shares
    if len(gold_pool) < need or len(spare) < 2 * need:
        raise InputError(
            f"Only {len(gold_pool)} vetted gold replies and {len(spare)} weak ones are free for "
            f"controls; {need} of each are needed."
        )
    golds = gold_pool[:need]
    weaks = [c for c in spare if c not in golds][:need]
    sources = [(d["system"], by_id[d["case_id"]], d["reply"], d.get("id")) for d in drafts]
    sources += [(GOLD, c, c.reply, None) for c in golds]
    sources += [(WEAK, c, c.weak_reply, None) for c in weaks]
    rng.shuffle(sources)
    ids = rng.sample(range(10**5, 10**6), len(sources))
    items, key = [], {}
    for number, (system, case, reply, draft_id) in zip(ids, sources, strict=True):
        item = f"r{number}"
        items.append(
            {
                "item": item,
                "channel": case.channel,
                "brand": case.brand,
                "policy": policy_line(policy_for(case.brand)),
                "customer": case.customer,
                "agent": case.agent,
                "complaint": case.complaint,
                "reply": reply,
            }
        )
        key[item] = {
            "system": system,
            "case_id": case.id,
            "draft_id": draft_id,
            "language": case.language,
        }
    return Pack(items, key, _deal(items, key, shares))


def vetted_gold(data_dir: Path) -> set[str] | None:
    """Cases whose gold reply an independent library review passed and no later review failed
    (data/reviews/*-review.jsonl, then after-edits/); None when there are no reviews."""
    folder = Path(data_dir) / "reviews"
    files = sorted(folder.glob("*-review.jsonl"))
    files += sorted(folder.glob("after-edits/*-review.jsonl"))
    if not files:
        return None
    verdicts: dict[str, str] = {}
    for path in files:  # later files (after edits) override earlier verdicts
        for line in path.read_text().splitlines():
            if line.strip():
                row = json.loads(line)
                verdicts[row["id"]] = row.get("verdict", "")
    return {case_id for case_id, verdict in verdicts.items() if verdict == "pass"}


def _deal(items: list[dict], key: dict[str, dict], shares: int) -> list[list[dict]]:
    """Round-robin within each kind (draft, gold, weak), so every share gets its controls."""
    dealt: list[list[dict]] = [[] for _ in range(shares)]
    counters: Counter = Counter()
    for item in items:
        kind = key[item["item"]]["system"]
        kind = kind if kind in (GOLD, WEAK) else "draft"
        dealt[counters[kind] % shares].append(item)
        counters[kind] += 1
    return dealt


def write_pack(pack: Pack, path: Path) -> list[Path]:
    """The whole pack, one file per share beside it, and the key (path.key.json)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    written = [path, key_path(path)]
    _write_jsonl(path, pack.items)
    key_path(path).write_text(json.dumps(pack.key, indent=1, ensure_ascii=False) + "\n")
    for n, share in enumerate(pack.shares, 1):
        share_path = path.with_name(f"{path.stem}.share{n:02d}.jsonl")
        _write_jsonl(share_path, share)
        written.append(share_path)
    return written


def key_path(pack_path: Path) -> Path:
    return pack_path.with_name(f"{pack_path.stem}.key.json")


def _write_jsonl(path: Path, rows: Iterable[dict]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))


# -- labels back ---------------------------------------------------------------------------------
def read_labels(paths: Sequence[Path]) -> list[dict]:
    """Label rows {item, label, reason?, note?}; the rater is the row's `rater` or the file."""
    rows = []
    for path in paths:
        for n, line in enumerate(Path(path).read_text().splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{Path(path).name} line {n} is not JSON: {exc.msg}.") from exc
            if row.get("label") not in LABELS:
                raise InputError(
                    f"{Path(path).name} line {n}: label must be one of {', '.join(LABELS)}."
                )
            if row.get("reason") and row["reason"] not in REASONS:
                raise InputError(
                    f"{Path(path).name} line {n}: reason must be one of {', '.join(REASONS)}."
                )
            row.setdefault("rater", Path(path).stem)
            rows.append(row)
    return rows


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The 95% Wilson score interval for k of n."""
    if n == 0:
        return (0.0, 0.0)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


@dataclass
class ReviewResult:
    raters: dict[str, dict]  # rater -> {gold, weak, kept}
    systems: dict[str, dict]  # system -> {n, counts, shares, intervals, reasons}
    labelled: list[dict]  # kept labels joined to the key
    unknown_items: int = 0

    def lines(self) -> list[str]:
        out = ["rater controls (gold sendable / weak not sendable):"]
        for rater, r in sorted(self.raters.items()):
            verdict = "kept" if r["kept"] else "DISCARDED"
            out.append(
                f"  {rater}: gold {r['gold_ok']}/{r['gold']}, weak {r['weak_ok']}/{r['weak']}"
                f" -> {verdict}"
            )
        out.append("system: n, sendable / after edit / not sendable (95% interval)")
        for system, s in sorted(self.systems.items()):
            parts = []
            for lab in LABELS:
                low, high = s["intervals"][lab]
                parts.append(f"{s['shares'][lab]:.0%} [{low:.0%}-{high:.0%}]")
            out.append(f"  {system}: {s['n']}, " + " / ".join(parts))
            if s["reasons"]:
                reasons = ", ".join(f"{k} {v}" for k, v in s["reasons"].most_common())
                out.append(f"    not sendable because: {reasons}")
        return out


def import_labels(labels: Sequence[dict], key: dict[str, dict]) -> ReviewResult:
    by_rater: dict[str, list[dict]] = defaultdict(list)
    unknown = 0
    for row in labels:
        if row["item"] not in key:
            unknown += 1
            continue
        by_rater[row["rater"]].append({**row, **key[row["item"]]})
    raters, kept = {}, []
    for rater, rows in by_rater.items():
        gold = [r for r in rows if r["system"] == GOLD]
        weak = [r for r in rows if r["system"] == WEAK]
        gold_ok = sum(r["label"] == "sendable" for r in gold)
        weak_ok = sum(r["label"] == "not_sendable" for r in weak)
        ok = (
            bool(gold)
            and bool(weak)
            and gold_ok >= CONTROL_BAR * len(gold)
            and (weak_ok >= CONTROL_BAR * len(weak))
        )
        raters[rater] = {
            "gold": len(gold),
            "gold_ok": gold_ok,
            "weak": len(weak),
            "weak_ok": weak_ok,
            "kept": ok,
        }
        if ok:
            kept.extend(rows)
    return ReviewResult(raters, summarise_systems(kept), kept, unknown)


def summarise_systems(rows: Sequence[dict]) -> dict[str, dict]:
    systems: dict[str, dict] = {}
    for system in sorted({r["system"] for r in rows}):
        mine = [r for r in rows if r["system"] == system]
        counts = Counter(r["label"] for r in mine)
        n = len(mine)
        systems[system] = {
            "n": n,
            "counts": {lab: counts[lab] for lab in LABELS},
            "shares": {lab: counts[lab] / n for lab in LABELS},
            "intervals": {lab: wilson(counts[lab], n) for lab in LABELS},
            "reasons": Counter(
                r.get("reason") or "unstated" for r in mine if r["label"] == "not_sendable"
            ),
        }
    return systems


def load_key(path: Path) -> dict[str, dict]:
    try:
        return json.loads(Path(path).read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise InputError(f"Could not read the review key {Path(path).name}: {exc}.") from exc


def review_cli(args) -> int:
    """`assistant eval --review-pack FILE --drafts ...` or `--review-import LABELS --key KEY`."""
    from assistant.config import Settings
    from assistant.library.cases import load_library
    from assistant.library.policy import load_policies

    if args.review_pack:
        if not args.drafts:
            raise InputError("--review-pack needs --drafts: the JSONL files of drafts to review.")
        settings = Settings.from_env()
        drafts = [
            json.loads(line)
            for path in args.drafts
            for line in _read(Path(path)).splitlines()
            if line.strip()
        ]
        policies = load_policies(settings.data_dir)
        pack = build_pack(
            drafts,
            load_library(settings.data_dir),
            policies.for_brand,
            args.shares,
            args.controls,
            settings.seed,
            vetted_gold(settings.data_dir),
        )
        paths = write_pack(pack, Path(args.review_pack))
        print(
            f"{len(pack.items)} items ({len(drafts)} drafts) in {len(pack.shares)} shares: "
            f"{paths[0]}; the key, never for raters: {paths[1]}"
        )
        return 0
    if not args.key:
        raise InputError("--review-import needs --key: the pack's .key.json file.")
    result = import_labels(read_labels([Path(p) for p in args.review_import]), load_key(args.key))
    for line in result.lines():
        print(line)
    return 0


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError as exc:
        raise InputError(f"Could not read {path}: {exc.strerror}.") from exc
