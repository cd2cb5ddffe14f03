# Khabar: `make run` sets everything up and starts the app; `make test` runs every test tier.
# Each step is idempotent: a second run reuses the venv, the models and the index.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
KHABAR := $(VENV)/bin/khabar
STAMP := $(VENV)/.installed
export CMAKE_BUILD_PARALLEL_LEVEL ?= 2
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run chat setup venv models index test test-fast system lint bench eval clean-index

run: setup
	$(KHABAR) ui

chat: setup
	$(KHABAR) chat

setup: venv system models index

# llama-cpp-python is built from source for the building CPU (-march=native), but on x86_64
# without AMX: a CPU that reports AMX inside a VM that does not enable it died with SIGILL
# (tilezero in libggml-cpu) on the first llama_decode (seen here on 2026-12-01). The wheel is
# kept under a name holding the flags and the CPU's feature list, so a machine with another
# CPU builds its own, and a wheel built another way (pip's own cache) is never taken instead.
ifeq ($(shell uname -m),x86_64)
LLAMA_NO_AMX := -mno-amx-tile -mno-amx-int8 -mno-amx-bf16
LLAMA_CMAKE_ARGS ?= -DGGML_NATIVE=ON -DCMAKE_C_FLAGS='$(LLAMA_NO_AMX)' -DCMAKE_CXX_FLAGS='$(LLAMA_NO_AMX)'
endif
LLAMA_CPU := $(shell grep -m1 '^flags' /proc/cpuinfo 2>/dev/null)
LLAMA_WHEELS ?= $(HOME)/.cache/khabar/llama-wheels/$(shell echo "$(LLAMA_CMAKE_ARGS) $(LLAMA_CPU)" | sha256sum | cut -c1-12)

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip setuptools wheel
	if ! ls $(LLAMA_WHEELS)/llama_cpp_python-*.whl >/dev/null 2>&1; then \
		CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(PY) -m pip wheel -q --no-deps --no-cache-dir -w $(LLAMA_WHEELS) 'llama-cpp-python>=0.3.16'; fi
	$(PY) -m pip install -q --force-reinstall --no-deps $(LLAMA_WHEELS)/llama_cpp_python-*.whl
	# torch is pinned to the CPU build in pyproject.toml; llama-cpp-python is the wheel above
	$(PY) -m pip install -q -e '.[ui,eval,dev]'
	touch $(STAMP)

venv: $(STAMP)

# Debian packages: an Urdu font for the app, chromium for the browser tests.
system:
	@if ! dpkg -s fonts-noto-core chromium >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-core chromium >/dev/null; \
		else echo "Install fonts-noto-core and chromium (sudo apt-get install fonts-noto-core chromium)"; fi; \
	fi

models: venv
	$(KHABAR) models --install

index: models
	$(KHABAR) index

test: setup lint
	$(PY) -m pytest -v

test-fast: venv
	$(PY) -m pytest -m "not e2e and not browser"

lint: venv
	$(VENV)/bin/ruff check rag ui tests bench
	$(VENV)/bin/mypy

bench: setup
	$(PY) -m pip install -q -e '.[bench]'  # the naive LangChain peer
	$(PY) bench/bench.py

eval: setup
	$(KHABAR) eval ../shared/eval/seed_dev.jsonl ../shared/eval/uqa_ur_dev.jsonl ../shared/eval/xlsum_ur_dev.jsonl --out artifacts/eval

clean-index:
	rm -rf data/index data/summaries
