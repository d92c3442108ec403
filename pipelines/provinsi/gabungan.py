"""Route 2 of a province or the nation: every office's DKB figures and their rollups, in one
published analyst file (`warehouse/gabungan/dukcapil.duckdb`), docs/gabungan.md.

1. `gabungan/dkb_kantor`, partitioned office × semester and batched (BackfillPolicy.multi_run:
   one Dagster run per office costs ~25 s, 514 of them would not fit a refresh window on two
   cores). Per office it runs the office pipeline's OWN steps on `raw/<kode>/`: the gate and
   ingestion of the inputs the DKB needs (`ingest`, `ingest_dkb`: same validation, same
   messages) and the SQL of conformed.dkb_agregat, mart.agregat_wilayah and
   mart.agregat_kelurahan (the office's small-cell rule, suppression rounds included), in a
   working database in memory (no shared DuckDB writer: offices run in any number of
   processes). The office's published figures go to Parquet under
   `warehouse/gabungan/kantor/<semester>/<kode>/` with a `status.json`; a refused office writes
   its refusal there (file, row, column, value, rule) and the other offices go on.
2. `gabungan/<tabel>` (one step, the only writer of `warehouse/gabungan/build/kerja.duckdb`):
   the SQL of sql/gabungan/ over those files: per-office tables keyed by office code, province
   and national totals SUMMED from the offices, indicators RECOMPUTED from the sums, whether
   each province total is complete. Blocking checks (sql/gabungan/checks/) audit it.
3. `gabungan/dukcapil`: publication as the office's (pipelines/defs/publikasi/gudang_analis.py):
   a new file, checked, swapped in atomically; the last versions kept.
"""

import fcntl
import json
import os
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
from pydantic import PrivateAttr

from pipelines.config import PROJECT_ROOT, SQL_DIR, Paths, Pengaturan, env_or, paths_from_env
from pipelines.defs.masukan.agregat import ingest_dkb
from pipelines.defs.masukan.assets import ingest
from pipelines.defs.masukan.berkas import semester_files
from pipelines.defs.masukan.schemas import SOURCES
from pipelines.defs.masukan.sumber import EKSTRAK_PENDUDUK
from pipelines.defs.masukan.wilayah import national_frame, write_office_regions
from pipelines.defs.publikasi.gudang_analis import publish

# the record-level table conformed.dkb_jalur unions, created empty as that step creates it
from pipelines.defs.rekaman.assets import _DDL as DDL_REKAMAN
from pipelines.defs.transformasi.assets import SQL_TABLES, load_sql_tables, run_sql_table
from pipelines.domain.data_pribadi import samarkan
from pipelines.domain.penolakan import InputRejected
from pipelines.domain.semester import is_semester
from pipelines.gudang.db import Warehouse, load_sql, prepare, replace_table
from pipelines.gudang.kontrak import kontrak, load_layer, table_schema
from pipelines.provinsi.kantor import KODE_KANTOR, KantorDitolak, temukan_kantor
from pipelines.provinsi.partisi import DIMENSI_KANTOR, DIMENSI_SEMESTER, KANTOR_X_SEMESTER

# The partitions: office × semester (pipelines/provinsi/partisi.py, shared with kantor/lakip).
PARTISI = KANTOR_X_SEMESTER
# Offices per run of a backfill: enough to pay a run's start-up (~2 s) many times over, few
# enough that the run queue spreads a national refresh over every worker.
KANTOR_PER_RUN = 32

# The raw inputs the office's DKB step reads, upstream first (tests/test_gabungan.py checks
# they are those of the asset raw/dkb_agregat and its gates' references).
BAHAN_DKB = (
    "wilayah_kemendagri",
    "daerah",
    "wilayah",
    "wilayah_alias",
    "ukuran_dkb",
    "ukuran_header",
    "indikator_definisi",
)
# What an office publishes of its DKB, exported per office and semester.
TABEL_KANTOR = ("mart.agregat_wilayah", "mart.agregat_kelurahan")
STATUS = "status.json"
DITERIMA, DITOLAK, BELUM_ADA = "diterima", "ditolak", "belum ada"
SKEMA = "gabungan"  # the published tables; "masuk" holds what the offices' files give


