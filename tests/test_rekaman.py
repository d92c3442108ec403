"""Record-level DKB path: a small synthetic extract (with planted bad records) through the real
Dagster job, checked against counts computed here, independently, from the CSV itself."""

import csv
import hashlib
import hmac
import itertools
import random
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import numpy as np
import polars as pl
import pytest
from berkas import KUPANG, dkb_kecamatan_source
from conftest import Pipeline, make_pipeline

from pipelines.config import PROJECT_ROOT, duckdb_memory_limit, quarantine_threshold
from pipelines.definitions import current_resources
from pipelines.defs.rekaman import ekstrak as rekaman_ingest
from pipelines.defs.rekaman.assets import dkb_penduduk_kelurahan
from pipelines.defs.rekaman.aturan import (
    DIGITS_16,
    ISO_DATE,
    KOLOM_WILAYAH,
    Aturan,
    compile_rules,
    declare_references,
    glob_of,
    schema,
)
from pipelines.defs.rekaman.ekstrak import load_konteks, restricted_file
from pipelines.domain import pseudonim
from pipelines.domain.data_pribadi import GagalRekaman
from pipelines.domain.penolakan import InputRejected
from pipelines.synthetic.penduduk import Generator

KEY = "kunci-uji-yang-cukup-panjang-123"
ROWS = 3000
SEMESTER = "2023-S1"  # only a record-level extract: no aggregate file for this semester
CUTOFF = date(2023, 6, 30)

# (row in file, column, new value, rule expected in the quarantine)
BAD = [
    (11, "NIK", "5.37101E+15", "nik_16_digit"),
    (21, "NO_KEL", "9999", "kelurahan_dikenal"),
    (31, "TGL_LHR", "2023-07-15", "tgl_lhr_wajar"),
    # 5 digits: SQL's lpad(x, 4) would cut it to a real kelurahan (1001); pandera does not
    (71, "NO_KEL", "10011", "kelurahan_dikenal"),
]
PRINTED_NOT_RECORDED = 41  # STATUS_KTP 1 (belum rekam) with a print date
DUPLICATE = (51, 61)  # row 61 gets the NIK of row 51: both are quarantined
BAD_ROWS = {11, 21, 31, 71, PRINTED_NOT_RECORDED, *DUPLICATE}


def read_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


