# The README's commands. Only Python 3.11 and pip are needed; everything else is installed here.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export DAGSTER_HOME ?= $(CURDIR)/.dagster
# SEMESTER, FILE, VERSI and ALASAN reach the commands only as environment variables, quoted
# ("$$SEMESTER"), never pasted into a shell command line: `SEMESTER='2024-S1; rm …'` stays one
# value, which pipelines/cli.py refuses. `$(value …)` keeps a `$(…)` in a value unexpanded.
override SEMESTER := $(value SEMESTER)
override FILE := $(value FILE)
override VERSI := $(value VERSI)
override ALASAN := $(value ALASAN)
export SEMESTER FILE VERSI ALASAN
# The same for the benchmark's arguments; BARIS is a list, split by the shell with globbing off.
BARIS ?= 450000 5500000
FORMAT ?= csv
ULANG ?= 3
KELUAR ?= /tmp/dukcapil-bench/penduduk.csv
override BARIS := $(value BARIS)
override FORMAT := $(value FORMAT)
override ULANG := $(value ULANG)
override KELUAR := $(value KELUAR)
export BARIS FORMAT ULANG KELUAR
# Many offices (raw/<kode>/, docs/provinsi.md): runs at once, and the province's own instance.
PEKERJA ?= 2
override PEKERJA := $(value PEKERJA)
export PEKERJA
DAGSTER_HOME_PROVINSI ?= $(CURDIR)/.dagster_provinsi

.PHONY: run test ingest ui lint tabel3 clean versi pulihkan sql bench bench-provinsi ekstrak provinsi ui-provinsi

$(BIN)/dagster: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(DAGSTER_HOME)/dagster.yaml:
	mkdir -p $(DAGSTER_HOME)
	cp pipelines/dagster.yaml $@

.PHONY: setup
setup: $(BIN)/dagster $(DAGSTER_HOME)/dagster.yaml

run: setup  ## ingest every semester under raw/dkb/, refresh, publish, print Tabel 3
	$(BIN)/python -m pipelines.cli run

ingest: setup  ## one semester: make ingest SEMESTER=2024-S1
	@test -n "$$SEMESTER" || { echo "usage: make ingest SEMESTER=2024-S1"; exit 2; }
	$(BIN)/python -m pipelines.cli ingest --semester "$$SEMESTER"

sql: setup  ## analyst query on the published file, read-only: make sql FILE=sql/analyst/contoh/01_iku_2023.sql
	@test -n "$$FILE" || { echo "usage: make sql FILE=sql/analyst/contoh/01_iku_2023.sql"; exit 2; }
	$(BIN)/python -m pipelines.cli sql "$$FILE"

versi: setup  ## published warehouse versions kept for rollback
	$(BIN)/python -m pipelines.cli versi

pulihkan: setup  ## rollback: make pulihkan [VERSI=20240815T0700…]
	if [ -n "$$VERSI" ]; then $(BIN)/python -m pipelines.cli pulihkan --versi "$$VERSI"; \
	else $(BIN)/python -m pipelines.cli pulihkan; fi

.PHONY: hapus-semester
hapus-semester: setup  ## recorded removal: make hapus-semester SEMESTER=2023-S2 ALASAN='rilis ditarik Dukcapil'
	@test -n "$$SEMESTER" && test -n "$$ALASAN" || { echo "usage: make hapus-semester SEMESTER=2024-S1 ALASAN='…'"; exit 2; }
	$(BIN)/python -m pipelines.cli hapus-semester --semester "$$SEMESTER" --alasan "$$ALASAN"

.PHONY: kunci-ulang
kunci-ulang: setup  ## re-pseudonymise every semester's restricted rows under a new DUKCAPIL_PSEUDONYM_KEY
	$(BIN)/python -m pipelines.cli kunci-ulang

tabel3: setup
	$(BIN)/python -m pipelines.cli tabel3

# `make test` is the quick tier (3.5 minutes on 2 cores, one worker per core); tests marked `lambat` (browser,
# kill -9, real processes, searches of every stored byte) run in `make test-lambat`.
# `make test-lengkap` runs both, as CI does. A file's tests run on one worker (module fixtures
# built once), heaviest file first (tests/conftest.py).
test: setup  ## the test suite without the slow end-to-end tests, on every core
	$(BIN)/python -m pytest -q -n auto --dist loadfile -m "not lambat"

