"""Command line for officers: the same Dagster jobs the UI runs, with a readable summary.

    python -m pipelines.cli run                  # every semester found under raw/dkb/
    python -m pipelines.cli ingest --semester 2024-S1
    python -m pipelines.cli tabel3 [--tahun 2023]
    python -m pipelines.cli versi                # published versions kept for rollback
    python -m pipelines.cli pulihkan [--versi 20240815T…]   # re-publish a kept version
    python -m pipelines.cli kunci-ulang          # re-pseudonymise every semester under a new key
    python -m pipelines.cli hapus-semester --semester 2023-S2 --alasan "…"   # recorded removal
    python -m pipelines.cli sql FILE             # a query file, read-only, on the analyst file

Runs are recorded in the Dagster instance at $DAGSTER_HOME (the Makefile sets it to
`.dagster/`), so they also appear in the Dagster UI.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

import dagster as dg
import duckdb

from pipelines import runs
from pipelines.config import Paths, paths_from_env, pseudonym_key
from pipelines.defs.masukan.berkas import semester_folders
from pipelines.defs.masukan.partitions import SEMESTER
from pipelines.defs.masukan.readers import file_sha256
from pipelines.defs.masukan.siklus import (
    PenghapusanDitolak,
    hapus_semester,
    hapus_terbatas,
    pesan_tanpa_folder,
    semester_tanpa_folder,
)
from pipelines.defs.otomasi.jobs import TAG_HAPUS, segarkan_job
from pipelines.defs.otomasi.rilis import discover_semesters, release_tags, scan
from pipelines.defs.publikasi.gudang_analis import VERSION_PATTERN, describe_versions, rollback
from pipelines.defs.publikasi.gx_checks import data_docs_index
from pipelines.defs.rekaman.ekstrak import find_extract
from pipelines.domain.angka import format_id_number
from pipelines.domain.kunci import TAG_KUNCI_ULANG, catatan, sidik_kunci
from pipelines.domain.semester import is_semester
from pipelines.gudang.db import Warehouse

# Exit code of a refused argument (as argparse's own usage errors), before anything is run.
EXIT_ARGUMENT = 2


def _argument_error(args: argparse.Namespace) -> str | None:
    """Why an argument value is refused, checked before any partition or run is created.
    The Makefile passes values through the environment, never through a shell command line;
    this is the one place that decides what a value may be."""
    semester = getattr(args, "semester", None)
    if semester is not None and not is_semester(semester):
        return (
            f"Semester {semester!r} tidak valid: gunakan bentuk TAHUN-S1 atau TAHUN-S2 "
            "(mis. 2024-S1), tanpa spasi."
        )
    versi = getattr(args, "versi", None)
    if versi is not None and not VERSION_PATTERN.fullmatch(versi):
        return (
            f"Versi {versi!r} tidak valid: tulis cap waktu seperti yang dicetak `make versi` "
            "(mis. 20240815T070000123456Z) atau awalnya (minimal tanggal, mis. 20240815)."
        )
    file = getattr(args, "file", None)
    if file is not None:
        if any(c.isspace() for c in file):
            return f"File {file!r} ditolak: nama file tidak boleh berisi spasi atau baris baru."
        if not Path(file).is_file():
            return f"File {file!r} tidak ada atau bukan file biasa."
    return None


def run_sql(paths: Paths, file: Path) -> int:
    """An analyst query file on the published warehouse, read-only."""
    if not paths.published_db.exists():
        print("Gudang data analis belum ada: jalankan `make run` dulu.", file=sys.stderr)
        return 1
    con = duckdb.connect(str(paths.published_db), read_only=True)
    try:
        con.sql(file.read_text(encoding="utf-8")).show(max_rows=10000, max_width=200)
    except duckdb.Error as error:
        print(f"Kueri {file} gagal: {error}", file=sys.stderr)
        return 1
    finally:
        con.close()
    return 0


def _echo(line: str) -> None:
    print(line, flush=True)


def run_semester(
    semester: str,
    instance: dg.DagsterInstance,
    resources: dict | None = None,
    tags: dict[str, str] | None = None,
) -> bool:
    """Materialise every asset for one semester, showing progress; True when it succeeded.
    Two runs, as the UI's sensors do (pipelines/runs.py): the ingestion (`lakip`), then, only
    if it succeeded, the refresh (`lakip_segarkan`)."""
    result = runs.run_semester(semester, instance, resources, tags, echo=_echo)
    if result.progress is None:
        if result.ditolak:
            print(result.ditolak, file=sys.stderr)
        return False
    progress, ok = result.progress, result.ok
    sys.stdout.flush()
    for failure in progress.failures:
        print(f"\n{failure}\n", file=sys.stderr, flush=True)
    print(f"== Semester {semester}: {'BERHASIL' if ok else 'GAGAL'} dalam {result.seconds:.1f} dtk")
    run_ids = ", ".join(result.run_ids)
    print(f"   aset diperbarui: {progress.done} dari {progress.total}; run {run_ids}")
    if ok:
        return True
    if progress.failed_checks:
        print(f"   pemeriksaan gagal: {', '.join(progress.failed_checks)}")
    if progress.published:  # only an export after publication failed, e.g. the document
        print("   Gudang data analis SUDAH diperbarui; yang gagal hanya langkah di atas.")
    else:
        print("   Gudang data analis TIDAK diubah: analis tetap melihat versi terakhir yang baik.")
    return False


def print_tabel3(paths: Paths, tahun: int | None = None) -> None:
    if not paths.published_db.exists():
        print("Gudang data analis belum ada: jalankan `make run` dulu.")
        return
    con = duckdb.connect(str(paths.published_db), read_only=True)
    try:
        tahun = tahun or con.execute("SELECT max(tahun) FROM analis.iku_tahunan").fetchone()[0]
        rows = con.execute(
            "SELECT coalesce(nomor, ''), nama_indikator, target, realisasi, capaian, kategori "
            "FROM analis.iku_tahunan WHERE tahun = ? ORDER BY urutan",
            [tahun],
        ).fetchall()
    finally:
        con.close()

    def pct(x: float | None) -> str:
        return "-" if x is None else f"{x:.2f}".replace(".", ",") + " %"

    print(f"\nTabel 3. PENGUKURAN CAPAIAN KINERJA SASARAN TAHUN {tahun}")
    header = ("NO", "INDIKATOR KINERJA", "TARGET", "REALISASI", "CAPAIAN")
    print(f"{header[0]:3} {header[1]:60} {header[2]:>9} {header[3]:>10} {header[4]:>10}  KATEGORI")
    for nomor, nama, target, realisasi, capaian, kategori in rows:
        short = nama if len(nama) <= 60 else nama[:57] + "..."
        figures = f"{pct(target):>9} {pct(realisasi):>10} {pct(capaian):>10}"
        print(f"{nomor:3} {short:60} {figures}  {kategori}")
    print(f"(angka dipotong, bukan dibulatkan, ke 2 desimal; sumber: {paths.published_db})")


def print_kelengkapan(paths: Paths) -> None:
    """What each report year still lacks and every semester whose folder vanished, from the
    published file: the run summary's list of what blocks no year but needs an officer."""
    if not paths.published_db.exists():
        return
    con = duckdb.connect(str(paths.published_db), read_only=True)
    try:
        kurang = con.execute("SELECT pesan FROM mart.kelengkapan_tahun ORDER BY ALL").fetchall()
        hilang = semester_tanpa_folder(con, paths.raw_dir)
    finally:
        con.close()
    if not kurang and not hilang:
        return
    print("\nKELENGKAPAN PER TAHUN (tidak menghalangi tahun lain; mart.kelengkapan_tahun)")
    for (pesan,) in kurang:
        print(f"  - {pesan}")
    for semester in hilang:
        print(f"  ! {pesan_tanpa_folder(semester)}")