def write_rows(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", newline="") as handle:
        csv.writer(handle).writerows([header, *rows])


def plant_bad_records(path: Path) -> None:
    header, rows = read_rows(path)
    col = {name: i for i, name in enumerate(header)}
    line = lambda n: rows[n - 2]  # noqa: E731 - file row n (header is row 1)
    for n, column, value, _ in BAD:
        line(n)[col[column]] = value
    line(PRINTED_NOT_RECORDED)[col["STATUS_KTP"]] = "1"
    line(PRINTED_NOT_RECORDED)[col["TGL_CETAK_KTP"]] = "2022-03-01"
    line(DUPLICATE[1])[col["NIK"]] = line(DUPLICATE[0])[col["NIK"]]
    write_rows(path, header, rows)


def independent_counts(
    path: Path, cutoff: date = CUTOFF, skip: set[int] = BAD_ROWS
) -> dict[tuple[str, str], int]:
    """Tabel 4–9 counts per kelurahan, by the documented definitions, in plain Python
    (rows numbered as in the file in `skip` are left out)."""
    header, rows = read_rows(path)
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for n, values in enumerate(rows, start=2):
        if n in skip:
            continue
        r = dict(zip(header, values, strict=True))
        prop, kab, kec, nomor = (int(r[c]) for c in ("NO_PROP", "NO_KAB", "NO_KEC", "NO_KEL"))
        kel = f"{prop:02d}.{kab:02d}.{kec:02d}.{nomor:04d}"
        born = date.fromisoformat(r["TGL_LHR"])
        age = cutoff.year - born.year - ((cutoff.month, cutoff.day) < (born.month, born.day))
        ever_married = r["STAT_KWN"] != "1"
        wajib_ktp = age >= 17 or ever_married
        recorded = r["STATUS_KTP"] not in ("1", "8")
        wajib_kia = age < 17 and not ever_married
        child = age < 18
        akta = bool(r["NO_AKTA_LHR"])
        flags = {
            "penduduk": True,
            "penduduk_17_kawin": age >= 17 and ever_married,
            "wajib_ktp_el": wajib_ktp,
            "ktp_el_sudah_rekam": wajib_ktp and recorded,
            "ktp_el_belum_rekam": wajib_ktp and not recorded,
            "ktp_el_cetak": wajib_ktp and bool(r["TGL_CETAK_KTP"]),
            "wajib_kia": wajib_kia,
            "kia_memiliki": wajib_kia and bool(r["TGL_CETAK_KIA"]),
            "kia_belum_memiliki": wajib_kia and not r["TGL_CETAK_KIA"],
            "anak_0_17": child,
            "anak_akta_kelahiran_memiliki": child and akta,
            "anak_akta_kelahiran_belum": child and not akta,
            "penduduk_akta_kelahiran_memiliki": akta,
            "penduduk_akta_kelahiran_belum": not akta,
            "perkawinan_dilaporkan": r["STAT_KWN"] == "2",
            "akta_perkawinan_terbit": r["STAT_KWN"] == "2" and bool(r["NO_AKTA_KWN"]),
        }
        for ukuran, flag in flags.items():
            counts[(kel, ukuran)] += int(flag)
    return dict(counts)


def by_kecamatan(counts: dict[tuple[str, str], int]) -> Counter:
    """Kelurahan counts ('53.71.01.1001', ukuran) summed per kecamatan ('53.71.01', ukuran)."""
    total: Counter = Counter()
    for (kelurahan, ukuran), value in counts.items():
        total[(kelurahan[:8], ukuran)] += value
    return total


def restricted(pipe: Pipeline, table: str, semester: str = SEMESTER) -> str:
    """The restricted Parquet file of one table and semester, as a DuckDB table expression."""
    path = restricted_file(pipe.paths.restricted_dir, table, semester)
    return f"read_parquet('{path}')"


def root_error(result: dg.ExecuteInProcessResult) -> str:
    error = next(e for e in result.all_events if e.is_step_failure).step_failure_data.error
    while error.cause is not None:
        error = error.cause
    return error.message


def materialization(result: dg.ExecuteInProcessResult, name: str):
    return result.asset_materializations_for_node(f"raw__{name}")[0].metadata


def run_record_step(pipe: Pipeline, semester: str, **kwargs) -> dg.ExecuteInProcessResult:
    """Only the record-level step, as the job runs it, on a pipeline whose working file already
    holds the reference tables it reads (a copy of the bundled run): what a test checks there
    happens in this step, so the rest of the job need not run again."""
    pipe.instance.add_dynamic_partitions("semester", [semester])
    return dg.materialize(
        [dkb_penduduk_kelurahan],
        partition_key=semester,
        instance=pipe.instance,
        resources=current_resources(pipe.warehouse),
        selection=[dkb_penduduk_kelurahan.key],
        **kwargs,
    )


@pytest.fixture(scope="module")
def rekaman(tmp_path_factory: pytest.TempPathFactory):
    """A fresh warehouse fed 2023-S1 from a planted extract, then 2023-S2 from both paths."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DUKCAPIL_PSEUDONYM_KEY", KEY)
        pipe = make_pipeline(tmp_path_factory.mktemp("rekaman"))
        extract = pipe.paths.raw_dir / "dkb" / SEMESTER / "penduduk.csv"
        extract.parent.mkdir(parents=True)
        Generator(pipe.paths.raw_dir, SEMESTER, seed=7).write(ROWS, extract)
        plant_bad_records(extract)
        first = pipe.run(SEMESTER)
        assert first.success
        Generator(pipe.paths.raw_dir, "2023-S2", seed=8).write(
            ROWS, pipe.paths.raw_dir / "dkb" / "2023-S2" / "penduduk.parquet"
        )
        second = pipe.run("2023-S2")
        assert second.success
        yield pipe, extract, first


def test_aggregates_per_kelurahan_equal_an_independent_count(rekaman):
    pipe, extract, _ = rekaman
    with pipe.build() as con:
        got = dict(
            ((kode, ukuran), nilai)
            for kode, ukuran, nilai in con.execute(
                "SELECT kode_wilayah, ukuran, nilai FROM conformed.dkb_agregat "
                "WHERE semester = ? AND jalur = 'rekaman' AND tingkat = 'kelurahan'",
                [SEMESTER],
            ).fetchall()
        )
    expected = independent_counts(extract)
    assert got == expected
    assert sum(v for (_, u), v in expected.items() if u == "penduduk") == ROWS - len(BAD_ROWS)


def test_kecamatan_and_kota_totals_reach_the_analyst_and_indicators(rekaman):
    pipe, extract, _ = rekaman
    expected = independent_counts(extract)
    per_kecamatan = by_kecamatan(expected)
    with pipe.published() as con:
        rows = con.execute(
            "SELECT kode_wilayah, tingkat, ukuran, nilai, jalur FROM mart.agregat_wilayah "
            "WHERE semester = ?",
            [SEMESTER],
        ).fetchall()
        iku = con.execute(
            "SELECT pembilang, penyebut FROM mart.iku WHERE semester = ? "
            "AND kode_indikator = 'kepemilikan_ktp_el' AND tingkat = 'kota'",
            [SEMESTER],
        ).fetchone()
    assert {r[1] for r in rows} == {"kecamatan", "kota"}  # kelurahan only via the protected mart
    assert {r[4] for r in rows} == {"rekaman"}
    kecamatan = {(r[0], r[2]): r[3] for r in rows if r[1] == "kecamatan"}
    assert kecamatan == dict(per_kecamatan)
    total = lambda u: sum(v for (_, uk), v in expected.items() if uk == u)  # noqa: E731
    assert iku == (total("ktp_el_sudah_rekam"), total("wajib_ktp_el"))


def test_bad_records_are_quarantined_with_file_row_column_value_and_counted(rekaman):
    pipe, _, first = rekaman
    rows = duckdb.execute(
        f"SELECT berkas, baris, kolom, aturan, nilai FROM {restricted(pipe, 'karantina')} "
        "ORDER BY baris, aturan"
    ).fetchall()
    kept = duckdb.execute(f"SELECT list(_baris) FROM {restricted(pipe, 'penduduk')}").fetchone()[0]
    berkas = f"dkb/{SEMESTER}/penduduk.csv"
    got = {(b, k, a) for _, b, k, a, _ in rows}
    assert {(n, c, rule) for n, c, _, rule in BAD} <= got
    assert (PRINTED_NOT_RECORDED, "TGL_CETAK_KTP", "cetak_berarti_rekam") in got
    assert {(n, "NIK", "nik_unik") for n in DUPLICATE} <= got
    assert {b for _, b, _, _, _ in rows} == BAD_ROWS
    assert all(r[0] == berkas for r in rows)
    values = {(b, a): v for _, b, _, a, v in rows}
    assert values[(11, "nik_16_digit")] == "5.37101E+15"
    assert values[(21, "kelurahan_dikenal")] == "53.71.01.9999"
    assert values[(31, "tgl_lhr_wajar")] == "2023-07-15"
    assert values[(PRINTED_NOT_RECORDED, "cetak_berarti_rekam")].startswith("STATUS_KTP=1,")
    assert not BAD_ROWS & set(kept) and len(kept) == ROWS - len(BAD_ROWS)
    meta = materialization(first, "dkb_penduduk_kelurahan")
    assert meta["baris_ekstrak"].value == ROWS
    assert meta["baris_dikarantina"].value == len(BAD_ROWS)
    assert meta["baris_diterima"].value == ROWS - len(BAD_ROWS)


def test_no_name_nik_or_kk_reaches_the_analyst_or_the_unrestricted_build_schemas(rekaman):
    pipe, extract, _ = rekaman
    header, rows = read_rows(extract)
    col = {name: i for i, name in enumerate(header)}
    secrets = {r[col[c]] for r in rows for c in ("NAMA_LGKP", "NIK", "NO_KK")}
    secrets |= {s.split()[0] for s in (r[col["NAMA_LGKP"]] for r in rows)}  # first names too
    parquet = pl.read_parquet(pipe.paths.raw_dir / "dkb/2023-S2/penduduk.parquet")
    secrets |= set(parquet["NAMA_LGKP"]) | set(parquet["NIK"]) | set(parquet["NO_KK"])
    scanned = 0
    for connect, schemas in ((pipe.published, None), (pipe.build, ("raw", "conformed", "mart"))):
        with connect() as con:
            tables = con.execute(
                "SELECT table_schema, table_name FROM information_schema.tables"
            ).fetchall()
            for table_schema, table in tables:
                if schemas and table_schema not in schemas:
                    continue
                cols = [
                    c[0] for c in con.execute(f'DESCRIBE "{table_schema}"."{table}"').fetchall()
                ]
                for c in cols:
                    values = con.execute(
                        f'SELECT DISTINCT CAST("{c}" AS VARCHAR) FROM "{table_schema}"."{table}"'
                    ).fetchall()
                    leaked = {v[0] for v in values} & secrets
                    assert not leaked, f"{table_schema}.{table}.{c} memuat data pribadi: {leaked}"
                    scanned += 1
    assert scanned > 100
    # and the restricted store really is pseudonymised
    penduduk = restricted(pipe, "penduduk")
    cols = [c[0] for c in duckdb.execute(f"DESCRIBE SELECT * FROM {penduduk}").fetchall()]
    assert not {"NIK", "NO_KK", "NAMA_LGKP", "nama"} & set(cols)
    # every stored row carries the HMAC of its own NIK and KK (as in the file at that row): the
    # pseudonyms are computed apart from the rows and joined back by position (3000 rows span
    # several DuckDB vectors and both threads' halves)
    stored = duckdb.execute(
        f"SELECT _baris, nik_pseudonim, kk_pseudonim FROM {penduduk} ORDER BY _baris"
    ).fetchall()
    assert len(stored) == ROWS - len(BAD_ROWS)
    mac = lambda text: hmac.new(KEY.encode(), text.encode(), hashlib.sha256).digest()[:16]  # noqa: E731
    for baris, nik, kk in stored:
        row = rows[baris - 2]
        assert (nik.bytes, kk.bytes) == (mac(row[col["NIK"]]), mac(row[col["NO_KK"]])), baris


def test_kelurahan_mart_rounds_every_count_so_small_cells_look_like_zero(rekaman):
    """Every shown count is the true count rounded to 10 (halves up), so none is 1–4: a count
    of 1–4 is shown as 0, marked, like an empty cell, and the true count lies in the published
    range. The identities between measures are checked here on counts made from the file;
    what an analyst can infer from them, the totals and the inequalities is audited in
    tests/test_sel_kecil.py."""
    pipe, extract, _ = rekaman
    true = independent_counts(extract)
    with pipe.published() as con:
        rows = con.execute(
            "SELECT kode_wilayah, ukuran, nilai, disamarkan, batas_bawah, batas_atas "
            "FROM mart.agregat_kelurahan WHERE semester = ?",
            [SEMESTER],
        ).fetchall()
    assert rows and any(r[3] for r in rows)
    for kode, ukuran, nilai, hidden, bawah, atas in rows:
        count = true.get((kode, ukuran), 0)
        assert nilai == 10 * ((count + 5) // 10), (kode, ukuran)
        assert bawah <= count <= atas
        assert hidden == (nilai == 0)
        assert not (1 <= nilai <= 4)
        assert not (1 <= count <= 4) or hidden, (kode, ukuran)
    assert any(1 <= n <= 4 for n in true.values())
    with pipe.build() as con:
        identities = con.execute("FROM identitas_ukuran()").fetchall()
    kelurahan = {k for k, _ in true}
    for _, total, a, b in identities:
        for kel in kelurahan:
            assert true[(kel, total)] == true[(kel, a)] + true[(kel, b)], (kel, total)


def test_semester_with_both_paths_uses_records_and_lists_the_differences(rekaman):
    pipe, _, _ = rekaman
    with pipe.published() as con:
        paths = con.execute(
            "SELECT DISTINCT jalur FROM mart.agregat_wilayah WHERE semester = '2023-S2'"
        ).fetchall()
        diff = con.execute(
            "SELECT nilai_agregat, nilai_rekaman FROM mart.selisih_jalur_dkb "
            "WHERE semester = '2023-S2' AND kode_wilayah = '53.71.01' AND ukuran = 'penduduk'"
        ).fetchone()
        first_semester = con.execute(
            "SELECT count(*) FROM mart.selisih_jalur_dkb WHERE semester = ?", [SEMESTER]
        ).fetchone()[0]
    assert paths == [("rekaman",)]
    assert diff[0] == 80_931  # Tabel 4, Alak, from agregat_kecamatan.csv
    assert 0 < diff[1] < ROWS
    assert first_semester == 0  # 2023-S1 had no aggregate file


def test_sql_rules_agree_with_pandera_on_the_same_rows(rekaman):
    """The compiled DuckDB rules and pandera's polars backend find the same failures."""
    pipe, extract, _ = rekaman
    with pipe.build() as con:
        konteks = load_konteks(con, pipe.paths.raw_dir, SEMESTER)
    model = schema(konteks)
    frame = pl.read_csv(extract, infer_schema=False).select(list(model.columns))
    try:
        model.validate(frame, lazy=True)
        pytest.fail("pandera accepted the planted bad records")
    except Exception as exc:  # pandera.errors.SchemaErrors
        cases = exc.failure_cases
    compiled = compile_rules(model)
    by_column: dict[str, list[str]] = defaultdict(list)
    for r in compiled:
        if not r.nama.endswith(("_wajib_diisi", "_unik")):
            by_column[r.kolom].append(r.nama)
    pandera_failures = set()
    for row in cases.iter_rows(named=True):
        if row["check"] == "field_uniqueness":
            name = f"{row['column'].lower()}_unik"
        else:
            name = by_column[row["column"]][row["check_number"]]
        pandera_failures.add((row["index"] + 2, name))
    sql_failures = set(
        duckdb.execute(f"SELECT baris, aturan FROM {restricted(pipe, 'karantina')}").fetchall()
    )
    assert len(sql_failures) >= len(BAD_ROWS) and pandera_failures == sql_failures


def test_fatal_rule_rejects_the_extract_and_keeps_the_published_warehouse(
    bundled_copy: Pipeline, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("DUKCAPIL_PSEUDONYM_KEY", KEY)
    pipe = bundled_copy  # published once, by the bundled run
    before = pipe.paths.published_db.read_bytes()
    extract = pipe.paths.raw_dir / "dkb" / "2023-S2" / "penduduk.csv"
    Generator(pipe.paths.raw_dir, "2023-S2", seed=9).write(500, extract)
    header, rows = read_rows(extract)
    rows[98][header.index("NO_KAB")] = "72"  # file row 100 belongs to another kab/kota
    write_rows(extract, header, rows)
    result = pipe.run(raise_on_error=False)
    assert not result.success
    message = root_error(result)
    assert "penduduk.csv" in message and "baris 100" in message and "NO_KAB" in message
    assert "'53.72'" in message and "kab_kota_dilayani" in message
    assert pipe.paths.published_db.read_bytes() == before
    assert not restricted_file(pipe.paths.restricted_dir, "penduduk", "2023-S2").exists()


def test_a_failure_after_writing_leaves_the_previous_restricted_pair(
    bundled_copy: Pipeline, monkeypatch: pytest.MonkeyPatch
):
    """A revised extract whose run fails after its resident rows were written (here: in the
    aggregation) leaves penduduk and karantina of that semester exactly as they were, and no
    temporary file holding personal data behind; the next good run replaces both. (Only the
    record-level step runs: it alone writes the restricted pair.)"""
    monkeypatch.setenv("DUKCAPIL_PSEUDONYM_KEY", KEY)
    pipe = bundled_copy
    extract = pipe.paths.raw_dir / "dkb" / SEMESTER / "penduduk.csv"
    extract.parent.mkdir(parents=True)
    Generator(pipe.paths.raw_dir, SEMESTER, seed=7).write(1000, extract)
    plant_bad_records(extract)  # 7 of 1000 rows: under the 1 % threshold
    assert run_record_step(pipe, SEMESTER).success
    files = [
        restricted_file(pipe.paths.restricted_dir, table, SEMESTER)
        for table in ("penduduk", "karantina")
    ]
    before = [f.read_bytes() for f in files]

    Generator(pipe.paths.raw_dir, SEMESTER, seed=8).write(1000, extract)  # the revised file
    real_load_sql = rekaman_ingest.load_sql

    def failing(name: str) -> str:
        if name == "rekaman/agregat_kelurahan":
            raise RuntimeError("gagal buatan saat agregasi")
        return real_load_sql(name)

    monkeypatch.setattr(rekaman_ingest, "load_sql", failing)
    result = run_record_step(pipe, SEMESTER, raise_on_error=False)
    # the exception's own text (it could quote a resident) stays in the restricted store
    assert not result.success and "gagal buatan" not in root_error(result)
    assert "(RuntimeError); pesan aslinya tidak ditampilkan" in root_error(result)
    (detail,) = (pipe.paths.restricted_dir / "galat").iterdir()
    assert "gagal buatan saat agregasi" in detail.read_text()
    assert [f.read_bytes() for f in files] == before
    assert not list(pipe.paths.restricted_dir.rglob("*.tmp"))

    monkeypatch.setattr(rekaman_ingest, "load_sql", real_load_sql)
    assert run_record_step(pipe, SEMESTER).success
    after = [f.read_bytes() for f in files]
    assert after[0] != before[0] and after[1] != before[1]


@pytest.mark.parametrize("where", ["stream", "drop"])
def test_a_failure_while_streaming_or_taking_rows_out_keeps_the_previous_pair(
    big_extract: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
):
    """The rows are written while the file is read: a failure in the middle of that stream
    (here the pseudonyms of the 5th batch), or while rows failing a whole-file rule (the
    doubled NIK) are taken out again, leaves the previous pair as it was, no temporary file,
    and a message without the exception's text (it could quote a resident)."""
    store = tmp_path / "terbatas"
    first = ingest(big_extract, store)
    assert "tulis_ulang" in first.detik  # the doubled NIK's rows were written, then taken out
    files = [restricted_file(store, t, "2023-S2") for t in ("penduduk", "karantina")]
    before = [f.read_bytes() for f in files]
    secret = "5371010101010001"
    monkeypatch.setattr(rekaman_ingest, "_BATCH", 10_000)
    if where == "stream":
        real, calls = pseudonim.pseudonyms, []

        def failing(nomor, key, **kwargs):
            calls.append(1)
            if len(calls) == 9:  # NIK and KK per batch: the 5th batch's NIK
                raise RuntimeError(f"gagal buatan {secret}")
            return real(nomor, key, **kwargs)

        monkeypatch.setattr(pseudonim, "pseudonyms", failing)
    else:

        def failing(*args):
            raise RuntimeError(f"gagal buatan {secret}")

        monkeypatch.setattr(rekaman_ingest, "_drop_rows", failing)
    with pytest.raises(GagalRekaman) as error:
        ingest(big_extract, store)
    assert "(RuntimeError)" in str(error.value) and secret not in str(error.value)
    assert [f.read_bytes() for f in files] == before
    assert not list(store.rglob("*.tmp"))
    if where == "stream":
        assert len(calls) == 9  # stopped at the failing batch


def test_too_many_rejected_rows_fail_the_semester(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("DUKCAPIL_PSEUDONYM_KEY", KEY)
    monkeypatch.setenv("DUKCAPIL_BATAS_KARANTINA", "0,1%")  # 7 of 3000 rows is 0.23 %
    pipe: Pipeline = make_pipeline(tmp_path)
    extract = pipe.paths.raw_dir / "dkb" / SEMESTER / "penduduk.csv"
    extract.parent.mkdir(parents=True)
    Generator(pipe.paths.raw_dir, SEMESTER, seed=7).write(ROWS, extract)
    plant_bad_records(extract)
    result = pipe.run(SEMESTER, raise_on_error=False)
    assert not result.success
    assert "melebihi batas 0.10%" in root_error(result)
    assert not pipe.paths.published_db.exists()


def test_missing_key_is_a_clear_error_only_when_an_extract_is_present(
    bundled_copy: Pipeline, monkeypatch: pytest.MonkeyPatch
):
    """The record-level step is the only one that uses the key."""
    monkeypatch.delenv("DUKCAPIL_PSEUDONYM_KEY", raising=False)
    pipe = bundled_copy
    assert run_record_step(pipe, "2023-S2").success  # bundled data: no extract, no key needed
    Generator(pipe.paths.raw_dir, "2023-S2", seed=9).write(
        200, pipe.paths.raw_dir / "dkb" / "2023-S2" / "penduduk.csv"
    )
    result = run_record_step(pipe, "2023-S2", raise_on_error=False)
    assert not result.success
    assert "DUKCAPIL_PSEUDONYM_KEY" in root_error(result)


def test_sha256_block_function_gives_hashlibs_digest_in_every_lane():
    """The project's SHA-256 block function hashes LAJUR different one-block messages at once
    (0 to 55 bytes, padded as FIPS 180-4 §5.1.1 says; lane 0 is the standard's "abc"): each
    lane's state is then OpenSSL's (hashlib's) digest of its own message."""
    lanes = pseudonim.LAJUR
    messages = [b"abc"] + [
        bytes((31 * j + k) % 256 for k in range(j * 55 // (lanes - 1))) for j in range(1, lanes)
    ]
    blocks = [
        m + b"\x80" + b"\0" * (55 - len(m)) + (8 * len(m)).to_bytes(8, "big") for m in messages
    ]
    words = np.frombuffer(b"".join(blocks), ">u4").reshape(lanes, 16)
    w = np.zeros(64 * lanes, np.uint32)
    w[: 16 * lanes] = words.T.ravel()  # word k of lane j at k * LAJUR + j
    state = np.repeat(pseudonim._H0, lanes)
    pseudonim.sha256_blok(state, w, np.empty(8 * lanes, np.uint32))
    got = [state.reshape(8, lanes)[:, j].astype(">u4").tobytes() for j in range(lanes)]
    assert got == [hashlib.sha256(m).digest() for m in messages]
    assert got[0].hex().startswith("ba7816bf8f01cfea414140de5dae2223")  # FIPS 180-4 example


@pytest.mark.parametrize("native", [True, False], ids=["numba", "hashlib"])
def test_pseudonyms_are_hmac_sha256_of_the_number_as_text(native, monkeypatch):
    """Both paths (compiled loop over the project's SHA-256 block function; hashlib one by one)
    give HMAC-SHA256(key, decimal text)[:16] for any non-negative BIGINT (16 digits, as a NIK,
    and any other length), keys of any length (over 64 bytes a key is first hashed), NULL (-1)
    for NULL, in the input's order."""
    if native:
        assert pseudonim.native(), f"the compiled loop is off: {pseudonim._gangguan}"
    else:
        monkeypatch.setattr(pseudonim, "_kernel", lambda: None)
    numbers = [5371012701930001, 0, 7, 10**15, 2**63 - 1, -1, 5371010101010101, 9999999999999999]
    numbers += [10**15 - 1, 10**16]  # either side of 16 digits
    numbers += list(range(5301000000000000, 5301000000000000 + 5000, 7))  # several threads
    # runs of equal neighbours (a family's KK), NULLs among them, a value again after others
    numbers += [5371010000000001] * 4 + [-1, -1] + [5371010000000002] * 3 + [5371010000000001]
    for key in (b"rahasia", KEY.encode(), b"k" * 100):
        got = pseudonim.pseudonyms(np.array(numbers, np.int64), key, threads=3).to_pylist()
        got = [u.bytes if u is not None else None for u in got]
        want = [
            hmac.new(key, str(n).encode(), hashlib.sha256).digest()[:16] if n >= 0 else None
            for n in numbers
        ]
        assert got == want


@pytest.mark.parametrize("native", [True, False], ids=["numba", "hashlib"])
def test_a_family_number_is_hashed_once_per_run_with_the_same_values(native, monkeypatch):
    """A KK repeated on its family's rows (as SIAK lists them) is hashed once per run: the
    loop sees each run's first value only, and every row still gets HMAC(key, its number)."""
    if not native:
        monkeypatch.setattr(pseudonim, "_kernel", lambda: None)
    rng = np.random.default_rng(3)
    families = rng.integers(5371010000000000, 5371019999999999, 500)
    numbers = np.repeat(families, rng.integers(1, 8, 500))  # 1–7 members a family
    numbers[::97] = -1  # a NULL here and there, inside runs too
    seen = []
    if native:
        kernel = pseudonim._kernel()
        monkeypatch.setattr(
            pseudonim, "_kernel", lambda: lambda v, *a: (seen.append(len(v)), kernel(v, *a))[1]
        )
    got = [
        u.bytes if u else None for u in pseudonim.pseudonyms(numbers, b"k", threads=1).to_pylist()
    ]
    want = [
        hmac.new(b"k", str(n).encode(), hashlib.sha256).digest()[:16] if n >= 0 else None
        for n in numbers.tolist()
    ]
    assert got == want
    runs = 1 + int((numbers[1:] != numbers[:-1]).sum())
    if native:
        assert sum(seen) == runs < len(numbers) * 0.3


def test_a_loop_that_cannot_compile_falls_back_to_hashlib(monkeypatch):
    def broken(*args):
        raise RuntimeError("LLVM tidak tersedia")

    monkeypatch.setattr(pseudonim, "_kernel", lambda: broken)
    monkeypatch.setattr(pseudonim, "_gangguan", [])
    assert pseudonim.prepare() is False
    assert pseudonim._gangguan == ["RuntimeError: LLVM tidak tersedia"]
    got = pseudonim.pseudonyms(np.array([5371012701930001], np.int64), b"rahasia").to_pylist()
    assert got[0].bytes == hmac.new(b"rahasia", b"5371012701930001", "sha256").digest()[:16]


def test_generator_is_deterministic_and_follows_tabel_4(tmp_path: Path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    Generator(KUPANG, seed=1).write(20_000, a)
    Generator(KUPANG, seed=1).write(20_000, b)
    assert a.read_bytes() == b.read_bytes()
    share = duckdb.sql(
        f"SELECT NO_KEC, count(*) / 20000 FROM read_csv('{a}', all_varchar=true) GROUP BY 1"
    ).fetchall()
    # Tabel 4: Maulafa (kecamatan 2) holds 102.547 of 444.661 residents = 23,1 %
    assert dict(share)["2"] == pytest.approx(102_547 / 444_661, abs=0.01)


def test_generated_population_comes_close_to_tabel_4_to_9_per_kecamatan(tmp_path: Path):
    """The generator's default calibration is the bundled 2023-S2 aggregate file (Tabel 4–9):
    at 60,000 rows every measure's share of each kecamatan's population lies within 3
    percentage points of the published share (sampling error is ~0.5 points; the rest is the
    published tables' own inconsistencies, e.g. Tabel 8), and kecamatan sizes within 1 point."""
    extract = tmp_path / "penduduk.csv"
    Generator(KUPANG, seed=3).write(60_000, extract)
    generated = by_kecamatan(independent_counts(extract, date(2023, 12, 31), set()))
    # kecamatan names as printed ("MAULafa", "OEOBOBO") -> codes, by the reference and aliases
    referensi = KUPANG / "referensi"
    with (Path(__file__).parent / "data/kupang_wilayah.csv").open() as f:
        code = {r["kecamatan"].upper(): r["kode_kecamatan"] for r in csv.DictReader(f)}
    with (referensi / "wilayah_alias.csv").open() as f:
        code |= {r["alias"]: r["kode"] for r in csv.DictReader(f)}
    names = {c.headers[0]: c.name for c in dkb_kecamatan_source(KUPANG).columns}
    published = {}
    with (KUPANG / "dkb/2023-S2/agregat_kecamatan.csv").open(encoding="utf-8") as f:
        for record in csv.DictReader(f, delimiter=";"):
            if record["KECAMATAN"] == "JUMLAH":
                continue
            for printed, value in record.items():
                if names.get(printed, "kecamatan") != "kecamatan":
                    kecamatan = code[record["KECAMATAN"].upper()]
                    published[(kecamatan, names[printed])] = int(value.replace(".", ""))
    kecamatan = {k for k, _ in published}
    assert len(kecamatan) == 6 and {k for k, _ in generated} == kecamatan
    total_generated = sum(generated[(k, "penduduk")] for k in kecamatan)
    total_published = sum(published[(k, "penduduk")] for k in kecamatan)
    for k in kecamatan:
        share = generated[(k, "penduduk")] / total_generated
        assert share == pytest.approx(published[(k, "penduduk")] / total_published, abs=0.01)
        for (kec, ukuran), value in published.items():
            if kec == k:
                got = generated[(k, ukuran)] / generated[(k, "penduduk")]
                want = value / published[(k, "penduduk")]
                assert got == pytest.approx(want, abs=0.03), (k, ukuran)


def test_kelurahan_example_query_answers_from_the_protected_counts(rekaman):
    """sql/analyst/contoh/05: KIA per kelurahan of Alak (12 kelurahan in the reference)."""
    pipe, _, _ = rekaman
    query = (PROJECT_ROOT / "sql/analyst/contoh/05_kia_per_kelurahan.sql").read_text()
    with pipe.published() as con:
        rows = con.execute(query).fetchall()
        shown = dict(
            ((k, u), n)
            for k, u, n in con.execute(
                "SELECT nama_wilayah, ukuran, nilai FROM mart.agregat_kelurahan "
                "WHERE semester = '2023-S2' AND kode_kecamatan = '53.71.01'"
            ).fetchall()
        )
    assert len(rows) == 12
    for kelurahan, memiliki, wajib, persen in rows:
        assert (memiliki, wajib) == (
            shown[(kelurahan, "kia_memiliki")],
            shown[(kelurahan, "wajib_kia")],
        )
        if memiliki is not None and wajib:
            assert persen == int(memiliki / wajib * 10000) / 100


# --- Reading the extract, function by function (no Dagster run): the file row of every stored
# and quarantined row, and plain refusals of files that cannot be read.

BIG_ROWS = 100_000
# file row -> (column, value, rule). Rows 101…601 hold an unknown kelurahan: that rule is a
# membership test (`IN (SELECT …)`), the join that once reordered rows before they were
# numbered (101…601 came out as 29721…). The others are spread over the file, across DuckDB's
# row groups and both threads' shares.
BIG_BAD = {
    **{n: ("NO_KEL", "9999", "kelurahan_dikenal") for n in range(101, 602, 100)},
    150: ("TGL_LHR", "2023-13-01", "tgl_lhr_wajar"),  # month 13: no such date
    25_003: ("NIK", "5.37101E+15", "nik_16_digit"),
    61_441: ("NO_KEL", "9998", "kelurahan_dikenal"),
    99_990: ("AGAMA", "99", "agama_kode_siak"),
}
BIG_DUPLICATE = (120, 88_888)  # the second holds the first's NIK, far away in the file


def reference_konteks(raw_dir: Path = KUPANG, semester: str = "2023-S2"):
    """The rules' reference lists from raw/referensi, loaded as the asset loads them."""
    con = duckdb.connect()
    con.execute("CREATE SCHEMA raw")
    # the office's regions as raw.wilayah holds them (cut from the national list by its code)
    sources = {
        "daerah": raw_dir / "referensi" / "daerah.csv",
        "wilayah": Path(__file__).parent / "data" / "kupang_wilayah.csv",
    }
    for table, path in sources.items():
        con.execute(f"CREATE TABLE raw.{table} AS FROM read_csv(?, all_varchar=true)", [str(path)])
    return load_konteks(con, raw_dir, semester)


def ingest(path: Path, store: Path, threshold: float = 0.01) -> rekaman_ingest.Hasil:
    """`ingest_extract` as the asset calls it, on any file, into a private restricted store."""
    raw_dir = KUPANG
    return rekaman_ingest.ingest_extract(
        path,
        semester="2023-S2",
        berkas=path.name,
        konteks=reference_konteks(raw_dir),
        severity=rekaman_ingest.load_severity(raw_dir),
        key=KEY.encode(),
        store=store,
        threshold=threshold,
    )


@pytest.fixture(scope="session")
def big_extract(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """100,000 synthetic residents (generated once per session) with BIG_BAD planted."""
    path = tmp_path_factory.mktemp("rekaman_besar") / "penduduk.csv"
    Generator(KUPANG, seed=11).write(BIG_ROWS, path)
    header, rows = read_rows(path)
    col = {name: i for i, name in enumerate(header)}
    for n, (column, value, _) in BIG_BAD.items():
        rows[n - 2][col[column]] = value
    rows[BIG_DUPLICATE[1] - 2][col["NIK"]] = rows[BIG_DUPLICATE[0] - 2][col["NIK"]]
    write_rows(path, header, rows)
    return path


def test_file_rows_of_quarantine_and_stored_rows_are_right_in_every_run(
    big_extract: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Three runs on two threads: the quarantine names exactly the planted file rows, every
    stored row's `_baris` is the row its resident is on in the file (its NIK's HMAC), and the
    runs agree."""
    connect = duckdb.connect  # every connection of the run on exactly two threads

    def two_threads(*args, config=None, **kwargs):
        return connect(*args, config={**(config or {}), "threads": 2}, **kwargs)

    monkeypatch.setattr(duckdb, "connect", two_threads)
    header, rows = read_rows(big_extract)
    nik = header.index("NIK")
    expected_quarantine = {(n, rule) for n, (_, _, rule) in BIG_BAD.items()}
    expected_quarantine |= {(n, "nik_unik") for n in BIG_DUPLICATE}
    bad_rows = {n for n, _ in expected_quarantine}
    mac = lambda text: hmac.new(KEY.encode(), text.encode(), hashlib.sha256).digest()[:16]  # noqa: E731
    runs = []
    for run in range(3):
        store = tmp_path / f"terbatas_{run}"
        hasil = ingest(big_extract, store)
        assert (hasil.baris, hasil.dikarantina) == (BIG_ROWS, len(bad_rows))
        quarantine = set(
            duckdb.execute(
                "SELECT baris, aturan FROM read_parquet(?)",
                [str(restricted_file(store, "karantina", "2023-S2"))],
            ).fetchall()
        )
        stored = duckdb.execute(
            "SELECT _baris, nik_pseudonim FROM read_parquet(?) ORDER BY _baris",
            [str(restricted_file(store, "penduduk", "2023-S2"))],
        ).fetchall()
        assert quarantine == expected_quarantine, sorted(quarantine ^ expected_quarantine)[:5]
        kept = [b for b, _ in stored]
        assert kept == [n for n in range(2, BIG_ROWS + 2) if n not in bad_rows]
        wrong = [b for b, p in stored if p.bytes != mac(rows[b - 2][nik])]
        assert not wrong, f"{len(wrong)} baris tersimpan menunjuk penduduk lain, mis. {wrong[:3]}"
        runs.append((quarantine, kept))
    assert runs[0] == runs[1] == runs[2]


def test_parquet_rows_are_numbered_from_the_file(big_extract: Path, tmp_path: Path):
    """Parquet rows are numbered from the file (first row = 1), read on every core."""
    parquet = tmp_path / "penduduk.parquet"
    duckdb.execute(
        f"COPY (FROM read_csv(?, all_varchar=true)) TO '{parquet}' (ROW_GROUP_SIZE 10000)",
        [str(big_extract)],
    )
    ingest(parquet, tmp_path / "terbatas")
    quarantine = duckdb.execute(
        "SELECT DISTINCT baris FROM read_parquet(?) ORDER BY baris",
        [str(restricted_file(tmp_path / "terbatas", "karantina", "2023-S2"))],
    ).fetchall()
    assert [b for (b,) in quarantine] == sorted(n - 1 for n in {*BIG_BAD, *BIG_DUPLICATE})


def test_staging_that_could_reorder_rows_is_stopped_before_reading(big_extract: Path):
    """The file row is the streamed row's position only while the reading statement keeps the
    file's order. A rule written as a membership join (as the kelurahan rule once was) would
    let DuckDB reorder rows: the staging refuses to plan such a statement, before reading,
    instead of naming other residents. The same rules without the join stream every row."""
    model = schema(reference_konteks())
    rules = compile_rules(model)
    con = duckdb.connect()
    declare_references(con, reference_konteks())
    rekaman_ingest._declare_known_regions(
        con, [(k, r) for k, r in enumerate(rules) if r.per_wilayah], reference_konteks()
    )
    con.execute("CREATE TEMP TABLE _daftar AS SELECT unnest(['53.71']) AS kode")
    join = Aturan(
        "kab_kota_lewat_join",
        "NO_KAB",
        "uji",
        "NOT coalesce(NO_PROP || '.' || NO_KAB IN (SELECT kode FROM _daftar), false)",
        "NO_KAB",
    )
    columns = list(model.columns)
    with pytest.raises(RuntimeError, match="BATCH_CREATE_TABLE_AS"):
        rekaman_ingest._staging_select(con, big_extract, columns, [*rules, join])
    assert not con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = '_urutan'"
    ).fetchone()[0]  # the plan was only explained, nothing created or read
    select, _, first = rekaman_ingest._staging_select(con, big_extract, columns, rules)
    assert first == 2
    assert sum(b.num_rows for b in con.execute(select).to_arrow_reader(10_000)) == BIG_ROWS


def test_region_rules_checked_once_per_region_quarantine_the_same_rows_and_values(
    small_extract, tmp_path: Path
):
    """The rules that read only NO_PROP…NO_KEL run once per distinct region, after staging.
    A row failing one of them and other rules too, or the NIK uniqueness too, is quarantined
    under every rule it fails, each with the cells as written in the file."""
    model = schema(reference_konteks())
    per_region = {r.nama for r in compile_rules(model) if r.per_wilayah}
    assert {"kelurahan_dikenal", "kab_kota_dilayani", "no_kec_angka"} <= per_region
    assert not per_region & {
        "nik_16_digit",
        "cetak_berarti_rekam",
        "akta_kawin_berarti_pernah_kawin",
    }

    header, rows = small_extract
    rows = [r[:] for r in rows]
    col = {name: i for i, name in enumerate(header)}
    plant = {  # file row -> cells written there
        5: {"NO_KEL": "9999", "AGAMA": "99"},
        6: {"NO_KEL": "9999", "NIK": rows[7 - 2][col["NIK"]]},  # and row 7's NIK
        8: {"NO_KEC": "007", "NIK": "5.37101E+15"},  # 3 digits: not a kecamatan, no kelurahan
        9: {"NO_KEC": "0" + rows[9 - 2][col["NO_KEC"]]},  # zero-padded: still known, accepted
    }
    assert len(plant[9]["NO_KEC"]) == 2
    for n, cells in plant.items():
        for column, value in cells.items():
            rows[n - 2][col[column]] = value
    path = tmp_path / "penduduk.csv"
    write_rows(path, header, rows)

    def kelurahan(n: int) -> str:  # pandera's key: each code zero-padded, never cut
        r = rows[n - 2]
        widths = (("NO_PROP", 2), ("NO_KAB", 2), ("NO_KEC", 2), ("NO_KEL", 4))
        return ".".join(r[col[c]].zfill(w) for c, w in widths)

    hasil = ingest(path, tmp_path / "terbatas", threshold=0.05)
    got = set(
        duckdb.execute(
            "SELECT baris, kolom, aturan, nilai FROM read_parquet(?)",
            [str(restricted_file(tmp_path / "terbatas", "karantina", "2023-S2"))],
        ).fetchall()
    )
    nik = lambda n: rows[n - 2][col["NIK"]]  # noqa: E731
    assert got == {
        (5, "NO_KEL", "kelurahan_dikenal", kelurahan(5)),
        (5, "AGAMA", "agama_kode_siak", "99"),
        (6, "NO_KEL", "kelurahan_dikenal", kelurahan(6)),
        (6, "NIK", "nik_unik", nik(6)),
        (7, "NIK", "nik_unik", nik(7)),
        (8, "NO_KEC", "no_kec_angka", "007"),
        (8, "NO_KEL", "kelurahan_dikenal", kelurahan(8)),
        (8, "NIK", "nik_16_digit", "5.37101E+15"),
    }
    assert kelurahan(8).split(".")[2] == "007" and (hasil.baris, hasil.dikarantina) == (300, 4)


def test_fixed_width_patterns_run_as_glob_with_the_regexs_verdict_on_every_tricky_value():
    """The 16-digit and date formats run as GLOB; on every value below (lengths around the
    width, one odd character at every place, other digits, line ends, random strings) GLOB
    gives what the regex gives, in DuckDB and in polars (pandera checks a small extract itself
    with the regex, in polars)."""
    model = schema(reference_konteks())
    globbed = {r.nama for r in compile_rules(model) if "GLOB" in r.gagal}
    assert {"nik_16_digit", "no_kk_16_digit", "tgl_lhr_format", "tgl_cetak_kia_format"} <= globbed
    odd = [" ", "-", "a", "E", "+", ".", "/", "\n", "\t", "\u0663", "\uff10", "\u00e9"]
    values = ["", "5.37101E+15", "2023-1-01", "2023/01/01", "20230101", "2023-01-01 "]
    for width in (10, 16):
        for length in range(width - 2, width + 3):
            base = "".join(str(i % 10) for i in range(length))
            values += [base, base + "\n", "\n" + base]
            values += [base[:i] + c + base[i + 1 :] for i in range(length) for c in odd]
    values += ["2023-12-31"[:i] + c + "2023-12-31"[i + 1 :] for i in range(10) for c in odd]
    pick = random.Random(5)
    alphabet = "0123456789-- \n\u0663."
    values += ["".join(pick.choices(alphabet, k=pick.randint(8, 18))) for _ in range(3000)]
    con = duckdb.connect()
    for pattern in (DIGITS_16, ISO_DATE):
        glob = glob_of(pattern)
        rows = con.execute(
            "SELECT v, regexp_matches(v, ?), v GLOB ? FROM unnest(?::VARCHAR[]) AS t(v)",
            [pattern, glob, values],
        ).fetchall()
        assert {regex for _, regex, _ in rows} == {True, False}
        assert [v for v, regex, g in rows if regex != g] == []
        polars = pl.Series(values).str.contains(pattern).to_list()  # what pandera runs
        assert [v for (v, regex, _), p in zip(rows, polars, strict=True) if p != regex] == []


def test_known_region_spellings_are_every_way_of_writing_the_office_kelurahan():
    """The spellings that pass the region rules by one lookup while reading are every way of
    writing a kelurahan of the office with leading zeros left out (counted here apart), each
    passing those rules evaluated directly; a spelling outside them (a space, a zero too many,
    another kab/kota) is not among them and gets the rules after reading."""
    konteks = reference_konteks()
    rules = compile_rules(schema(konteks))
    per_region = [(k, r) for k, r in enumerate(rules) if r.per_wilayah]
    con = duckdb.connect()
    declare_references(con, konteks)
    rekaman_ingest._declare_known_regions(con, per_region, konteks)
    known = {
        v for (v,) in con.execute("SELECT unnest(enum_range(NULL::wilayah_teks_sah))").fetchall()
    }
    expected = set()
    for code in konteks.kelurahan:
        ways = [
            [part[i:] for i in range(len(part)) if set(part[:i]) <= {"0"}]
            for part in code.split(".")
        ]
        expected |= {"|".join(p) for p in itertools.product(*ways)}
    assert len(konteks.kelurahan) == 51 and known == expected
    assert {"53|71|1|1001", "53|71|01|1001"} <= known
    assert not {"53|71| 1|1001", "53|71|001|1001", "053|71|01|1001", "53|72|01|1001"} & known
    texts = ", ".join(f"split_part(k, '|', {i + 1}) AS {c}" for i, c in enumerate(KOLOM_WILAYAH))
    failing = con.execute(
        f"SELECT count(*) FROM (SELECT {rekaman_ingest._bitmask(per_region)} AS g FROM "
        f"(SELECT {texts} FROM (SELECT unnest(?::VARCHAR[]) AS k))) WHERE g <> 0",
        [sorted(known)],
    ).fetchone()[0]
    assert failing == 0


@pytest.mark.parametrize("cutoff", ["2023-06-30", "2023-12-31", "2024-06-30", "2024-12-31"])
def test_age_written_for_every_birth_date_is_complete_years_at_the_cut_off(cutoff: str):
    """`umur` in the restricted file, for every birth date the rules accept (1900-01-01 up to
    the cut-off, leap days included), equals the complete years counted in Python and DuckDB's
    own date_sub('year', …)."""
    con = duckdb.connect()
    con.execute("CREATE TYPE konstanta_berkas AS ENUM ('s', 'b', 'h')")
    con.execute(
        "CREATE TABLE _diterima AS SELECT DATE '1900-01-01' + CAST(i AS INTEGER) AS tanggal_lahir, "
        "NULL::UUID AS nik_pseudonim, NULL::UUID AS kk_pseudonim, "
        + ", ".join(
            f"0::UTINYINT AS {c}"
            for c in (
                "jenis_kelamin agama status_kawin hubungan_keluarga pendidikan pekerjaan "
                "no_prop no_kab no_kec status_ktp"
            ).split()
        )
        + ", 0::USMALLINT AS no_kel, NULL::DATE AS tanggal_cetak_ktp, "
        "NULL::DATE AS tanggal_cetak_kia, false AS punya_akta_kelahiran, "
        "false AS punya_akta_perkawinan, i AS _baris FROM range(50000) AS r(i)"
    )
    end = date.fromisoformat(cutoff)
    params = {"semester": "s", "cutoff": end, "berkas": "b", "sha256": "h"}
    query = rekaman_ingest.load_sql("rekaman/penduduk_terbatas")
    got = con.execute(
        f"SELECT tanggal_lahir, umur, date_sub('year', tanggal_lahir, $cutoff::DATE) "
        f"FROM ({query}) WHERE tanggal_lahir <= $cutoff::DATE ORDER BY tanggal_lahir",
        params,
    ).fetchall()
    assert got[0][0] == date(1900, 1, 1) and got[-1][0] == end
    for born, umur, by_duckdb in got:
        years = end.year - born.year - ((end.month, end.day) < (born.month, born.day))
        assert umur == years == by_duckdb, born


@pytest.fixture(scope="module")
def small_extract(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], list[list[str]]]:
    """300 synthetic residents, as header and rows, for files broken one way each."""
    path = tmp_path_factory.mktemp("rekaman_kecil") / "penduduk.csv"
    Generator(KUPANG, seed=12).write(300, path)
    return read_rows(path)


def _ragged(header, rows, path, n, extra):
    """File row n gets `extra` more fields (negative: fewer)."""
    rows[n - 2] = rows[n - 2] + ["x"] * extra if extra > 0 else rows[n - 2][:extra]
    write_rows(path, header, rows)


def _open_quote(header, rows, path, n):
    lines = [",".join(r) for r in [header, *rows]]
    name = header.index("NAMA_LGKP")
    cells = rows[n - 2][:]
    cells[name] = '"' + cells[name]  # opened, never closed: the rest of the file is one value
    lines[n - 1] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _blank_line(header, rows, path, n):
    """An empty line where file row n was: DuckDB would skip it and number every later row
    one too low."""
    write_rows(path, header, [*rows[: n - 2], [], *rows[n - 2 :]])


def _cp1252(header, rows, path, n):
    """Saved as ANSI (cp1252) by a spreadsheet: file row n holds a byte that is not UTF-8."""
    rows[n - 2][header.index("AGAMA")] = "É"
    with path.open("w", newline="", encoding="cp1252") as handle:
        csv.writer(handle).writerows([header, *rows])


# (case, how the file is written, the refusal's words, the row it names)
BROKEN_CSV = [
    ("kolom_lebih", lambda h, r, p: _ragged(h, r, p, 57, 2), "jumlah kolom 22, seharusnya 20", 57),
    (
        "kolom_kurang",
        lambda h, r, p: _ragged(h, r, p, 230, -2),
        "jumlah kolom 18, seharusnya 20",
        230,
    ),
    ("kutip_terbuka", lambda h, r, p: _open_quote(h, r, p, 143), "tanda kutip tidak ditutup", 143),
    ("baris_kosong", lambda h, r, p: _blank_line(h, r, p, 77), "baris kosong di tengah file", 77),
    ("ansi", lambda h, r, p: _cp1252(h, r, p, 12), "bukan teks UTF-8", 12),
    ("nol_byte", lambda h, r, p: p.write_bytes(b""), "file kosong (0 byte)", None),
    ("hanya_judul", lambda h, r, p: write_rows(p, h, []), "tidak berisi baris data", None),
    (
        "utf16",
        lambda h, r, p: p.write_text("\n".join(",".join(x) for x in [h, *r]), encoding="utf-16"),
        "UTF-16",
        None,
    ),
    (
        "xlsx_bernama_csv",
        lambda h, r, p: p.write_bytes(
            (PROJECT_ROOT / "tests/data/baik/agregat_kecamatan_dua_baris.xlsx").read_bytes()
        ),
        "buku kerja Excel (xlsx), bukan CSV",
        None,
    ),
    (
        "tanpa_status_ktp",
        lambda h, r, p: write_rows(
            p,
            [c for c in h if c != "STATUS_KTP"],
            [[v for c, v in zip(h, x, strict=True) if c != "STATUS_KTP"] for x in r],
        ),
        "baris 1, kolom STATUS_KTP, nilai '(tidak ada)': kolom wajib tidak ada",
        None,
    ),
]


@pytest.mark.parametrize(
    ("write", "words", "row"), [c[1:] for c in BROKEN_CSV], ids=[c[0] for c in BROKEN_CSV]
)
def test_an_unreadable_csv_is_refused_naming_file_row_and_problem_never_its_content(
    small_extract, tmp_path: Path, write, words, row
):
    header, rows = small_extract
    rows = [r[:] for r in rows]
    path = tmp_path / "penduduk.csv"
    write(header, rows, path)
    with pytest.raises(InputRejected) as refused:
        ingest(path, tmp_path / "terbatas")
    message = str(refused.value)
    assert message.startswith(f"File {path} ditolak:")
    assert words in message
    if row is not None:
        assert f"baris {row}, " in message
        col = {name: i for i, name in enumerate(header)}
        for column in ("NIK", "NO_KK", "NAMA_LGKP", "TGL_LHR"):
            assert rows[row - 2][col[column]].lstrip('"') not in message
    assert "Error" not in message and "Traceback" not in message
    assert not list((tmp_path / "terbatas").rglob("*.parquet"))


def test_checksum_and_empty_line_search_in_one_read_agree_with_a_line_by_line_reading(
    tmp_path: Path,
):
    """The one-pass search finds the same empty line as splitting the file into lines, LF or
    CRLF, wherever the line falls against the read chunks (chunks of 1 to 7 bytes here), and
    allows empty lines at the end; the checksum is hashlib's of the whole file."""

    def by_lines(data: bytes) -> int | None:  # first empty line with a record after it
        lines = data.split(b"\n")
        for i in range(1, len(lines)):
            if lines[i] in (b"", b"\r") and any(x.strip(b"\r") for x in lines[i + 1 :]):
                return i + 1
        return None

    files = [
        b"A,B\n1,2\n3,4\n",
        b"A,B\n1,2\n\n3,4\n",
        b"A,B\r\n1,2\r\n\r\n3,4\r\n",
        b"A,B\r\n1,2\r\n3,4\r\n\r\n\r\n",  # empty lines at the end only
        b"A,B\n1,2\n3,4\n\n\n",
        b"A,B\n1,2\n\n\n\r\n5,6",
        b"A,B\n\r\n1,2\n",
        b"A,B\n1,2\n3,4\n\n",
        b"A,B\n" + b"1,2\n" * 9 + b"\r\n" + b"3,4\n",
    ]
    for k, data in enumerate(files):
        path = tmp_path / f"{k}.csv"
        path.write_bytes(data)
        for chunk_size in range(1, 8):
            got = rekaman_ingest._checksum_and_blank_line(path, True, chunk_size)
            assert got == (hashlib.sha256(data).hexdigest(), by_lines(data)), (data, chunk_size)
        assert rekaman_ingest._checksum_and_blank_line(path, False)[1] is None  # Parquet
    assert [by_lines(d) for d in files] == [None, 3, 3, None, None, 3, 2, None, 11]


def test_a_semicolon_csv_with_crlf_and_bom_is_read_like_the_plain_one(small_extract, tmp_path):
    """The dialect is taken from the header line: Excel's ';', CRLF and BOM change nothing."""
    header, rows = small_extract
    plain, excel = tmp_path / "a" / "penduduk.csv", tmp_path / "b" / "penduduk.csv"
    plain.parent.mkdir(), excel.parent.mkdir()
    write_rows(plain, header, rows)
    with excel.open("w", newline="", encoding="utf-8-sig") as handle:
        csv.writer(handle, delimiter=";", lineterminator="\r\n").writerows([header, *rows])
    a = ingest(plain, tmp_path / "a" / "terbatas")
    b = ingest(excel, tmp_path / "b" / "terbatas")
    assert (a.baris, a.diterima) == (b.baris, b.diterima) == (300, 300)
    assert a.agregat.equals(b.agregat)


@pytest.mark.parametrize(
    ("value", "share"),
    [("0.01", 0.01), ("0,005", 0.005), ("1%", 0.01), ("0,5 %", 0.005), ("0", 0.0), ("", 0.01)],
)
def test_quarantine_threshold_is_a_fraction_or_an_explicit_percentage(value, share, monkeypatch):
    monkeypatch.setenv("DUKCAPIL_BATAS_KARANTINA", value)
    assert quarantine_threshold() == pytest.approx(share)


@pytest.mark.parametrize("value", ["abc", "-1", "2", "150%", "nan", "1.000,5", "0.01 baris"])
def test_a_malformed_quarantine_threshold_is_named_with_its_value_and_form(value, monkeypatch):
    monkeypatch.setenv("DUKCAPIL_BATAS_KARANTINA", value)
    with pytest.raises(ValueError) as refused:
        quarantine_threshold()
    assert str(refused.value) == (
        f"Pengaturan DUKCAPIL_BATAS_KARANTINA={value!r} tidak sah: isi pecahan 0 sampai 1 "
        "(0.01 = 1 %) atau persen dengan tanda % (1%), mis. "
        "`export DUKCAPIL_BATAS_KARANTINA=0.01`."
    )


@pytest.mark.parametrize(
    ("value", "setting"), [("", "2GB"), ("512MB", "512MB"), ("1.5 GiB", "1.5GIB"), ("4gb", "4GB")]
)
def test_duckdb_memory_is_a_number_and_a_unit(value, setting, monkeypatch):
    monkeypatch.setenv("DUKCAPIL_DUCKDB_MEMORY", value)
    assert duckdb_memory_limit() == setting
    duckdb.connect().execute(f"SET memory_limit = '{setting}'")  # and DuckDB takes it


@pytest.mark.parametrize("value", ["2", "banyak", "-1GB", "2GB'; DROP", "10KB", "1,5GB", "½GB"])
def test_a_malformed_duckdb_memory_is_named_with_its_value_and_form(value, monkeypatch):
    monkeypatch.setenv("DUKCAPIL_DUCKDB_MEMORY", value)
    with pytest.raises(ValueError) as refused:
        duckdb_memory_limit()
    message = str(refused.value)
    assert message.startswith(f"Pengaturan DUKCAPIL_DUCKDB_MEMORY={value!r} tidak sah: ")
    assert "satuan KB, MB, GB atau TB" in message and "paling sedikit 100MB" in message
