"""`assistant train`: tune a small drafting model with LoRA on the library's train split.

Every training example is shaped exactly like a drafting request at inference: the case's nearest
*train* neighbour (never itself, never a test case) is the worked example, `Drafter.conversation`
builds [system, example complaint, example reply, new complaint], and the case's gold reply is the
target. The loss covers only the target tokens and the end-of-turn token, so the model learns to
write the reply, not to predict the prompt.

    config = TrainConfig()
    examples = build_examples(assistant)                # TrainingExample per train case
    rows = [tokenize_example(tokenizer, e, config.max_length) for e in examples]
    result = train(base_folder, rows, Path("models/adapters/x"), config)

The loop is plain PyTorch (no Trainer), in the CPU's dtype (`cpu.compute_dtype`): seeded,
gradient accumulation, a cosine schedule, checkpoints every `save_every` steps that
`resume=True` continues from, and `start_from` to continue a finished adapter on new cases.
"""

from __future__ import annotations

import math
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import InputError, ModelError
from assistant.offline.training_data import (
    IGNORE,
    TokenizedExample,
    step_order,
)

# The LoRA targets: every attention and MLP projection of a Llama-style block (SmolLM2, Qwen2).
PROJECTIONS = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")


@dataclass(frozen=True)
class TrainConfig:
    epochs: float = 1.0
    learning_rate: float = 2e-4
    rank: int = 16
    alpha: int = 32  # LoRA scale alpha/rank = 2, the usual choice for r=16
    dropout: float = 0.05
    target_modules: tuple[str, ...] = PROJECTIONS
    # Examples per optimizer step, reached by gradient accumulation over one example at a time
    # (one row per forward pass needs no padding, and a ~400-token row already fills 2 cores).
    batch_size: int = 8
    # Long e-mails (a ~170-token system prompt, the complaint, a ~250-token gold reply) do not
    # fit 512: of 490 train cases, 47 were skipped and 292 had the worked example shortened.
    # At 640, 4 are skipped and 158 shortened. Only the worked example is ever cut.
    max_length: int = 640
    warmup_share: float = 0.05  # of the optimizer steps, linear warm-up before the cosine decay
    max_grad_norm: float = 1.0
    save_every: int = 10  # optimizer steps between checkpoints (a step took 70-290 s here)
    keep_checkpoints: int = 2
    seed: int = 0
    threads: int = 2
    # "float32" or "bfloat16": bf16 only where the CPU multiplies it natively (backends/cpu.py).
    dtype: str = "float32"

    def validate(self) -> None:
        if self.epochs <= 0:
            raise InputError(f"epochs must be greater than 0. Currently, epochs is {self.epochs}.")
        for name in ("batch_size", "max_length", "save_every", "rank", "threads"):
            if getattr(self, name) < 1:
                raise InputError(
                    f"{name} must be greater than 0. Currently, {name} is {getattr(self, name)}."
                )
        if self.dtype not in ("float32", "bfloat16"):
            raise InputError(f"dtype must be float32 or bfloat16, not {self.dtype!r}.")


@dataclass
class TrainResult:
    out: Path
    steps: int
    examples: int
    losses: list[float]  # mean target-token loss of each optimizer step
    seconds: float  # wall time of this run (not counting earlier runs before a resume)
    sha256: str  # of adapter_model.safetensors, for the manifest ("" when not finished)
    resumed_from: int = 0  # the checkpoint step this run started from
    finished: bool = True  # False when `stop_after` ended the run before the last step


def target_loss(model, row: TokenizedExample):
    """Mean cross-entropy over the target tokens (and end of turn) of one example.

    The same value as passing `labels` to the model, but the 49k-word output layer runs only
    over the target's positions (`logits_to_keep`): the prompt is ~75% of every row and that
    layer ~20% of the model's work per position, so this saves about a sixth of each step.
    """
    import torch

    prompt = next(i for i, label in enumerate(row.labels) if label != IGNORE)
    ids = torch.tensor([row.input_ids])
    # Logits at position p predict token p + 1: keep the positions prompt-1 .. end-1.
    logits = model(input_ids=ids, logits_to_keep=len(row.input_ids) - prompt + 1).logits
    return torch.nn.functional.cross_entropy(logits[0, :-1].float(), ids[0, prompt:])


