"""Province and nation (issue 12, route 2): three synthetic offices in two provinces (Kabupaten
Manggarai 53.10 and Manggarai Barat 53.12 in NTT, Pulau Taliabu 82.08 in Maluku Utara), 53.12
with a bad workbook, through `pipelines/provinsi/gabungan.py` in one batched run, then the
rollup and its publication.

Expected figures are computed here with pandas from the true desa counts the generator returns
(`pipelines/synthetic/kantor.py`), never read back from the code under test."""

from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path

import dagster as dg
import duckdb
import openpyxl
import pandas as pd
import pytest

from pipelines.config import Paths, Pengaturan
from pipelines.defs.masukan.agregat import _duplicates, dkb_agregat
from pipelines.defs.masukan.agregat import ingest_dkb as dkb_step
from pipelines.defs.masukan.readers import file_sha256
from pipelines.defs.masukan.schemas import SOURCES
from pipelines.defs.masukan.ukuran import PetaUkuran
from pipelines.domain import wilayah as nasional
from pipelines.domain.penolakan import InputRejected
from pipelines.provinsi import gabungan as G
from pipelines.synthetic.kantor import TOPIK, buat_kantor

SEMESTER = "2023-S2"
BAIK = ("53.10", "82.08")
BURUK = "53.12"
# the bad workbook: the 4th data row (sheet row 5) prints REKAM 5 too many, so WKTP is no
# longer REKAM + BLM_REKAM (an identity of sql/macros/identitas_ukuran.sql)
BARIS_BURUK, SELISIH = 5, 5


def _rusak_rekam(raw: Path) -> Path:
    path = next((raw / "dkb" / SEMESTER).glob("agr_rekam_cetak_ektp_*.xlsx"))
    book = openpyxl.load_workbook(path)
    sheet = book.active
    column = [c.value for c in sheet[1]].index("REKAM") + 1
    sheet.cell(BARIS_BURUK, column).value += SELISIH
    book.save(path)
    return path


def _gabungan(root: Path) -> G.GudangGabungan:
    return G.GudangGabungan(raw_dir=str(root / "raw"), warehouse_dir=str(root / "warehouse"))


def _jalankan(root: Path, codes: list[str], instance: dg.DagsterInstance | None = None):
    """The offices' partitions in ONE run (a backfill's batch), then the rollup run."""
    instance = instance or dg.DagsterInstance.ephemeral()
    instance.add_dynamic_partitions("kantor", sorted(codes))
    instance.add_dynamic_partitions("semester_kantor", [SEMESTER])
    defs = dg.Definitions(
        assets=G.ASSETS,
        asset_checks=G.CHECKS,
        jobs=G.JOBS,
        resources={"gabungan": _gabungan(root), "pengaturan": Pengaturan()},
    )
    # in the definition's order (dynamic partitions: as added), as a backfill's range is
    keys = G.PARTISI.get_partition_keys(dynamic_partitions_store=instance)
    kantor = defs.get_job_def("gabungan_kantor").execute_in_process(
        instance=instance,
        tags={
            "dagster/asset_partition_range_start": keys[0],
            "dagster/asset_partition_range_end": keys[-1],
        },
    )
    terbit = defs.get_job_def("gabungan_terbit").execute_in_process(
        instance=instance, raise_on_error=False
    )
    return kantor, terbit


@pytest.fixture(scope="module")
def provinsi(tmp_path_factory):
    root = tmp_path_factory.mktemp("provinsi")
    benar = {}
    for kode in (*BAIK, BURUK):
        benar[kode] = buat_kantor(root / "raw" / kode, kode, SEMESTER)["angka"]
    rusak = _rusak_rekam(root / "raw" / BURUK)
    kantor, terbit = _jalankan(root, [*BAIK, BURUK])
    return root, benar, rusak, kantor, terbit


@pytest.fixture(scope="module")
def terbit(provinsi):
    root = provinsi[0]
    con = duckdb.connect(str(_gabungan(root).paths.published_db), read_only=True)
    yield con
    con.close()


def _panjang(benar: dict[str, dict[str, int]]) -> pd.DataFrame:
    return pd.DataFrame(
        [(d, u, v) for d, a in benar.items() for u, v in a.items()],
        columns=["kode_desa", "ukuran", "nilai"],
    )


