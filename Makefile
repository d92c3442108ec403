# The README's commands. Only Python 3.11 and pip are needed; everything else is installed here.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export DAGSTER_HOME ?= $(CURDIR)/.dagster
SEMESTER ?=
BARIS ?= 450000 5500000
FORMAT ?= csv
ULANG ?= 3
KELUAR ?= /tmp/dukcapil-bench/penduduk.csv

.PHONY: run test ingest ui lint tabel3 clean bench ekstrak

$(BIN)/dagster: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(DAGSTER_HOME)/dagster.yaml:
	mkdir -p $(DAGSTER_HOME)
	cp dagster.yaml $@

.PHONY: setup
setup: $(BIN)/dagster $(DAGSTER_HOME)/dagster.yaml

run: setup  ## ingest every semester under raw/dkb/, refresh, publish, print Tabel 3
	$(BIN)/python -m pipelines.cli run

ingest: setup  ## one semester: make ingest SEMESTER=2024-S1
	$(BIN)/python -m pipelines.cli ingest --semester $(SEMESTER)

tabel3: setup
	$(BIN)/python -m pipelines.cli tabel3

test: setup  ## the whole test suite
	$(BIN)/python -m pytest -q

lint: setup
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

ui: setup  ## Dagster UI on http://127.0.0.1:3000
	$(BIN)/dagster dev -w workspace.yaml -h 127.0.0.1 -p 3000

bench: setup  ## record-level path vs bare DuckDB: make bench BARIS="450000 5500000 20000000"
	$(BIN)/python -m benchmarks.rekaman --baris $(BARIS) --format $(FORMAT) --ulang $(ULANG)

ekstrak: setup  ## synthetic resident extract: make ekstrak BARIS=450000 KELUAR=/tmp/penduduk.csv
	$(BIN)/python -m pipelines.synthetic.penduduk --baris $(BARIS) --keluar $(KELUAR)

clean:
	rm -rf warehouse/build warehouse/versi warehouse/arsip warehouse/laporan warehouse/dukcapil.duckdb warehouse/terbatas
