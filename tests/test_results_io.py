"""The io writers: EstimateResult.to_csv through pyarrow's CSV writer (the bytes it writes and
that every value reads back equal, pandas and pyarrow readers, with the BOM Excel needs), JSON
values, and atomic writes."""

from __future__ import annotations

import math
import os
import stat

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

import retrofit
from retrofit.io import csv as csv_writer
from retrofit.io.atomic import atomic_write
from retrofit.io.json import json_value, records, write_json
from retrofit.results import EstimateResult

BOM = b"\xef\xbb\xbf"
TEXT = ["电机", "a,b", 'say "hi"', "电机，全角逗号", "", " padded ", "two\nlines", "x\ry", "é"]
#: Floats whose text is hardest to get right: shortest digits, both notations, subnormals,
#: extremes, signed zero, and the NaN written as an empty field
FLOATS = [
    0.1,
    1 / 3,
    2 / 3,
    1e-300,
    1e300,
    -0.0,
    0.0,
    1.0,
    5676.0,
    1e-4,
    9.99e-5,
    1e-5,
    1e-7,
    1e15,
    1e16,
    1.5e20,
    9999999999999998.0,
    5e-324,
    1.7976931348623157e308,
    -2.5,
    math.inf,
    -math.inf,
    math.nan,
]
#: Integers up to the int64 limits (a float would lose the last digits of these)
INTS = [0, -50, 2**53 + 1, 2**62 + 3, 2**63 - 1, -(2**63)]


def _result(frame: pd.DataFrame) -> EstimateResult:
    return EstimateResult(assets=frame, plants=pd.DataFrame(), assumptions={})


def _written(frame: pd.DataFrame, tmp_path) -> bytes:
    path = tmp_path / "out.csv"
    _result(frame).to_csv(path)
    return path.read_bytes()


def test_csv_bytes_of_a_small_frame(tmp_path):
    frame = pd.DataFrame(
        {
            "plant_id": pd.array(["P1", "P,2", None], dtype="str"),
            "load_factor": [1.0, 0.5, np.nan],
            "quantity": np.array([1, 2, 3], dtype=np.int64),
            "poles": pd.array([4, None, 2], dtype="Int64"),
            "meets_bai_yi": pd.array([True, None, False], dtype="boolean"),
            "note": np.array(['say "hi"', "", None], dtype=object),
        }
    )
    assert _written(frame, tmp_path) == (
        BOM + b"plant_id,load_factor,quantity,poles,meets_bai_yi,note\n"
        b'"P1",1,1,4,true,"say ""hi"""\n'
        b'"P,2",0.5,2,,,""\n'
        b",,3,2,false,\n"
    )


def test_floats_read_back_equal(tmp_path):
    values = np.array(FLOATS * 3)  # mixed with whole numbers, so no reader takes it for ints
    rng = np.random.default_rng(7)
    bits = rng.integers(0, 2**64, 2000, dtype=np.uint64).view(np.float64)  # every exponent
    frame = pd.DataFrame({"value": values, "n": 1})
    raw = _written(frame, tmp_path)
    cells = [line.split(",")[0] for line in raw.removeprefix(BOM).decode().splitlines()[1:]]
    for cell, value in zip(cells, values, strict=True):
        if math.isnan(value):
            assert cell == ""  # NaN is a missing value, an empty field as in pandas
            continue
        back = float(cell)
        assert back == value and math.copysign(1, back) == math.copysign(1, value), cell
    assert cells[FLOATS.index(0.1)] == "0.1" and cells[FLOATS.index(1 / 3)] == "0.3333333333333333"
    assert cells[FLOATS.index(-0.0)] == "-0"

    random = pd.DataFrame({"bits": np.where(np.isfinite(bits), bits, np.nan), "n": 1})
    path = tmp_path / "bits.csv"
    _result(random).to_csv(path)
    for back in (
        pd.read_csv(path, encoding="utf-8-sig", dtype={"bits": np.float64})["bits"].to_numpy(),
        pacsv.read_csv(path).column("bits").to_numpy(zero_copy_only=False),
    ):
        np.testing.assert_array_equal(back, random["bits"].to_numpy())


def test_large_integers_and_booleans_read_back_equal(tmp_path):
    frame = pd.DataFrame(
        {
            "count": np.array(INTS, dtype=np.int64),
            "flag": np.array([True, False] * 3),
        }
    )
    path = tmp_path / "out.csv"
    _result(frame).to_csv(path)
    back = pd.read_csv(path, encoding="utf-8-sig")
    assert back["count"].tolist() == INTS
    assert back["flag"].dtype == bool and back["flag"].tolist() == [True, False] * 3


def test_text_reads_back_equal_with_bom_and_chinese(tmp_path):
    text = [*TEXT, None]
    frame = pd.DataFrame(
        {
            "text": pd.array(text, dtype="str"),
            "text_object": np.array(text, dtype=object),
            "n": np.arange(len(text), dtype=np.int64),
        }
    )
    path = tmp_path / "out.csv"
    _result(frame).to_csv(path)
    raw = path.read_bytes()
    assert raw.startswith(BOM + b"text,text_object,n\n")  # BOM for Excel; header unquoted
    assert '"电机，全角逗号"'.encode() in raw and b'"a,b"' in raw and b'"say ""hi"""' in raw
    # pyarrow tells an empty text ("") from a missing one (an empty field)
    table = pacsv.read_csv(
        path,
        convert_options=pacsv.ConvertOptions(
            column_types={"text": pa.string(), "text_object": pa.string()},
            strings_can_be_null=True,
            quoted_strings_can_be_null=False,
        ),
    )
    assert table.column("text").to_pylist() == text
    assert table.column("text_object").to_pylist() == text
    # pandas reads both as missing by default, as it did with pandas' own writer
    back = pd.read_csv(path, encoding="utf-8-sig", keep_default_na=False)
    assert back["text"].tolist() == [*TEXT, ""]