class GudangGabungan(dg.ConfigurableResource):
    """The installation's folders: `raw/<kode>/` per office, `warehouse/gabungan/` for this
    route (the offices' own warehouses, `warehouse/<kode>/`, are never touched)."""

    raw_dir: str
    warehouse_dir: str

    @classmethod
    def from_env(cls) -> "GudangGabungan":
        return cls(
            raw_dir=env_or("DUKCAPIL_RAW_DIR", str(PROJECT_ROOT / "raw")),
            warehouse_dir=env_or("DUKCAPIL_WAREHOUSE_DIR", str(PROJECT_ROOT / "warehouse")),
        )

    @property
    def paths(self) -> Paths:
        """The combined warehouse: build/kerja.duckdb, dukcapil.duckdb, versi/."""
        return Paths(
            raw_dir=Path(self.raw_dir).resolve(),
            warehouse_dir=Path(self.warehouse_dir).resolve() / "gabungan",
        )

    def raw_kantor(self, kode: str) -> Path:
        return Path(self.raw_dir).resolve() / kode

    def folder_kantor(self, kode: str, semester: str) -> Path:
        return self.paths.warehouse_dir / "kantor" / semester / kode


class GudangKantor(Warehouse):
    """One office's working warehouse for one step of this route: in memory, one connection
    for every call of the office's functions, so nothing is shared between offices or
    processes and no file is opened per call; `warehouse_dir` gets only the files' archive."""

    _con: duckdb.DuckDBPyConnection | None = PrivateAttr(default=None)

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        if self._con is None:
            # one thread: the route's parallelism is its worker processes
            self._con = duckdb.connect(config={"threads": 1})
            prepare(self._con)
        yield self._con

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None


class _BelumAda(Exception):
    """The office's published DKB of the semester is not one this route computes (no
    aggregate, or a resident extract beside it): it is not in the rollup."""


class _Catatan:
    """The part of a Dagster context's log the ingestion functions use: warnings, kept."""

    def __init__(self) -> None:
        self.peringatan: list[str] = []

    def warning(self, message: str) -> None:
        self.peringatan.append(message)


@dataclass
class _Konteks:
    """What the office's ingestion functions read of their asset context: the semester (the
    office pipeline's partition key) and the log."""

    partition_key: str
    log: _Catatan = field(default_factory=_Catatan)


@cache
def _nasional() -> tuple[pd.DataFrame, pd.Series]:
    frame = national_frame()
    return frame, frame["kode"].str.slice(0, 5)


def _wilayah_untuk(kode: str) -> pd.DataFrame:
    """The national list as one office's gate needs it: every provinsi and kab/kota (the codes
    an office may set) and the office's own kecamatan and desa; a region elsewhere is explained
    from the national list in memory (pipelines/domain/wilayah.py), not from this table."""
    frame, daerah = _nasional()
    depth = frame["kode"].str.len()
    return frame[(depth <= 5) | (daerah == kode)].reset_index(drop=True)


@cache
def _tabel_sql() -> tuple:
    """The office's SQL tables behind TABEL_KANTOR, upstream first."""
    by_name = {f"{t.layer}.{t.name}": t for t in SQL_TABLES}
    needed, todo = set(), list(TABEL_KANTOR)
    while todo:
        name = todo.pop()
        if name in by_name and name not in needed:
            needed.add(name)
            todo += by_name[name].deps
    return tuple(t for t in SQL_TABLES if f"{t.layer}.{t.name}" in needed)


def _muat_bahan(kerja: GudangKantor, konteks: _Konteks, pengaturan: Pengaturan, kode: str):
    for name in BAHAN_DKB:
        if name == "wilayah_kemendagri":
            with kerja.connect() as con:
                replace_table(con, "raw.wilayah_kemendagri", _wilayah_untuk(kode))
        elif name == "wilayah":
            with kerja.connect() as con:
                write_office_regions(con)
        else:
            ingest(konteks, kerja, pengaturan, SOURCES[name])


