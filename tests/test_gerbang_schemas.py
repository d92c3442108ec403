"""Each input's pandera gate rejects a bad row with a message naming file, row, column and value.

Every case edits one cell of a copy of a bundled file, so the rest of the file stays valid and
the error must point at that cell.
"""

import csv
import re
import shutil
from pathlib import Path

import dagster as dg
import pytest
from berkas import KUPANG
from openpyxl import load_workbook

from pipelines.config import PROJECT_ROOT
from pipelines.defs.masukan import sumber as S
from pipelines.defs.masukan.assets import _constants, build_ingest_asset
from pipelines.defs.masukan.berkas import find_files
from pipelines.defs.masukan.deklarasi import identities
from pipelines.defs.masukan.gerbang import RegionResolver, validate_table
from pipelines.defs.masukan.readers import read_raw
from pipelines.domain import wilayah as nasional
from pipelines.domain.penolakan import InputRejected
from tests.berkas import dkb_kecamatan_source

RAW = KUPANG
DKB_KUPANG = dkb_kecamatan_source(RAW)


# Kota Kupang's kecamatan and kelurahan as listed in the Kepmendagri reference, typed apart from
# the package the pipeline reads them from (tests/test_wilayah.py compares the two).
KUPANG_WILAYAH = Path(__file__).parent / "data" / "kupang_wilayah.csv"


def _known() -> dict[str, set]:
    wilayah = list(csv.DictReader(KUPANG_WILAYAH.open()))
    daerah = list(csv.DictReader((RAW / "referensi/daerah.csv").open()))
    definisi = list(csv.DictReader((RAW / "indikator/definisi_indikator.csv").open()))
    pk = list(csv.DictReader((RAW / "anggaran/2023/anggaran_pk.csv").open()))
    return {
        "wilayah": {w["kode"] for w in wilayah}
        | {w["kode_kecamatan"] for w in wilayah}
        | {d["kode"] for d in daerah},
        "indikator": {d["kode_indikator"] for d in definisi},
        "kabkota": {r.kode for r in nasional.national_list() if r.tingkat in ("kota", "kabupaten")},
        # scoped by year (ReferenceSet.per): the programs of each year's budget
        "program": {(int(p["tahun"]), p["kode_program"]) for p in pk if p["tahun"]},
        "ukuran": {u["ukuran"] for u in csv.DictReader((RAW / "referensi/ukuran_dkb.csv").open())}
        | {"-"},
    }


def _regions() -> RegionResolver:
    wilayah = csv.DictReader(KUPANG_WILAYAH.open())
    aliases = csv.DictReader((RAW / "referensi/wilayah_alias.csv").open())
    return RegionResolver.from_tables(
        {w["kecamatan"]: w["kode_kecamatan"] for w in wilayah},
        {a["alias"]: a["kode"] for a in aliases},
    )


def _edit_csv(src: Path, dst: Path, row: int, column: str, value: str) -> None:
    """Set the cell of `column` on line `row` (1 = header) of a CSV, keeping its dialect."""
    text = src.read_text(encoding="utf-8")
    delimiter = ";" if text.splitlines()[0].count(";") > text.splitlines()[0].count(",") else ","
    rows = list(csv.reader(text.splitlines(), delimiter=delimiter))
    rows[row - 1][rows[0].index(column)] = value
    with dst.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, delimiter=delimiter, lineterminator="\n").writerows(rows)


def _validate(source, path: Path, constants=None):
    table = read_raw(path, source)
    if source is S.DAERAH:  # name and level of the kab/kota, as the ingest step fills them
        constants = _constants(source, path, table)
    return validate_table(table, source, known=_known(), regions=_regions(), constants=constants)


