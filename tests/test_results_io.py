"""EstimateResult.to_csv: the fast (pyarrow) writer keeps pandas' bytes and the values round-trip."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import retrofit
from retrofit import results
from retrofit.results import EstimateResult

TEXT = ["电机", "a,b", 'say "hi"', "电机，全角逗号", "", " padded ", "two\nlines", "x\ry", "é"]


def _frame(rows: int = 600, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    # floats of every notation repr uses: positional, whole, tiny, huge, ±0, ±inf, random bits
    bits = rng.integers(0, 2**64, rows, dtype=np.uint64).view(np.float64)
    special = [
        0.0,
        -0.0,
        1.0,
        5676.0,
        0.1,
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
        np.inf,
        -np.inf,
        np.nan,
    ]
    floats = np.concatenate([special, rng.lognormal(0, 10, rows - len(special))])
    floats[~np.isfinite(bits)] = np.nan
    return pd.DataFrame(
        {
            "plant_id": pd.array([f"P{i % 13}" for i in range(rows)], dtype="str"),
            "text": pd.array([TEXT[i % len(TEXT)] for i in range(rows)], dtype="str"),
            "text_object": np.array(
                [None if i % 11 == 0 else TEXT[i % len(TEXT)] for i in range(rows)], dtype=object
            ),
            "value": floats,
            "bits": np.where(np.isfinite(bits), bits, np.nan),
            "whole": np.where(np.arange(rows) % 5 == 0, np.nan, np.arange(rows) * 1000.0),
            "count": np.arange(rows, dtype=np.int64) - 50,
            "poles": pd.array(
                [None if i % 7 == 0 else 2 * (i % 4 + 1) for i in range(rows)], dtype="Int64"
            ),
            "flag": np.arange(rows) % 3 == 0,
            "meets": pd.array(
                [None if i % 4 == 0 else i % 2 == 0 for i in range(rows)], dtype="boolean"
            ),
            "in_service_date": pd.to_datetime(
                ["2024-03-05" if i % 6 else None for i in range(rows)]
            ),
        }
    )


def _result(frame: pd.DataFrame) -> EstimateResult:
    return EstimateResult(assets=frame, plants=pd.DataFrame(), assumptions={})


def test_csv_round_trips_values_with_bom_and_empty_nan(tmp_path):
    frame = _frame().drop(columns=["text_object", "poles", "meets", "in_service_date"])
    # ±inf aside, and a bare CR: Python 3.11's csv module (so pandas too) leaves it unquoted
    keep = (np.isfinite(frame["value"]) | frame["value"].isna()) & ~frame["text"].str.contains("\r")
    frame = frame[keep].reset_index(drop=True)
    path = tmp_path / "out.csv"
    _result(frame).to_csv(path)

    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf" + b"plant_id,text,value,")  # BOM for Excel
    assert "电机，全角逗号".encode() in raw
    assert b'"a,b"' in raw and b'"say ""hi"""' in raw
    back = pd.read_csv(
        path,
        encoding="utf-8-sig",
        keep_default_na=False,
        na_values={"value": [""], "bits": [""], "whole": [""]},
        dtype={"plant_id": str, "text": str},
    )
    assert list(back.columns) == list(frame.columns)
    assert back["text"].tolist() == frame["text"].tolist()  # Chinese, commas, quotes, newlines
    assert back["flag"].dtype == bool and (back["flag"] == frame["flag"]).all()
    assert (back["count"] == frame["count"]).all()
    for column in ("value", "bits", "whole"):  # floats exactly; NaN ↔ empty cell
        assert back[column].dtype == np.float64
        np.testing.assert_array_equal(back[column].to_numpy(), frame[column].to_numpy())
    first_nan = int(np.flatnonzero(frame["whole"].isna())[0])
    assert raw.split(b"\n")[first_nan + 1].split(b",")[list(frame.columns).index("whole")] == b""


@pytest.mark.parametrize("block_rows", [7, 100_000])
def test_fast_csv_is_byte_identical_to_pandas(tmp_path, monkeypatch, block_rows):
    monkeypatch.setattr(results, "CSV_BLOCK_ROWS", block_rows)  # many blocks, in parallel
    frame = _frame()
    fast, slow = tmp_path / "fast.csv", tmp_path / "pandas.csv"
    _result(frame).to_csv(fast)
    frame.to_csv(slow, index=False, encoding="utf-8-sig")
    assert fast.read_bytes() == slow.read_bytes()


def test_csv_falls_back_to_pandas_without_pyarrow(tmp_path, monkeypatch):
    frame = _frame(50)
    with_arrow = tmp_path / "arrow.csv"
    _result(frame).to_csv(with_arrow)
    monkeypatch.setattr(results, "pa", None)
    without = tmp_path / "pandas.csv"
    _result(frame).to_csv(without)
    assert without.read_bytes() == with_arrow.read_bytes()


def test_csv_unusual_dtype_uses_pandas(tmp_path):
    frame = pd.DataFrame(
        {
            "a": [1, 2],
            "when": pd.to_datetime(["2024-01-01 10:30", None]),
            "cat": pd.Categorical(["x", "y,z"]),
        }
    )
    path = tmp_path / "out.csv"
    _result(frame).to_csv(path)
    assert path.read_bytes() == '\ufeffa,when,cat\n1,2024-01-01 10:30:00,x\n2,,"y,z"\n'.encode()


def test_csv_write_is_atomic(tmp_path, monkeypatch):
    path = tmp_path / "out.csv"
    path.write_text("old")

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(results, "_write_strings", boom)
    with pytest.raises(RuntimeError):
        _result(_frame(20)).to_csv(path)
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_every_output_column_of_the_sample_takes_the_fast_csv_path():
    # a column the Arrow writer cannot format sends the whole file through pandas (≈ 3× slower)
    from retrofit.results import _csv_kinds

    result = retrofit.estimate(retrofit.sample_path(), year=2026)
    assert _csv_kinds(result.assets) is not None
