"""A blocking check must not pass because the data it checks is gone (issue 9, item 1): an IKU
(indicator x year) that analysts already see in the published file and that vanishes from a new
build stops publication, naming indicators and years, unless the officer retires it as data
(`tahun_akhir` in raw/indikator/definisi_indikator.csv)."""

import csv

import duckdb
import pytest
from berkas import KUPANG
from test_gx import _check_evaluations, _sha256

from pipelines.config import Paths
from pipelines.defs.masukan import sumber as S
from pipelines.defs.masukan.gerbang import validate_table
from pipelines.defs.masukan.readers import read_raw
from pipelines.defs.publikasi.gudang_analis import muat_iku_terbit
from pipelines.domain.penolakan import InputRejected
from pipelines.gudang.db import load_sql

TIDAK_HILANG = "checks/mart__pengukuran_kinerja__tidak_hilang"
TARGET_LENGKAP = "checks/mart__pengukuran_kinerja__target_lengkap"
# Tabel 3 of 2023 as published: (kode_indikator, realisasi) of a small office.
TERBIT = [(2022, "ktp_el", 95.0), (2023, "ktp_el", 97.5), (2023, "kia", 46.2), (2023, "akta", 57.6)]


def _tabel(con, name: str, columns: str, rows: list[tuple]) -> None:
    con.execute(f"CREATE TABLE {name} ({columns})")
    if rows:
        con.executemany(f"INSERT INTO {name} VALUES ({', '.join('?' * len(rows[0]))})", rows)


class Gudang:
    """A working file and (optionally) a published file holding only what the checks read."""

    def __init__(self, tmp_path):
        self.paths = Paths(raw_dir=tmp_path / "raw", warehouse_dir=tmp_path / "warehouse")
        self.paths.build_db.parent.mkdir(parents=True)

    def terbitkan(self, rows: list[tuple]) -> None:
        with duckdb.connect(str(self.paths.published_db)) as con:
            con.execute("CREATE SCHEMA mart")
            _tabel(
                con,
                "mart.pengukuran_kinerja",
                "tahun INT, kode_indikator TEXT, realisasi DOUBLE",
                rows,
            )

    def bangun(self, iku: list[tuple], tahun_akhir: dict | None = None, target=()) -> None:
        definisi = [(k, (tahun_akhir or {}).get(k)) for k in ("ktp_el", "kia", "akta", "baru")]
        self.paths.build_db.unlink(missing_ok=True)  # each build starts from nothing
        with duckdb.connect(str(self.paths.build_db)) as con:
            for schema in ("raw", "conformed", "mart"):
                con.execute(f"CREATE SCHEMA {schema}")
            _tabel(con, "conformed.indikator", "kode_indikator TEXT, tahun_akhir BIGINT", definisi)
            _tabel(
                con,
                "mart.pengukuran_kinerja",
                "tahun INT, kode_indikator TEXT, realisasi DOUBLE",
                iku,
            )
            # here only reported indicators or none: no DKB semester
            con.execute("ALTER TABLE mart.pengukuran_kinerja ADD COLUMN semester TEXT")
            _tabel(con, "conformed.target_tahunan", "kode_indikator TEXT, tahun INT", list(target))

    def periksa(self, check: str = TIDAK_HILANG) -> list[tuple]:
        with duckdb.connect(str(self.paths.build_db), read_only=True) as con:
            muat_iku_terbit(con, self.paths)
            return con.execute(load_sql(check)).fetchall()


@pytest.fixture
def gudang(tmp_path) -> Gudang:
    return Gudang(tmp_path)


def test_first_publication_nothing_can_vanish(gudang):
    gudang.bangun([(2023, "ktp_el", 97.5)])
    assert gudang.periksa() == []


def test_same_or_more_indicators_pass(gudang):
    gudang.terbitkan(TERBIT)
    gudang.bangun([*TERBIT, (2023, "baru", 10.0), (2024, "ktp_el", 98.0)])
    assert gudang.periksa() == []


def test_vanished_indicators_are_named_with_their_year(gudang):
    gudang.terbitkan(TERBIT)
    # kia gone, akta still listed but without a realisasi: both vanished from Tabel 3 of 2023
    gudang.bangun([(2022, "ktp_el", 95.0), (2023, "ktp_el", 97.6), (2023, "akta", None)])
    ((tahun, indikator, pesan),) = gudang.periksa()
    assert (tahun, indikator) == (2023, "akta, kia")
    assert pesan.startswith("IKU 2023 hilang dibanding versi terbit: akta, kia. ")
    assert "tahun_akhir" in pesan and "raw/indikator/definisi_indikator.csv" in pesan


def test_a_whole_year_vanishing_is_caught(gudang):
    """No row left for 2023 at all: the year-scoped target check has nothing to look at, this
    one still names every indicator of the year."""
    gudang.terbitkan(TERBIT)
    gudang.bangun([(2022, "ktp_el", 95.0)], target=[("ktp_el", 2023), ("kia", 2023)])
    assert gudang.periksa(TARGET_LENGKAP) == []
    assert [r[:2] for r in gudang.periksa()] == [(2023, "akta, kia, ktp_el")]