.PHONY: test-lambat test-lengkap
test-lambat: setup chromium  ## only the slow end-to-end tests (one at a time: they time real processes)
	$(BIN)/python -m pytest -q -m lambat

test-lengkap: test test-lambat  ## every test (CI)

# The UI test's headless browser, from Debian (Playwright cannot download one here). Installed
# only when missing and we are root (CI); otherwise the UI test skips and says why.
.PHONY: chromium
chromium:
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing chromium for the UI test (apt-get)"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium \
			>/dev/null) || echo "chromium could not be installed: the UI test will be skipped"; \
	fi

lint: setup
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/lint-imports --no-cache

# What `dagster dev` does (webserver + daemon for the sensor and schedule), without the CLI's
# supersession warning; Ctrl-C stops both.
ui: setup  ## Dagster UI on http://127.0.0.1:3000
	$(BIN)/dagster-daemon run -w workspace.yaml & daemon=$$!; \
	trap 'kill $$daemon' EXIT INT TERM; \
	$(BIN)/dagster-webserver -w workspace.yaml -h 127.0.0.1 -p 3000

provinsi: setup  ## every office under raw/<kode>/ through the run queue (PEKERJA=2 at once), then each office's status
	DAGSTER_HOME="$(DAGSTER_HOME_PROVINSI)" $(BIN)/python -m pipelines.provinsi.cli jalankan --pekerja "$$PEKERJA"

# The province's UI: its daemon runs the sensor rilis_kantor and the run queue.
# It holds the lock `make provinsi` takes (fd 9, inherited by the daemon and the webserver):
# two daemons on one instance would launch and stop each other's runs.
ui-provinsi: setup  ## the province's Dagster UI (offices × semesters) on http://127.0.0.1:3001
	export DAGSTER_HOME="$(DAGSTER_HOME_PROVINSI)"; mkdir -p "$$DAGSTER_HOME"; \
	exec 9>>"$$DAGSTER_HOME/.kunci_provinsi"; flock -n 9 || { echo "Provinsi sudah \
	dijalankan perintah lain pada riwayat $$DAGSTER_HOME (make provinsi atau make \
	ui-provinsi); tunggu sampai selesai." >&2; exit 1; }; \
	echo "make ui-provinsi pid $$$$" > "$$DAGSTER_HOME/.kunci_provinsi"; \
	$(BIN)/python -m pipelines.provinsi.cli siapkan --pekerja "$$PEKERJA" && \
	{ $(BIN)/dagster-daemon run -w workspace_provinsi.yaml & daemon=$$!; \
	trap 'kill $$daemon' EXIT INT TERM; \
	$(BIN)/dagster-webserver -w workspace_provinsi.yaml -h 127.0.0.1 -p 3001; }

bench: setup  ## record-level path vs bare DuckDB: make bench BARIS="450000 5500000 20000000"
	set -f; $(BIN)/python -m benchmarks.rekaman --baris $$BARIS --format "$$FORMAT" --ulang "$$ULANG"

# Issue 12's figures in one run (about 40 min on 2 idle cores; benchmarks/README.md): (a) 22
# record-level offices sized like NTT's, one worker against two, through the province's queue;
# (b) 514 aggregate-path offices through the combined route, and how it grows with offices.
bench-provinsi: setup  ## province/nation benchmarks (a) and (b): make bench-provinsi
	$(BIN)/python -m benchmarks.provinsi_rekaman --kantor 22 --penduduk 5500000 --pekerja 1 2
	$(BIN)/python -m benchmarks.provinsi_agregat --kantor 514 128 --pekerja 1 2

ekstrak: setup  ## synthetic resident extract: make ekstrak BARIS=450000 KELUAR=/tmp/penduduk.csv
	set -f; $(BIN)/python -m pipelines.synthetic.penduduk --baris $$BARIS --keluar "$$KELUAR"

clean:
	rm -rf warehouse/build warehouse/versi warehouse/arsip warehouse/laporan warehouse/gx \
		warehouse/terbatas warehouse/dukcapil.duckdb
