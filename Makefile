# Two commands for a fresh clone: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install index lint eval bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

index: $(STAMP)
	$(BIN)/guidebot index

run: $(STAMP)
	$(BIN)/guidebot index
	$(BIN)/guidebot serve --host 127.0.0.1 --port 8000

lint: $(STAMP)
	$(BIN)/ruff check src tests bench

test: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/python -m pytest -q

eval: $(STAMP)
	$(BIN)/guidebot eval

# The benchmarks (several minutes; see bench/RESULTS.md). make test runs their quick modes.
bench: $(STAMP)
	$(BIN)/python -m bench.scale
	$(BIN)/python -m bench.beir
	$(BIN)/python -m bench.serve_http
	$(BIN)/python -m bench.faq
	$(BIN)/python -m bench.startup
	$(BIN)/python -m bench.hostile
	$(BIN)/python -m bench.recording
	$(BIN)/python -m bench.grouping
	$(BIN)/python -m bench.cluster

clean:
	rm -rf $(VENV) .guidebot .pytest_cache