def _kecamatan(benar) -> pd.DataFrame:
    """True kecamatan totals: the desa counts summed by the first 8 characters of the code."""
    long = _panjang(benar)
    long["kode_wilayah"] = long["kode_desa"].str.slice(0, 8)
    return long.groupby(["kode_wilayah", "ukuran"], as_index=False)["nilai"].sum()


def _jumlah(*offices) -> pd.Series:
    return pd.concat([_panjang(b) for b in offices]).groupby("ukuran")["nilai"].sum()


def test_both_runs_succeed_with_one_materialization_per_office(provinsi):
    _, _, _, kantor, terbit = provinsi
    assert kantor.success and terbit.success
    # one run, every office's partition materialized (the refused one is recorded, not failed)
    partitions = {e.partition for e in kantor.get_asset_materialization_events()}
    assert partitions == {f"{k}|{SEMESTER}" for k in (*BAIK, BURUK)}
    assert all(c.passed for c in terbit.get_asset_check_evaluations())
    assert len(terbit.get_asset_check_evaluations()) == len(G.CHECKS) == 4


def test_each_office_kecamatan_and_kabkota_rows_equal_the_true_counts(provinsi, terbit):
    benar = provinsi[1]
    for kode in BAIK:
        got = terbit.execute(
            "SELECT kode_wilayah, ukuran, nilai, tingkat FROM gabungan.agregat_wilayah "
            "WHERE kode_kantor = ? AND semester = ?",
            [kode, SEMESTER],
        ).df()
        kecamatan = got[got.tingkat == "kecamatan"].drop(columns="tingkat")
        expected = _kecamatan(benar[kode])
        both = kecamatan.merge(expected, on=["kode_wilayah", "ukuran"], how="outer")
        assert len(both) == len(expected) > 0
        assert (both["nilai_x"] == both["nilai_y"]).all()
        kab = got[got.tingkat == "kabkota"].set_index("ukuran")["nilai"]
        assert set(got[got.tingkat == "kabkota"]["kode_wilayah"]) == {kode}
        assert kab.sort_index().tolist() == _jumlah(benar[kode]).sort_index().tolist()


def test_province_and_national_totals_are_sums_of_the_accepted_offices(provinsi, terbit):
    benar = provinsi[1]
    regions = nasional.national_list()
    per_province = pd.Series([r.kode[:2] for r in regions if r.tingkat in ("kabupaten", "kota")])
    for prov, offices in (("53", ["53.10"]), ("82", ["82.08"])):
        got = terbit.execute(
            "SELECT ukuran, nilai, disamarkan, jumlah_kantor_berangka, jumlah_kantor, lengkap "
            "FROM gabungan.agregat_provinsi WHERE kode_provinsi = ?",
            [prov],
        ).df()
        expected = _jumlah(*(benar[k] for k in offices))
        assert got.set_index("ukuran")["nilai"].sort_index().tolist() == expected.tolist()
        assert (got.jumlah_kantor_berangka == len(offices)).all()
        # counted against the national list: NTT has 22 kab/kota, Maluku Utara 10
        assert (got.jumlah_kantor == (per_province == prov).sum()).all()
        assert not got.lengkap.any() and not got.disamarkan.any()
    national = terbit.execute(
        "SELECT ukuran, nilai, jumlah_kantor, lengkap FROM gabungan.agregat_nasional"
    ).df()
    expected = _jumlah(*(benar[k] for k in BAIK))
    assert national.set_index("ukuran")["nilai"].sort_index().tolist() == expected.tolist()
    assert len(per_province) == 514
    assert (national.jumlah_kantor == 514).all()
    assert not national.lengkap.any()


def test_completeness_per_province_counts_accepted_refused_and_missing(terbit):
    rows = terbit.execute(
        "SELECT kode_provinsi, jumlah_kantor, diterima, ditolak, belum_ada, lengkap "
        "FROM gabungan.kelengkapan_provinsi WHERE kode_provinsi IN ('53', '82') "
        "ORDER BY kode_provinsi"
    ).fetchall()
    assert rows == [("53", 22, 1, 1, 20, False), ("82", 10, 1, 0, 9, False)]