# (source, bundled file, line, header, bad value, expected rule text)
CSV_CASES = [
    (S.DAERAH, "referensi/daerah.csv", 2, "kode", "53.7", "bukan salah satu nilai kabkota"),
    (S.DAERAH, "referensi/daerah.csv", 2, "kode", "53.71.01", "bukan salah satu nilai kabkota"),
    (S.WILAYAH_ALIAS, "referensi/wilayah_alias.csv", 2, "kode", "53.71.99", "tidak dikenal"),
    (S.INDIKATOR, "indikator/definisi_indikator.csv", 3, "arah", "keatas", "isin"),
    (
        S.KATEGORI,
        "indikator/kategori_capaian.csv",
        3,
        "batas_atas",
        "60",
        "batas_bawah < batas_atas",
    ),
    (S.TARGET, "indikator/target.csv", 5, "kode_indikator", "rasio_ktp", "tidak dikenal"),
    (S.TARGET, "indikator/target.csv", 5, "target", "-7", "greater_than(0)"),
    (
        S.REALISASI_DILAPORKAN,
        "indikator/realisasi_dilaporkan.csv",
        2,
        "realisasi",
        "57.61",
        "format",
    ),
    (
        S.RIWAYAT,
        "indikator/riwayat_capaian.csv",
        4,
        "tahun",
        "1899",
        "greater_than_or_equal_to(2000)",
    ),
    (S.ANGGARAN_PK, "anggaran/2023/anggaran_pk.csv", 3, "kode_program", "2.12", "str_matches"),
    (
        DKB_KUPANG,
        "dkb/2023-S2/agregat_kecamatan.csv",
        3,
        "BELUM REKAM KTP-EL",
        "1.912",
        "wajib_ktp_el = ktp_el_sudah_rekam + ktp_el_belum_rekam",
    ),
    (
        DKB_KUPANG,
        "dkb/2023-S2/agregat_kecamatan.csv",
        6,
        "KECAMATAN",
        "KOTA BARU",
        "tidak ada di referensi",
    ),
    (
        DKB_KUPANG,
        "dkb/2023-S2/agregat_kecamatan.csv",
        4,
        "WAJIB KIA",
        "1,5",
        "harus bilangan bulat",
    ),
    (
        DKB_KUPANG,
        "dkb/2023-S2/agregat_kecamatan.csv",
        5,
        "CETAK KTP-EL",
        "-1",
        "greater_than_or_equal_to(0)",
    ),
]


@pytest.mark.parametrize(("source", "name", "line", "header", "value", "rule"), CSV_CASES)
def test_gate_rejects_bad_cell(tmp_path, source, name, line, header, value, rule):
    bad = tmp_path / Path(name).name
    _edit_csv(RAW / name, bad, line, header, value)
    constants = {"semester": "2023-S2"} if source.partitioned else None
    with pytest.raises(InputRejected) as caught:
        _validate(source, bad, constants)
    message = str(caught.value)
    assert str(bad) in message
    matching = [f for f in caught.value.failures if rule in f.rule]
    assert matching, message
    failure = matching[0]
    assert failure.row == line
    # A cell rule shows the cell; a row rule shows each column it involves with its value.
    assert value in failure.value
    assert f"baris {line}" in message


def test_gate_accepts_every_bundled_file():
    for source in S.UNPARTITIONED_SOURCES:
        for path in find_files(source.files, RAW).files:
            constants = {"tahun": int(path.parent.name)} if source is S.REALISASI_ANGGARAN else None
            assert len(_validate(source, path, constants)) > 0


def test_budget_xlsx_bad_amount_names_excel_row_and_header(tmp_path):
    bad = tmp_path / "realisasi_anggaran_2023.xlsx"
    shutil.copy(RAW / "anggaran/2023/realisasi_anggaran_2023.xlsx", bad)
    book = load_workbook(bad)
    book.active["E8"] = "101.620.500,- (revisi)"  # REALISASI of Program Pencatatan Sipil
    book.save(bad)
    with pytest.raises(InputRejected) as caught:
        _validate(S.REALISASI_ANGGARAN, bad, {"tahun": 2023})
    (failure,) = caught.value.failures
    assert (failure.row, failure.column, failure.value) == (
        8,
        "REALISASI (Rp) (realisasi)",
        "101.620.500,- (revisi)",
    )


