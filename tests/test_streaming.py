"""Tests of retrofit.inventory.streaming: chunked reading gives exactly what a whole read gives.

The reference for every expectation is the whole-file reader (read_inventory, or
validate_frame for Parquet) run on the same bytes, plus row numbers worked out by hand:
data record k (1-based) of a file whose header is on spreadsheet row r is on row r + k.
The inventories are built from retrofit/samples/example_plant.csv (19 rows, Chinese
headers, 50 columns): its rows repeated, with the asset id made unique by a suffix.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from retrofit.core.exceptions import InventoryError
from retrofit.inventory import streaming
from retrofit.inventory.reading import read_inventory, validate_frame
from retrofit.inventory.streaming import iter_inventory
from retrofit.pipeline import estimate

#: whole files read in chunks and compared with whole reads: `make test` runs them, `make test-fast` leaves them out
pytestmark = pytest.mark.slow

SAMPLE = Path(__file__).parents[1] / "retrofit" / "samples" / "example_plant.csv"
N_ROWS = 2500  # not a multiple of CHUNK
CHUNK = 700


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def sample_lines() -> tuple[str, list[str]]:
    # GBK has no '³': 流量(m3/h) is an accepted spelling of the same header
    lines = SAMPLE.read_text("utf-8-sig").replace("³", "3").splitlines()
    return lines[0], lines[1:]


def data_lines(n: int) -> list[str]:
    """n data records: the sample's rows over and over, asset id 'M-001-r' on repeat r."""
    _, body = sample_lines()
    out = []
    for k in range(n):
        plant, name, asset, rest = body[k % len(body)].split(",", 3)
        out.append(f"{plant},{name},{asset}-{k // len(body)},{rest}")
    return out


def write_csv(name: str, lines: list[str], encoding: str = "utf-8", *, title: bool = False):
    header, _ = sample_lines()
    head = ["2024年重点用能设备台账" + "," * 49] if title else []
    text = "\n".join([*head, header, *lines]) + "\n"
    Path(name).write_bytes(text.encode(encoding))
    return name


def concat(chunks) -> pd.DataFrame:
    return pd.concat([c.assets for c in chunks], ignore_index=True)


def issue_texts(call) -> list[str]:
    with pytest.raises(InventoryError) as info:
        call()
    return [str(i) for i in info.value.issues]


# --- CSV: chunks = whole read -------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "detected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gbk", "gb18030")],
)
def test_csv_chunks_concatenate_to_the_whole_read(encoding, detected):
    path = write_csv("plant.csv", data_lines(N_ROWS), encoding)
    whole = read_inventory(path)
    chunks = list(iter_inventory(path, chunk_rows=CHUNK))
    assert [len(c.assets) for c in chunks] == [700, 700, 700, 400]
    pd.testing.assert_frame_equal(concat(chunks), whole.assets)
    assert list(concat(chunks)["source_row"]) == list(range(2, N_ROWS + 2))
    sha = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    for c in chunks:
        m = c.meta
        assert (m.path, m.sha256, m.file_format, m.encoding) == (path, sha, "csv", detected)
        assert m.header_map == whole.meta.header_map
        assert m.header_map["rated_power_kw"] == "额定功率(kW)"
        assert m.n_rows == len(c.assets)


def test_header_below_a_title_row_numbers_rows_from_the_file_start():
    path = write_csv("plant.csv", data_lines(N_ROWS), title=True)
    chunks = list(iter_inventory(path, chunk_rows=CHUNK))
    assert chunks[0].meta.header_row == 2
    assert chunks[1].assets["source_row"].iloc[0] == 703  # record 701, header on row 2
    pd.testing.assert_frame_equal(concat(chunks), read_inventory(path).assets)


@pytest.mark.parametrize("title", [False, True])
def test_an_invalid_cell_is_reported_on_the_row_a_whole_read_names(title):
    lines = data_lines(N_ROWS)
    fields = lines[2344].split(",")  # data record 2,345
    fields[6] = "-5"  # 额定功率(kW)
    lines[2344] = ",".join(fields)
    path = write_csv("plant.csv", lines, title=title)
    row = 2346 + title
    expected = [f'plant.csv row {row}, column 额定功率(kW): "-5" — expected a number > 0 (kW)']
    assert issue_texts(lambda: read_inventory(path)) == expected

    chunks = iter_inventory(path, chunk_rows=CHUNK)
    before = [next(chunks) for _ in range(3)]  # records 1–2,100 are valid
    assert before[-1].assets["source_row"].iloc[-1] == 2101 + title
    assert issue_texts(lambda: next(chunks)) == expected


