"""Small kelurahan cells against an attacker who holds the analyst file: two record-level
semesters through the real job, then the integer-programming audit of what was published.

2023-S1 is shaped to carry the two leaks of the rule before rounding: Kota Raja keeps a few
residents, all in one kelurahan (its small counts equal the published kecamatan totals), and in
Oebobo every recorded KTP-el is printed (cetak total = sudah rekam total, so cetak <= sudah
rekam forces equality in each kelurahan)."""

import csv
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import polars as pl
import pytest
from berkas import KUPANG
from conftest import make_pipeline
from test_rekaman import KEY, by_kecamatan, independent_counts

from pipelines.defs.publikasi.checks import audit_sel_kecil
from pipelines.defs.transformasi.audit_sel_kecil import (
    Aturan,
    HasilAudit,
    Rentang,
    audit,
    audit_cells,
    audit_connection,
    audit_file,
)
from pipelines.defs.transformasi.sel_ditekan import bangun_dengan_penekanan, blok_berikutnya
from pipelines.gudang.db import Warehouse, load_sql
from pipelines.synthetic.penduduk import Generator

ROWS = 20_000
ONE_KELURAHAN = "53.71.03"  # Kota Raja: KEEP residents, all moved to its first kelurahan
KEEP = 80
ALL_PRINTED = "53.71.05"  # Oebobo: every recorded wajib KTP-el gets a print date
OLD_RULE = Path(__file__).parent / "data" / "sel_kecil" / "agregat_kelurahan_aturan_lama.sql"


def reshape(path: Path, kelurahan_tujuan: int) -> None:
    """Post-process a generated extract into the two leaky shapes (values stay valid)."""
    df = pl.read_csv(path, infer_schema=False)
    kec = pl.col("NO_KEC").cast(pl.Int64)
    age_17 = pl.col("TGL_LHR") <= "2006-06-30"
    wajib = age_17 | (pl.col("STAT_KWN") != "1")
    recorded = ~pl.col("STATUS_KTP").is_in(["1", "8"])
    df = df.filter(
        (kec != int(ONE_KELURAHAN[-2:])) | (pl.int_range(pl.len()).over("NO_KEC") < KEEP)
    )
    df = df.with_columns(
        pl.when(kec == int(ONE_KELURAHAN[-2:]))
        .then(pl.lit(str(kelurahan_tujuan)))
        .otherwise(pl.col("NO_KEL"))
        .alias("NO_KEL"),
        pl.when((kec == int(ALL_PRINTED[-2:])) & wajib & recorded)
        .then(pl.col("TGL_CETAK_KTP").fill_null("2023-01-02"))
        .otherwise(pl.col("TGL_CETAK_KTP"))
        .alias("TGL_CETAK_KTP"),
    )
    df.write_csv(path)


