"""Safe publication, with real processes: analysts reading while a refresh runs, refreshes
killed mid-way, identical and revised re-ingestion, rollback.

The bundled run is the first publication; one module-wide history then runs the same files
again and a revised file while an analyst reads (two runs shared by three tests). Rollback and
versions work on copies of those states, so no test here runs the job just to have a
published file."""

import fcntl
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from berkas import BUNDLED_FILE, PENDUDUK_KOTA, revise_penduduk
from conftest import Pipeline, copy_pipeline

from pipelines.cli import main
from pipelines.config import INSTANCE_CONFIG
from pipelines.defs.publikasi.gudang_analis import list_versions, publish

PENDUDUK = "SELECT nilai FROM mart.agregat_wilayah WHERE tingkat = 'kota' AND ukuran = 'penduduk'"


def penduduk(db: Path) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(PENDUDUK).fetchone()[0]
    finally:
        con.close()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def contents(db: Path) -> dict[str, list[tuple]]:
    """Every table and view of a DuckDB file, rows sorted."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        names = con.execute(
            "SELECT schema_name || '.' || table_name FROM duckdb_tables() "
            "UNION ALL SELECT schema_name || '.' || view_name FROM duckdb_views() "
            "WHERE NOT internal ORDER BY 1"
        ).fetchall()
        return {n: con.execute(f"SELECT * FROM {n} ORDER BY ALL").fetchall() for (n,) in names}
    finally:
        con.close()


def cli_env(pipeline, tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "dagster_home"
    home.mkdir(exist_ok=True)
    shutil.copy(INSTANCE_CONFIG, home / "dagster.yaml")
    return {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "DUKCAPIL_RAW_DIR": str(pipeline.paths.raw_dir),
        "DUKCAPIL_WAREHOUSE_DIR": str(pipeline.paths.warehouse_dir),
    }


READER = textwrap.dedent(
    f"""
    import sys, duckdb
    query = "{PENDUDUK}"
    con = duckdb.connect(sys.argv[1], read_only=True)
    print(con.execute(query).fetchone()[0], flush=True)
    sys.stdin.readline()  # the refresh runs meanwhile
    print(con.execute(query).fetchone()[0], flush=True)
    con.close()
    con = duckdb.connect(sys.argv[1], read_only=True)
    print(con.execute(query).fetchone()[0], flush=True)
    """
)


@dataclass
class History:
    """What the module-wide history saw, step by step."""

    pipe: Pipeline
    original: bytes  # the bundled DKB file, before its revision
    first: dict[str, dict]  # contents of the working and published files after the first run
    again: object  # result of running the same files again
    after_again: dict[str, dict]
    read_before: int  # the analyst's session, opened before the revised run
    revised: object  # result of the revised run, made while that session was open
    total: int  # the revised city total
    published_after: int  # what a new connection reads once the revised run is done
    read_during: str  # the same session after the run, then a new session (two lines)


def _both(pipe: Pipeline) -> dict[str, dict]:
    return {"build": contents(pipe.paths.build_db), "published": contents(pipe.paths.published_db)}


@pytest.fixture(scope="module")
def history(bundled, tmp_path_factory) -> History:
    """The bundled run (copied) is the first publication; the same files are run again; then
    the DKB file is revised and run while an analyst holds a read-only session."""
    pipe = copy_pipeline(bundled, tmp_path_factory.mktemp("publikasi"))
    original = (pipe.paths.raw_dir / BUNDLED_FILE).read_bytes()
    first = _both(pipe)
    again = pipe.run(raise_on_error=False)
    after_again = _both(pipe)
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(pipe.paths.published_db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        read_before = int(reader.stdout.readline())  # session open
        total = revise_penduduk(pipe.paths.raw_dir, 10)
        revised = pipe.run(raise_on_error=False)  # must not be blocked by the reader
        published_after = penduduk(pipe.paths.published_db)
        read_during, _ = reader.communicate("lanjut\n", timeout=60)
    finally:
        reader.kill()
    return History(
        pipe, original, first, again, after_again, read_before, revised, total,
        published_after, read_during,
    )  # fmt: skip


def test_identical_reingestion_leaves_the_warehouse_identical(history):
    assert history.again.success
    assert history.after_again == history.first
    assert history.first["build"]["mart.pengukuran_kinerja"]  # not trivially equal


def test_revised_file_replaces_the_semester_and_keeps_the_old_one_traceable(history):
    pipeline, raw, original = history.pipe, history.pipe.paths.raw_dir, history.original
    assert history.revised.success

    assert penduduk(pipeline.paths.published_db) == history.total == PENDUDUK_KOTA + 10
    con = pipeline.build()
    # The semester holds the revised rows only, not both versions.
    assert con.execute(
        "SELECT count(DISTINCT kode_wilayah), count(DISTINCT _sha256) FROM raw.dkb_agregat "
        "WHERE semester = '2023-S2'"
    ).fetchone() == (6, 1)
    received = con.execute(
        "SELECT sha256, arsip FROM raw.berkas_diterima WHERE berkas = ? ORDER BY diterima_pada",
        [str(BUNDLED_FILE)],
    ).fetchall()
    con.close()
    assert [r[0] for r in received] == [
        hashlib.sha256(original).hexdigest(),
        sha256(raw / BUNDLED_FILE),
    ]
    # Both versions are archived byte for byte.
    assert Path(received[0][1]).read_bytes() == original
    assert Path(received[1][1]).read_bytes() == (raw / BUNDLED_FILE).read_bytes()


def test_refresh_succeeds_while_an_analyst_holds_a_read_only_session(history):
    assert history.read_before == PENDUDUK_KOTA  # session open
    assert history.revised.success  # not blocked by the reader
    assert history.published_after == history.total
    same_session, reconnected = (int(x) for x in history.read_during.split())
    assert same_session == PENDUDUK_KOTA  # the old state, whole, until reconnecting
    assert reconnected == history.total


# The refresh is paused just before the swap (the built file is complete) so the kill lands
# at the worst moment deterministically; the kill itself is a real SIGKILL.
PAUSED_BEFORE_SWAP = textwrap.dedent(
    """
    import sys, time
    from pipelines.defs.publikasi import gudang_analis as publication
    swap_in = publication._swap_in
    def paused(*args):
        print("SIAP_DITUKAR", flush=True)
        time.sleep(300)
        swap_in(*args)
    publication._swap_in = paused
    from pipelines.cli import main
    sys.exit(main(["ingest", "--semester", "2023-S2"]))
    """
)
DURING_INGESTION = "import sys; from pipelines.cli import main; sys.exit(main(sys.argv[1:]))"


def ingest_process(pipeline, tmp_path: Path, code: str = DURING_INGESTION) -> subprocess.Popen:
    """`make ingest SEMESTER=2023-S2` as an officer runs it: its own process and process group
    (so a test can kill the whole group), output read line by line."""
    return subprocess.Popen(
        [sys.executable, "-c", code, "ingest", "--semester", "2023-S2"],
        env=cli_env(pipeline, tmp_path),
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


@pytest.mark.lambat
@pytest.mark.parametrize(
    ("code", "kill_at"),
    [(DURING_INGESTION, "[ 1/"), (PAUSED_BEFORE_SWAP, "SIAP_DITUKAR")],
    ids=["during-ingestion", "just-before-swap"],
)
def test_refresh_killed_midway_leaves_the_previous_warehouse(bundled_copy, tmp_path, code, kill_at):
    pipeline = bundled_copy  # published once, by the bundled run
    published = pipeline.paths.published_db
    before, tables = sha256(published), contents(published)
    revise_penduduk(pipeline.paths.raw_dir, 10)

    refresh = ingest_process(pipeline, tmp_path, code)
    try:
        for line in refresh.stdout:
            if kill_at in line:
                os.killpg(refresh.pid, signal.SIGKILL)
                break
        else:
            pytest.fail("the refresh ended before reaching the kill point")
    finally:
        refresh.stdout.close()
        refresh.wait(timeout=60)
    assert refresh.returncode == -signal.SIGKILL

    assert sha256(published) == before
    assert contents(published) == tables
    assert penduduk(published) == PENDUDUK_KOTA
    assert len(list_versions(pipeline.paths)) == 1

    # The next refresh recovers: publishes the revision and clears the killed run's leftovers.
    assert pipeline.run().success
    assert penduduk(published) == PENDUDUK_KOTA + 10
    assert len(list_versions(pipeline.paths)) == 2
    leftovers = [p.name for p in pipeline.paths.warehouse_dir.rglob(".*dukcapil*")]
    assert leftovers == []


@pytest.mark.lambat
def test_a_second_run_waits_for_the_run_writing_instead_of_failing(bundled_copy, tmp_path):
    """An officer's command while another run (the daemon's, say) writes the working file:
    it says it waits, writes nothing meanwhile, and succeeds once the other run is done
    (without the run lock it failed at once on DuckDB's file lock)."""
    pipeline = bundled_copy  # published once, by the bundled run
    revise_penduduk(pipeline.paths.raw_dir, 10)
    published = pipeline.paths.published_db
    lock = (pipeline.paths.build_db.parent / ".kunci").open("a+")
    fcntl.flock(lock, fcntl.LOCK_EX)  # the other run
    lock.seek(0)
    lock.truncate()
    lock.write("run daemon-uji, pid 4242\n")
    lock.flush()
    refresh = ingest_process(pipeline, tmp_path)
    try:
        for line in refresh.stdout:
            if "menunggu" in line:
                assert "run daemon-uji, pid 4242" in line
                break
        else:
            pytest.fail("the second run did not wait for the lock")
        time.sleep(2)
        assert refresh.poll() is None
        assert penduduk(published) == PENDUDUK_KOTA
        fcntl.flock(lock, fcntl.LOCK_UN)
        # Up to the semester's verdict, not to the end of the pipe: a compute-log `tail` that
        # Dagster started in the command's process may outlive it and keep the pipe open.
        rest = ""
        for line in refresh.stdout:
            rest += line
            if line.startswith("== Semester 2023-S2:"):
                break
        refresh.wait(timeout=300)
    finally:
        lock.close()
        refresh.stdout.close()
        try:  # the command's whole group, leftovers included
            os.killpg(refresh.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        refresh.wait(timeout=60)
    assert refresh.returncode == 0, rest
    assert "== Semester 2023-S2: BERHASIL" in rest
    assert penduduk(published) == PENDUDUK_KOTA + 10


def test_rollback_republishes_the_previous_version(history, tmp_path, monkeypatch, capsys):
    """On a copy of the history: the last version holds the revision, the one before it not."""
    assert history.revised.success
    pipeline = copy_pipeline(history.pipe, tmp_path)
    for name, value in cli_env(pipeline, tmp_path).items():
        monkeypatch.setenv(name, value)
    *_, first, second = list_versions(pipeline.paths)
    assert penduduk(pipeline.paths.published_db) == PENDUDUK_KOTA + 10

    assert main(["pulihkan"]) == 0
    assert penduduk(pipeline.paths.published_db) == PENDUDUK_KOTA
    assert sha256(pipeline.paths.published_db) == sha256(first)
    stamp = second.stem.removeprefix("dukcapil-")
    assert main(["pulihkan", "--versi", stamp]) == 0
    assert penduduk(pipeline.paths.published_db) == PENDUDUK_KOTA + 10
    assert main(["pulihkan", "--versi", "19990101"]) == 1
    assert "tidak ditemukan" in capsys.readouterr().err


def test_only_the_last_versions_are_kept(bundled_copy):
    pipeline = bundled_copy  # published once, by the bundled run
    for _ in range(3):
        publish(pipeline.paths, keep=2)
    versions = list_versions(pipeline.paths)
    assert len(versions) == 2
    assert sha256(versions[-1]) == sha256(pipeline.paths.published_db)


def test_versi_shows_semesters_run_time_and_the_current_version(
    bundled, bundled_copy, tmp_path, monkeypatch, capsys
):
    pipeline = bundled_copy  # published once, by the bundled run
    for name, value in cli_env(pipeline, tmp_path).items():
        monkeypatch.setenv(name, value)
    (result,) = bundled.instance.get_runs()
    (made,) = list_versions(pipeline.paths)
    manifest = json.loads(made.with_suffix(".json").read_text())
    assert manifest["semester"] == ["2023-S2"]
    assert manifest["run_id"] == result.run_id
    assert manifest["sha256"] == sha256(made) == sha256(pipeline.paths.published_db)
    # A version kept from before manifests existed, with other figures.
    old = made.with_name("dukcapil-20200101T000000000000Z.duckdb")
    shutil.copy(made, old)
    with duckdb.connect(str(old)) as con:
        con.execute("UPDATE mart.agregat_wilayah SET nilai = nilai + 1")

    assert main(["versi"]) == 0
    lines = capsys.readouterr().out.splitlines()
    row = {line[2:].split()[0]: line for line in lines[1:]}
    stamp = made.stem.removeprefix("dukcapil-")
    assert row[stamp].startswith("* ") and row[stamp].endswith("← aktif")
    assert row[stamp].split()[1:4] == [stamp, "2023-S2", result.run_id]
    assert manifest["waktu"] in row[stamp]
    assert row["20200101T000000000000Z"].split()[:4] == ["20200101T000000000000Z", "-", "-", "-"]

    assert main(["pulihkan", "--versi", "20200101"]) == 0
    capsys.readouterr()
    assert main(["versi"]) == 0
    current = [line for line in capsys.readouterr().out.splitlines() if line.startswith("* ")]
    assert len(current) == 1 and "20200101T000000000000Z" in current[0]
