"""The suite reads the bundled Kupang inputs from its own copy, tests/data/kupang/, never from
raw/: an office that replaces raw/ with its own inputs still gets a green `make test`.

While raw/ holds Kupang's inputs the copy must equal it byte for byte, or the tests would check
figures the office no longer ships. Refresh the copy from the repository root with:

    rm -rf tests/data/kupang && cp -a raw tests/data/kupang
"""

import csv

import pytest
from berkas import KUPANG

from pipelines.config import PROJECT_ROOT

RAW = PROJECT_ROOT / "raw"
KODE_KUPANG = "53.71"


def _files(root) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _kode_daerah() -> str | None:
    daerah = RAW / "referensi" / "daerah.csv"
    if not daerah.is_file():
        return None
    with daerah.open(encoding="utf-8-sig", newline="") as f:
        return next((r.get("kode") for r in csv.DictReader(f)), None)


def test_the_copy_of_the_bundled_inputs_equals_raw_while_raw_is_kupang():
    kode = _kode_daerah()
    if kode != KODE_KUPANG:
        pytest.skip(
            f"raw/referensi/daerah.csv names kode {kode!r}, not Kupang's {KODE_KUPANG}: raw/ "
            "holds another office's inputs, so tests/data/kupang is not compared with it"
        )
    raw, copy = _files(RAW), _files(KUPANG)
    refresh = "refresh: rm -rf tests/data/kupang && cp -a raw tests/data/kupang"
    assert sorted(raw) == sorted(copy), f"files differ; {refresh}"
    changed = sorted(name for name in raw if raw[name] != copy[name])
    assert not changed, f"content differs: {changed}; {refresh}"