def _tulis_angka(
    con: duckdb.DuckDBPyConnection, folder: Path, kode: str, semester: str
) -> dict[str, str]:
    """The office's published tables and its files' receipts, one Parquet each, under names no
    earlier write used; returns table -> file name. status.json, replaced last and atomically,
    names them: a reader that reads the status reads one write's files, never the new
    agregat_wilayah beside the old agregat_kelurahan of a write cut short."""
    folder.mkdir(parents=True, exist_ok=True)
    token = uuid.uuid4().hex[:12]
    queries = {
        t.split(".")[1]: f"SELECT ? AS kode_kantor, * FROM {t} WHERE semester = ?"
        for t in TABEL_KANTOR
    }
    queries["berkas"] = (
        "SELECT ? AS kode_kantor, partisi AS semester, berkas, sha256, ukuran_byte, jumlah_baris "
        "FROM raw.berkas_diterima WHERE partisi = ?"
    )
    names = {}
    for name, query in queries.items():
        names[name] = f"{name}.{token}.parquet"
        con.execute(query, [kode, semester]).df().to_parquet(folder / names[name], index=False)
    return names


@contextmanager
def _kunci(lock: Path) -> Iterator[None]:
    """An exclusive lock on `lock`, waiting for its holder; the kernel frees it if the
    process dies."""
    lock.parent.mkdir(parents=True, exist_ok=True)
    with lock.open("a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _tulis_status(folder: Path, status: dict) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    staging = folder / f".{STATUS}.tmp"
    staging.write_text(json.dumps(status, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(staging, folder / STATUS)


def olah_kantor(gudang: GudangGabungan, kode: str, semester: str, pengaturan: Pengaturan) -> dict:
    """One office's semester through the office's own DKB steps; returns (and writes) its
    status: diterima with its figures in Parquet, or ditolak with the gate's refusal."""
    if not is_semester(semester):
        raise ValueError(f"semester {semester!r} bukan nama semester (mis. 2023-S2)")
    if not KODE_KANTOR.fullmatch(kode):
        # a partition key can be typed in the UI: it names folders, so never '../…'
        raise ValueError(f"kode kantor {kode!r} bukan kode kab/kota bertitik (mis. 53.10)")
    # one process at a time per office × semester (a backfill's batch and a sensor's run may
    # overlap): the folder's files are one write's
    with _kunci(gudang.folder_kantor(kode, semester) / ".kunci"):
        return _olah_kantor(gudang, kode, semester, pengaturan)


def _olah_kantor(gudang: GudangGabungan, kode: str, semester: str, pengaturan: Pengaturan) -> dict:
    start = time.perf_counter()
    raw_root = Path(gudang.raw_dir).resolve()
    folder = gudang.folder_kantor(kode, semester)
    kerja = GudangKantor(raw_dir=str(gudang.raw_kantor(kode)), warehouse_dir=str(folder))
    konteks = _Konteks(semester)
    status = {"kode": kode, "semester": semester, "status": DITERIMA, "alasan": None}
    penolakan: list[dict] = []
    angka: dict[str, str] = {}
    try:
        if not (kerja.paths.raw_dir / "dkb" / semester).is_dir():
            # a backfill runs every office × every semester any office has: an office that has
            # not sent this semester yet is missing, not refused (an empty folder is refused)
            raise _BelumAda(f"folder raw/{kode}/dkb/{semester}/ belum ada")
        _muat_bahan(kerja, konteks, pengaturan, kode)
        ingest_dkb(konteks, kerja, pengaturan)
        with kerja.connect() as con:
            given = con.execute(
                "SELECT count(*) FROM raw.dkb_agregat WHERE semester = ?", [semester]
            ).fetchone()[0]
            if not given:  # only a resident extract, or an empty folder: nothing to add up
                raise _BelumAda(
                    f"tidak ada agregat DKB (agregat_kecamatan.* atau agr_*.xlsx) di "
                    f"raw/{kode}/dkb/{semester}/"
                )
            extract = semester_files(kerja.paths.raw_dir, semester, pengaturan.max_file_bytes)
            if extract[EKSTRAK_PENDUDUK.name].files:
                # with both, the office publishes the record-level counts
                # (sql/conformed/dkb_agregat.sql): the workbooks' figures are not the office's
                raise _BelumAda(
                    f"raw/{kode}/dkb/{semester}/ berisi ekstrak rekaman penduduk di samping "
                    "agregat: kantor menerbitkan angka dari rekaman itu, yang tidak diolah "
                    "jalur gabungan; angka agregatnya tidak dipakai agar gabungan tidak "
                    "berbeda dari terbitan kantor"
                )
            con.execute(DDL_REKAMAN)  # the record-level table the DKB SQL unions (empty here)
            for table in _tabel_sql():
                run_sql_table(con, table, semester if table.partitioned else None)
            angka = _tulis_angka(con, folder, kode, semester)
    except InputRejected as refused:
        # The refusal goes to analyst tables (gabungan.kantor, gabungan.penolakan): a NIK or KK
        # number pasted into an aggregate cell is masked as the record-level path masks a
        # number (samarkan: first and last 4 digits), in the values and in the text quoting them.
        text = str(refused).replace(str(raw_root), "raw")  # the officer's paths: raw/<kode>/…
        status.update(status=DITOLAK, alasan=samarkan("", text))
        penolakan = [
            {
                "berkas": f.file.replace(str(raw_root), "raw"),
                "baris": f.row,
                "kolom": f.column,
                "nilai": samarkan("", f.value) if f.value is not None else None,
                "aturan": samarkan("", f.rule),
            }
            for f in refused.failures
        ]
    except _BelumAda as missing:
        status.update(status=BELUM_ADA, alasan=str(missing))
    except dg.Failure as failure:  # a required input missing: refused the same way
        text = samarkan("", (failure.description or "").replace(str(raw_root), "raw"))
        status.update(status=DITOLAK, alasan=text)
        penolakan = [{"berkas": None, "baris": None, "kolom": "", "nilai": "", "aturan": text}]
    finally:
        kerja.close()
    status.update(
        angka=angka,
        penolakan=penolakan,
        jumlah_peringatan=len(konteks.log.peringatan),
        detik=round(time.perf_counter() - start, 3),
    )
    # the status first, then every file it does not name goes: an earlier write's figures (a
    # refused office's old figures never reach a new rollup) and those of a write cut short
    _tulis_status(folder, status)
    for path in folder.glob("*.parquet"):
        if path.name not in angka.values():
            path.unlink(missing_ok=True)
    return status


def _kunci_partisi(key: str) -> tuple[str, str]:
    """(office, semester) of a partition key such as '53.10|2023-S2'."""
    by = PARTISI.get_partition_key_from_str(key).keys_by_dimension
    return by[DIMENSI_KANTOR], by[DIMENSI_SEMESTER]


@dg.asset(
    key=["gabungan", "dkb_kantor"],
    group_name="gabungan",
    partitions_def=PARTISI,
    backfill_policy=dg.BackfillPolicy.multi_run(max_partitions_per_run=KANTOR_PER_RUN),
    description="DKB satu kantor × semester lewat langkah kantor sendiri; angka terbit kantor "
    "ke Parquet, atau penolakannya.",
    kinds={"duckdb", "pandera", "parquet"},
)
def dkb_kantor(
    context: dg.AssetExecutionContext, gabungan: GudangGabungan, pengaturan: Pengaturan
) -> dg.MaterializeResult:
    hasil = []
    for key in context.partition_keys:
        kode, semester = _kunci_partisi(key)
        status = olah_kantor(gabungan, kode, semester, pengaturan)
        if status["status"] == DITOLAK:
            context.log.warning(f"Kantor {kode} semester {semester} ditolak:\n{status['alasan']}")
        hasil.append(status)
    ditolak = [f"{h['kode']} {h['semester']}" for h in hasil if h["status"] == DITOLAK]
    return dg.MaterializeResult(
        metadata={
            "kantor": len(hasil),
            "diterima": len(hasil) - len(ditolak),
            "ditolak": ", ".join(ditolak) or "-",
            "detik_per_kantor": round(sum(h["detik"] for h in hasil) / max(len(hasil), 1), 3),
        }
    )


# --- The rollup: one writer of the combined working file ---------------------------------

TABEL_GABUNGAN = load_sql_tables((SKEMA,))
# the published tables' columns (sql/kontrak/gabungan.yml): docs in the UI, checked by the tests
KONTRAK = load_layer(SKEMA)
CHECKS_DIR = SQL_DIR / SKEMA / "checks"


def _satu_penulis(paths: Paths) -> AbstractContextManager[None]:
    """One rollup at a time writes the combined working file (DuckDB: one writer); a second
    waits, as the office's runs do (pipelines/gudang/db.py)."""
    return _kunci(paths.build_db.parent / ".kunci")


def _status_semua(gudang: GudangGabungan) -> list[tuple[Path, dict]]:
    """Every office × semester's recorded status; an office whose folder discovery now refuses
    (its daerah.csv names another code, two codes, none) is refused in every semester, with
    discovery's words: no run follows such a folder, so its last accepted figures would
    otherwise stay in the totals as `diterima` while `make provinsi` says DITOLAK."""
    root = gudang.paths.warehouse_dir / "kantor"
    raw_root = Path(gudang.raw_dir).resolve()
    try:
        refused = temukan_kantor(raw_root, gudang.paths.warehouse_dir).ditolak
    except KantorDitolak:  # raw/ in both layouts: nothing runs, the statuses stand as recorded
        refused = {}
    found = []
    for path in sorted(root.glob(f"*/*/{STATUS}")):
        status = json.loads(path.read_text(encoding="utf-8"))
        why = refused.get(status["kode"])
        if why is not None:
            why = why.replace(str(raw_root), "raw")
            rule = {"berkas": None, "baris": None, "kolom": "", "nilai": "", "aturan": why}
            status |= {"status": DITOLAK, "alasan": why, "angka": {}, "penolakan": [rule]}
        found.append((path.parent, status))
    return found


def _daftar_nasional() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every kab/kota (with its province) and every province of the national list."""
    frame, _ = _nasional()
    daerah = frame[frame["kode"].str.len() == 5]
    provinsi = frame[frame["kode"].str.len() == 2]
    daerah = pd.DataFrame(
        {
            "kode": daerah["kode"],
            "nama": daerah["nama"].str.upper(),
            "kode_provinsi": daerah["kode"].str.slice(0, 2),
        }
    )
    provinsi = pd.DataFrame({"kode": provinsi["kode"], "nama": provinsi["nama"].str.upper()})
    return daerah.reset_index(drop=True), provinsi.reset_index(drop=True)


def muat_masukan(con: duckdb.DuckDBPyConnection, gudang: GudangGabungan) -> int:
    """The `masuk` schema: every office's status, refusals and (accepted ones) Parquet."""
    con.execute("CREATE SCHEMA IF NOT EXISTS masuk")
    found = _status_semua(gudang)
    status = pd.DataFrame(
        [
            (s["semester"], s["kode"], s["status"], s["alasan"], s["jumlah_peringatan"])
            for _, s in found
        ],
        columns=["semester", "kode", "status", "alasan", "jumlah_peringatan"],
    ).astype({"semester": "string", "kode": "string", "status": "string", "alasan": "string",
              "jumlah_peringatan": "int64"})  # fmt: skip
    replace_table(con, "masuk.status_kantor", status)
    # typed: with nothing refused (or all None) the columns would be guessed as numbers
    penolakan_columns = ["semester", "kode", "berkas", "baris", "kolom", "nilai", "aturan"]
    penolakan = pd.DataFrame(
        [
            {"semester": s["semester"], "kode": s["kode"], **p}
            for _, s in found
            for p in s["penolakan"]
        ],
        columns=penolakan_columns,
    ).astype({**{c: "string" for c in penolakan_columns}, "baris": "Int64"})
    replace_table(con, "masuk.penolakan", penolakan)
    daerah, provinsi = _daftar_nasional()
    replace_table(con, "masuk.daerah", daerah)
    replace_table(con, "masuk.provinsi", provinsi)
    accepted = [(folder, s) for folder, s in found if s["status"] == DITERIMA]
    for name in (*(t.split(".")[1] for t in TABEL_KANTOR), "berkas"):
        # the files the status names (one write's); a status written before they were named
        # had fixed names
        files = [str(f / s.get("angka", {}).get(name, f"{name}.parquet")) for f, s in accepted]
        if files:
            select = f"SELECT * FROM read_parquet({files!r}, union_by_name = true)"
        else:  # no office accepted yet: the tables still exist, empty, with their columns
            select = _kosong(name)
        replace_table(con, f"masuk.{name}", select)
    return len(accepted)


def _kosong(name: str) -> str:
    """An empty `masuk` table shaped as the office's table it stands for (its contract)."""
    if name == "berkas":
        columns = [("semester", "VARCHAR"), ("berkas", "VARCHAR"), ("sha256", "VARCHAR"),
                   ("ukuran_byte", "BIGINT"),
                   ("jumlah_baris", "BIGINT")]  # fmt: skip
    else:
        columns = [(c.name, c.type) for c in kontrak()[f"mart.{name}"].columns]
    casts = ", ".join(f"NULL::{kind} AS {column}" for column, kind in columns)
    return f"SELECT NULL::VARCHAR AS kode_kantor, {casts} WHERE false"


def _spec(table) -> dg.AssetSpec:
    return dg.AssetSpec(
        key=[SKEMA, table.name],
        group_name="gabungan",
        description=table.description,
        deps=[dg.AssetKey(["gabungan", "dkb_kantor"])]
        + [dg.AssetKey(d.split(".")) for d in table.deps if d.startswith(f"{SKEMA}.")],
        kinds={"duckdb", "sql"},
        metadata={
            "sql": f"sql/{SKEMA}/{table.name}.sql",
            "dagster/column_schema": table_schema(KONTRAK[f"{SKEMA}.{table.name}"]),
            "dagster/table_name": f"{SKEMA}.{table.name}",
        },
    )


@dg.multi_asset(
    name="gabungan__rollup",
    specs=[_spec(t) for t in TABEL_GABUNGAN],
)
def rollup(context: dg.AssetExecutionContext, gabungan: GudangGabungan):
    """Every office's published figures, province and national totals, in the working file."""
    paths = gabungan.paths
    warehouse = Warehouse(raw_dir=str(paths.raw_dir), warehouse_dir=str(paths.warehouse_dir))
    with _satu_penulis(paths), warehouse.connect() as con:
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {SKEMA}")
        accepted = muat_masukan(con, gabungan)
        counts = {t.name: run_sql_table(con, t)[0] for t in TABEL_GABUNGAN}
    context.log.info(f"{accepted} kantor × semester diterima dalam gabungan")
    for t in TABEL_GABUNGAN:
        yield dg.MaterializeResult(
            asset_key=[SKEMA, t.name], metadata={"dagster/row_count": counts[t.name]}
        )


def build_check(path: Path) -> dg.AssetChecksDefinition:
    """A blocking check from sql/gabungan/checks/<tabel>__<nama>.sql: it selects the offending
    rows (with `pesan`), and passes when there are none."""
    table, name = path.stem.split("__")
    description = path.read_text(encoding="utf-8").splitlines()[0].lstrip("- ").strip()

    @dg.asset_check(asset=dg.AssetKey([SKEMA, table]), name=name, blocking=True,
                    description=description)  # fmt: skip
    def _check(gabungan: GudangGabungan) -> dg.AssetCheckResult:
        paths = gabungan.paths
        with duckdb.connect(str(paths.build_db), read_only=True) as con:  # macros stored there
            offending = con.execute(load_sql(f"{SKEMA}/checks/{path.stem}")).df()
        return dg.AssetCheckResult(
            passed=offending.empty,
            description="\n".join(offending["pesan"].head(20)) or None,
            metadata={"jumlah_baris_bermasalah": len(offending)},
        )

    return _check


CHECKS = [build_check(p) for p in sorted(CHECKS_DIR.glob("*.sql"))]


@dg.asset(
    key=[SKEMA, "dukcapil"],
    group_name="gabungan",
    deps=[dg.AssetKey([SKEMA, t.name]) for t in TABEL_GABUNGAN],
    description="Berkas analis gabungan (warehouse/gabungan/dukcapil.duckdb), diganti atomik "
    "setelah semua pemeriksaan lulus.",
    kinds={"duckdb"},
)
def dukcapil(context: dg.AssetExecutionContext, gabungan: GudangGabungan) -> dg.MaterializeResult:
    paths = gabungan.paths
    with _satu_penulis(paths):
        published, objects = publish(paths, run_id=context.run_id, schemas=(SKEMA,), views=None)
    return dg.MaterializeResult(metadata={"berkas": str(published), "objek": ", ".join(objects)})


ASSETS = [dkb_kantor, rollup, dukcapil]
gabungan_kantor = dg.define_asset_job(
    "gabungan_kantor",
    selection=dg.AssetSelection.assets(dkb_kantor),
    partitions_def=PARTISI,
    description="DKB kantor × semester lewat langkah kantor (backfill: banyak kantor per run).",
)
gabungan_terbit = dg.define_asset_job(
    "gabungan_terbit",
    selection=dg.AssetSelection.assets(rollup, dukcapil),
    description="Gabungan provinsi dan nasional: hitung, periksa, terbitkan.",
)
JOBS = [gabungan_kantor, gabungan_terbit]


def resources() -> dict[str, dg.ConfigurableResource]:
    return {"gabungan": GudangGabungan.from_env(), "pengaturan": Pengaturan.from_env()}


defs = dg.Definitions(assets=ASSETS, asset_checks=CHECKS, jobs=JOBS, resources=resources())


def main(argv: list[str] | None = None) -> int:
    """Every office folder raw/<kode>/ and each semester under its dkb/ through the route, one
    run per office × semester in this process, then the rollup run; recorded in $DAGSTER_HOME.
    In the UI the same is a backfill of `gabungan_kantor` (batched: many offices per run)
    followed by `gabungan_terbit`."""
    import argparse

    parser = argparse.ArgumentParser(description="Gabungan provinsi/nasional DKB agregat")
    parser.add_argument("--kantor", nargs="*", help="kode kab/kota (bawaan: semua di raw/)")
    parser.add_argument("--semester", nargs="*", help="semester (bawaan: semua di raw/<kode>/dkb/)")
    args = parser.parse_args(argv)
    env = paths_from_env()
    gudang = GudangGabungan(raw_dir=str(env.raw_dir), warehouse_dir=str(env.warehouse_dir))
    pengaturan = Pengaturan.from_env()
    # the offices as the province's discovery finds them (backup copies etc. ignored, named)
    found = temukan_kantor(env.raw_dir, env.warehouse_dir)
    for warning in [*found.peringatan, *found.ditolak.values()]:
        print(f"  ! {warning}")
    if found.tunggal:
        print("Jalur gabungan membaca raw/<kode>/; raw/ ini berisi satu kantor.", file=sys.stderr)
        return 1
    pairs = sorted(
        (kode, folder.name)
        for kode, office in found.kantor.items()
        if not args.kantor or kode in args.kantor
        for folder in sorted((office.raw_dir / "dkb").glob("*"))
        if folder.is_dir() and is_semester(folder.name)
        and (not args.semester or folder.name in args.semester)
    )  # fmt: skip
    unknown = sorted(set(args.kantor or ()) - set(found.kantor))
    if unknown or not pairs:
        # nothing to run is no success: publishing the old statuses again would say "TERBIT"
        # for offices that were never read (a typed code, the offices somewhere else)
        what = f"kantor {', '.join(unknown)}" if unknown else "kantor × semester"
        print(
            f"Tidak ada {what} di {env.raw_dir}: setiap kantor adalah folder bernama kode "
            "kab/kota bertitik (mis. 53.10) berisi dkb/<semester>/ (docs/provinsi.md).",
            file=sys.stderr,
        )
        return 1
    # the province's instance, as `make provinsi` has it, made on first use: without this a
    # missing or unset $DAGSTER_HOME ended the command in Dagster's traceback
    home = Path(os.environ.get("DAGSTER_HOME") or PROJECT_ROOT / ".dagster_provinsi").resolve()
    home.mkdir(parents=True, exist_ok=True)
    instance = dg.DagsterInstance.from_config(str(home))
    instance.add_dynamic_partitions("kantor", sorted({k for k, _ in pairs}))
    instance.add_dynamic_partitions("semester_kantor", sorted({s for _, s in pairs}))
    definitions = dg.Definitions(
        assets=ASSETS,
        asset_checks=CHECKS,
        jobs=JOBS,
        resources={"gabungan": gudang, "pengaturan": pengaturan},
    )
    job = definitions.get_job_def("gabungan_kantor")
    for kode, semester in pairs:
        key = dg.MultiPartitionKey({DIMENSI_KANTOR: kode, DIMENSI_SEMESTER: semester})
        job.execute_in_process(instance=instance, partition_key=key)
    result = definitions.get_job_def("gabungan_terbit").execute_in_process(
        instance=instance, raise_on_error=False
    )
    with duckdb.connect(str(gudang.paths.published_db), read_only=True) as con:
        for kode, semester, status in con.execute(
            "SELECT kode_kantor, semester, status FROM gabungan.kantor WHERE status <> 'belum ada'"
        ).fetchall():
            print(f"{semester} {kode}: {status}")
    print(f"Gabungan {'TERBIT' if result.success else 'GAGAL'}: {gudang.paths.published_db}")
    return 0 if result.success else 1


if __name__ == "__main__":
    raise SystemExit(main())