def adapter_sha(folder: Path | None) -> str | None:
    if folder is None:
        return None
    from assistant.backends.models import sha256_of

    return sha256_of([Path(folder) / "adapter_model.safetensors"])


def _checkpoints(out: Path) -> list[Path]:
    return sorted((out / "checkpoints").glob("step-*"), key=lambda p: int(p.name.split("-")[1]))


def _save_checkpoint(
    model, optimizer, scheduler, step: int, losses, out: Path, keep: int, plan: dict
) -> None:
    import torch

    folder = out / "checkpoints" / f"step-{step:05d}"
    tmp = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    model.save_pretrained(tmp)
    torch.save(
        {
            "step": step,
            "losses": losses,
            "optimizer": optimizer.state_dict(),
            "scheduler": scheduler.state_dict(),
            "rng": torch.get_rng_state(),
            "plan": plan,
        },
        tmp / "state.pt",
    )
    # Renamed only when complete, so a run killed mid-save never leaves a half checkpoint.
    shutil.rmtree(folder, ignore_errors=True)
    tmp.rename(folder)
    for old in _checkpoints(out)[:-keep]:
        shutil.rmtree(old, ignore_errors=True)


def _load_checkpoint(
    model, optimizer, scheduler, folder: Path, plan: dict
) -> tuple[int, list[float]]:
    import torch
    from peft import set_peft_model_state_dict
    from safetensors.torch import load_file

    state = torch.load(folder / "state.pt", weights_only=False)
    if "plan" in state and state["plan"] != plan:
        # Another example count, batch or length makes another data order: not a continuation.
        raise InputError(
            f"The checkpoint {folder} was written for {state.get('plan')}, but this run is "
            f"{plan}. Resume with the same --epochs and --limit (and library), or drop --resume."
        )
    set_peft_model_state_dict(model, load_file(str(folder / "adapter_model.safetensors")))
    optimizer.load_state_dict(state["optimizer"])
    scheduler.load_state_dict(state["scheduler"])
    torch.set_rng_state(state["rng"])
    return int(state["step"]), list(state["losses"])


def _lora_model(base: Path, config: TrainConfig, start_from: Path | None = None):
    """The base causal LM in `config.dtype` with LoRA adapters on `config.target_modules`
    (peft keeps the adapter's own weights in float32), or with the trained adapter in
    `start_from`, trainable, to continue it."""
    import torch
    from peft import LoraConfig, PeftModel, get_peft_model
    from transformers import AutoModelForCausalLM

    try:
        # bfloat16 only with AVX512-BF16/AMX: other CPUs emulate it, several times slower.
        model = AutoModelForCausalLM.from_pretrained(base, dtype=getattr(torch, config.dtype))
    except OSError as exc:
        raise ModelError(f"Could not load the base model from {base}: {exc}.") from exc
    if start_from is not None:
        return PeftModel.from_pretrained(model, start_from, is_trainable=True)
    lora = LoraConfig(
        r=config.rank,
        lora_alpha=config.alpha,
        lora_dropout=config.dropout,
        target_modules=list(config.target_modules),
        task_type="CAUSAL_LM",
    )
    return get_peft_model(model, lora)