def test_retired_indicators_pass_only_after_their_last_year(gudang):
    gudang.terbitkan(TERBIT)
    iku = [(2022, "ktp_el", 95.0), (2023, "ktp_el", 97.6)]
    gudang.bangun(iku, tahun_akhir={"kia": 2022, "akta": 2022})
    assert gudang.periksa() == []
    # tahun_akhir 2023 says akta is still reported in 2023: its absence still blocks
    gudang.bangun(iku, tahun_akhir={"kia": 2022, "akta": 2023})
    assert [r[:2] for r in gudang.periksa()] == [(2023, "akta")]


def test_target_check_sees_a_year_that_kept_only_its_reported_indicators(gudang):
    """The DKB semester of 2023 was not read: the reported indicator (semester NULL) is left,
    the formula indicators with a 2023 target have no row; the year still counts as reported."""
    gudang.bangun([(2023, "akta", 57.6)], target=[("ktp_el", 2023), ("kia", 2023), ("akta", 2023)])
    assert sorted(gudang.periksa(TARGET_LENGKAP)) == [(2023, "kia"), (2023, "ktp_el")]


def _tulis_csv(path, records: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(records[0]))
        writer.writeheader()
        writer.writerows(records)


def _baca_csv(path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_tahun_akhir_is_optional_in_the_definitions(tmp_path):
    """Files written before the column existed stay valid; a year that is not a year is
    refused at its row."""
    bundled = KUPANG / "indikator" / "definisi_indikator.csv"
    # pembilang/penyebut must be measures of raw/referensi/ukuran_dkb.csv
    ukuran = _baca_csv(KUPANG / "referensi" / "ukuran_dkb.csv")
    known = {"ukuran": {r["ukuran"] for r in ukuran}}
    typed = validate_table(read_raw(bundled, S.INDIKATOR), S.INDIKATOR, known=known)
    assert typed.set_index("kode_indikator")["tahun_akhir"].dropna().to_dict() == {
        "cakupan_ktp": 2022  # "tidak dipakai sejak 2023"
    }

    records = _baca_csv(bundled)
    lama = tmp_path / "definisi_indikator.csv"
    _tulis_csv(lama, [{k: v for k, v in r.items() if k != "tahun_akhir"} for r in records])
    typed = validate_table(read_raw(lama, S.INDIKATOR), S.INDIKATOR, known=known)
    assert len(typed) == len(records) and typed["tahun_akhir"].isna().all()

    records[1]["tahun_akhir"] = "22"  # rasio_kia, file row 3
    _tulis_csv(lama, records)
    with pytest.raises(InputRejected, match=r"baris 3, kolom tahun_akhir.*nilai '22'"):
        validate_table(read_raw(lama, S.INDIKATOR), S.INDIKATOR, known=known)


def test_vanished_iku_block_publication_until_retired(bundled_copy):
    """The office drops the KIA indicators from its 2023 PK (target rows deleted): Tabel 3 of
    2023 would lose two rows that analysts already see. The run stops, naming them, and the
    published file and the workbook stay as they were; once the officer sets tahun_akhir = 2022
    for both, the run publishes eight IKU for 2023."""
    pipeline = bundled_copy  # published once, by the bundled run
    published = pipeline.paths.published_db
    workbook = pipeline.paths.reports_dir / "2023" / "LAKIP_2023_tabel.xlsx"
    before, workbook_before = _sha256(published), _sha256(workbook)
    kia = {"rasio_kia", "kepemilikan_kia"}

    target = pipeline.paths.raw_dir / "indikator" / "target.csv"
    rows = _baca_csv(target)
    _tulis_csv(
        target, [r for r in rows if not (r["kode_indikator"] in kia and r["tahun"] == "2023")]
    )
    result = pipeline.run(raise_on_error=False)

    assert not result.success
    evaluation = _check_evaluations(pipeline.instance, result.run_id)[
        ("mart/pengukuran_kinerja", "tidak_hilang")
    ]
    assert not evaluation.passed
    assert evaluation.description.startswith(
        "IKU 2023 hilang dibanding versi terbit: kepemilikan_kia, rasio_kia. "
    )
    materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert "mart/pengukuran_kinerja" in materialized  # built in the working file, then checked
    assert not materialized & {"publikasi/gudang_analis", "publikasi/lakip_xlsx"}
    assert (_sha256(published), _sha256(workbook)) == (before, workbook_before)

    definisi = pipeline.paths.raw_dir / "indikator" / "definisi_indikator.csv"
    records = _baca_csv(definisi)
    for r in records:
        r["tahun_akhir"] = "2022" if r["kode_indikator"] in kia else ""
    _tulis_csv(definisi, records)
    assert pipeline.run().success
    with pipeline.published() as con:
        shown = {
            r[0]
            for r in con.execute(
                "SELECT kode_indikator FROM mart.pengukuran_kinerja WHERE tahun = 2023"
            ).fetchall()
        }
        assert len(shown) == 8 and not shown & kia
