"""The layers contract: each package imports only from its own layer or below, so the parts a team
swaps (store, model servers, the critic) have one place each and nothing reaches up past them.

    text -> library -> backends / retrieval -> coach -> drafting -> store -> service
         -> app / cli / offline

`config` and `errors` sit under everything. Only `app` imports gradio. Lazy imports inside
functions count too: a layer broken at call time is still broken. Read from the source with
`ast`, so the contract holds for code paths no test runs.
"""

from __future__ import annotations

import ast
from pathlib import Path

from assistant.config import REPO_ROOT

PACKAGE = REPO_ROOT / "assistant"
LAYERS = {
    "config": 0,
    "errors": 0,
    "text": 1,
    "library": 2,
    "backends": 3,
    "retrieval": 3,
    "coach": 4,
    "drafting": 5,
    "store": 6,
    "service": 7,
    "app": 8,
    "cli": 8,
    "offline": 8,
    "testing": 8,
    "__main__": 8,
}
MAX_LINES = 400


def _part(module: str) -> str:
    """assistant.coach.guards -> coach; assistant.service -> service."""
    return module.split(".")[1] if module.count(".") else module


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            if node.level:
                raise AssertionError(f"{path}: relative import; write `from assistant...`")
            found += [(node.lineno, n) for n in names[:1]]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
    return found


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE)
        if rel == Path("__init__.py"):
            continue  # the public API re-exports from every layer by design
        yield path, rel.parts[0].removesuffix(".py")


def test_every_package_imports_only_from_its_layer_or_below():
    broken = []
    for path, part in _modules():
        assert part in LAYERS, f"{path}: add its package to the layers contract"
        for line, name in _imports(path):
            if not name.startswith("assistant.") and name != "assistant":
                continue
            target = _part(name.removeprefix("assistant.")) if name != "assistant" else "service"
            if LAYERS.get(target, 0) > LAYERS[part]:
                broken.append(f"{path.relative_to(REPO_ROOT)}:{line} ({part}) imports {name}")
    assert broken == []


def test_only_the_app_imports_gradio():
    outside = [
        f"{path.relative_to(REPO_ROOT)}:{line}"
        for path, part in _modules()
        if part != "app"
        for line, name in _imports(path)
        if name.split(".")[0] == "gradio"
    ]
    assert outside == []


def test_no_module_is_over_400_lines():
    long = {
        str(path.relative_to(REPO_ROOT)): n
        for path in PACKAGE.rglob("*.py")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}