def test_blank_rows_at_chunk_boundaries_and_a_blank_chunk_are_dropped():
    lines = data_lines(N_ROWS)
    blank = "," * 49
    for k in (699, 700):  # records 700 and 701: the last of chunk 1, the first of chunk 2
        lines[k] = blank
    lines[1399] = ""  # record 1,400: an empty line, last of chunk 2
    for k in range(1400, 2100):  # chunk 3 entirely blank
        lines[k] = blank if k % 2 else ""
    path = write_csv("plant.csv", lines)
    whole = read_inventory(path)
    chunks = list(iter_inventory(path, chunk_rows=CHUNK))
    assert [len(c.assets) for c in chunks] == [699, 698, 400]
    pd.testing.assert_frame_equal(concat(chunks), whole.assets)
    rows = concat(chunks)["source_row"].to_numpy()
    assert not np.isin([701, 702, 1401, 1402, 2101], rows).any()
    assert rows[[698, 699]].tolist() == [700, 703]
    assert chunks[0].meta.notes == ["1 entirely blank row(s) dropped: row 701"]
    assert chunks[1].meta.notes == ["2 entirely blank row(s) dropped: row 702, 1401"]


def test_a_file_of_blank_rows_raises_what_a_whole_read_raises():
    path = write_csv("plant.csv", ["," * 49] * 1500)
    expected = ["plant.csv: the file has a header but no data rows"]
    assert issue_texts(lambda: read_inventory(path)) == expected
    assert issue_texts(lambda: list(iter_inventory(path, chunk_rows=CHUNK))) == expected


# --- CSV: the pandas fallback ----------------------------------------------------------------


@pytest.fixture
def small_blocks(monkeypatch):
    """pyarrow blocks of 16 KiB (~100 records), so that a bad row is met mid-file; and a spy
    on the rows pandas is asked to skip when it takes over."""
    monkeypatch.setattr(streaming, "_BLOCK_BYTES", 1 << 14)
    skipped: list[int] = []
    read_csv = pd.read_csv

    def spy(*args, **kw):
        if kw.get("chunksize"):
            skipped.append(kw["skiprows"])
        return read_csv(*args, **kw)

    monkeypatch.setattr(streaming.pd, "read_csv", spy)
    return skipped


def test_a_short_row_hands_over_to_pandas_after_the_chunks_already_read(small_blocks):
    lines = data_lines(N_ROWS)
    lines[1999] = ",".join(lines[1999].split(",")[:12])  # record 2,000: 12 cells of 50
    path = write_csv("plant.csv", lines)
    chunks = list(iter_inventory(path, chunk_rows=CHUNK))
    assert small_blocks == [1 + 1400]  # header + chunks 1 and 2, read by pyarrow
    assert [len(c.assets) for c in chunks] == [700, 700, 700, 400]
    whole = read_inventory(path)
    pd.testing.assert_frame_equal(concat(chunks), whole.assets)
    assert np.isnan(whole.assets["operating_hours_h"].iloc[1999])  # padded with blanks


def test_the_pandas_reader_gives_the_same_chunks():
    # a short first record sends the whole file through pandas' parser; padded, pyarrow reads it
    lines = data_lines(N_ROWS)
    cells = lines[0].split(",")
    lines[0] = ",".join(cells[:12])
    ragged = list(iter_inventory(write_csv("ragged.csv", lines, "gbk"), chunk_rows=CHUNK))
    lines[0] += "," * (len(cells) - 12)
    padded = list(iter_inventory(write_csv("padded.csv", lines, "gbk"), chunk_rows=CHUNK))
    assert len(ragged) == len(padded) == 4
    for a, b in zip(ragged, padded, strict=True):
        pd.testing.assert_frame_equal(a.assets, b.assets)
        assert a.meta.encoding == b.meta.encoding == "gb18030"


def test_a_row_with_too_many_cells_gives_the_whole_read_error(small_blocks):
    lines = data_lines(N_ROWS)
    lines[1999] += ",extra"  # record 2,000 → row 2,001
    path = write_csv("plant.csv", lines)
    expected = [
        (
            "plant.csv row 2001: this row has 51 cells but the header has 50 columns; "
            "give the extra cells a header or delete them"
        )
    ]
    assert issue_texts(lambda: read_inventory(path)) == expected
    chunks = iter_inventory(path, chunk_rows=CHUNK)
    assert len(next(chunks).assets) == 700
    assert len(next(chunks).assets) == 700
    assert issue_texts(lambda: list(chunks)) == expected


