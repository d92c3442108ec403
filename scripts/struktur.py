"""One-off move of the code into folders by feature (issue 13, items 4 and 5).

    python scripts/struktur.py            # move, rewrite, lint; then review `git diff` and commit
    python scripts/struktur.py --periksa  # only list what would move; exit 1 if a file has no place

Written to be re-run by the lead on the merged tree: every `git mv` of the table below, then
every reference to an old module or path rewritten in the tracked text files (Python imports
and dotted names, `pipelines/x/y.py` in docs and the Makefile, `-m pipelines.x.y` commands).
Deterministic and idempotent: a second run finds nothing to move and nothing to rewrite.
A file it does not know (a module added in an old folder since) goes where its folder goes
(`FOLDERS`); a folder without a default place, a name taken twice, or a non-empty `__init__.py`
stops the script before anything is moved, listing every such file.

The naming rule the new names follow is docs/nama.md. Once the move is merged this script has
done its work; it stays in scripts/ as the record of where each file came from.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUFF = Path(sys.executable).parent / "ruff"

# Old path -> new path (files and whole folders), the only hand-written knowledge here.
MOVES: dict[str, str] = {
    # pure domain logic: imports nothing above it, no Dagster
    "pipelines/semester.py": "pipelines/domain/semester.py",  # if a branch adds one there
    "pipelines/validate/numbers.py": "pipelines/domain/angka.py",
    "pipelines/validate/errors.py": "pipelines/domain/penolakan.py",
    "pipelines/ingest/data_pribadi.py": "pipelines/domain/data_pribadi.py",
    "pipelines/ingest/pseudonim.py": "pipelines/domain/pseudonim.py",
    "pipelines/ingest/kunci.py": "pipelines/domain/kunci.py",
    # the warehouse connection (the data folder warehouse/ keeps its name: it is public)
    "pipelines/warehouse/db.py": "pipelines/gudang/db.py",
    # the warehouse contract (sql/kontrak/): read by the SQL assets, the suites and the docs
    "pipelines/validate/kontrak.py": "pipelines/gudang/kontrak.py",
    # masukan: raw files found, read and validated at the gate; the semester partitions
    "pipelines/ingest/sources.py": "pipelines/defs/masukan/sumber.py",
    "pipelines/ingest/berkas.py": "pipelines/defs/masukan/berkas.py",
    "pipelines/ingest/readers.py": "pipelines/defs/masukan/readers.py",
    "pipelines/validate/gate.py": "pipelines/defs/masukan/gerbang.py",
    "pipelines/validate/schemas.py": "pipelines/defs/masukan/schemas.py",
    "pipelines/assets/ingest.py": "pipelines/defs/masukan/assets.py",
    "pipelines/orchestration/partitions.py": "pipelines/defs/masukan/partitions.py",
    # rekaman: record-level extracts
    "pipelines/ingest/rekaman.py": "pipelines/defs/rekaman/ekstrak.py",
    "pipelines/validate/rekaman.py": "pipelines/defs/rekaman/aturan.py",
    "pipelines/assets/rekaman.py": "pipelines/defs/rekaman/assets.py",
    # transformasi: the SQL layers, small-cell suppression and its audit
    "pipelines/assets/transform.py": "pipelines/defs/transformasi/assets.py",
    "pipelines/warehouse/sel_ditekan.py": "pipelines/defs/transformasi/sel_ditekan.py",
    "pipelines/validate/audit_sel_kecil.py": "pipelines/defs/transformasi/audit_sel_kecil.py",
    # publikasi: the checks that block publication, the analyst file, versions, rollback
    "pipelines/publish/publication.py": "pipelines/defs/publikasi/gudang_analis.py",
    "pipelines/assets/publish.py": "pipelines/defs/publikasi/assets.py",
    "pipelines/assets/checks.py": "pipelines/defs/publikasi/checks.py",
    "pipelines/assets/gx_checks.py": "pipelines/defs/publikasi/gx_checks.py",
    "pipelines/validate/suites.py": "pipelines/defs/publikasi/suites.py",
    # laporan: the LAKIP exports (workbook, charts, paragraphs) and their templates
    "pipelines/assets/exports.py": "pipelines/defs/laporan/assets.py",
    "pipelines/publish/exports.py": "pipelines/defs/laporan/lakip_tabel.py",
    "pipelines/publish/charts.py": "pipelines/defs/laporan/grafik.py",
    "pipelines/publish/narrative.py": "pipelines/defs/laporan/narasi.py",
    "pipelines/publish/laporan.py": "pipelines/defs/laporan/bersama.py",
    "pipelines/publish/sel_aman.py": "pipelines/defs/laporan/sel_aman.py",
    "pipelines/publish/templates": "pipelines/defs/laporan/templates",
    # otomasi: the job, the release sensor and schedule
    "pipelines/orchestration/jobs.py": "pipelines/defs/otomasi/jobs.py",
    "pipelines/orchestration/releases.py": "pipelines/defs/otomasi/rilis.py",
    "pipelines/orchestration/schedules.py": "pipelines/defs/otomasi/schedules.py",
    "pipelines/orchestration/sensors.py": "pipelines/defs/otomasi/sensors.py",
    "pipelines/orchestration/dagster.yaml": "pipelines/dagster.yaml",
    # one name per concept: a LAKIP query is named after the mart it presents (the table
    # number is layout, in templates/lakip_tabel.toml)
    "sql/lakip/tabel_03.sql": "sql/lakip/pengukuran_kinerja.sql",
    "sql/lakip/tabel_10.sql": "sql/lakip/perbandingan_tahun_lalu.sql",
    "sql/lakip/tabel_11.sql": "sql/lakip/tren_rpjmd.sql",
    "sql/lakip/tabel_13.sql": "sql/lakip/realisasi_anggaran.sql",
    "sql/lakip/tabel_01.sql": "sql/lakip/rencana_kinerja_tahunan.sql",
    "sql/lakip/tabel_02_anggaran.sql": "sql/lakip/perjanjian_kinerja_anggaran.sql",
    # tests named in the office's words, like their neighbours
    "tests/test_gate_schemas.py": "tests/test_gerbang_schemas.py",
    "tests/test_warehouse_contract.py": "tests/test_kontrak_gudang.py",
    "tests/test_lakip_exports.py": "tests/test_ekspor_lakip.py",
}

# Where a file not in MOVES goes, by its old folder; None: no default, the script stops.
FOLDERS: dict[str, str | None] = {
    "pipelines/ingest": "pipelines/defs/masukan",
    "pipelines/validate": "pipelines/defs/masukan",
    "pipelines/publish": "pipelines/defs/laporan",
    "pipelines/orchestration": "pipelines/defs/otomasi",
    "pipelines/warehouse": "pipelines/gudang",
    "pipelines/assets": None,  # assets belong to a feature: add the file to MOVES
}
# Files that stay where they are (and top-level files that are not in MOVES stop the script).
STAYING = {
    "pipelines/__init__.py",
    "pipelines/cli.py",
    "pipelines/config.py",
    "pipelines/definitions.py",
}

PACKAGES = {
    "pipelines/domain": "Pure domain logic: plain functions over the office's concepts. Imports "
    "nothing from the rest of\n`pipelines` and nothing from Dagster (the import contract in "
    "pyproject.toml keeps it so).",
    "pipelines/gudang": "The warehouse connection (the data folder is `warehouse/`).",
    "pipelines/defs": "Dagster definitions by feature, loaded whole by pipelines/definitions.py.",
    "pipelines/defs/masukan": "Inputs: raw files found, read and validated at the gate, "
    "then stored as received.",
    "pipelines/defs/rekaman": "Record-level DKB extracts: rules, quarantine, pseudonyms, "
    "counts per kelurahan.",
    "pipelines/defs/transformasi": "The SQL layers (conformed, mart) and small-cell protection.",
    "pipelines/defs/publikasi": "Checks that block publication; the analyst file, its "
    "versions and rollback.",
    "pipelines/defs/laporan": "The LAKIP exports: workbook, charts, paragraphs, from templates.",
    "pipelines/defs/otomasi": "The job, the release sensor and the release-window schedule.",
}

# Text that names an old place without being a file of it.
TEXT_ONLY = {"pipelines/ingest/__pycache__": "pipelines/domain/__pycache__"}  # pseudonim's cache
LINE_LENGTH = 100  # pyproject.toml [tool.ruff]

TEXT_SUFFIXES = {".py", ".md", ".toml", ".yaml", ".yml", ".sql", ".cfg", ".ini", ".txt", ".sh"}
TEXT_NAMES = {"Makefile", "run", ".importlinter"}
SKIP_PREFIXES = ("raw/", "scripts/struktur.py")


def git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout


def tracked() -> list[str]:
    return git("ls-files").splitlines()


def plan(files: list[str]) -> tuple[dict[str, str], list[str]]:
    """Every tracked file to move (old -> new path), and the problems that stop the script."""
    moves: dict[str, str] = {}
    problems: list[str] = []
    present = set(files)
    for path in files:
        target = None
        for old, new in MOVES.items():
            if path == old or path.startswith(old + "/"):
                target = new + path[len(old) :]
                break
        if target is None:
            folder = next((f for f in FOLDERS if path.startswith(f + "/")), None)
            if folder is None:
                top = path.count("/") == 1 and path.startswith("pipelines/")
                if top and path.endswith(".py") and path not in STAYING:
                    problems.append(f"{path}: berkas baru di pipelines/ tanpa tempat (MOVES)")
                continue
            rest = path[len(folder) + 1 :]
            if rest == "__init__.py":
                if (ROOT / path).read_text(encoding="utf-8").strip():
                    problems.append(f"{path}: __init__.py berisi kode; pindahkan isinya dulu")
                continue  # removed with its folder
            if FOLDERS[folder] is None:
                problems.append(f"{path}: folder {folder}/ tidak punya tempat baku (MOVES)")
                continue
            target = f"{FOLDERS[folder]}/{rest}"
            print(f"  ! {path} -> {target} (menurut foldernya; periksa)")
        if target in present or target in moves.values():
            problems.append(f"{path} -> {target}: nama tujuan sudah dipakai")
            continue
        moves[path] = target
    return moves, problems


def module(path: str) -> str | None:
    if not path.endswith(".py"):
        return None
    return path.removesuffix(".py").removesuffix("/__init__").replace("/", ".")


def rename_tables(moves: dict[str, str]) -> list[tuple[re.Pattern[str], str]]:
    """Regex replacements for every old module, path and folder, longest first."""
    pairs: dict[str, str] = {}  # old text -> new text
    dotted: dict[str, str] = {}
    for old, new in {**MOVES, **moves}.items():
        if module(old) and module(new) and old.startswith("pipelines/"):
            dotted[module(old)] = module(new)
        pairs[old] = new
        if old.startswith("sql/"):  # load_sql("lakip/tabel_03") and bare `tabel_03.sql`
            pairs[old.removeprefix("sql/").removesuffix(".sql")] = new.removeprefix(
                "sql/"
            ).removesuffix(".sql")
            pairs[old.rsplit("/", 1)[1]] = new.rsplit("/", 1)[1]
        if old.startswith("tests/"):  # `from tests.test_x import`, pytest node ids
            pairs[module(old)] = module(new)
            pairs[Path(old).stem] = Path(new).stem
    pairs |= TEXT_ONLY
    for folder, default in FOLDERS.items():
        pairs[folder + "/"] = (default or "pipelines/defs") + "/"
    rules: list[tuple[re.Pattern[str], str]] = []
    for old in sorted(dotted, key=len, reverse=True):
        rules.append((re.compile(rf"(?<![\w.]){re.escape(old)}(?![\w])"), dotted[old]))
    for old in sorted(pairs, key=len, reverse=True):
        end = "" if old.endswith("/") else r"(?![\w])"  # a folder ends at its slash
        rules.append((re.compile(rf"(?<![\w.-]){re.escape(old)}{end}"), pairs[old]))
    return rules


def wrap_long_lines(path: Path) -> None:
    """A longer path can push a docstring or comment line past the line length: break it at
    its last space that fits (code lines are left to ruff format)."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    if all(len(line.rstrip("\n")) <= LINE_LENGTH for line in lines):
        return
    # 0-based line -> first column where a break may go: lines of a multi-line string (the
    # opening line of a docstring too, after its quotes) and comments on a line of their own.
    prose: dict[int, int] = {}
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        alone = not token.line[: token.start[1]].strip()
        docstring = alone and token.string[:3] in ('"""', "'''")
        if token.type == tokenize.STRING and (token.end[0] > token.start[0] or docstring):
            prose |= dict.fromkeys(range(token.start[0], token.end[0] - 1), 0)
            if alone:
                prose[token.start[0] - 1] = token.start[1] + 4
        elif token.type == tokenize.COMMENT and alone:
            prose[token.start[0] - 1] = token.start[1] + 2
    out = []
    for number, line in enumerate(lines):
        body = line.rstrip("\n")
        while number in prose and len(body) > LINE_LENGTH:
            indent = body[: len(body) - len(body.lstrip())]
            lead = indent + ("# " if body.lstrip().startswith("#") else "")
            cut = body.rfind(" ", max(len(lead), prose[number]) + 1, LINE_LENGTH + 1)
            if cut < 0:
                break
            out.append(body[:cut] + "\n")
            body = lead + body[cut + 1 :]
            prose[number] = 0
        out.append(body + ("\n" if line.endswith("\n") else ""))
    path.write_text("".join(out), encoding="utf-8")


