"""The reproducible cases of issue 18 points 1 and 2: no silent wrong number, no output column
taken over by an input column of the same name.

Each case is what a careful user tried (issue 18's list): a quantity that wrapped through int64,
a price that made the saving infinite, an efficiency read on the wrong scale, superscripts and
circled digits that NFKC folded into other numbers, inf and NaN as options, and input columns
named like outputs. Expected values are the cells as written, read by hand.
"""

import csv
import math

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import retrofit
from retrofit.cli import cli
from retrofit.core.exceptions import InventoryError, OptionError
from retrofit.inventory.reading import validate_frame

HEADER = (
    "plant_id,asset_id,category,measure,quantity,rated_power_kw,poles,efficiency_class,"
    "target_class,load_factor,operating_hours_h,electricity_price_cny_per_kwh"
)
#: One 55 kW 4-pole IE2 motor → IE4 at full load for 4000 h: 5,409.061 kWh saved (the hand
#: calculation of tests/test_estimate.py, GB 18613-2020 table values).
ROW = {
    "plant_id": "P1",
    "asset_id": "M1",
    "category": "motor",
    "measure": "upgrade_motor",
    "quantity": "1",
    "rated_power_kw": "55",
    "poles": "4",
    "efficiency_class": "IE2",
    "target_class": "IE4",
    "load_factor": "1",
    "operating_hours_h": "4000",
    "electricity_price_cny_per_kwh": "0.7",
}
SAVED_KWH_55KW = 5409.061


def row(**cells: str) -> dict[str, str]:
    return {**ROW, **cells}


def messages(rows: list[dict[str, str]]) -> list[str]:
    with pytest.raises(InventoryError) as caught:
        validate_frame(pd.DataFrame(rows, dtype="str"))
    return [str(issue) for issue in caught.value.issues]


def write(tmp_path, rows: list[dict[str, str]], name: str = "plant.csv"):
    path = tmp_path / name
    pd.DataFrame(rows, dtype="str").to_csv(path, index=False)
    return path


@pytest.fixture
def runner():
    return CliRunner()


# --- point 1: numbers in the type they are used in -----------------------------------------


@pytest.mark.parametrize("quantity", ["1e19", "1e308", "99999999999999999999", "1E400"])
def test_a_huge_quantity_is_an_error_with_the_allowed_range(quantity):
    text = messages([row(quantity=quantity)])
    if quantity == "1E400":  # beyond float64: no number at all
        assert text == [
            (
                f'<DataFrame> row 2, column quantity: "{quantity}" — expected a whole number ≥ 1 '
                "(units)"
            )
        ]
    else:
        assert text == [
            (
                f'<DataFrame> row 2, column quantity: "{quantity}" — expected a whole number ≥ 1 '
                "(units), at most 1e15 in size (larger values overflow the arithmetic)"
            )
        ]


def test_a_huge_quantity_exits_1_and_writes_nothing(runner, tmp_path):
    out = tmp_path / "out.csv"
    path = write(tmp_path, [row(quantity="1e19")])
    result = runner.invoke(cli, ["estimate", str(path), "-o", str(out)])
    assert result.exit_code == 1
    assert "at most 1e15" in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_the_largest_quantity_allowed_is_exact():
    inv = validate_frame(pd.DataFrame([row(quantity="1000000000000000")], dtype="str"))
    assert inv.assets["quantity"].iloc[0] == 10**15  # no wrap, no rounding


@pytest.mark.parametrize(
    "column, value",
    [
        ("electricity_price_cny_per_kwh", "1e308"),
        ("rated_power_kw", "1e16"),
        ("operating_hours_h", "inf"),
        ("rated_power_kw", "NaN"),
        ("rated_power_kw", "-inf"),
    ],
)
def test_no_infinite_or_huge_number_reaches_a_saving(column, value):
    (text,) = messages([row(**{column: value})])
    assert text.startswith(f'<DataFrame> row 2, column {column}: "{value}" — expected a number')


def test_a_price_of_1e308_in_a_dataframe_of_floats_is_refused():
    df = pd.DataFrame([row()], dtype="str")
    df["electricity_price_cny_per_kwh"] = [1e308]
    with pytest.raises(InventoryError, match="at most 1e15 in size"):
        validate_frame(df)


