"""Can llama.cpp run here? A start-up self-test in a child process, remembered per machine.

llama.cpp can crash the whole process instead of raising: a native build on an Intel Xeon whose
VM does not allow AMX dies with a segmentation fault inside `ggml_backend_amx_mul_mat`. So the
`auto` backend never tries llama.cpp in the app's own process first: a child process loads the
model and decodes a few tokens, and only a clean exit lets the app use llama.cpp. The verdict is
kept in the home folder, keyed by the llama-cpp-python version, the CPU's features and the model
files, so the test runs once per machine and model, not on every start.

    python -m assistant.backends.selftest MODEL.gguf [LORA.gguf]   # exit 0: llama.cpp works
"""

from __future__ import annotations

import hashlib
import json
import signal
import subprocess
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from assistant.backends.cpu import cpu_flags

TIMEOUT_S = 180
PROMPT = [{"role": "user", "content": "Say hello."}]


@dataclass(frozen=True)
class Verdict:
    ok: bool
    reason: str  # "" when ok; otherwise one line a person can act on


def llama_version() -> str | None:
    try:
        return metadata.version("llama-cpp-python")
    except metadata.PackageNotFoundError:
        return None


def _key(version: str, files: list[Path]) -> str:
    parts = [version, " ".join(sorted(cpu_flags()))]
    parts += [f"{f.resolve()}:{f.stat().st_size}:{int(f.stat().st_mtime)}" for f in files]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def _describe(code: int, stderr: str) -> str:
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"it crashed ({name})"
    last = stderr.strip().splitlines()[-1:] or ["no message"]
    return f"it failed (exit {code}: {last[0][:160]})"


def check(gguf: Path, lora: Path | None, home: Path, runner=subprocess.run) -> Verdict:
    """Whether llama.cpp loads and runs `gguf` (+ `lora`) here; remembered in `home`."""
    version = llama_version()
    if version is None:
        return Verdict(False, "llama-cpp-python is not installed (`make llama` builds it)")
    files = [Path(gguf)] + ([Path(lora)] if lora else [])
    memo = Path(home) / "llama-selftest.json"
    key = _key(version, files)
    try:
        seen = json.loads(memo.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        seen = {}
    if key in seen:
        return Verdict(**seen[key])
    command = [sys.executable, "-m", "assistant.backends.selftest", *map(str, files)]
    try:
        done = runner(command, capture_output=True, text=True, timeout=TIMEOUT_S)
        verdict = (
            Verdict(True, "")
            if done.returncode == 0
            else Verdict(False, _describe(done.returncode, done.stderr or ""))
        )
    except subprocess.TimeoutExpired:
        verdict = Verdict(False, f"it did not answer within {TIMEOUT_S} s")
    seen[key] = {"ok": verdict.ok, "reason": verdict.reason}
    memo.parent.mkdir(parents=True, exist_ok=True)
    memo.write_text(json.dumps(seen, indent=1) + "\n", encoding="utf-8")
    return verdict


def main(argv: list[str]) -> int:
    from llama_cpp import Llama
    from llama_cpp._utils import suppress_stdout_stderr

    gguf, lora = argv[0], (argv[1] if len(argv) > 1 else None)
    with suppress_stdout_stderr(disable=False):  # disable=True would let it through
        llm = Llama(gguf, n_ctx=256, n_threads=2, seed=0, verbose=False, lora_path=lora)
    out = llm.create_chat_completion(PROMPT, max_tokens=4, temperature=0.0, top_k=1)
    llm.close()  # before interpreter teardown, where Llama.__del__ fails noisily
    return 0 if out["choices"][0]["message"]["content"] is not None else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