@pytest.fixture(scope="module")
def dua_semester(tmp_path_factory: pytest.TempPathFactory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DUKCAPIL_PSEUDONYM_KEY", KEY)
        pipe = make_pipeline(tmp_path_factory.mktemp("sel_kecil"))
        dkb = pipe.paths.raw_dir / "dkb"
        first = dkb / "2023-S1" / "penduduk.csv"
        Generator(pipe.paths.raw_dir, "2023-S1", seed=11).write(ROWS, first)
        reshape(first, 1001)
        assert pipe.run("2023-S1").success
        second = dkb / "2023-S2" / "penduduk.csv"
        Generator(pipe.paths.raw_dir, "2023-S2", seed=12).write(ROWS, second)
        assert pipe.run("2023-S2").success
        truth = {
            "2023-S1": independent_counts(first, skip=set()),
            "2023-S2": independent_counts(second, date(2023, 12, 31), skip=set()),
        }
        yield pipe, truth


def published_cells(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(
        "SELECT semester, kode_kecamatan, kode_kelurahan, ukuran, nilai, disamarkan, "
        "batas_bawah, batas_atas FROM analis.agregat_kelurahan"
    ).df()


def rounded(count: int, basis: int = 10) -> int:
    """Nearest multiple of the basis, halves up, computed here independently of the SQL."""
    return basis * ((count + basis // 2) // basis)


def test_the_two_leaky_shapes_are_in_the_extract(dua_semester):
    _, truth = dua_semester
    kecamatan = by_kecamatan(truth["2023-S1"])
    assert (
        kecamatan[(ALL_PRINTED, "ktp_el_cetak")] == kecamatan[(ALL_PRINTED, "ktp_el_sudah_rekam")]
    )
    assert kecamatan[(ALL_PRINTED, "ktp_el_cetak")] > 100
    in_kota_raja = {k for k, _ in truth["2023-S1"] if k.startswith(ONE_KELURAHAN)}
    assert in_kota_raja == {f"{ONE_KELURAHAN}.1001"}
    assert kecamatan[(ONE_KELURAHAN, "penduduk")] == KEEP
    # Kota Raja has small counts, which the old rule hid and the totals gave away
    assert any(1 <= kecamatan[(ONE_KELURAHAN, u)] <= 4 for _, u in truth["2023-S1"])


def test_identities_and_inequalities_hold_in_counts_from_the_records(dua_semester):
    """What the audit assumes an attacker knows must be true of real counts."""
    pipe, truth = dua_semester
    with pipe.published() as con:
        identities = con.execute("SELECT total, bagian_1, bagian_2 FROM identitas_ukuran()")
        identities = identities.fetchall()
        inequalities = con.execute("FROM ketaksamaan_ukuran()").fetchall()
    assert len(identities) == 5 and len(inequalities) == 12
    for counts in truth.values():
        for kel in {k for k, _ in counts}:
            for total, a, b in identities:
                assert counts[(kel, total)] == counts[(kel, a)] + counts[(kel, b)], (kel, total)
            for kecil, besar in inequalities:
                assert counts[(kel, kecil)] <= counts[(kel, besar)], (kel, kecil, besar)


def test_every_kelurahan_count_is_published_rounded_with_its_range(dua_semester):
    """Each published count is the true count rounded to 10; the true count lies in
    batas_bawah..batas_atas; every count 1–4 is shown as 0 and marked; every kelurahan of the
    reference is listed (the empty ones as 0), and the kecamatan totals stay exact."""
    pipe, truth = dua_semester
    with pipe.published() as con:
        cells = published_cells(con)
        exact = dict(
            ((s, k, u), n)
            for s, k, u, n in con.execute(
                "SELECT semester, kode_wilayah, ukuran, nilai FROM mart.agregat_wilayah "
                "WHERE tingkat = 'kecamatan'"
            ).fetchall()
        )
        ditekan = set(
            con.execute("SELECT semester, kode_kecamatan, ukuran FROM mart.sel_ditekan").fetchall()
        )
    assert set(cells.semester) == {"2023-S1", "2023-S2"}
    for row in cells.itertuples():
        true = truth[row.semester].get((row.kode_kelurahan, row.ukuran), 0)
        assert row.batas_bawah <= true <= row.batas_atas, row
        if (row.semester, row.kode_kecamatan, row.ukuran) in ditekan:
            # withheld by the fallback: unknown in 0..the exact kecamatan total
            total = exact[(row.semester, row.kode_kecamatan, row.ukuran)]
            assert pd.isna(row.nilai) and row.disamarkan, row
            assert (row.batas_bawah, row.batas_atas) == (0, total), row
            continue
        assert row.nilai == rounded(true), row
        assert row.disamarkan == (row.nilai == 0)
        assert not (1 <= true <= 4) or (row.nilai == 0 and row.disamarkan)
    # every kelurahan of the reference × 16 ukuran, Kota Raja's empty kelurahan included
    with (KUPANG / "referensi" / "wilayah.csv").open() as handle:
        reference = list(csv.DictReader(handle))
    assert cells.groupby("semester").size().to_dict() == {
        s: 16 * len(reference) for s in ("2023-S1", "2023-S2")
    }
    kota_raja = cells[(cells.semester == "2023-S1") & (cells.kode_kecamatan == ONE_KELURAHAN)]
    assert (
        kota_raja.kode_kelurahan.nunique()
        == sum(r["kode_kecamatan"] == ONE_KELURAHAN for r in reference)
        > 1
    )
    for semester, counts in truth.items():
        for (kec, ukuran), total in by_kecamatan(counts).items():
            assert exact[(semester, kec, ukuran)] == total


def test_audit_finds_no_small_cell_an_analyst_can_narrow(dua_semester):
    """The audit from the published file alone: in both semesters, including the kecamatan
    with one inhabited kelurahan and the one where cetak = sudah rekam, no cell that may hold
    1–4 has a feasible range narrower than the protection width, and each range holds the
    true count."""
    pipe, truth = dua_semester
    hasil = audit_file(pipe.paths.published_db)
    assert hasil.lulus, [r.pesan(hasil.aturan.lebar_perlindungan) for r in hasil.temuan[:5]]
    assert hasil.aturan == Aturan(sel_kecil_maks=4, lebar_perlindungan=1)
    checked = {(r.semester, r.kode_kelurahan, r.ukuran): r for r in hasil.rentang}
    for (semester, kel, ukuran), r in checked.items():
        assert r.minimum <= truth[semester].get((kel, ukuran), 0) <= r.maksimum
    # every true small count was among the audited cells, in both semesters
    small = {(s, k, u) for s, c in truth.items() for (k, u), n in c.items() if 1 <= n <= 4}
    assert small and small <= set(checked)
    assert {s for s, _, _ in small} == {"2023-S1", "2023-S2"}
    assert any(k.startswith(ONE_KELURAHAN) for _, k, _ in small)
    assert any(s == "2023-S1" and k.startswith(ONE_KELURAHAN) for s, k, _ in checked)
    assert not hasil.kecamatan_tunggal


def test_audit_catches_the_leaks_of_the_rule_before_rounding(dua_semester):
    """The same audit on the table the old rule (hide 1–4 plus companions) makes from the same
    counts: hidden cells are pinned, to their true value, in the kecamatan with one inhabited
    kelurahan and in the one where cetak = sudah rekam. So the audit can fail."""
    pipe, truth = dua_semester
    with pipe.build() as con:
        old = con.execute(
            "SELECT semester, kode_kecamatan, kode_wilayah AS kode_kelurahan, ukuran, nilai, "
            f"disamarkan FROM ({OLD_RULE.read_text()})"
        ).df()
        old["batas_bawah"] = old["batas_atas"] = old.nilai  # shown exactly; hidden: empty
        hasil = audit_cells(con, old, Aturan(4, 1))
    pinned = [r for r in hasil.temuan if r.lebar == 0]
    for r in pinned:
        assert r.minimum == truth[r.semester][(r.kode_kelurahan, r.ukuran)]
    where = {(r.semester, r.kode_kecamatan) for r in pinned}
    assert {("2023-S1", ONE_KELURAHAN), ("2023-S1", ALL_PRINTED)} <= where
    assert any(r.kode_kecamatan == ONE_KELURAHAN and 1 <= r.minimum <= 4 for r in pinned)


def test_audit_pins_rounded_cells_when_a_total_leaves_no_room():
    """Rounding alone is not proof: two kelurahan of 4 each, both shown as 0 (range 0–4),
    with an exact kecamatan total of 8, can only be 4 and 4. The audit says so; the
    blocking audit check would stop such a publication."""
    cells = pd.DataFrame(
        {
            "semester": "2024-S1",
            "kode_kecamatan": "53.71.09",
            "kode_kelurahan": ["53.71.09.1001", "53.71.09.1002", "53.71.09.1003"],
            "ukuran": "akta_perkawinan_terbit",
            "batas_bawah": [0, 0, 5],
            "batas_atas": [4, 4, 14],
        }
    )
    totals = pd.DataFrame(
        {
            "semester": ["2024-S1"],
            "kode_wilayah": ["53.71.09"],
            "ukuran": ["akta_perkawinan_terbit"],
            "nilai": [4 + 4 + 14],
        }
    )
    hasil = audit(cells, totals, [], [], Aturan(4, 1))
    assert [(r.kode_kelurahan, r.minimum, r.maksimum) for r in hasil.temuan] == [
        ("53.71.09.1001", 4, 4),
        ("53.71.09.1002", 4, 4),
    ]
    totals.loc[0, "nilai"] = 4 + 4 + 13  # one resident less: 3 or 4 each, not pinned
    hasil = audit(cells, totals, [], [], Aturan(4, 1))
    assert hasil.lulus
    assert [(r.minimum, r.maksimum) for r in hasil.rentang] == [(3, 4), (3, 4)]


def build_example(tmp_path: Path, counts: list[int]) -> duckdb.DuckDBPyConnection:
    """The example above as the real SQL mart and its suppression step build it, from exact
    kelurahan counts of akta_perkawinan_terbit in three kelurahan of kecamatan 53.71.09."""
    warehouse = Warehouse(raw_dir=str(tmp_path / "raw"), warehouse_dir=str(tmp_path / "wh"))
    with warehouse.connect() as con:
        kelurahan = [f"53.71.09.100{i}" for i in range(1, len(counts) + 1)]
        wilayah = pd.DataFrame(
            {
                "kode": ["53.71.09", *kelurahan],
                "nama": ["KEC", *(f"KEL {k[-1]}" for k in kelurahan)],
                "tingkat": ["kecamatan", *["kelurahan"] * len(kelurahan)],
                "kode_induk": ["53.71", *["53.71.09"] * len(kelurahan)],
            }
        )
        dkb = pd.DataFrame(
            {
                "semester": "2024-S1",
                "tanggal_data": date(2024, 6, 30),
                "tingkat": ["kecamatan", *["kelurahan"] * len(kelurahan)],
                "kode_wilayah": ["53.71.09", *kelurahan],
                "ukuran": "akta_perkawinan_terbit",
                "nilai": [sum(counts), *counts],
            }
        )
        con.register("wilayah", wilayah)
        con.register("dkb", dkb)
        con.execute("CREATE TABLE conformed.wilayah AS SELECT * FROM wilayah")
        con.execute("CREATE TABLE conformed.dkb_agregat AS SELECT * FROM dkb")
        con.execute(
            "CREATE TABLE mart.agregat_wilayah AS SELECT semester, kode_wilayah, tingkat, "
            "ukuran, nilai FROM dkb WHERE tingkat = 'kecamatan'"
        )
        bangun_dengan_penekanan(con, "mart.agregat_kelurahan", load_sql("mart/agregat_kelurahan"))
    return duckdb.connect(str(warehouse.paths.build_db), read_only=True)


def test_suppression_step_withholds_the_pinned_block_and_the_audit_then_passes(tmp_path):
    """The pinned example (4, 4 and 14; total 22), built by the real mart and its fallback:
    the audit's pinned cells make their kecamatan × ukuran block empty (0..22, marked), after
    which the same audit passes and no true count is published. With 4, 4 and 13 nothing is
    pinned, so nothing is withheld and every value is the rounded count."""
    with build_example(tmp_path / "terkunci", [4, 4, 14]) as con:
        rows = con.execute(
            "SELECT kode_wilayah, nilai, disamarkan, batas_bawah, batas_atas "
            "FROM mart.agregat_kelurahan ORDER BY kode_wilayah"
        ).fetchall()
        ditekan = con.execute(
            "SELECT semester, kode_kecamatan, ukuran, putaran FROM mart.sel_ditekan"
        ).fetchall()
        hasil = audit_connection(con)
    assert ditekan == [("2024-S1", "53.71.09", "akta_perkawinan_terbit", 1)]
    assert [r[1:] for r in rows] == [(None, True, 0, 22)] * 3
    assert hasil.lulus and not hasil.temuan
    assert [(r.minimum, r.maksimum) for r in hasil.rentang] == [(0, 22)] * 3

    with build_example(tmp_path / "longgar", [4, 4, 13]) as con:
        rows = con.execute(
            "SELECT nilai, disamarkan, batas_bawah, batas_atas FROM mart.agregat_kelurahan "
            "ORDER BY kode_wilayah"
        ).fetchall()
        assert con.execute("SELECT count(*) FROM mart.sel_ditekan").fetchone() == (0,)
        assert audit_connection(con).lulus
    assert rows == [(rounded(4), True, 0, 4), (rounded(4), True, 0, 4), (rounded(13), False, 5, 14)]


def test_blocking_check_fails_on_a_pinned_cell_and_names_no_count(tmp_path: Path):
    """The asset check that guards publication, on a working file holding the pinned example
    above: it fails, and its metadata carries codes and widths, never a count."""
    warehouse = Warehouse(raw_dir=str(tmp_path / "raw"), warehouse_dir=str(tmp_path / "wh"))
    with warehouse.connect() as con:  # creates the layers and installs the macros
        con.execute(
            "CREATE TABLE mart.agregat_kelurahan AS SELECT * FROM (VALUES "
            "('2024-S1', '53.71.09', '53.71.09.1001', 'akta_perkawinan_terbit', 0, 0, 4), "
            "('2024-S1', '53.71.09', '53.71.09.1002', 'akta_perkawinan_terbit', 0, 0, 4), "
            "('2024-S1', '53.71.09', '53.71.09.1003', 'akta_perkawinan_terbit', 10, 5, 14)) "
            "AS t(semester, kode_kecamatan, kode_wilayah, ukuran, nilai, batas_bawah, batas_atas)"
        )
        con.execute(
            "CREATE TABLE mart.agregat_wilayah AS SELECT '2024-S1' AS semester, "
            "'53.71.09' AS kode_wilayah, 'kecamatan' AS tingkat, "
            "'akta_perkawinan_terbit' AS ukuran, 22 AS nilai"
        )
    result = audit_sel_kecil(warehouse=warehouse)
    assert not result.passed
    assert result.metadata["sel_dapat_dipersempit"].value == 2
    shown = result.metadata["contoh"].value
    assert "53.71.09.1001" in shown and "53.71.09.1002" in shown
    assert " 4 " not in shown and "| 4" not in shown  # the pinned count itself


def test_a_block_still_pinned_after_suppression_widens_to_its_whole_kecamatan():
    """A pinned cell in a block not yet suppressed suppresses that block; one in a block
    already suppressed (tied to other measures by an identity) suppresses every measure of its
    kecamatan and semester, and nothing of another kecamatan."""
    kec = ("2024-S1", "53.71.09")
    ukuran = {kec: {"penduduk", "wajib_ktp_el", "wajib_kia"}, ("2024-S1", "53.71.01"): {"penduduk"}}
    pinned = Rentang(*kec, "53.71.09.1001", "wajib_kia", 3, 3)
    hasil = HasilAudit([pinned], [pinned], [], Aturan(4, 1))
    assert set(blok_berikutnya(hasil, set(), ukuran)) == {(*kec, "wajib_kia")}
    after = blok_berikutnya(hasil, {(*kec, "wajib_kia")}, ukuran)
    assert set(after) == {(*kec, "penduduk"), (*kec, "wajib_ktp_el")}