def test_a_price_in_10k_cny_header_overflowing_after_scaling_is_refused(tmp_path):
    # 1e305 万元 is 1e309 CNY: inf once scaled, so out of range rather than a number
    path = tmp_path / "plant.csv"
    path.write_text(
        "plant_id,asset_id,category,measure,rated_power_kw,poles,efficiency_class,投资额(万元)\n"
        "P1,M1,motor,upgrade_motor,55,4,IE2,1e305\n",
        encoding="utf-8",
    )
    with pytest.raises(InventoryError, match="at most 1e15 in size"):
        retrofit.read_inventory(path)


@pytest.mark.parametrize(
    "column", ["efficiency_pct", "target_efficiency_pct", "machine_efficiency_pct"]
)
def test_a_fraction_in_a_percent_column_is_ambiguous(column):
    (text,) = messages([row(**{column: "0.935"})])
    assert text == (
        f'<DataFrame> row 2, column {column}: "0.935" — expected a percentage: '
        "0.935 % or 93.5 %? write 93.5"
    )


def test_a_fraction_as_float_in_a_percent_column_is_ambiguous_too():
    df = pd.DataFrame([row()], dtype="str")
    df["efficiency_pct"] = [0.935]
    with pytest.raises(InventoryError, match=r"0\.935 % or 93\.5 %\? write 93\.5"):
        validate_frame(df)


@pytest.mark.parametrize(
    "written, value",
    [
        ("93.5", 93.5),
        ("93.5%", 93.5),
        ("９３．５％", 93.5),
        ("０．９３５％", 0.935),
        ("0.935%", 0.935),
    ],
)
def test_a_percentage_is_read_as_written(written, value):
    inv = validate_frame(pd.DataFrame([row(efficiency_pct=written)], dtype="str"))
    assert inv.assets["efficiency_pct"].iloc[0] == value


@pytest.mark.parametrize(
    "column, written, bounds, fraction",
    [
        ("static_head_fraction", "30", "≥ 0 and < 1", "0.3"),
        ("load_factor", "75", "> 0 and ≤ 1.25", "0.75"),
    ],
)
def test_a_percentage_in_a_fraction_column_is_ambiguous(column, written, bounds, fraction):
    (text,) = messages([row(**{column: written})])
    assert text == (
        f'<DataFrame> row 2, column {column}: "{written}" — expected a fraction {bounds}: '
        f'{written} ({written}00 %) or {written} %? write {fraction} or "{written}%"'
    )


def test_a_fraction_above_one_that_is_in_range_is_not_ambiguous():
    # a load factor of 1.1 is a 10 % overload (the column allows ≤ 1.25); 1.1 % would be
    # 0.011, written so
    inv = validate_frame(pd.DataFrame([row(load_factor="1.1")], dtype="str"))
    assert inv.assets["load_factor"].iloc[0] == 1.1


@pytest.mark.parametrize("written, odd", [("5⁵", "⁵"), ("5²", "²"), ("②", "②"), ("٥٥", "٥")])
def test_characters_that_are_not_digits_are_an_error_not_folded(written, odd):
    (text,) = messages([row(rated_power_kw=written)])
    assert text == (
        f'<DataFrame> row 2, column rated_power_kw: "{written}" — expected a number > 0 (kW), '
        f"written with the digits 0-9 ({odd} is not one)"
    )


@pytest.mark.parametrize("written, odd", [("5²", "²"), ("②", "②"), ("5⁵台", "⁵")])
def test_a_whole_number_column_refuses_them_too(written, odd):
    # quantity goes through the "6台" reading first: it must not fold 5² into 52 on the way
    (text,) = messages([row(quantity=written)])
    assert text == (
        f'<DataFrame> row 2, column quantity: "{written}" — expected a whole number ≥ 1 '
        f"(units), written with the digits 0-9 ({odd} is not one)"
    )


@pytest.mark.parametrize("written", ["6台", "6 台", "６套", "６ 台"])
def test_a_count_with_its_measure_word_reads_as_the_count(written):
    inv = validate_frame(pd.DataFrame([row(quantity=written)], dtype="str"))
    assert inv.assets["quantity"].iloc[0] == 6


def test_a_circled_digit_is_no_pole_count():
    (text,) = messages([row(poles="②")])
    assert text.startswith('<DataFrame> row 2, column poles: "②" — expected one of 2, 4, 6, 8')


