"""Personal data stays in the restricted store on every path (success, quarantine over the
threshold, fatal rule, crash), files there are private, and the pseudonym key cannot change
silently between semesters. Issue 9, items 2 and 3."""

import hashlib
import hmac
import json
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from conftest import Pipeline, make_pipeline, use_cli_instance
from test_rekaman import KEY, SEMESTER, plant_bad_records, read_rows, write_rows

from pipelines.cli import main
from pipelines.config import INSTANCE_CONFIG, PROJECT_ROOT, pseudonym_key
from pipelines.definitions import current_resources
from pipelines.defs.rekaman.assets import dkb_penduduk_kelurahan
from pipelines.defs.rekaman.ekstrak import restricted_file
from pipelines.domain.data_pribadi import samarkan
from pipelines.domain.kunci import sidik_file
from pipelines.synthetic.penduduk import Generator

DUPLICATE_ROW = 51  # plant_bad_records gives row 61 the NIK of row 51: nik_unik on both


def masked(number: str) -> str:
    """The expected masked form, written out independently of the helper."""
    return number[:4] + "•" * (len(number) - 8) + number[-4:]


def test_masking_keeps_four_digits_each_side_and_nothing_of_a_name():
    assert samarkan("NIK", "5371012512990777") == "5371••••••••0777"
    assert samarkan("NO_KK", "5371010000000624") == "5371••••••••0624"
    assert samarkan("NIK", "5371••••••••0777") == "5371••••••••0777"  # masking twice: same
    assert samarkan("NIK", "5.37101E+15") == "5.•••••••15"  # short: a quarter each side
    assert samarkan("NAMA_LGKP", "YOHANES FANGGIDAE") == "(nama disamarkan)"
    assert samarkan("NO_KAB", "53.72") == "53.72"  # not personal: shown as written
    assert (
        samarkan("NO_AKTA_KWN", "STAT_KWN=1, NO_AKTA_KWN=5371-KW-1234")
        == "STAT_KWN=1, NO_AKTA_KWN=5371••••1234"
    )
    # a NIK inside any other text (e.g. a CSV line quoted by a reader)
    assert samarkan("-", "baris: 5371012512990777,5371010000000624") == (
        "baris: 5371••••••••0777,5371••••••••0624"
    )


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("", "belum diisi"),
        (" " * 16, "hanya berisi spasi"),
        ("\t" * 20, "hanya berisi spasi"),
        ("  kunci-rahasia-dinas-2024  ", "diawali atau diakhiri spasi"),
        ("pendek-123", "hanya 10 karakter"),
        ("x" * 32, "satu karakter yang diulang"),
        ("abababababababababab", "hanya 2 karakter berbeda"),
        ("1234512345123451234", "hanya 5 karakter berbeda"),
    ],
)
def test_weak_keys_are_refused_with_the_reason_never_the_key(key, reason, monkeypatch):
    monkeypatch.setenv("DUKCAPIL_PSEUDONYM_KEY", key)
    with pytest.raises(RuntimeError) as refused:
        pseudonym_key()
    message = str(refused.value)
    assert message.startswith(f"DUKCAPIL_PSEUDONYM_KEY ditolak: {reason}")
    assert not key.strip() or key.strip() not in message


def test_a_sound_key_is_accepted(monkeypatch):
    monkeypatch.setenv("DUKCAPIL_PSEUDONYM_KEY", KEY)
    assert pseudonym_key() == KEY.encode()


def test_a_killed_runs_temporaries_are_removed_when_another_semester_runs(pipeline: Pipeline):
    """Leftovers of 2023-S1 (a .tmp beside its rows, DuckDB spill files) are removed by the
    record-level step of a 2023-S2 run, here one without any extract; the kept files are
    made 0600 and the folders 0700."""
    store = pipeline.paths.restricted_dir
    kept = restricted_file(store, "penduduk", SEMESTER)
    kept.parent.mkdir(parents=True)
    kept.write_bytes(b"PAR1")
    leftovers = [
        kept.with_suffix(".parquet.tmp"),
        store / "karantina" / f"semester={SEMESTER}" / "karantina.parquet.tmp",
        store / "spill" / "duckdb_temp_storage_S32K-0.tmp",
        store / "spill" / "duckdb_temp_block-4611686018427388032.block",
    ]
    for path in leftovers:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"5371012512990777")
    os.chmod(store, 0o755)
    pipeline.instance.add_dynamic_partitions("semester", ["2023-S2"])
    result = dg.materialize(
        [dkb_penduduk_kelurahan],
        partition_key="2023-S2",
        instance=pipeline.instance,
        resources=current_resources(pipeline.warehouse),
        selection=[dkb_penduduk_kelurahan.key],
    )
    assert result.success
    assert not [p for p in leftovers if p.exists()]
    assert kept.read_bytes() == b"PAR1"
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.stat().st_mode) == stat.S_IMODE(kept.parent.stat().st_mode) == 0o700


