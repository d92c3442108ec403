"""The semester name ('2023-S2') in one module: what it may be, its year, the date its data is
as of, its Roman numeral; and the SQL macros that say the same in the warehouse."""

from datetime import date

import duckdb
import pandas as pd
import pytest

from pipelines.domain.semester import POLA_KOLOM, cut_off, is_semester, romawi, tahun
from pipelines.gudang.db import install_macros


@pytest.mark.parametrize(
    "name", ["2024-S1\n", " 2024-S1", "2024-S3", "2024-s1", "2024-1", "24-S1", "٢٠٢٤-S1", ""]
)
def test_anything_but_year_dash_s1_or_s2_is_not_a_semester(name):
    assert not is_semester(name)
    with pytest.raises(ValueError, match="TAHUN-S1 atau TAHUN-S2"):
        cut_off(name)


def test_semester_i_is_as_of_30_june_and_ii_as_of_31_december():
    assert is_semester("2023-S2") and is_semester("2024-S1")
    assert (tahun("2023-S2"), cut_off("2023-S2"), romawi("2023-S2")) == (
        2023,
        date(2023, 12, 31),
        "II",
    )
    assert (tahun("2024-S1"), cut_off("2024-S1"), romawi("2024-S1")) == (
        2024,
        date(2024, 6, 30),
        "I",
    )
    # Text order is time order (max(semester) in SQL, sorted() in Python).
    names = ["2024-S1", "2019-S2", "2023-S2", "2023-S1", "2100-S1"]
    assert sorted(names) == sorted(names, key=cut_off)


def test_sql_macros_agree_with_the_module():
    names = ["2019-S1", "2019-S2", "2023-S2", "2024-S1", "2100-S2"]
    con = duckdb.connect()
    install_macros(con)
    rows = con.execute(
        "SELECT s, semester_tahun(s), semester_tanggal(s) FROM unnest($names) AS t(s)",
        {"names": names},
    ).fetchall()
    assert rows == [(s, tahun(s), cut_off(s)) for s in names]


def test_the_column_rule_of_pandera_and_great_expectations_is_the_same_name_rule():
    names = pd.Series(["2023-S2", "2024-S1", "2024-S3", "2024-1", "2024-S1 (revisi)", "٢٠٢٤-S1"])
    assert names.str.match(POLA_KOLOM).tolist() == [is_semester(n) for n in names]