@pytest.mark.parametrize(
    "written, value",
    [
        ("５５", 55.0),
        ("６，０００", 6000.0),
        ("6,000", 6000.0),
        ("５５．５", 55.5),
        ("　55　", 55.0),
    ],
)
def test_full_width_digits_and_separators_still_read(written, value):
    inv = validate_frame(pd.DataFrame([row(rated_power_kw=written)], dtype="str"))
    assert inv.assets["rated_power_kw"].iloc[0] == value


def test_full_width_power_gives_the_hand_calculated_saving():
    result = retrofit.estimate(pd.DataFrame([row(rated_power_kw="５５")], dtype="str"), year=2026)
    assert result.assets["energy_saved_kwh"].iloc[0] == pytest.approx(SAVED_KWH_55KW, abs=1e-3)


@pytest.mark.parametrize(
    "option, value",
    [
        ("--loan-rate", "inf"),
        ("--discount-rate", "nan"),
        ("--eit-rate", "inf"),
        ("--eit-payable", "-inf"),
        ("--loan-term-years", "nan"),
        ("--equal-value-factor", "inf"),
    ],
)
def test_non_finite_numeric_options_are_usage_errors(runner, tmp_path, option, value):
    path = write(tmp_path, [row()])
    result = runner.invoke(cli, ["estimate", str(path), option, value])
    assert result.exit_code == 2
    assert f"Invalid value for '{option}': '{value}' is not a finite number." in result.output


@pytest.mark.parametrize(
    "option, value, message",
    [
        ("--loan-rate", "0.6", "loan_rate 0.6 — expected a number ≥ 0 and ≤ 0.5"),
        ("--loan-term-years", "0", "loan_term_years 0.0 — expected a number > 0 (yr)"),
        ("--discount-rate", "1.5", "discount rate 1.5 is implausible"),
        ("--seed", "-1", "-1 is not in the range x>=0"),
    ],
)
def test_numeric_options_out_of_their_range_are_usage_errors(
    runner, tmp_path, option, value, message
):
    path = write(tmp_path, [row()])
    result = runner.invoke(cli, ["estimate", str(path), option, value])
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_a_superscript_sheet_index_is_a_sheet_name_not_a_traceback(runner, tmp_path):
    path = write(tmp_path, [row()])
    result = runner.invoke(cli, ["validate", str(path), "--sheet", "²"])
    assert result.exit_code in (0, 1, 2)
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize("value", [math.inf, math.nan, -1.0, 0.6])
def test_the_api_refuses_a_loan_rate_outside_its_column(value):
    with pytest.raises(OptionError, match="loan_rate"):
        retrofit.estimate(
            pd.DataFrame([row()], dtype="str"), year=2026, eligibility={"loan_rate": value}
        )


# --- point 2: input columns named like outputs -----------------------------------------------


def test_output_named_columns_are_kept_renamed_and_not_summed(tmp_path):
    rows = [
        row(asset_id="M1", piles_replaced="5", it_renewed_kw="0.0"),
        row(asset_id="M2", piles_replaced="5", it_renewed_kw="0.0"),
    ]
    result = retrofit.estimate(pd.DataFrame(rows, dtype="str"), year=2026)
    assets, plant = result.assets, result.plants.iloc[0]
    # the motors replace no piles and renew no IT load, whatever the input columns say
    assert assets["piles_replaced"].tolist() == [0, 0]
    assert plant["piles_replaced"] == 0 and plant["it_renewed_kw"] == 0
    assert assets["piles_replaced (input)"].tolist() == ["5", "5"]
    assert assets["it_renewed_kw (input)"].tolist() == ["0.0", "0.0"]
    (caveat,) = [c for c in result.caveats if c.code == "inventory.column.renamed"]
    assert caveat.data == {
        "renamed": {
            "piles_replaced": "piles_replaced (input)",
            "it_renewed_kw": "it_renewed_kw (input)",
        }
    }


def test_the_rename_is_noted_with_the_column_letter():
    inv = validate_frame(pd.DataFrame([row(piles_replaced="5")], dtype="str"))
    assert (
        "column M 'piles_replaced' has the name of a column retrofit computes; kept as "
        "'piles_replaced (input)' (the computed piles_replaced is written beside it)"
    ) in inv.meta.notes


def test_a_plain_unknown_column_keeps_its_name():
    inv = validate_frame(pd.DataFrame([row(workshop="A")], dtype="str"))
    assert "workshop" in inv.assets.columns and inv.meta.renamed == {}