_FROM_IMPORT = re.compile(
    r"^(?P<indent>[ \t]*)from (?P<pkg>pipelines(?:\.\w+)*) import (?P<names>[\w ,]+?)"
    r"(?P<comment>[ \t]*#.*)?$",
    re.M,
)


def split_module_imports(text: str, dotted: dict[str, str]) -> str:
    """`from pipelines.ingest import sources as S` names a module, not an attribute: write it
    `from <new package> import <new name> as S` (one line per name, the old name kept as alias
    so the code below reads the same)."""

    def replace(match: re.Match[str]) -> str:
        pkg, names = match["pkg"], [n.strip() for n in match["names"].split(",") if n.strip()]
        if not any(f"{pkg}.{n.split(' as ')[0].strip()}" in dotted for n in names):
            return match[0]
        lines, rest = [], []
        for name in names:
            base, _, alias = (part.strip() for part in name.partition(" as "))
            new = dotted.get(f"{pkg}.{base}")
            if new is None:
                rest.append(name)
                continue
            new_pkg, new_name = new.rsplit(".", 1)
            alias = alias or base
            suffix = f" as {alias}" if alias != new_name else ""
            lines.append(f"{match['indent']}from {new_pkg} import {new_name}{suffix}")
        if rest:
            lines.insert(0, f"{match['indent']}from {pkg} import {', '.join(rest)}")
        lines[0] += match["comment"] or ""
        return "\n".join(lines)

    return _FROM_IMPORT.sub(replace, text)


