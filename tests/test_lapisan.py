"""The import contract (pyproject.toml [tool.importlinter], docs/nama.md): the domain imports
nothing above it, a feature imports only the steps before it, no cycle. Checked with import-linter
on this tree, and shown to catch each kind of violation planted in a copy of it."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.config import PROJECT_ROOT

LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(root: Path, *contract: str) -> subprocess.CompletedProcess[str]:
    only = [arg for name in contract for arg in ("--contract", name)]
    return subprocess.run(
        [LINT_IMPORTS, "--no-cache", *only],
        cwd=root,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_tree_keeps_every_contract():
    result = lint_imports(PROJECT_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 4 kept, 0 broken." in result.stdout


@pytest.mark.parametrize(
    "module, planted, contract",
    [
        # the domain reaches up to the settings
        ("pipelines/domain/semester.py", "import pipelines.config", "lapisan"),
        # the domain uses Dagster
        ("pipelines/domain/angka.py", "import dagster", "domain-murni"),
        # an input step reaches forward to publication
        (
            "pipelines/defs/masukan/berkas.py",
            "import pipelines.defs.publikasi.gudang_analis",
            "fitur",
        ),
        # two sibling features, declared independent, import each other
        ("pipelines/defs/laporan/grafik.py", "import pipelines.defs.publikasi.assets", "fitur"),
        # a cycle inside one feature: sumber is imported by berkas
        (
            "pipelines/defs/masukan/sumber.py",
            "import pipelines.defs.masukan.berkas",
            "tanpa-siklus",
        ),
    ],
)
def test_a_planted_import_breaks_its_contract(tmp_path, module, planted, contract):
    shutil.copytree(
        PROJECT_ROOT / "pipelines",
        tmp_path / "pipelines",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    shutil.copy(PROJECT_ROOT / "pyproject.toml", tmp_path)
    assert lint_imports(tmp_path, contract).returncode == 0  # the copy is sound before
    with (tmp_path / module).open("a", encoding="utf-8") as file:
        file.write(f"\n{planted}  # planted\n")
    result = lint_imports(tmp_path, contract)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Contracts: 0 kept, 1 broken." in result.stdout
    assert planted.rsplit(".", 1)[-1] in result.stdout  # the report names the imported module