def _modes(root: Path) -> dict[str, set[int]]:
    found: dict[str, set[int]] = {"file": set(), "dir": {stat.S_IMODE(root.stat().st_mode)}}
    for path in root.rglob("*"):
        found["dir" if path.is_dir() else "file"].add(stat.S_IMODE(path.stat().st_mode))
    return found


def _cli(home: Path, pipe: Pipeline, key: str, *args: str, **env: str):
    """`python -m pipelines.cli …` as an officer runs it, with its own Dagster instance."""
    environ = (
        os.environ
        | {
            "DAGSTER_HOME": str(home),
            "DUKCAPIL_RAW_DIR": str(pipe.paths.raw_dir),
            "DUKCAPIL_WAREHOUSE_DIR": str(pipe.paths.warehouse_dir),
            "DUKCAPIL_PSEUDONYM_KEY": key,
            "PYTHONPATH": str(PROJECT_ROOT),
        }
        | env
    )
    return subprocess.run(
        [sys.executable, "-m", "pipelines.cli", *args],
        cwd=PROJECT_ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=900,
    )


@pytest.mark.lambat
def test_no_nik_kk_or_name_outside_the_restricted_store_on_any_path(tmp_path: Path):
    """Through the CLI (so Dagster's run storage is real): a run that succeeds with a
    quarantine, the same extract over the quarantine threshold, a fatal rule on a NIK, and a
    crash inside the step (DuckDB quotes the whole CSV line of a row with one field too many,
    past the rows its sniffer samples). Then every byte under DAGSTER_HOME and under the
    warehouse outside terbatas/, and the console output, is searched for the planted NIK, KK
    and names: none is found; the refusals show row, column and the masked NIK instead."""
    pipe = make_pipeline(tmp_path)
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(INSTANCE_CONFIG, home / "dagster.yaml")
    extract = pipe.paths.raw_dir / "dkb" / SEMESTER / "penduduk.csv"
    Generator(pipe.paths.raw_dir, SEMESTER, seed=7).write(3000, extract)
    plant_bad_records(extract)
    header, rows = read_rows(extract)
    col = {name: i for i, name in enumerate(header)}
    names = []
    for n in (11, 21, 31, 41, 51, 61, 71):  # the quarantined rows get names found nowhere else
        names.append(f"ZAKHEUS KWARTANIUS{n}")
        rows[n - 2][col["NAMA_LGKP"]] = names[-1]
    write_rows(extract, header, rows)
    nik = rows[DUPLICATE_ROW - 2][col["NIK"]]
    secrets = {r[col[c]] for r in rows for c in ("NIK", "NO_KK")}
    planted = {nik, rows[DUPLICATE_ROW - 2][col["NO_KK"]]}

    # 25,000 rows: the sniffer samples 20,480, so row 24,001's extra field fails the read itself
    crash = pipe.paths.raw_dir / "dkb" / "2023-S2" / "penduduk.csv"
    Generator(pipe.paths.raw_dir, "2023-S2", seed=8).write(25_000, crash)
    lines = crash.read_text().splitlines()
    ragged = lines[24_000].split(",")
    ragged[2] = "ZEFANYA KWARTANIUS"
    names.append(ragged[2])
    lines[24_000] = ",".join([*ragged, "X"])
    crash.write_text("\n".join(lines) + "\n")
    planted |= {ragged[0], ragged[1]}
    secrets |= planted

    outputs = []
    success = _cli(home, pipe, KEY, "ingest", "--semester", SEMESTER)
    outputs.append(success.stdout + success.stderr)
    assert success.returncode == 0, success.stderr[-2000:]
    assert "7 dari 3000 baris penduduk dikarantina" in success.stdout

    over = _cli(home, pipe, KEY, "ingest", "--semester", SEMESTER, DUKCAPIL_BATAS_KARANTINA="0.001")
    outputs.append(over.stdout + over.stderr)
    assert over.returncode == 1
    assert "melebihi batas 0.10%" in over.stderr
    assert f"baris {DUPLICATE_ROW}, kolom NIK, nilai '{masked(nik)}': nik_unik" in over.stderr

    rules = pipe.paths.raw_dir / "referensi" / "aturan_rekaman.csv"
    rules.write_text(rules.read_text().replace("nik_unik,karantina", "nik_unik,fatal"))
    fatal = _cli(home, pipe, KEY, "ingest", "--semester", SEMESTER)
    outputs.append(fatal.stdout + fatal.stderr)
    assert fatal.returncode == 1
    assert f"baris 61, kolom NIK, nilai '{masked(nik)}': nik_unik (aturan fatal)" in fatal.stderr

    crashed = _cli(home, pipe, KEY, "ingest", "--semester", "2023-S2")
    outputs.append(crashed.stdout + crashed.stderr)
    assert crashed.returncode == 1
    assert "2023-S2: GAGAL" in crashed.stdout

    binary = {int(n).to_bytes(8, "little") for n in planted}
    searched, stored = 0, set()
    for root in (home, pipe.paths.warehouse_dir):
        for path in root.rglob("*"):
            if not path.is_file() or pipe.paths.restricted_dir in path.parents:
                continue
            data = path.read_bytes()
            found = {m.decode() for m in re.findall(rb"(?<!\d)\d{16}(?!\d)", data)} & secrets
            found |= {n for n in names if n.encode() in data}
            found |= {b.hex() for b in binary if b in data}
            assert not found, f"{path} memuat data pribadi: {sorted(found)[:3]}"
            searched += 1
            # the refusal itself is in the run storage, masked (JSON escapes the dots)
            if f"kolom NIK, nilai '{nik[:4]}\\u2022".encode() in data:
                stored.add(path.suffix)
    assert searched > 20 and stored == {".db"}
    for output in outputs:
        assert not {m for m in re.findall(r"(?<!\d)\d{16}(?!\d)", output)} & secrets
        assert not [n for n in names if n in output]
    # the restricted store keeps the raw value, for the officers who may see it
    karantina = restricted_file(pipe.paths.restricted_dir, "karantina", SEMESTER)
    assert duckdb.execute(
        "SELECT nilai FROM read_parquet(?) WHERE baris = ? AND aturan = 'nik_unik'",
        [str(karantina), DUPLICATE_ROW],
    ).fetchall() == [(nik,)]