def rewrite(files: list[str], moves: dict[str, str]) -> list[str]:
    rules = rename_tables(moves)
    dotted = {
        module(o): module(n)
        for o, n in {**MOVES, **moves}.items()
        if module(o) and module(n) and o.startswith("pipelines/")
    }
    changed = []
    for path in files:
        name = Path(path).name
        if path.startswith(SKIP_PREFIXES) or not (
            Path(path).suffix in TEXT_SUFFIXES or name in TEXT_NAMES
        ):
            continue
        file = ROOT / path
        try:
            text = file.read_text(encoding="utf-8")
        except (UnicodeDecodeError, FileNotFoundError):
            continue
        new = split_module_imports(text, dotted) if path.endswith(".py") else text
        for pattern, replacement in rules:
            new = pattern.sub(replacement, new)
        if new != text:
            file.write_text(new, encoding="utf-8")
            changed.append(path)
    return changed


def main(argv: list[str]) -> int:
    if git("status", "--porcelain", "--untracked-files=no").strip() and "--periksa" not in argv:
        print("Pohon kerja belum bersih: commit dulu, agar hasil skrip bisa ditinjau sendiri.")
        return 1
    moves, problems = plan(tracked())
    if problems:
        print("Tidak dipindahkan; berkas tanpa tempat:", *problems, sep="\n  ")
        return 1
    for old, new in sorted(moves.items()):
        print(f"  {old} -> {new}")
    if "--periksa" in argv:
        return 0
    for old, new in sorted(moves.items()):
        (ROOT / new).parent.mkdir(parents=True, exist_ok=True)
        git("mv", old, new)
    for folder, doc in PACKAGES.items():
        init = ROOT / folder / "__init__.py"
        if not init.exists():
            init.parent.mkdir(parents=True, exist_ok=True)
            init.write_text(f'"""{doc}"""\n', encoding="utf-8")
            git("add", str(init.relative_to(ROOT)))
    for folder in FOLDERS:  # old packages: only their empty __init__.py is left
        if git("ls-files", folder).split() == [f"{folder}/__init__.py"]:
            git("rm", "-q", f"{folder}/__init__.py")
    changed = rewrite(tracked(), moves)
    python = [p for p in changed if p.endswith(".py")] + [
        p for p in moves.values() if p.endswith(".py")
    ]
    for path in sorted(set(python)):
        wrap_long_lines(ROOT / path)
    if python and RUFF.exists():  # imports now sort differently
        subprocess.run(
            [RUFF, "check", "-q", "--select", "I", "--fix", *sorted(set(python))],
            cwd=ROOT,
            check=False,
        )
        subprocess.run([RUFF, "format", "-q", *sorted(set(python))], cwd=ROOT, check=False)
    print(f"{len(moves)} berkas dipindahkan, {len(changed)} berkas ditulis ulang.")
    left = leftovers(tracked())
    if left:  # e.g. a parenthesised `from pipelines.ingest import (...)` of modules
        print("Masih merujuk tempat lama (perbaiki dengan tangan):", *left, sep="\n  ")
        return 1
    return 0


def leftovers(files: list[str]) -> list[str]:
    """Lines of tracked text files that still name an old package."""
    old = "|".join(re.escape(f.removeprefix("pipelines/")) for f in FOLDERS)
    pattern = re.compile(rf"pipelines[./](?:{old})\b")
    found = []
    for path in files:
        if path.startswith(SKIP_PREFIXES) or not (
            Path(path).suffix in TEXT_SUFFIXES or Path(path).name in TEXT_NAMES
        ):
            continue
        try:
            lines = (ROOT / path).read_text(encoding="utf-8").splitlines()
        except (UnicodeDecodeError, FileNotFoundError):
            continue
        found += [
            f"{path}:{n}: {line.strip()}" for n, line in enumerate(lines, 1) if pattern.search(line)
        ]
    return found


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