# --- memory bound and estimate ---------------------------------------------------------------


@pytest.mark.slow
def test_200000_rows_stream_in_chunks_no_longer_than_chunk_rows():
    path = write_csv("province.csv", data_lines(200_000))
    lengths = []
    last_row = 1  # the header
    for chunk in iter_inventory(path, chunk_rows=20_000):
        lengths.append(len(chunk.assets))
        assert chunk.assets["source_row"].iloc[0] == last_row + 1
        last_row = chunk.assets["source_row"].iloc[-1]
    assert lengths == [20_000] * 10
    assert last_row == 200_001


@pytest.mark.slow
def test_estimate_of_the_chunks_sums_to_the_whole_file_estimate():
    path = write_csv("plant.csv", data_lines(N_ROWS))
    whole = estimate(path, year=2025).assets["energy_saved_kwh"].sum()
    parts = [
        estimate(c, year=2025).assets["energy_saved_kwh"].sum()
        for c in iter_inventory(path, chunk_rows=CHUNK)
    ]
    assert len(parts) == 4
    assert whole > 0
    np.testing.assert_allclose(sum(parts), whole, rtol=1e-12)


# --- Parquet -----------------------------------------------------------------------------------


@pytest.fixture
def frame() -> pd.DataFrame:
    """The sample repeated to N_ROWS rows with pandas' own types: numbers stay numbers."""
    write_csv("plant.csv", data_lines(N_ROWS))
    return pd.read_csv("plant.csv")


def test_parquet_chunks_concatenate_to_validate_frame(frame):
    pytest.importorskip("pyarrow")
    assert frame["额定功率(kW)"].dtype == np.float64  # the cells are not text
    frame.to_parquet("plant.parquet", row_group_size=1000)
    expected = validate_frame(frame).assets
    chunks = list(iter_inventory("plant.parquet", chunk_rows=CHUNK))
    assert max(len(c.assets) for c in chunks) <= CHUNK
    pd.testing.assert_frame_equal(concat(chunks), expected)
    pd.testing.assert_frame_equal(read_inventory("plant.parquet").assets, expected)
    assert list(expected["source_row"].iloc[[0, -1]]) == [2, N_ROWS + 1]
    sha = hashlib.sha256(Path("plant.parquet").read_bytes()).hexdigest()
    assert {(c.meta.file_format, c.meta.sha256, c.meta.encoding) for c in chunks} == {
        ("parquet", sha, None)
    }


def test_parquet_recognised_by_its_magic_bytes_and_errors_on_the_same_row(frame):
    pytest.importorskip("pyarrow")
    frame.loc[2344, "额定功率(kW)"] = -5.0  # record 2,345 → row 2,346
    frame.index = frame.index + 100  # a stored index is not data
    frame.to_parquet("plant.data")
    expected = ['plant.data row 2346, column 额定功率(kW): "-5" — expected a number > 0 (kW)']
    assert issue_texts(lambda: read_inventory("plant.data")) == expected
    assert issue_texts(lambda: list(iter_inventory("plant.data", chunk_rows=CHUNK))) == expected


def test_not_a_parquet_file():
    Path("plant.parquet").write_text("企业编号,设备编号\n", encoding="utf-8")
    expected = issue_texts(lambda: read_inventory("plant.parquet"))
    assert expected[0].startswith("plant.parquet: the file cannot be read as Parquet (")
    assert issue_texts(lambda: iter_inventory("plant.parquet")) == expected


# --- Excel: one chunk ----------------------------------------------------------------------------


def test_xlsx_is_one_chunk(frame):
    pytest.importorskip("openpyxl")
    frame.head(40).to_excel("plant.xlsx", index=False)
    chunks = list(iter_inventory("plant.xlsx", chunk_rows=7))
    assert len(chunks) == 1
    pd.testing.assert_frame_equal(chunks[0].assets, read_inventory("plant.xlsx").assets)
    assert len(chunks[0].assets) == 40


def test_chunk_rows_must_be_positive():
    path = write_csv("plant.csv", data_lines(3))
    with pytest.raises(ValueError, match="chunk_rows must be at least 1, not 0"):
        iter_inventory(path, chunk_rows=0)