def test_the_bad_office_is_refused_with_file_row_column_value_and_the_others_go_on(
    provinsi, terbit
):
    root, benar, rusak = provinsi[:3]
    status = dict(
        terbit.execute(
            "SELECT kode_kantor, status FROM gabungan.kantor WHERE status <> 'belum ada'"
        ).fetchall()
    )
    assert status == {"53.10": "diterima", "82.08": "diterima", "53.12": "ditolak"}
    alasan = terbit.execute(
        "SELECT alasan FROM gabungan.kantor WHERE kode_kantor = ?", [BURUK]
    ).fetchone()[0]
    berkas = f"raw/{BURUK}/dkb/{SEMESTER}/{rusak.name}"
    assert alasan.startswith(f"File {berkas} ditolak: 1 kesalahan")
    assert str(root) not in alasan  # the officer's path, not this machine's
    rows = terbit.execute(
        "SELECT berkas, baris, kolom, nilai, aturan FROM gabungan.penolakan WHERE kode_kantor = ?",
        [BURUK],
    ).df()
    assert len(rows) == 1
    row = rows.iloc[0]
    assert (row.berkas, row.baris) == (berkas, BARIS_BURUK)
    # the gate names the measures of the broken identity, the value as printed
    assert row.kolom == "wajib_ktp_el, ktp_el_sudah_rekam, ktp_el_belum_rekam"
    # the value as printed: the desa's REKAM, SELISIH above its true count
    desa = sorted(benar[BURUK])[1]  # sheet rows: header, kab, 1st kecamatan, its desa
    rekam = benar[BURUK][desa]["ktp_el_sudah_rekam"] + SELISIH
    assert f"{rekam:,}".replace(",", ".") in row.nilai
    assert f"baris {BARIS_BURUK}, kolom" in alasan
    offices = terbit.execute("SELECT DISTINCT kode_kantor FROM gabungan.agregat_wilayah")
    assert {r[0] for r in offices.fetchall()} == set(BAIK)


def test_percentages_are_recomputed_from_summed_counts_never_averaged(provinsi, terbit):
    benar = provinsi[1]
    total = _jumlah(*(benar[k] for k in BAIK))
    expected = total["ktp_el_sudah_rekam"] / total["wajib_ktp_el"] * 100
    per_office = [
        _jumlah(benar[k])["ktp_el_sudah_rekam"] / _jumlah(benar[k])["wajib_ktp_el"] * 100
        for k in BAIK
    ]
    averaged = sum(per_office) / len(per_office)
    assert abs(averaged - expected) > 0.01  # the case where averaging would be wrong
    got = terbit.execute(
        "SELECT nilai, pembilang, penyebut, jumlah_kantor FROM gabungan.indikator "
        "WHERE tingkat = 'nasional' AND kode_indikator = 'kepemilikan_ktp_el'"
    ).fetchone()
    assert got[0] == pytest.approx(expected, rel=1e-12)
    assert got[1:] == (total["ktp_el_sudah_rekam"], total["wajib_ktp_el"], 2)
    kia = terbit.execute(
        "SELECT kode_wilayah, nilai FROM gabungan.indikator "
        "WHERE tingkat = 'provinsi' AND kode_indikator = 'kepemilikan_kia'"
    ).fetchall()
    for prov, nilai in kia:
        t = _jumlah(benar[{"53": "53.10", "82": "82.08"}[prov]])
        assert nilai == pytest.approx(t["kia_memiliki"] / t["wajib_kia"] * 100, rel=1e-12)


def test_kelurahan_rows_are_published_under_the_office_small_cell_rule(provinsi, terbit):
    benar = provinsi[1]
    got = terbit.execute(
        "SELECT kode_kantor, kode_kelurahan, ukuran, nilai, disamarkan, batas_bawah, batas_atas "
        "FROM gabungan.agregat_kelurahan"
    ).df()
    true = pd.concat([_panjang(benar[k]) for k in BAIK]).rename(
        columns={"kode_desa": "kode_kelurahan", "nilai": "benar"}
    )
    both = got.merge(true, on=["kode_kelurahan", "ukuran"])
    assert len(both) == len(got) == len(true)
    shown = both.dropna(subset=["nilai"])
    assert (shown["nilai"] % 10 == 0).all()
    bounded = both.dropna(subset=["batas_bawah"])
    assert (bounded["benar"] >= bounded["batas_bawah"]).all()
    assert (bounded["benar"] <= bounded["batas_atas"]).all()
    small = both[both["benar"].between(1, 4)]
    assert len(small) > 0 and small["disamarkan"].all()  # the generator's tiny desa
    assert (shown["nilai"] != shown["benar"]).any()  # rounded, not the true counts