def remove_semester(
    paths: Paths, instance: dg.DagsterInstance, semester: str, alasan: str, petugas: str
) -> int:
    """The officer's recorded removal of a semester, then the refresh that republishes the
    warehouse without it (publication with its checks, so a failed refresh keeps analysts on
    the last good version)."""
    from pipelines.definitions import current_resources, defs

    warehouse = Warehouse(raw_dir=str(paths.raw_dir), warehouse_dir=str(paths.warehouse_dir))
    try:
        with warehouse.connect() as con:
            deleted, left = hapus_semester(con, semester, alasan, petugas)
    except PenghapusanDitolak as refusal:
        print(refusal, file=sys.stderr)
        return 1
    hapus_terbatas(paths.restricted_dir, semester)
    if instance.has_dynamic_partition(SEMESTER.name, semester):
        instance.delete_dynamic_partition(SEMESTER.name, semester)
    print(
        f"Semester {semester} dihapus dari gudang kerja ({deleted} baris) oleh {petugas}: "
        f"{alasan.strip()} (tercatat di raw.semester_dihapus)."
    )
    if (paths.raw_dir / "dkb" / semester).is_dir():
        print(
            f"  ! Folder raw/dkb/{semester}/ masih ada: `make run` akan membacanya lagi. "
            "Pindahkan folder itu keluar dari raw/ bila penghapusan ini tetap."
        )
    job = defs.resolve_job_def(segarkan_job.name)
    progress = runs.Progress(len(job.asset_layer.executable_asset_keys), _echo)
    print(f"== Penyegaran tanpa {semester} (semester {left}): {progress.total} aset", flush=True)
    resources = {**current_resources(), "warehouse": warehouse}
    ok, run_id = runs.execute(job, left, instance, progress, resources, {TAG_HAPUS: semester})
    for failure in progress.failures:
        print(f"\n{failure}\n", file=sys.stderr, flush=True)
    if ok:
        print(f"== Gudang data analis diterbitkan ulang tanpa semester {semester}; run {run_id}")
        print_kelengkapan(paths)
        return 0
    print(
        f"== Penyegaran GAGAL (run {run_id}): gudang data analis TIDAK diubah, analis masih "
        f"melihat versi dengan semester {semester}. Perbaiki penyebabnya lalu `make run`."
    )
    return 1


