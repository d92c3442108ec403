"""Command line for officers: the same Dagster job the UI launches, with a readable summary.

    python -m pipelines.cli run                  # every semester found under raw/dkb/
    python -m pipelines.cli ingest --semester 2024-S1
    python -m pipelines.cli tabel3 [--tahun 2023]

Runs are recorded in the Dagster instance at $DAGSTER_HOME (the Makefile sets it to
`.dagster/`), so they also appear in the Dagster UI.
"""

from __future__ import annotations

import argparse
import sys

import dagster as dg
import duckdb

from pipelines.config import Paths, paths_from_env
from pipelines.orchestration.partitions import SEMESTER, is_semester


def discover_semesters(paths: Paths) -> list[str]:
    dkb = paths.raw_dir / "dkb"
    return (
        sorted(p.name for p in dkb.iterdir() if p.is_dir() and is_semester(p.name))
        if dkb.exists()
        else []
    )


def _root_error(event: dg.DagsterEvent) -> str:
    error = event.step_failure_data.error if event.step_failure_data else None
    while error is not None and error.cause is not None:
        error = error.cause
    return error.message.strip() if error else event.message or ""


def run_semester(
    semester: str, instance: dg.DagsterInstance, resources: dict | None = None
) -> bool:
    """Materialise every asset for one semester; print a summary; True when it succeeded."""
    from pipelines.definitions import defs

    if not is_semester(semester):
        raise SystemExit(
            f"Semester '{semester}' tidak valid: gunakan bentuk TAHUN-S1 atau TAHUN-S2."
        )
    instance.add_dynamic_partitions(SEMESTER.name, [semester])
    job = defs.resolve_job_def("lakip")
    print(
        f"== Semester {semester}: menjalankan {len(job.asset_layer.executable_asset_keys)} aset …"
    )
    result = job.execute_in_process(
        instance=instance,
        partition_key=semester,
        raise_on_error=False,
        resources=resources,
        # Dagster's own debug log goes to the run's page in the UI; keep the terminal readable.
        run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}},
    )
    for event in result.all_events:
        if event.event_type_value == "ASSET_MATERIALIZATION":
            mat = event.event_specific_data.materialization
            rows = mat.metadata.get("dagster/row_count")
            print(f"  ✓ {mat.asset_key.to_user_string():45s} {'' if rows is None else rows.value}")
            quarantined = mat.metadata.get("baris_dikarantina")
            if quarantined is not None and quarantined.value:
                total = mat.metadata["baris_ekstrak"].value
                print(f"      ! {quarantined.value} dari {total} baris penduduk dikarantina")
        elif event.event_type_value == "ASSET_CHECK_EVALUATION":
            check = event.event_specific_data
            if not check.passed:
                print(
                    f"  ✗ pemeriksaan {check.asset_key.to_user_string()} / {check.check_name} GAGAL"
                )
        elif event.is_step_failure:
            print(f"  ✗ {event.step_key} GAGAL:\n{_root_error(event)}", file=sys.stderr)
        elif event.is_step_skipped:
            print(f"  - {event.step_key} dilewati (langkah sebelumnya gagal)")
    status = "BERHASIL" if result.success else "GAGAL: gudang data analis tidak diubah"
    print(f"== Semester {semester}: {status} (run {result.run_id})")
    return result.success


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
    args = parser.parse_args(argv)

    paths = paths_from_env()
    if args.command == "tabel3":
        print_tabel3(paths, args.tahun)
        return 0
    semesters = discover_semesters(paths) if args.command == "run" else [args.semester]
    if not semesters:
        print(
            f"Tidak ada folder semester (mis. 2023-S2) di {paths.raw_dir / 'dkb'}.", file=sys.stderr
        )
        return 1
    instance = dg.DagsterInstance.get()
    ok = all([run_semester(s, instance) for s in semesters])
    print_tabel3(paths)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