def test_nothing_personal_reaches_the_combined_file(terbit):
    tables = terbit.execute(
        "SELECT table_schema, table_name, column_name FROM information_schema.columns "
        "WHERE data_type = 'VARCHAR'"
    ).fetchall()
    columns = {c for *_, c in tables}
    assert not columns & {"nik", "no_kk", "nama_lgkp", "nama"}
    # a NIK or KK number: 16 digits on their own (a sha256 may hold 16 digits in a row)
    sixteen = re.compile(r"(?<![0-9a-f])\d{16}(?![0-9a-f])")
    for schema, table, column in tables:
        values = terbit.execute(f'SELECT DISTINCT "{column}" FROM {schema}.{table}').fetchall()
        assert not any(v and sixteen.search(v) for (v,) in values), (table, column)


def test_a_failing_check_keeps_the_published_file(provinsi, tmp_path):
    """An office's kab/kota row that is not the sum of its kecamatan (a tampered figures file):
    the province check fails, publication does not run, analysts keep the last good file."""
    root = provinsi[0]
    shutil.copytree(root / "warehouse", tmp_path / "warehouse")
    (tmp_path / "raw").mkdir()
    gabungan = _gabungan(tmp_path)
    before = file_sha256(gabungan.paths.published_db)
    folder = gabungan.folder_kantor("82.08", SEMESTER)
    figures = folder / json.loads((folder / G.STATUS).read_text())["angka"]["agregat_wilayah"]
    frame = pd.read_parquet(figures)
    frame.loc[(frame.kode_wilayah == "82.08") & (frame.ukuran == "penduduk"), "nilai"] += 1
    frame.to_parquet(figures, index=False)
    defs = dg.Definitions(
        assets=G.ASSETS,
        asset_checks=G.CHECKS,
        jobs=G.JOBS,
        resources={"gabungan": gabungan, "pengaturan": Pengaturan()},
    )
    result = defs.get_job_def("gabungan_terbit").execute_in_process(raise_on_error=False)
    failed = {c.check_name for c in result.get_asset_check_evaluations() if not c.passed}
    assert failed == {"jumlah_kantor"}  # the province's and the nation's
    published = {e.asset_key for e in result.get_asset_materialization_events()}
    assert dg.AssetKey(["gabungan", "dukcapil"]) not in published
    assert file_sha256(gabungan.paths.published_db) == before


def test_the_route_reads_the_inputs_of_the_office_dkb_step():
    """BAHAN_DKB is what raw/dkb_agregat and the gates of its inputs read: a new input of the
    office's DKB step must be added to the route too."""
    needed, todo = set(), [k.path[-1] for k in dkb_agregat.dependency_keys]
    while todo:
        name = todo.pop()
        if name not in needed:
            needed.add(name)
            todo += list(SOURCES[name].upstream) if name in SOURCES else []
    needed |= {"wilayah_kemendagri"}  # raw/wilayah's own source: the national list
    assert set(G.BAHAN_DKB) == needed
    # upstream first: every input's references come before it
    order = {n: i for i, n in enumerate(G.BAHAN_DKB)}
    for name in G.BAHAN_DKB:
        for up in SOURCES[name].upstream if name in SOURCES else ():
            assert order[up] < order[name]


def test_three_small_offices_are_built_fast_and_keep_the_measures_identities(tmp_path):
    start = time.perf_counter()
    for kode in ("53.10", "53.12", "82.08"):
        hasil = buat_kantor(tmp_path / kode, kode, penduduk=20_000)
    assert time.perf_counter() - start < 2
    a = _panjang(hasil["angka"]).pivot(index="kode_desa", columns="ukuran", values="nilai")
    assert len(a) == 71  # Pulau Taliabu's desa in the national list
    assert (a.wajib_ktp_el + a.wajib_kia == a.penduduk).all()
    assert (a.ktp_el_sudah_rekam + a.ktp_el_belum_rekam == a.wajib_ktp_el).all()
    assert (a.penduduk_laki_laki + a.penduduk_perempuan == a.penduduk).all()
    assert (a.anak_akta_kelahiran_memiliki <= a.penduduk_akta_kelahiran_memiliki).all()
    assert (a.wajib_kia <= a.anak_0_17).all()
    # every header the workbooks print maps to its measure in the office's mapping
    peta = PetaUkuran.from_files(tmp_path / "82.08")
    for topik, columns in TOPIK.items():
        mapped = {h: m.ukuran for m in peta.measures("siak_agregat", topik, required=False)
                  for h in m.headers}  # fmt: skip
        assert {h: mapped.get(h) for h, _ in columns} == dict(columns)