def print_versions(paths: Paths) -> None:
    """Each kept version: its semesters, the run that made it, when, and which one analysts see.
    Versions published before manifests existed show '-'."""
    versions = describe_versions(paths)
    if not versions:
        print(f"Belum ada versi di {paths.versions_dir}.")
        return
    print(f"  {'VERSI':26} {'SEMESTER':20} {'RUN':36} {'WAKTU (UTC)':25} {'UKURAN':>8}")
    for v in versions:
        semesters = "-" if v.semesters is None else ", ".join(v.semesters) or "(tidak ada)"
        size = f"{v.path.stat().st_size / 1e6:.1f} MB"
        line = f"{v.stamp:26} {semesters:20} {v.run_id or '-':36} {v.time or '-':25} {size:>8}"
        print(f"{'*' if v.current else ' '} {line}{'  ← aktif' if v.current else ''}")
    if not any(v.current for v in versions):
        print(f"  (berkas {paths.published_db} tidak sama dengan versi mana pun di atas)")


def print_rekonsiliasi(paths: Paths, limit: int = 40) -> None:
    """Reconciliation summary: counts per class, then every material difference."""
    if not paths.published_db.exists():
        return
    con = duckdb.connect(str(paths.published_db), read_only=True)
    try:
        counts = con.execute(
            "SELECT pemeriksaan, kelas, count(*) FROM mart.rekonsiliasi GROUP BY ALL ORDER BY ALL"
        ).fetchall()
        material = con.execute(
            "SELECT pemeriksaan, uraian, nilai_terbit, tampil(angka_hitung), teks_hitung, "
            "tampil(selisih) FROM mart.rekonsiliasi "
            "WHERE kelas IN ('material', 'tidak dapat dihitung')"
        ).fetchall()
    finally:
        con.close()
    print("\nREKONSILIASI: angka terbit vs hitung ulang dari masukan (mart.rekonsiliasi)")
    for pemeriksaan, kelas, n in counts:
        print(f"  {pemeriksaan:30} {kelas:22} {n:5}")
    print(f"Selisih material dan angka yang tidak dapat dihitung ({len(material)}):")
    for pemeriksaan, uraian, terbit, angka, teks, selisih in material[:limit]:
        decimals = 0 if angka is None or float(angka).is_integer() else 2
        hitung = teks if teks is not None else format_id_number(angka, decimals)
        beda = "" if selisih is None else f" (selisih {format_id_number(selisih, decimals)})"
        # one printed figure can fail two kinds of check (against its recomputation and as
        # its column's total): the kind tells the two lines apart
        print(f"  - [{pemeriksaan}] {uraian}: terbit {terbit}, hitung ulang {hitung}{beda}")
    if len(material) > limit:
        print(f"  … dan {len(material) - limit} lagi (SELECT * FROM mart.rekonsiliasi)")