def saved(path) -> list[tuple[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return [(r["asset_id"], r["energy_saved_kwh"]) for r in csv.DictReader(fh)]


def test_the_own_assets_csv_validates_and_gives_the_same_savings(runner, tmp_path):
    rows = [
        row(asset_id="M1"),
        row(asset_id="M2", rated_power_kw="５５", quantity="2", efficiency_pct="93.5%"),
    ]
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    path = write(tmp_path, rows)
    assert (
        runner.invoke(cli, ["estimate", str(path), "--year", "2026", "-o", str(first)]).exit_code
        == 0
    )
    check = runner.invoke(cli, ["validate", str(first), "--year", "2026"])
    assert check.exit_code == 0, check.output
    again = runner.invoke(cli, ["estimate", str(first), "--year", "2026", "-o", str(second)])
    assert again.exit_code == 0, again.output
    assert saved(second) == saved(first)
    assert float(saved(first)[0][1]) == pytest.approx(SAVED_KWH_55KW, abs=1e-3)


def test_the_own_workbook_validates_and_gives_the_same_savings(runner, tmp_path):
    workbook, back = tmp_path / "first.xlsx", tmp_path / "back.csv"
    path = write(tmp_path, [row(), row(asset_id="M2", quantity="3")])
    assert (
        runner.invoke(
            cli,
            ["estimate", str(path), "--year", "2026", "--workbook", "plain", "-o", str(workbook)],
        ).exit_code
        == 0
    )
    check = runner.invoke(cli, ["validate", str(workbook), "--sheet", "assets", "--year", "2026"])
    assert check.exit_code == 0, check.output
    again = runner.invoke(
        cli, ["estimate", str(workbook), "--sheet", "assets", "--year", "2026", "-o", str(back)]
    )
    assert again.exit_code == 0, again.output
    values = [float(v) for _, v in saved(back)]
    assert values == pytest.approx([SAVED_KWH_55KW, 3 * SAVED_KWH_55KW], rel=1e-6)
    assert np.isfinite(values).all()


def test_an_xlsx_number_of_1e400_is_a_located_error_not_a_traceback(runner, tmp_path):
    import zipfile

    import openpyxl

    path = tmp_path / "plant.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(list(ROW))
    wb.active.append([*list(ROW.values())[:5], 12345, *list(ROW.values())[6:]])
    wb.save(path)
    with zipfile.ZipFile(path) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = parts[sheet].replace(b"<v>12345</v>", b"<v>1E400</v>")  # Excel caps at 1e308
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    result = runner.invoke(cli, ["validate", str(path)])
    assert result.exit_code == 1, result.output
    # the sheet cell is named as the workbook has it: no infinite kW reaches the models
    assert 'row 2, column F: "1E400" — expected a finite number in Sheet!F2' in result.output


# --- the gaps the first wave left (issue 18, second wave) -----------------------------------


def ten_row_workbook(tmp_path):
    """An inventory workbook of ten motor rows: 11 spreadsheet rows with its header."""
    import openpyxl

    path = tmp_path / "plant.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(list(ROW))
    for i in range(1, 11):
        wb.active.append(list(row(asset_id=f"M{i}").values()))
    wb.save(path)
    return path


FIVE_ROWS = "past the limit of 5 rows"


def test_estimate_and_validate_take_a_limits_keyword(tmp_path):
    from retrofit.inventory.workbook import ReadLimits

    path = ten_row_workbook(tmp_path)
    with pytest.raises(InventoryError, match=FIVE_ROWS):
        retrofit.estimate(path, year=2026, limits=ReadLimits(max_rows=5))
    report = retrofit.validate(path, year=2026, limits=ReadLimits(max_rows=5))
    assert not report.valid
    assert FIVE_ROWS in str(report.issues[0])
    assert len(retrofit.estimate(path, year=2026, limits=ReadLimits(max_rows=11)).assets) == 10


def test_portfolio_takes_a_limits_keyword_for_inventories_and_plants(tmp_path):
    from retrofit.inventory.workbook import ReadLimits
    from retrofit.portfolio import portfolio

    path = ten_row_workbook(tmp_path)
    with pytest.raises(InventoryError, match=FIVE_ROWS):
        portfolio([path], year=2026, limits=ReadLimits(max_rows=5))
    plants = tmp_path / "plants.csv"
    plants.write_text("plant_id,plant_energy_tce\nP1," + "1" * 40 + "\n", encoding="utf-8")
    with pytest.raises(InventoryError, match="holds 40 characters, more than the limit of 20"):
        portfolio([path], plants=plants, year=2026, limits=ReadLimits(max_cell_chars=20))


def test_limits_given_as_a_keyword_reach_a_worker_thread(tmp_path):
    """A reading_limits block is a context variable: a thread started inside it does not see
    it (the Dask portfolio's threads did not). The keyword reaches any thread."""
    from concurrent.futures import ThreadPoolExecutor

    from retrofit.inventory.files import reading_limits
    from retrofit.inventory.workbook import ReadLimits

    path = ten_row_workbook(tmp_path)
    five = ReadLimits(max_rows=5)
    with reading_limits(five), ThreadPoolExecutor(1) as pool:
        unbounded = pool.submit(retrofit.estimate, path, year=2026).result()
        bounded = pool.submit(retrofit.estimate, path, year=2026, limits=five)
        with pytest.raises(InventoryError, match=FIVE_ROWS):
            bounded.result()
    assert len(unbounded.assets) == 10  # the block did not reach the thread


def test_the_dask_portfolio_passes_its_limits_to_every_partition(tmp_path, monkeypatch):
    dd = pytest.importorskip("dask.dataframe", reason="dask is a test extra")
    import retrofit.pipeline
    from retrofit.inventory.files import reading_limits
    from retrofit.inventory.workbook import ReadLimits
    from retrofit.portfolio import portfolio_dask

    seen = []
    real = retrofit.pipeline.estimate

    def spy(*args, **kwargs):
        seen.append(kwargs.get("limits"))
        return real(*args, **kwargs)

    monkeypatch.setattr(retrofit.pipeline, "estimate", spy)
    frame = pd.DataFrame([row(asset_id=f"M{i}") for i in range(1, 7)], dtype="str")
    ddf = dd.from_pandas(frame, npartitions=3)
    limits = ReadLimits(max_cell_chars=20)
    with reading_limits(limits):  # taken when called, then passed to the partitions' threads
        portfolio_dask(ddf, year=2026)
    assert len(seen) >= 3 and all(given == limits for given in seen)
    plants = tmp_path / "plants.csv"
    plants.write_text("plant_id,plant_energy_tce\nP1," + "1" * 40 + "\n", encoding="utf-8")
    with pytest.raises(InventoryError, match="holds 40 characters, more than the limit of 20"):
        portfolio_dask(ddf, plants=plants, year=2026, limits=limits)


def test_the_own_workbook_reads_back_without_naming_its_sheet(runner, tmp_path):
    """``estimate --workbook plain -o x.xlsx`` writes plants first; read back, its assets
    sheet is taken and the note says so (the audit workbook: the next test)."""
    workbook, back = tmp_path / "first.xlsx", tmp_path / "back.csv"
    path = write(tmp_path, [row(), row(asset_id="M2", quantity="3")])
    first = runner.invoke(
        cli, ["estimate", str(path), "--year", "2026", "--workbook", "plain", "-o", str(workbook)]
    )
    assert first.exit_code == 0, first.output
    report = retrofit.validate(workbook, year=2026)
    assert report.valid, report.issues
    assert report.notes[0] == (
        "retrofit's own output workbook (sheets plants, assets, projects, supply_curve, "
        "assumptions, caveats): read its 'assets' sheet (name another with --sheet)"
    )
    again = runner.invoke(cli, ["estimate", str(workbook), "--year", "2026", "-o", str(back)])
    assert again.exit_code == 0, again.output
    values = [float(v) for _, v in saved(back)]
    assert values == pytest.approx([SAVED_KWH_55KW, 3 * SAVED_KWH_55KW], rel=1e-6)


@pytest.mark.parametrize("command", ["report", "estimate"])
def test_the_audit_workbook_reads_back_without_its_label_row(runner, tmp_path, command):
    """``retrofit report -o x.xlsx`` (and ``estimate -o x.xlsx``, the same audit workbook)
    puts a summary sheet first and a row of labels with units under each header: both are
    skipped, and said; the per-row saving formulas, never calculated by a spreadsheet, hold no
    cached value and are not read (their columns are outputs)."""
    workbook, back = tmp_path / "audit.xlsx", tmp_path / "back.csv"
    path = write(tmp_path, [row(), row(asset_id="M2", quantity="3")])
    first = runner.invoke(cli, [command, str(path), "--year", "2026", "-o", str(workbook)])
    assert first.exit_code == 0, first.output
    report = retrofit.validate(workbook, year=2026)
    assert report.valid, report.issues
    assert report.rows == 2
    assert "row 2 of sheet 'assets' skipped: the labels of retrofit's audit workbook" in (
        report.notes
    )
    again = runner.invoke(cli, ["estimate", str(workbook), "--year", "2026", "-o", str(back)])
    assert again.exit_code == 0, again.output
    values = [float(v) for _, v in saved(back)]
    assert values == pytest.approx([SAVED_KWH_55KW, 3 * SAVED_KWH_55KW], rel=1e-6)


def test_a_plants_file_given_as_the_own_workbook_reads_its_plants_sheet(tmp_path):
    rows = [row(plant_energy_tce="500"), row(asset_id="M2", plant_energy_tce="500")]
    workbook = tmp_path / "first.xlsx"
    retrofit.estimate(write(tmp_path, rows), year=2026).to_excel(workbook)
    from retrofit.inventory.plants import read_plants

    plants = read_plants(workbook)
    assert plants["plant_id"].tolist() == ["P1"]
    assert plants.attrs["meta"].sheet == "plants"


def test_a_user_workbook_with_an_assets_sheet_is_read_as_before(tmp_path):
    """Only a workbook with the sheets retrofit writes is taken as its own: another workbook
    whose second sheet is called assets is read from its first sheet."""
    import openpyxl

    path = tmp_path / "book.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "mine"
    wb.active.append(list(ROW))
    wb.active.append(list(ROW.values()))
    wb.create_sheet("assets").append(["not", "an", "inventory"])
    wb.save(path)
    report = retrofit.validate(path, year=2026)
    assert report.valid, report.issues
    assert not any("own output" in note for note in report.notes)


@pytest.mark.parametrize("column", ["operating_hours_h", "rated_power_kw", "load_factor"])
def test_a_subnormal_number_is_refused_before_a_ratio_overflows(column):
    """1e-320 hours passed the range check (≥ 0) and made investment ÷ saving overflow to an
    infinite payback with a RuntimeWarning; 1e-15 is the mirror of the 1e15 size limit."""
    found = messages([row(**{column: "1e-320"})])
    assert len(found) == 1
    assert found[0].startswith(f'<DataFrame> row 2, column {column}: "1e-320" — expected ')
    assert found[0].endswith(
        ", 0 or at least 1e-15 in size (smaller values overflow the arithmetic)"
    )


def test_the_smallest_number_allowed_gives_a_finite_payback_without_a_warning():
    """1e-15 h a year: a saving of 5,409.061 kWh × 1e-15 / 4,000 h at 0.7 CNY/kWh pays back
    20,000 CNY in 20,000 / (5,409.061 / 4,000 × 1e-15 × 0.7) = 2.1129e19 years: huge, finite."""
    import warnings

    frame = pd.DataFrame([row(operating_hours_h="1e-15", investment_cny="20000")], dtype="str")
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        result = retrofit.estimate(frame, year=2026)
    expected = 20000 / (SAVED_KWH_55KW / 4000 * 1e-15 * 0.7)
    assert result.assets["payback_years"].iloc[0] == pytest.approx(expected, rel=1e-5)


HOSTILE_NUMBERS = ["1e19", "1e308", "-1e308", "1e-320", "1E400", "inf", "-inf", "nan", "-0", "0"]


@pytest.mark.slow
@pytest.mark.parametrize(
    "column",
    ["quantity", "rated_power_kw", "load_factor", "operating_hours_h",
     "electricity_price_cny_per_kwh", "efficiency_pct", "investment_cny"],
)  # fmt: skip
def test_no_hostile_number_raises_a_runtime_warning(column):
    """Issue 18: numpy's RuntimeWarnings were summarised at the CLI, not cured. With them as
    errors, every hostile number in every numeric column of a motor row is a located error
    or a finite result, never a warning (the fuzzer's pool of 1,055 inventories found one
    cause: 1e-320 hours, now refused below 1e-15)."""
    import warnings

    from retrofit.core.exceptions import RetrofitError

    for value in HOSTILE_NUMBERS:
        frame = pd.DataFrame([row(**{"investment_cny": "20000", column: value})], dtype="str")
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)
            try:
                result = retrofit.estimate(frame, year=2026)
            except RetrofitError:
                continue
        numbers = result.assets.select_dtypes("number").to_numpy(dtype=float)
        assert not np.isinf(numbers).any(), (column, value)