def test_duplicate_figures_of_two_topics_are_refused_and_equal_ones_pass():
    rows = pd.DataFrame(
        {
            "kode_wilayah": ["82.08.01", "82.08.01", "82.08.02", "82.08.02"],
            "ukuran": ["penduduk"] * 4,
            "nilai": [100, 101, 50, 50],
            "_berkas": ["a.xlsx", "b.xlsx", "a.xlsx", "b.xlsx"],
            "_baris": [3, 4, 5, 6],
        }
    )
    failures = _duplicates(rows)
    assert [(f.column, f.value) for f in failures] == [("penduduk", "82.08.01")]
    assert "a.xlsx baris 3 = 100; b.xlsx baris 4 = 101" in failures[0].rule


@pytest.mark.lambat
def test_a_synthetic_office_runs_through_the_office_pipeline(tmp_path):
    """pipelines/synthetic/kantor.py makes a whole office: 53.10 through the office's own
    pipeline, its published mart.agregat_wilayah equal to the sums of the true counts."""
    from conftest import Pipeline

    raw = tmp_path / "raw"
    benar = buat_kantor(raw, "53.10", SEMESTER, penduduk=60_000)["angka"]
    pipe = Pipeline(Paths(raw, tmp_path / "warehouse"), dg.DagsterInstance.ephemeral())
    assert pipe.run(SEMESTER).success
    with pipe.published() as con:
        got = con.execute(
            "SELECT kode_wilayah, ukuran, nilai FROM mart.agregat_wilayah "
            "WHERE tingkat = 'kecamatan'"
        ).df()
        kab = dict(
            con.execute(
                "SELECT ukuran, nilai FROM mart.agregat_wilayah WHERE kode_wilayah = '53.10'"
            ).fetchall()
        )
    both = got.merge(_kecamatan(benar), on=["kode_wilayah", "ukuran"], how="outer")
    assert len(both) == len(got) > 0 and (both.nilai_x == both.nilai_y).all()
    assert kab == _jumlah(benar).to_dict()


def test_the_published_tables_are_those_of_the_contract(terbit):
    """sql/kontrak/gabungan.yml: every table and column with its type, each described."""
    rows = terbit.execute(
        "SELECT table_schema || '.' || table_name, column_name, data_type "
        "FROM information_schema.columns ORDER BY table_schema, table_name, ordinal_position"
    ).fetchall()
    found: dict[str, list] = {}
    for table, column, kind in rows:
        found.setdefault(table, []).append((column, kind))
    assert found == {k: [(c.name, c.type) for c in t.columns] for k, t in G.KONTRAK.items()}
    assert all(c.description for t in G.KONTRAK.values() for c in t.columns)


def test_an_office_without_an_aggregate_for_the_semester_is_missing_not_accepted(tmp_path):
    """A semester with a resident extract only is `belum ada` here, with no figures; an empty
    semester folder is refused by the office's gate, as `make run` refuses it."""
    raw = tmp_path / "raw" / "82.08"
    buat_kantor(raw, "82.08", SEMESTER, penduduk=20_000)
    folder = raw / "dkb" / SEMESTER
    for path in folder.iterdir():
        path.unlink()
    gabungan = _gabungan(tmp_path)
    status = G.olah_kantor(gabungan, "82.08", SEMESTER, Pengaturan())
    assert status["status"] == "ditolak"
    assert status["alasan"].startswith(f"Folder raw/82.08/dkb/{SEMESTER} ditolak: tidak ada file")
    (folder / "penduduk.csv").write_text("NIK,NO_KK\n", encoding="utf-8")
    status = G.olah_kantor(gabungan, "82.08", SEMESTER, Pengaturan())
    assert status["status"] == "belum ada"
    where = f"raw/82.08/dkb/{SEMESTER}/"
    assert (
        status["alasan"]
        == f"tidak ada agregat DKB (agregat_kecamatan.* atau agr_*.xlsx) di {where}"
    )
    assert list(gabungan.folder_kantor("82.08", SEMESTER).glob("*.parquet")) == []