def test_budget_realisation_above_budget_is_rejected(tmp_path):
    bad = tmp_path / "realisasi_anggaran_2023.xlsx"
    shutil.copy(RAW / "anggaran/2023/realisasi_anggaran_2023.xlsx", bad)
    book = load_workbook(bad)
    book.active["E9"] = "17.097.701,-"  # one rupiah above its pagu of 17.097.700
    book.save(bad)
    with pytest.raises(InputRejected, match=r"baris 9.*realisasi <= anggaran"):
        _validate(S.REALISASI_ANGGARAN, bad, {"tahun": 2023})


def test_missing_column_is_named(tmp_path):
    src = (RAW / "indikator/target.csv").read_text().replace("dokumen", "dok", 1)
    bad = tmp_path / "target.csv"
    bad.write_text(src)
    with pytest.raises(
        InputRejected, match=r"baris 1, kolom DOKUMEN \(dokumen\), nilai '\(tidak ada\)'"
    ):
        _validate(S.TARGET, bad)


def _spelled_out(identity, text: str) -> int:
    """How often `text` spells the identity's three measures one after the other (a VALUES row,
    a Python call, a rule's words), whatever quotes, commas or operators lie between."""
    between = r"[\s'\",=+()]{1,40}"
    pattern = between.join(
        rf"\b{name}\b" for name in (identity.total, identity.bagian_1, identity.bagian_2)
    )
    return len(re.findall(pattern, text))


def test_row_identities_are_declared_once_in_the_macro():
    """The identities live in sql/macros/identitas_ukuran.sql only: the gate's identity rules
    are rows read from it (with the macro's words as their message), and no other code or SQL
    file spells one out (the reconciliation and the small-cell audit select from the macro)."""
    declared = identities()
    assert len(declared) == 5
    gate = {
        c.name: c.error
        for c in S.DKB_AGREGAT_KECAMATAN.schema.checks
        if c.name in declared  # the rules named after an identity of the macro
    }
    assert gate == {
        "rekam_ktp_el": "wajib_ktp_el = ktp_el_sudah_rekam + ktp_el_belum_rekam",
        "kia": "wajib_kia = kia_memiliki + kia_belum_memiliki",
    }
    files = [*(PROJECT_ROOT / "pipelines").rglob("*.py"), *(PROJECT_ROOT / "sql").rglob("*.sql")]
    for identity in declared.values():
        where = {
            str(f.relative_to(PROJECT_ROOT)): n
            for f in files
            if (n := _spelled_out(identity, f.read_text(encoding="utf-8")))
        }
        assert where == {"sql/macros/identitas_ukuran.sql": 1}, identity
    rekonsiliasi = (PROJECT_ROOT / "sql/mart/rekonsiliasi.sql").read_text(encoding="utf-8")
    assert "FROM identitas_ukuran()" in rekonsiliasi


def test_every_rule_of_every_input_carries_its_message():
    """A check's `error` is its rule in the officer's words, reported by the gate as it is; a
    check left with pandera's default (its own name, e.g. `greater_than(0)`) would reach the
    officer untranslated."""
    checked = 0
    for source in (*S.UNPARTITIONED_SOURCES, DKB_KUPANG, S.SIAK_AGREGAT):
        schema = source.schema
        for check in [*schema.checks, *(c for col in schema.columns.values() for c in col.checks)]:
            assert check.error and not check.error.startswith(check.name), (source.name, check)
            checked += 1
    assert checked > 30


def test_an_input_gate_waits_for_the_inputs_its_reference_sets_read():
    """Upstream inputs follow from the declaration: a reference set, or kecamatan names."""
    assert S.DKB_AGREGAT_KECAMATAN.upstream == ("daerah", "wilayah", "wilayah_alias")
    assert S.TERBITAN.upstream == S.WILAYAH_ALIAS.upstream == ("daerah", "wilayah")
    assert S.TARGET.upstream == S.RIWAYAT.upstream == ("indikator_definisi",)
    assert S.DAERAH.upstream == ("wilayah_kemendagri",)
    assert S.ANGGARAN_PK.upstream == ()
    asset = build_ingest_asset(S.TERBITAN)
    assert set(asset.asset_deps[asset.key]) == {
        dg.AssetKey(["raw", "daerah"]),
        dg.AssetKey(["raw", "wilayah"]),
    }