def rekey(paths: Paths, instance: dg.DagsterInstance, warehouse: Warehouse) -> int:
    """Re-pseudonymise every semester of the restricted store under the current key. The NIK
    are not stored, and the extract is personal data so it is not archived: each semester is
    re-ingested from its extract in raw/, and only if that file is byte for byte the one
    accepted (checksum recorded with the key's fingerprint). Otherwise nothing is run."""
    try:
        key = pseudonym_key()
    except RuntimeError as error:
        print(error, file=sys.stderr)
        return 1
    recorded = catatan(paths.restricted_dir)
    todo = [c for c in recorded if c.sidik != sidik_kunci(key)]
    if not todo:
        done = ", ".join(c.semester for c in recorded) or "-"
        print(
            f"Tidak ada yang perlu dikunci ulang: data terbatas semester {done} sudah "
            "memakai kunci ini."
        )
        return 0
    blocked = []
    for c in todo:
        extract = find_extract(paths.raw_dir, c.semester)
        if c.sha256 is None:
            blocked.append(f"{c.semester}: checksum ekstrak yang diterima tidak tercatat")
        elif extract is None:
            blocked.append(
                f"{c.semester}: ekstraknya tidak ada lagi di {paths.raw_dir / 'dkb' / c.semester}"
            )
        elif file_sha256(extract) != c.sha256:
            blocked.append(f"{c.semester}: {extract} bukan lagi berkas yang diterima ({c.berkas})")
    if blocked:
        print(
            "Kunci ulang ditolak; tidak ada yang diubah. NIK asli tidak disimpan, jadi setiap "
            "semester harus dibaca ulang dari ekstrak yang sama persis dengan yang diterima. "
            "Semester yang tidak dapat dikunci ulang:\n  "
            + "\n  ".join(blocked)
            + "\nKembalikan ekstrak aslinya ke raw/dkb/<semester>/, lalu ulangi.",
            file=sys.stderr,
        )
        return 1
    release = scan(paths.raw_dir, settle_seconds=0)
    failed = []
    for c in todo:
        tags = release_tags(release, c.semester) | {TAG_KUNCI_ULANG: "ya"}
        if not run_semester(c.semester, instance, {"warehouse": warehouse}, tags):
            failed.append(c.semester)
    if failed:
        print(
            f"Kunci ulang belum selesai: semester {', '.join(failed)} masih memakai kunci lama. "
            "Perbaiki penyebabnya, lalu jalankan `make kunci-ulang` lagi.",
            file=sys.stderr,
        )
        return 1
    print(f"Semester {', '.join(c.semester for c in todo)} dikunci ulang dengan kunci sekarang.")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pipelines.cli", description=__doc__.split("\n")[0]
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="jalankan semua semester yang ada di raw/dkb/ lalu cetak Tabel 3")
    ingest = sub.add_parser("ingest", help="jalankan satu semester, mis. --semester 2024-S1")
    ingest.add_argument("--semester", required=True)
    tabel = sub.add_parser("tabel3", help="cetak Tabel 3 dari gudang data analis")
    tabel.add_argument("--tahun", type=int)
    sub.add_parser("versi", help="daftar versi gudang data analis yang disimpan")
    restore = sub.add_parser("pulihkan", help="terbitkan kembali versi sebelumnya (rollback)")
    restore.add_argument("--versi", help="cap waktu versi (lihat `versi`); bawaan: sebelumnya")
    sub.add_parser(
        "kunci-ulang", help="pseudonimkan ulang semua semester data terbatas dengan kunci baru"
    )
    hapus = sub.add_parser(
        "hapus-semester", help="hapus satu semester dari gudang data (tercatat), lalu terbitkan"
    )
    hapus.add_argument("--semester", required=True)
    hapus.add_argument("--alasan", required=True, help="mengapa semester ini dihapus")
    hapus.add_argument("--petugas", help="siapa yang menghapus; bawaan: pengguna sistem")
    query = sub.add_parser("sql", help="jalankan file kueri (read-only) pada gudang data analis")
    query.add_argument("file")
    args = parser.parse_args(argv)
    refused = _argument_error(args)
    if refused:
        print(refused, file=sys.stderr)
        return EXIT_ARGUMENT

    paths = paths_from_env()
    if args.command == "sql":
        return run_sql(paths, Path(args.file))
    if args.command == "tabel3":
        print_tabel3(paths, args.tahun)
        return 0
    if args.command == "versi":
        print_versions(paths)
        return 0
    if args.command == "pulihkan":
        try:
            chosen = rollback(paths, args.versi)
        except ValueError as error:
            print(error, file=sys.stderr)
            return 1
        print(f"Versi {chosen.name} diterbitkan kembali sebagai {paths.published_db}.")
        return 0
    if args.command == "kunci-ulang":
        warehouse = Warehouse(raw_dir=str(paths.raw_dir), warehouse_dir=str(paths.warehouse_dir))
        return rekey(paths, dg.DagsterInstance.get(), warehouse)
    if args.command == "hapus-semester":
        petugas = args.petugas or getpass.getuser()
        return remove_semester(paths, dg.DagsterInstance.get(), args.semester, args.alasan, petugas)
    semesters = discover_semesters(paths.raw_dir) if args.command == "run" else [args.semester]
    if not semesters:
        print(
            f"Tidak ada folder semester (mis. 2023-S2) di {paths.raw_dir / 'dkb'}.", file=sys.stderr
        )
        for warning in semester_folders(paths.raw_dir)[1]:
            print(f"  ! {warning}", file=sys.stderr)
        return 1
    instance = dg.DagsterInstance.get()
    # The paths read just now, not those read when the definitions were first imported.
    warehouse = Warehouse(raw_dir=str(paths.raw_dir), warehouse_dir=str(paths.warehouse_dir))
    # Tagged like the sensor's runs, so the release-window schedule does not run them again.
    try:
        release = scan(paths.raw_dir, settle_seconds=0)
    except ValueError as error:  # a malformed setting, e.g. DUKCAPIL_UKURAN_MAKS_MB
        print(error, file=sys.stderr)
        return 1
    results = {
        s: run_semester(s, instance, {"warehouse": warehouse}, release_tags(release, s))
        for s in semesters
    }
    if len(results) > 1:
        print(
            "\n== Ringkasan: "
            + ", ".join(f"{s} {'OK' if ok else 'GAGAL'}" for s, ok in results.items())
        )
    if any(results.values()):
        print_tabel3(paths)
        print_kelengkapan(paths)
        print_rekonsiliasi(paths)
        docs = data_docs_index(paths)
        if docs.exists():
            print(f"\nData Docs great-expectations (buka di peramban): {docs}")
        print(f"Laporan LAKIP (xlsx, grafik, narasi): {paths.reports_dir}")
    return 0 if all(results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