@pytest.mark.lambat
def test_the_benchmark_runs_at_a_tiny_size(tmp_path, capsys):
    """benchmarks/provinsi_agregat.py with two offices and one worker process: its figures."""
    from benchmarks import provinsi_agregat

    assert provinsi_agregat.main(["--kantor", "2", "--pekerja", "1", "--akar", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    row = next(line.split() for line in out.splitlines() if line.split()[:3] == ["2", "1", "1"])
    assert float(row[3]) > 0 and row[5] == "1.00×" and row[-1] == row[-3] == "MiB"
    assert sorted(p.name for p in (tmp_path / "raw").iterdir()) == provinsi_agregat.pilih(
        provinsi_agregat.semua_kode(), 2
    )


def test_an_office_with_a_resident_extract_beside_its_workbooks_is_missing_not_its_workbooks(
    tmp_path,
):
    """With both kinds in a semester the office publishes the record-level counts
    (sql/conformed/dkb_agregat.sql); this route does not compute those, so it must not put the
    workbooks' different figures in the totals as the office's, nor keep an earlier acceptance."""
    raw = tmp_path / "raw" / "82.08"
    buat_kantor(raw, "82.08", SEMESTER, penduduk=20_000)
    gabungan = _gabungan(tmp_path)
    assert G.olah_kantor(gabungan, "82.08", SEMESTER, Pengaturan())["status"] == "diterima"
    extract = tmp_path / "rekaman"
    buat_kantor(extract, "82.08", SEMESTER, jalur="rekaman", penduduk=2_000)
    shutil.copy(extract / "dkb" / SEMESTER / "penduduk.parquet", raw / "dkb" / SEMESTER)
    status = G.olah_kantor(gabungan, "82.08", SEMESTER, Pengaturan())
    assert status["status"] == "belum ada"
    assert status["alasan"].startswith(
        f"raw/82.08/dkb/{SEMESTER}/ berisi ekstrak rekaman penduduk di samping agregat"
    )
    assert list(gabungan.folder_kantor("82.08", SEMESTER).glob("*.parquet")) == []


def test_a_semester_an_office_has_not_sent_is_missing_not_refused(tmp_path):
    """A backfill of the office × semester grid (docs/gabungan.md: a national refresh) runs
    each office for every semester any office has: one whose folder is not there yet is
    `belum ada`, with no refusal rows, and its province is not told of a refused office."""
    buat_kantor(tmp_path / "raw" / "82.08", "82.08", SEMESTER, penduduk=20_000)
    status = G.olah_kantor(_gabungan(tmp_path), "82.08", "2024-S1", Pengaturan())
    assert (status["status"], status["alasan"]) == (
        "belum ada",
        "folder raw/82.08/dkb/2024-S1/ belum ada",
    )
    assert status["penolakan"] == []


def test_a_write_cut_short_leaves_the_office_figures_of_one_write(tmp_path, monkeypatch):
    """A revised office whose new figures are being written when the process dies (here the
    disk fails on the second of its three files): the rollup still reads the earlier write's
    figures, every table of them, never the new agregat_wilayah beside the old
    agregat_kelurahan; the next write leaves only its own files."""
    raw = tmp_path / "raw" / "82.08"
    first = buat_kantor(raw, "82.08", SEMESTER, penduduk=20_000)["angka"]
    gabungan = _gabungan(tmp_path)

    def read() -> tuple[int, int]:
        """(kab/kota penduduk, sum of the kelurahan penduduk) as the rollup reads them."""
        with duckdb.connect() as con:
            assert G.muat_masukan(con, gabungan) == 1
            return con.execute(
                "SELECT (SELECT nilai FROM masuk.agregat_wilayah WHERE kode_wilayah = '82.08' "
                "AND ukuran = 'penduduk'), (SELECT sum(nilai) FROM masuk.agregat_kelurahan "
                "WHERE ukuran = 'penduduk')"
            ).fetchone()

    assert G.olah_kantor(gabungan, "82.08", SEMESTER, Pengaturan())["status"] == "diterima"
    before = read()
    assert before[0] == _jumlah(first)["penduduk"]
    shutil.rmtree(raw / "dkb" / SEMESTER)
    second = buat_kantor(raw, "82.08", SEMESTER, penduduk=30_000, seed=1)["angka"]
    assert _jumlah(second)["penduduk"] != _jumlah(first)["penduduk"]

    written = pd.DataFrame.to_parquet
    calls = []

    def disk_full_on_the_second_file(frame, *args, **kwargs):
        calls.append(args[0])
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return written(frame, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_parquet", disk_full_on_the_second_file)
    with pytest.raises(OSError, match="No space left"):
        G.olah_kantor(gabungan, "82.08", SEMESTER, Pengaturan())
    monkeypatch.undo()

    assert read() == before  # every table of the first write
    assert G.olah_kantor(gabungan, "82.08", SEMESTER, Pengaturan())["status"] == "diterima"
    after = read()
    assert after[0] == _jumlah(second)["penduduk"] and after[1] != before[1]
    folder = gabungan.folder_kantor("82.08", SEMESTER)
    named = json.loads((folder / G.STATUS).read_text())["angka"]
    assert sorted(p.name for p in folder.glob("*.parquet")) == sorted(named.values())


def test_the_route_command_with_nothing_to_read_fails_saying_so(tmp_path, monkeypatch, capsys):
    """`python -m pipelines.provinsi.gabungan` on a raw/ without office folders, or with a
    code typed wrong, publishes nothing and says why (it used to print TERBIT, exit 0)."""
    buat_kantor(tmp_path / "raw" / "82.08 - Copy", "82.08", SEMESTER, penduduk=2_000)
    monkeypatch.setenv("DUKCAPIL_RAW_DIR", str(tmp_path / "raw"))
    monkeypatch.setenv("DUKCAPIL_WAREHOUSE_DIR", str(tmp_path / "warehouse"))
    assert G.main([]) == 1
    err = capsys.readouterr().err
    assert f"Tidak ada kantor × semester di {tmp_path / 'raw'}" in err
    shutil.copytree(tmp_path / "raw" / "82.08 - Copy", tmp_path / "raw" / "82.08")
    assert G.main(["--kantor", "82.8"]) == 1
    assert f"Tidak ada kantor 82.8 di {tmp_path / 'raw'}" in capsys.readouterr().err
    assert not (tmp_path / "warehouse" / "gabungan" / "dukcapil.duckdb").exists()


def test_a_nik_pasted_into_an_aggregate_cell_never_reaches_the_analyst_tables(tmp_path):
    """The refusal is stored by Dagster and published (gabungan.kantor, gabungan.penolakan):
    a 16-digit number in a count cell, as a NIK or KK number pasted by mistake, shows masked
    as the record-level path masks it (first and last 4 digits), its row and column named."""
    raw = tmp_path / "raw" / "82.08"
    buat_kantor(raw, "82.08", SEMESTER, penduduk=20_000)
    nik, kk = "8208014506900003", "8208010101200007"
    path = next((raw / "dkb" / SEMESTER).glob("agr_jk_*.xlsx"))
    book = openpyxl.load_workbook(path)
    header = [c.value for c in book.active[1]]
    book.active.cell(4, header.index("L") + 1).value = nik
    book.active.cell(5, header.index("P") + 1).value = kk
    book.save(path)
    # the office's own DKB step (raw/dkb_agregat of `make run`): its refusal, which Dagster
    # stores and the console prints, is masked, and keeps no unmasked cause
    kerja = G.GudangKantor(raw_dir=str(raw), warehouse_dir=str(tmp_path / "kerja"))
    konteks = G._Konteks(SEMESTER)
    G._muat_bahan(kerja, konteks, Pengaturan(), "82.08")
    with pytest.raises(InputRejected) as refused:
        dkb_step(konteks, kerja, Pengaturan())
    kerja.close()
    text = str(refused.value)
    assert nik not in text and kk not in text and "8208••••••••0003" in text
    assert refused.value.__cause__ is None and refused.value.__suppress_context__
    gabungan = _gabungan(tmp_path)
    status = G.olah_kantor(gabungan, "82.08", SEMESTER, Pengaturan())
    assert status["status"] == "ditolak"
    with duckdb.connect() as con:
        G.muat_masukan(con, gabungan)
        for name in ("status_kantor", "penolakan"):
            text = con.execute(f"SELECT * FROM masuk.{name}").df().to_csv()
            assert nik not in text and kk not in text, name
        rows = con.execute(
            "SELECT baris, kolom, nilai FROM masuk.penolakan ORDER BY baris"
        ).fetchall()
    assert ("8208••••••••0003" in status["alasan"]) and ("8208••••••••0007" in status["alasan"])
    assert (4, "L (penduduk_laki_laki)", "8208••••••••0003") in rows
    assert (5, "P (penduduk_perempuan)", "8208••••••••0007") in rows


def test_the_route_command_makes_its_dagster_home_on_first_use(tmp_path, monkeypatch, capsys):
    """`python -m pipelines.provinsi.gabungan` as docs/gabungan.md shows it, on a fresh
    machine: $DAGSTER_HOME not made yet (it ended in Dagster's traceback). Its runs are recorded
    there, and it prints each office's status and the published file."""
    buat_kantor(tmp_path / "raw" / "82.08", "82.08", SEMESTER, penduduk=2_000)
    home = tmp_path / "belum_ada" / "dagster"
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    monkeypatch.setenv("DUKCAPIL_RAW_DIR", str(tmp_path / "raw"))
    monkeypatch.setenv("DUKCAPIL_WAREHOUSE_DIR", str(tmp_path / "warehouse"))
    assert G.main([]) == 0
    out = capsys.readouterr().out
    assert f"{SEMESTER} 82.08: diterima" in out
    assert f"Gabungan TERBIT: {tmp_path / 'warehouse' / 'gabungan' / 'dukcapil.duckdb'}" in out
    with dg.DagsterInstance.from_config(str(home)) as instance:
        jobs = sorted(r.job_name for r in instance.get_runs())
    assert jobs == ["gabungan_kantor", "gabungan_terbit"]


@pytest.mark.parametrize("kode", ["../../luar", "53.10/../../../luar", "5310"])
def test_an_office_partition_typed_in_the_ui_never_names_a_folder_outside(tmp_path, kode):
    """Dynamic partitions can be added by hand in the UI: the office code names folders under
    raw/ and warehouse/gabungan/, so anything but a dotted kab/kota code is refused unread."""
    with pytest.raises(ValueError, match="bukan kode kab/kota bertitik"):
        G.olah_kantor(_gabungan(tmp_path), kode, SEMESTER, Pengaturan())
    assert list(tmp_path.rglob("*")) == []


def test_an_office_folder_discovery_now_refuses_leaves_the_totals(tmp_path):
    """An accepted office whose daerah.csv is then broken (two codes): discovery refuses the
    folder, so no run follows it; the rollup must not keep its last figures as `diterima`."""
    for kode in ("53.10", "82.08"):
        buat_kantor(tmp_path / "raw" / kode, kode, SEMESTER, penduduk=2_000)
    gabungan = _gabungan(tmp_path)
    for kode in ("53.10", "82.08"):
        assert G.olah_kantor(gabungan, kode, SEMESTER, Pengaturan())["status"] == "diterima"
    daerah = tmp_path / "raw" / "53.10" / "referensi" / "daerah.csv"
    header, row = daerah.read_text(encoding="utf-8").splitlines()[:2]
    daerah.write_text(f"{header}\n{row}\n{row.replace('53.10', '53.11')}\n", encoding="utf-8")
    with duckdb.connect() as con:
        assert G.muat_masukan(con, gabungan) == 1
        status = dict(con.execute("SELECT kode, status FROM masuk.status_kantor").fetchall())
        alasan = con.execute("SELECT alasan FROM masuk.status_kantor WHERE kode = '53.10'")
        alasan = alasan.fetchone()[0]
        offices = con.execute("SELECT DISTINCT kode_kantor FROM masuk.agregat_wilayah")
        offices = {k for (k,) in offices.fetchall()}
        rules = con.execute("SELECT aturan FROM masuk.penolakan WHERE kode = '53.10'").fetchall()
    assert status == {"53.10": "ditolak", "82.08": "diterima"}
    assert alasan.startswith("Folder kantor raw/53.10 ditolak: referensi/daerah.csv berisi kode")
    assert offices == {"82.08"}
    assert rules == [(alasan,)]
