"""Settings: where data, caches and models live, and the drafting knobs.

Every value has a default that works from a fresh clone; `Settings.from_env()` reads the
`ASSISTANT_*` environment variables so the app, the CLI and CI share one way to configure.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from assistant.errors import ConfigError

REPO_ROOT = Path(__file__).resolve().parent.parent


def _defaults_root() -> Path:
    """Where the shipped data, prompts and models are: the checkout when running from one, else
    the copies a (non-editable) install carries inside the package (`assistant/defaults/`,
    put there by setup.py's build step)."""
    if (REPO_ROOT / "data" / "cases").is_dir():
        return REPO_ROOT
    from importlib.resources import files

    return Path(str(files("assistant"))) / "defaults"


DEFAULTS = _defaults_root()
# The drafting backends `backends.registry` can build (checked equal in tests/test_config.py).
BACKENDS = ("auto", "transformers", "llama.cpp")
DTYPES = ("auto", "float32", "bfloat16")


def _default_home() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "care-assistant"


@dataclass(frozen=True)
class Settings:
    data_dir: Path = DEFAULTS / "data"
    prompts_dir: Path = DEFAULTS / "prompts"
    models_dir: Path = DEFAULTS / "models"
    # Caches (converted model weights, the index) and the feedback database; never committed.
    home: Path = field(default_factory=_default_home)
    # The tuned Qwen2.5-0.5B adapter (brief prompt): in the blind review of the same 40 test
    # complaints, 10 got a usable shown draft against 2 with the tuned SmolLM2 (wave 3,
    # docs/eval/blind-review.md). `--model smollm2-135m-care` is the faster, weaker tier.
    model: str = "qwen2.5-0.5b-care"
    # "auto" (default): llama.cpp when `make llama` installed it, the model has a GGUF and a
    # child-process self-test ran it on this CPU; otherwise transformers, with one line saying
    # why. "transformers" (always installed) or "llama.cpp" force one.
    backend: str = "auto"
    # "none" (float32) or "int8": weight-only dynamic int8 quantisation of the Linear layers
    # (torch.ao quantize_dynamic). On this 2-core AVX2 machine it decoded SmolLM2 1.9x and Qwen
    # 2.8x faster (BENCHMARKS.md), but the tuned SmolLM2 looped far more often under it (safe
    # fallback on 18 of 30 test complaints instead of 10 of 30), so it is opt-in.
    quantize: str = "none"
    # The transformers backend's weights: "auto" is bfloat16 where the CPU has AVX512-BF16 or AMX
    # and float32 elsewhere (bf16 is emulated, several times slower, on AVX2-only CPUs);
    # "float32" or "bfloat16" forces one.
    dtype: str = "auto"
    # While a draft streams to the agent: "first-alone" drafts the first candidate alone, then
    # the others in one batch (first draft sooner on few cores); "batched" drafts all at once.
    streaming: str = "first-alone"
    embedder: str = "all-minilm-l6-v2"
    # "on": the learned critic in models/critic ranks and gates drafts and joins the coach's
    # checks (docs/critic.md); "off": rules and the checklist alone.
    critic: str = "on"
    # Three candidates: the product shows a draft and up to two alternatives.
    candidates: int = 3
    # Examples retrieved for the prompt and shown beside the drafts.
    top_k: int = 3
    # A ceiling on new tokens; each channel drafts at most its own `tokens` (data/channels.yaml).
    max_new_tokens: int = 320
    # The model sees at most this many characters of the complaint (a 100 KB paste is cut).
    max_complaint_chars: int = 2000
    threads: int = 2
    seed: int = 0

    @property
    def index_dir(self) -> Path:
        return self.home / "index" / self.embedder

    @property
    def cache_dir(self) -> Path:
        return self.home / "models"

    @property
    def feedback_db(self) -> Path:
        return self.home / "feedback.sqlite3"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides) -> Settings:
        env = dict(os.environ if env is None else env)
        values: dict = {}
        for f in fields(cls):
            raw = env.get(f"ASSISTANT_{f.name.upper()}")
            if raw is None:
                continue
            if f.type in ("Path",) or f.name.endswith("_dir") or f.name == "home":
                values[f.name] = Path(raw).expanduser()
            elif f.type == "int":
                try:
                    values[f.name] = int(raw)
                except ValueError:
                    raise ConfigError(
                        f"ASSISTANT_{f.name.upper()} must be a whole number. "
                        f"Currently it is {raw!r}."
                    ) from None
            else:
                values[f.name] = raw
        values.update({k: v for k, v in overrides.items() if v is not None})
        settings = cls(**values)
        settings.validate()
        return settings

    def with_(self, **changes) -> Settings:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    def validate(self) -> None:
        if self.backend not in BACKENDS:
            raise ConfigError(
                f"backend must be one of {', '.join(BACKENDS)}. Currently it is {self.backend!r}."
            )
        if self.streaming not in ("first-alone", "batched"):
            raise ConfigError(
                f"streaming must be 'first-alone' or 'batched'. Currently it is {self.streaming!r}."
            )
        if self.critic not in ("on", "off"):
            raise ConfigError(f"critic must be 'on' or 'off'. Currently it is {self.critic!r}.")
        if self.quantize not in ("none", "int8"):
            raise ConfigError(
                f"quantize must be 'none' or 'int8'. Currently it is {self.quantize!r}."
            )
        if self.dtype not in DTYPES:
            raise ConfigError(
                f"dtype must be one of {', '.join(DTYPES)}. Currently it is {self.dtype!r}."
            )
        for name in ("candidates", "top_k", "max_new_tokens", "max_complaint_chars", "threads"):
            value = getattr(self, name)
            if value < 1:
                raise ConfigError(f"{name} must be greater than 0. Currently, {name} is {value}.")


def lexicons_dir() -> Path:
    """The lexicons of the data folder in use (ASSISTANT_DATA_DIR overrides the shipped one)."""
    return Settings.from_env().data_dir / "lexicons"


def coach_models_dir() -> Path:
    """The coach's small models in the models folder in use (ASSISTANT_MODELS_DIR overrides)."""
    return Settings.from_env().models_dir / "coach"
