"""The `assistant` command. Imports nothing heavy at module level: `assistant --help` stays fast."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

from assistant.errors import AssistantError, InputError
from assistant.library.vocabulary import CHANNELS

COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {}


def command(name: str):
    def register(fn):
        COMMANDS[name] = fn
        return fn

    return register


def _settings(args):
    from assistant.config import Settings

    return Settings.from_env(model=getattr(args, "model", None))


def _read_text(value: str) -> str:
    return sys.stdin.read() if value == "-" else value


def _print_json(data) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


@command("users")
def cmd_users(args) -> int:
    """`assistant users hash`: a salted scrypt hash of a password, for ASSISTANT_USERS_FILE."""
    import getpass

    from assistant.app.auth import hash_password
    from assistant.errors import InputError

    if sys.stdin.isatty():
        password = getpass.getpass("Password: ")
    else:
        password = sys.stdin.readline().rstrip("\n")
    if not password:
        raise InputError("The password is empty; type the password to hash.")
    print(hash_password(password))
    return 0


@command("suggest")
def cmd_suggest(args) -> int:
    from assistant.service import Assistant

    assistant = Assistant(_settings(args))
    text = _read_text(args.text)
    result = assistant.suggest(text, args.channel, args.brand, args.customer, args.agent)
    if args.json:
        _print_json(result.to_dict())
        return 0
    print(result.draft)
    for i, alt in enumerate(result.alternatives, 2):
        print(f"\n--- alternative {i - 1}\n{alt}")
    print("\n--- cited cases")
    for m in result.cases:
        print(f"{m.case.id} ({m.score:.2f}): {m.case.complaint[:90]}")
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    if result.fallback:
        print("note: fallback reply (no drafted candidate passed the guards)", file=sys.stderr)
    return 0


@command("analyse")
def cmd_analyse(args) -> int:
    from assistant.service import Assistant

    analysis = Assistant(_settings(args)).analyse(_read_text(args.text), args.channel)
    if args.json:
        _print_json(analysis.to_dict())
    else:
        for key, value in analysis.to_dict().items():
            print(f"{key:14} {value}")
    return 0


@command("coach")
def cmd_coach(args) -> int:
    from assistant.coach.review import coach_cli

    return coach_cli(args)


@command("index")
def cmd_index(args) -> int:
    from assistant.service import Assistant

    assistant = Assistant(_settings(args))
    index = assistant.load_or_build_index(rebuild=args.action == "build", progress=True)
    print(f"Indexed {len(index)} cases into {assistant.settings.index_dir}")
    return 0


@command("cases")
def cmd_cases(args) -> int:
    from assistant.cli import cases as library_cli

    return library_cli.run(args)


@command("models")
def cmd_models(args) -> int:
    from assistant.backends.models import load_manifests, verify
    from assistant.config import Settings

    settings = Settings.from_env()
    if args.action == "export-gguf":
        from assistant.offline.gguf_export import export_gguf

        if not args.name:
            raise InputError("export-gguf needs the adapter's name: `models export-gguf NAME`.")
        path, sha = export_gguf(args.name, settings.models_dir, settings.cache_dir)
        print(
            f"Wrote {path}; in models/{args.name}.yaml set gguf_lora: "
            f"{path.relative_to(settings.models_dir)} and gguf_sha256: {sha}"
        )
        return 0
    failures = 0
    for spec in load_manifests(settings.models_dir).values():
        if args.action == "verify":
            try:
                print(verify(spec))
            except AssistantError as exc:
                failures += 1
                print(f"{spec.name}: FAILED: {exc}")
        else:
            print(f"{spec.name:18} {spec.kind:9} {spec.title}  [{spec.licence}]")
    return 1 if failures else 0


@command("brands")
def cmd_brands(args) -> int:
    from assistant.config import Settings
    from assistant.library.policy import add_brand, load_policies

    data_dir = Settings.from_env().data_dir
    if args.action == "add":
        row = {
            "brand": args.name,
            "industry": args.industry,
            "handle": args.handle,
            "currency": args.currency,
            "remedies": [r.strip() for r in args.remedies.split(",") if r.strip()],
            "max_credit": args.max_credit,
            "max_voucher": args.max_voucher,
            "private_channel": args.private_channel,
            "notes": args.notes,
        }
        path = add_brand(data_dir, row, args.file)
        print(f"Added {args.name!r} to {path}. New drafts for it follow this policy.")
        return 0
    for name, p in sorted(load_policies(data_dir).brands.items()):
        print(
            f"{name:28} {p.industry:22} max {p.max_gesture:g} {p.currency}  {', '.join(p.remedies)}"
        )
    return 0


@command("eval")
def cmd_eval(args) -> int:
    if args.harvest:
        from assistant.offline.harvest import harvest_cli

        return harvest_cli(args)
    if args.review_pack or args.review_import:
        from assistant.offline.review_pack import review_cli

        return review_cli(args)
    from assistant.offline.evaluation import eval_cli

    return eval_cli(args)


@command("train")
def cmd_train(args) -> int:
    if args.what == "critic":
        from assistant.offline.critic_training import critic_cli

        args.out = args.out or "models/critic"
        return critic_cli(args)
    from assistant.offline.training_cli import train_cli

    args.out = args.out or "models/adapters/smollm2-135m-care"
    return train_cli(args)


def add_cases_parser(sub) -> None:
    p = sub.add_parser("cases", help="the case library: stats, validate, import, export, split")
    cs = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    cs.add_parser("stats", help="facet counts and diversity")
    cs.add_parser("validate", help="check every case against the schema and quality gates")
    cs.add_parser("split", help="write data/split.json (stratified train/test)")
    pc = cs.add_parser("check", help="check one slice file while it is written (see docs)")
    pc.add_argument("file", help="a data/cases/<slice>.jsonl file")
    pi = cs.add_parser("import", help="import cases from CSV, JSONL or Parquet")
    pi.add_argument("file")
    pi.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="FROM=TO",
        help="rename a column, e.g. --map text=complaint",
    )
    pi.add_argument("--twcs", action="store_true", help="Customer Support on Twitter layout")
    pi.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        help="a value for every imported case, e.g. --set industry=airline",
    )
    pi.add_argument("--out", help="JSONL file to write (default data/cases/imported.jsonl)")
    pe = cs.add_parser("export", help="export the library (and approved cases)")
    pe.add_argument("file", help="a .jsonl or .parquet path")


def add_brands_parser(sub) -> None:
    p = sub.add_parser("brands", help="list the brands and their policies, or add one")
    p.add_argument("action", nargs="?", choices=["list", "add"], default="list")
    p.add_argument("--name", help="add: the brand's name, as customers write it")
    p.add_argument("--industry", help="add: e.g. ecommerce, airline, telecom_isp")
    p.add_argument("--handle", help="add: its @handle on social media")
    p.add_argument("--currency", default="EUR", help="add: EUR, USD or GBP (default EUR)")
    p.add_argument(
        "--remedies",
        default="refund_review,escalation",
        help="add: comma-separated, from refund, refund_review, replacement, repair, credit, "
        "voucher, fee_waiver, rebooking, callback, escalation",
    )
    p.add_argument(
        "--max-credit", type=float, default=0, help="add: most credit without escalation"
    )
    p.add_argument("--max-voucher", type=float, default=0, help="add: most voucher")
    p.add_argument("--private-channel", default="DM", help="add: DM, private message, e-mail...")
    p.add_argument("--notes", default="", help="add: one sentence on what agents may not promise")
    p.add_argument("--file", default="custom", help="add: data/brands/<file>.yaml (default custom)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="assistant",
        description="Offline reply suggestions and coaching for customer care.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("suggest", help="draft replies to a complaint")
    p.add_argument("text", help="the complaint, or - to read it from stdin")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--channel", default="twitter", help=f"one of {', '.join(CHANNELS)}")
    p.add_argument("--brand", help="a brand from data/brands/ (sets the policy)")
    p.add_argument("--customer", help="the customer's first name")
    p.add_argument("--agent", help="the agent's name for the signature")
    p.add_argument("--model", help="manifest name, local folder or Hugging Face id")

    p = sub.add_parser("analyse", help="analyse a complaint")
    p.add_argument("text")
    p.add_argument("--json", action="store_true")
    p.add_argument("--channel", default="twitter")

    p = sub.add_parser("coach", help="review a reply against the recovery checklist")
    p.add_argument("reply", help="the reply to review, or - for stdin")
    p.add_argument("--complaint", required=True, help="the complaint it answers")
    p.add_argument("--channel", default="twitter")
    p.add_argument("--brand")
    p.add_argument("--customer")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("index", help="(re)build the case index")
    p.add_argument(
        "action",
        choices=["build", "ensure"],
        help="build: rebuild now; ensure: build only if missing or stale",
    )

    add_cases_parser(sub)

    p = sub.add_parser("models", help="list or verify the offline models, or export a GGUF LoRA")
    p.add_argument("action", nargs="?", choices=["list", "verify", "export-gguf"], default="list")
    p.add_argument("name", nargs="?", help="export-gguf: the adapter manifest to export")

    add_brands_parser(sub)

    p = sub.add_parser("users", help="sign-in users: hash a password for the users file")
    p.add_argument("action", choices=["hash"], help="hash: print a salted scrypt hash")

    p = sub.add_parser("eval", help="evaluate drafting on the test split, or run a blind review")
    p.add_argument(
        "--review-pack",
        metavar="FILE",
        help="write a blind review pack of --drafts with gold and weak controls (docs/eval/)",
    )
    p.add_argument("--drafts", nargs="+", default=[], help="review pack: JSONL draft files")
    p.add_argument("--shares", type=int, default=1, help="review pack: one share per rater")
    p.add_argument("--controls", type=int, default=8, help="review pack: gold and weak per share")
    p.add_argument(
        "--review-import", nargs="+", metavar="LABELS", help="labels files to join to --key"
    )
    p.add_argument("--key", help="review import: the pack's .key.json")
    p.add_argument("--harvest", metavar="FILE", help="append real drafts of --model to FILE")
    p.add_argument("--split", default="train", help="harvest: complaints of train or test")
    p.add_argument("--n", type=int, default=100, help="harvest: how many complaints")
    p.add_argument("--per-complaint", type=int, default=2, help="harvest: candidates each")
    p.add_argument("--harvest-seed", type=int, default=1, help="harvest: which complaints")
    p.add_argument(
        "--with-fallback", action="store_true", help="harvest: also the safe fallback reply"
    )
    p.add_argument("--model")
    p.add_argument("--limit", type=int)
    p.add_argument("--candidates", type=int)
    p.add_argument("--out", default="docs/eval", help="folder for report.md and report.json")
    p.add_argument("--adapter", help="a LoRA adapter folder to apply to the model")

    p = sub.add_parser("train", help="fine-tune the drafting model (LoRA) or the reply critic")
    p.add_argument("what", nargs="?", choices=["drafter", "critic"], default="drafter")
    p.add_argument("--model", default="smollm2-135m")
    p.add_argument("--out", help="default models/adapters/smollm2-135m-care or models/critic")
    p.add_argument(
        "--drafts",
        nargs="+",
        default=["data/critic/drafts.jsonl"],
        help="critic: blind-labelled real drafts (JSONL)",
    )
    p.add_argument(
        "--start-from",
        help="continue training this critic folder, or (drafter) this adapter folder on train "
        "cases its TRAINING.json does not list",
    )
    p.add_argument(
        "--prompt",
        choices=["example", "brief"],
        help="drafter: prompt style to train on (default: example; brief for the tuned models)",
    )
    p.add_argument("--max-length", type=int, help="drafter: tokens per example (default 640)")
    p.add_argument("--epochs", type=float, default=1.0)
    p.add_argument("--resume", action="store_true")
    p.add_argument("--limit", type=int)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