@pytest.mark.parametrize("block_rows", [7, 1000])
def test_blocks_join_into_one_file(tmp_path, monkeypatch, block_rows):
    frame = pd.DataFrame(
        {"i": np.arange(50, dtype=np.int64), "text": [TEXT[i % len(TEXT)] for i in range(50)]}
    )
    expected = BOM + b"i,text\n"
    quoted = ['"' + t.replace('"', '""') + '"' for t in TEXT]
    expected += "".join(f"{i},{quoted[i % len(TEXT)]}\n" for i in range(50)).encode()
    monkeypatch.setattr(csv_writer, "CSV_BLOCK_ROWS", block_rows)
    assert _written(frame, tmp_path) == expected


def test_dates_categories_mixed_objects_and_repeated_names(tmp_path):
    frame = pd.DataFrame(
        {
            "a": [1, 2],
            "when": pd.to_datetime(["2024-01-01 10:30", None]),
            "day": pd.to_datetime(["2024-03-05", None]),
            "cat": pd.Categorical(["x", "y,z"]),
            "mixed": np.array([1.5, "x"], dtype=object),
        }
    )
    frame.insert(1, "a", [3, 4], allow_duplicates=True)
    assert _written(frame, tmp_path) == (
        BOM + b"a,a,when,day,cat,mixed\n"
        b'1,3,2024-01-01 10:30:00,2024-03-05,"x","1.5"\n'
        b'2,4,,,"y,z","x"\n'
    )


def test_a_single_column_keeps_its_missing_rows(tmp_path):
    # an empty field alone on its line would be a blank line, which readers skip
    frame = pd.DataFrame({"x": [1.5, np.nan, 2.0]})
    assert _written(frame, tmp_path) == BOM + b'x\n"1.5"\n""\n"2"\n'
    back = pd.read_csv(tmp_path / "out.csv", encoding="utf-8-sig")
    np.testing.assert_array_equal(back["x"].to_numpy(), [1.5, np.nan, 2.0])


def test_empty_frame_writes_the_header(tmp_path):
    frame = pd.DataFrame({"a": pd.Series([], dtype=float), "b": pd.Series([], dtype=object)})
    assert _written(frame, tmp_path) == BOM + b"a,b\n"


def test_csv_write_is_atomic(tmp_path, monkeypatch):
    path = tmp_path / "out.csv"
    path.write_text("old")

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(csv_writer, "arrow_column", boom)
    with pytest.raises(RuntimeError):
        _result(pd.DataFrame({"a": [1.0], "b": ["x"]})).to_csv(path)
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_every_output_column_of_the_sample_is_typed_by_arrow(tmp_path, monkeypatch):
    # a column of mixed Python objects is formatted one cell at a time (slow): none may be
    def per_cell(s):
        raise AssertionError(f"column {s.name} has no Arrow type")

    monkeypatch.setattr(csv_writer, "text_of_objects", per_cell)
    result = retrofit.estimate(retrofit.sample_path(), year=2026)
    result.to_csv(tmp_path / "sample.csv")


def test_atomic_write_replaces_whole_or_not_at_all(tmp_path):
    path = tmp_path / "out.txt"
    path.write_text("old")

    def half_then_fail(tmp):
        tmp.write_text("half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        atomic_write(path, half_then_fail)
    assert path.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["out.txt"]
    atomic_write(path, lambda tmp: tmp.write_text("new"))
    assert path.read_text() == "new" and [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_atomic_write_gives_the_permissions_of_a_plain_open(tmp_path):
    old = os.umask(0o027)
    try:
        atomic_write(tmp_path / "out.txt", lambda tmp: tmp.write_text("x"))
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "out.txt").stat().st_mode) == 0o640  # 0o666 & ~0o027


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (np.float64(0.5), 0.5),
        (np.int64(7), 7),
        (np.bool_(True), True),
        (np.float64("nan"), None),
        (math.inf, None),
        (pd.NA, None),
        (pd.NaT, None),
        (None, None),
        (pd.Timestamp("2024-03-05 10:30"), "2024-03-05"),
        ("电机", "电机"),
    ],
)
def test_json_value(value, expected):
    got = json_value(value)
    assert got == expected and type(got) is type(expected)


def test_records_and_json_text(tmp_path):
    frame = pd.DataFrame(
        {"plant_id": ["P1", "P2"], "coal_saved_tce": [0.665, np.nan], "n": pd.array([1, None])}
    )
    assert records(frame) == [
        {"plant_id": "P1", "coal_saved_tce": 0.665, "n": 1},
        {"plant_id": "P2", "coal_saved_tce": None, "n": None},
    ]
    path = tmp_path / "out.json"
    text = write_json({"plants": records(frame), "名称": "示例厂"}, path, indent=None)
    assert text == (
        '{"plants": [{"plant_id": "P1", "coal_saved_tce": 0.665, "n": 1}, '
        '{"plant_id": "P2", "coal_saved_tce": null, "n": null}], "名称": "示例厂"}'
    )
    assert path.read_text(encoding="utf-8") == text