def train(
    base: Path,
    rows: list[TokenizedExample],
    out: Path,
    config: TrainConfig | None = None,
    resume: bool = False,
    progress: bool = True,
    stop_after: int | None = None,
    base_name: str | None = None,
    start_from: Path | None = None,
) -> TrainResult:
    """LoRA-tune the causal LM in `base` on `rows`; the adapter lands in `out`.

    `stop_after` ends the run once that many optimizer steps are done, leaving a checkpoint
    and no adapter (`finished` is False); `resume=True` later continues exactly where it was.
    `base_name` is written into adapter_config.json instead of this machine's cache path.
    `start_from` is a finished adapter folder whose weights this run starts from.
    """
    config = config or TrainConfig()
    config.validate()
    if not rows:
        raise InputError("No training examples: the library has no usable train cases.")
    import torch
    from transformers import get_cosine_schedule_with_warmup

    torch.set_num_threads(config.threads)
    torch.manual_seed(config.seed)
    out = Path(out)
    if resume and not _checkpoints(out) and (out / "adapter_model.safetensors").exists():
        # Without this, --resume after a finished run would silently train it all again.
        raise InputError(
            f"{out} holds a finished adapter and no checkpoint: nothing to resume. "
            "Drop --resume to train again from scratch, or pass another --out."
        )
    out.mkdir(parents=True, exist_ok=True)
    model = _lora_model(base, config, start_from)
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=config.learning_rate, weight_decay=0.0)
    steps = max(1, math.ceil(config.epochs * len(rows) / config.batch_size))
    scheduler = get_cosine_schedule_with_warmup(
        optimizer, math.ceil(config.warmup_share * steps), steps
    )
    start, losses = 0, []
    plan_key = {
        "examples": len(rows),
        "steps": steps,
        "batch_size": config.batch_size,
        "seed": config.seed,
        "max_length": config.max_length,
    }
    if start_from is not None:  # a resume must start from the same weights
        plan_key["start_from"] = adapter_sha(start_from)
    found = _checkpoints(out)
    if resume and found:
        start, losses = _load_checkpoint(model, optimizer, scheduler, found[-1], plan_key)
        print(f"Resuming from {found[-1]} (step {start} of {steps}).", file=sys.stderr)
    elif resume:
        print(f"No checkpoint in {out / 'checkpoints'}; starting from step 0.", file=sys.stderr)
    plan = step_order(len(rows), steps, config.batch_size, config.seed)
    started = time.perf_counter()
    model.train()
    bar = range(start, steps)
    if progress:
        from tqdm import tqdm

        bar = tqdm(bar, desc="Training", unit="step", initial=start, total=steps)
    for step in bar:
        total = 0.0
        for index in plan[step]:
            loss = target_loss(model, rows[index])
            (loss / len(plan[step])).backward()
            total += float(loss.detach())
        torch.nn.utils.clip_grad_norm_(params, config.max_grad_norm)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad(set_to_none=True)
        losses.append(round(total / len(plan[step]), 4))
        if progress:
            bar.set_postfix(loss=f"{losses[-1]:.3f}", lr=f"{scheduler.get_last_lr()[0]:.1e}")
        stopping = stop_after is not None and step + 1 >= stop_after and step + 1 < steps
        if step + 1 < steps and ((step + 1) % config.save_every == 0 or stopping):
            _save_checkpoint(
                model,
                optimizer,
                scheduler,
                step + 1,
                losses,
                out,
                config.keep_checkpoints,
                plan_key,
            )
        if stopping:
            seconds = time.perf_counter() - started
            return TrainResult(out, steps, len(rows), losses, seconds, "", start, finished=False)
    seconds = time.perf_counter() - started
    # Loading ignores this field; a manifest name reads better than a cache path.
    model.peft_config["default"].base_model_name_or_path = base_name or str(base)
    # No embedding layers are tuned; saying so also skips peft's hub lookup of the base config.
    model.save_pretrained(out, save_embedding_layers=False)
    (out / "README.md").unlink(missing_ok=True)  # peft's stub card; CARD.md is the real one
    shutil.rmtree(out / "checkpoints", ignore_errors=True)  # finished: keep the folder small
    from assistant.backends.models import sha256_of

    sha = sha256_of([out / "adapter_model.safetensors"])
    return TrainResult(out, steps, len(rows), losses, seconds, sha, start)
