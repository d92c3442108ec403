"""No formula from an input (issue 9, item 5): text that a spreadsheet would take as a formula
(`=`, `+`, `-`, `@`, tab, carriage return at its start) reaches the LAKIP workbook as a text
cell, exactly as typed; numbers stay numbers."""

import openpyxl
import pytest
from berkas import CMD, HYPERLINK, INDIKATOR, PROGRAM

from pipelines.defs.laporan.sel_aman import awal_formula, tulis_sel

TAHUN = 2023


def sel_teks(path) -> dict[str, list]:
    """Every cell of every sheet: fails on any formula cell; returns the text cells per sheet."""
    wb = openpyxl.load_workbook(path)
    teks = {}
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate}: {cell.value!r}"
        teks[ws.title] = [c for row in ws.iter_rows() for c in row if c.data_type == "s"]
    return teks


@pytest.mark.parametrize(
    "text", [HYPERLINK, CMD, "+1+1", "-2+3", "@SUM(A1)", "\tTab", "\rCR", "- Program X"]
)
def test_formula_like_text_is_written_as_text_exactly(tmp_path, text):
    wb = openpyxl.Workbook()
    tulis_sel(wb.active, 1, 1, text)
    tulis_sel(wb.active, 1, 2, 96.65)
    tulis_sel(wb.active, 1, 3, "Program Pencatatan Sipil")
    wb.save(tmp_path / "t.xlsx")

    ws = openpyxl.load_workbook(tmp_path / "t.xlsx").active
    # exactly as typed; the stdlib XML reader (openpyxl without lxml) turns a bare CR into LF
    # (line-end normalisation), lxml keeps it: either way text, not a formula
    assert (ws["A1"].data_type, ws["A1"].quotePrefix) == ("s", True)
    assert ws["A1"].value in (text, text.replace("\r", "\n"))
    assert (ws["B1"].data_type, ws["B1"].value) == ("n", 96.65)
    assert (ws["C1"].data_type, ws["C1"].quotePrefix) == ("s", False)


def test_awal_formula():
    assert [awal_formula(v) for v in ("=1", "+1", "-1", "@A", "\tA", "\rA")] == [True] * 6
    assert [awal_formula(v) for v in ("A=1", " =1", -1, 2.5, None, "")] == [False] * 6


def test_hostile_input_names_reach_the_lakip_workbook_as_text(awkward):
    """The run of tests/conftest.py `awkward`: program and indicator names typed as PROGRAM and
    INDIKATOR (tests/berkas.py `formula_like_names`)."""
    pipeline, result = awkward
    teks = sel_teks(pipeline.paths.reports_dir / str(TAHUN) / f"LAKIP_{TAHUN}_tabel.xlsx")

    tabel13 = {c.value: c for c in teks["Tabel 13"]}
    for name in PROGRAM:
        assert tabel13[name].quotePrefix, name
    tabel3 = {c.value: c for c in teks["Tabel 3"]}
    for name in INDIKATOR.values():
        assert tabel3[name].quotePrefix, name
    # figures beside them are still numbers
    program = next(
        r
        for r in openpyxl.load_workbook(
            pipeline.paths.reports_dir / str(TAHUN) / f"LAKIP_{TAHUN}_tabel.xlsx"
        )["Tabel 13"].iter_rows()
        if r[1].value == "-2+3"
    )
    assert [c.value for c in program[2:4]] == [45496500, 45436000]
    assert {c.data_type for c in program[2:5]} == {"n"}
    # the plain-text paragraphs carry the names as typed: nothing there is evaluated
    narasi = (pipeline.paths.reports_dir / str(TAHUN) / "narasi_bab3.txt").read_text("utf-8")
    assert "@SUM(A1)" in narasi