@pytest.mark.lambat
def test_another_key_is_refused_and_kunci_ulang_rekeys_every_semester(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
):
    """2023-S1 is ingested under one key; 2023-S2 under another is refused naming 2023-S1,
    nothing written and the analyst file byte-identical. Re-keying refuses while 2023-S1's
    extract is not the accepted file, then re-ingests 2023-S1 under the new key; 2023-S2 is
    then accepted. Restricted files are 0600 in 0700 folders."""
    pipe = make_pipeline(tmp_path)
    use_cli_instance(pipe, tmp_path, monkeypatch)
    store = pipe.paths.restricted_dir
    old, new = KEY, "kunci-baru-semester-berikut-2024"

    first = pipe.paths.raw_dir / "dkb" / SEMESTER / "penduduk.csv"
    Generator(pipe.paths.raw_dir, SEMESTER, seed=7).write(500, first)
    monkeypatch.setenv("DUKCAPIL_PSEUDONYM_KEY", old)
    assert main(["ingest", "--semester", SEMESTER]) == 0
    record = json.loads(sidik_file(store, SEMESTER).read_text())
    assert (
        record["sidik_kunci"]
        == hmac.new(old.encode(), b"dukcapil-kinerja/sidik-kunci/v1", hashlib.sha256).hexdigest()
    )
    assert record["sha256"] == hashlib.sha256(first.read_bytes()).hexdigest()
    assert old not in sidik_file(store, SEMESTER).read_text()
    assert _modes(store) == {"file": {0o600}, "dir": {0o700}}

    published = pipe.paths.published_db.read_bytes()
    Generator(pipe.paths.raw_dir, "2023-S2", seed=8).write(
        500, pipe.paths.raw_dir / "dkb" / "2023-S2" / "penduduk.csv"
    )
    monkeypatch.setenv("DUKCAPIL_PSEUDONYM_KEY", new)
    capsys.readouterr()
    assert main(["ingest", "--semester", "2023-S2"]) == 1
    refused = capsys.readouterr().err
    assert "berbeda dari kunci yang dipakai untuk data terbatas semester 2023-S1" in refused
    assert "make kunci-ulang" in refused and new not in refused
    assert pipe.paths.published_db.read_bytes() == published
    assert not restricted_file(store, "penduduk", "2023-S2").exists()

    accepted = first.read_bytes()
    first.write_bytes(accepted.replace(b"\n", b"\r\n", 1))  # "saved again" by a spreadsheet
    assert main(["kunci-ulang"]) == 1
    err = capsys.readouterr().err
    assert "Kunci ulang ditolak" in err and f"2023-S1: {first} bukan lagi berkas" in err
    assert json.loads(sidik_file(store, SEMESTER).read_text()) == record

    first.write_bytes(accepted)
    assert main(["kunci-ulang"]) == 0
    assert "Semester 2023-S1 dikunci ulang" in capsys.readouterr().out
    header, rows = read_rows(first)
    rekeyed = duckdb.execute(
        "SELECT _baris, nik_pseudonim FROM read_parquet(?) ORDER BY _baris LIMIT 1",
        [str(restricted_file(store, "penduduk", SEMESTER))],
    ).fetchone()
    nik = rows[rekeyed[0] - 2][header.index("NIK")]
    assert rekeyed[1].bytes == hmac.new(new.encode(), nik.encode(), hashlib.sha256).digest()[:16]
    assert main(["ingest", "--semester", "2023-S2"]) == 0
    assert _modes(store) == {"file": {0o600}, "dir": {0o700}}
