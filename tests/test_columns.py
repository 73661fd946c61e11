"""The glossary (retrofit/columns.csv) holds every column a user sees, and every face reads it.

Expected headers are written by hand: the Chinese an energy auditor writes in a 节能量 table
(年节能量, 年节电量, 上年综合能耗, 当量值/等价值) with the unit in brackets, money in 元 as the
outputs hold it.
"""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pandas as pd
import pytest

import retrofit
from retrofit import _docs, columns
from retrofit.inventory import schema, template
from retrofit.io import workbook as excel_report
from retrofit.plotting import estimate as plotting_estimate
from retrofit.plotting import labels as plots
from retrofit.plotting import portfolio as plotting_portfolio
from retrofit.portfolio.runner import portfolio
from retrofit.report import html as html_report
from retrofit.report import terminal as report
from retrofit.samples.synthetic_city import synthetic_city

EXAMPLE = Path(retrofit.__file__).parent / "samples" / "example_plant.csv"
FACES = (report, html_report, excel_report, plots, template, _docs)


@pytest.fixture(scope="module")
def full_estimate():
    return retrofit.estimate(
        EXAMPLE, year=2026, policy="shanghai-2024,national", uncertainty=20, seed=1
    )


@pytest.fixture(scope="module")
def city_portfolio(tmp_path_factory):
    folder = tmp_path_factory.mktemp("city")
    inventory, plants = synthetic_city(12, seed=5)
    path = folder / "city.csv"
    inventory.to_csv(path, index=False, encoding="utf-8-sig")
    return portfolio(path, plants=plants, year=2026)


def test_headers_by_hand():
    assert columns.header("coal_saved_tce", "zh") == "年节能量 [tce/年]"
    assert columns.header("coal_saved_tce", "en") == "standard coal saved [tce/yr]"
    assert columns.header("coal_saved_tce_equal_value", "zh") == "年节能量（等价值） [tce/年]"
    assert columns.header("plant_energy_tce", "zh") == "上年综合能耗 [tce]"
    assert columns.header("investment_cny", "zh") == "投资额 [元]"
    assert columns.header("cost_saved_cny", "zh") == "年节约电费 [元/年]"
    # no unit shown for text, counts and fractions
    assert columns.header("plant_id", "en") == "plant"
    assert columns.header("saving_share", "zh") == "年节能量占上年综合能耗比例"
    assert columns.unit_text("CNY/(tce/yr)", "zh") == "元/(tce/年)"


def test_describe_gives_the_meaning_with_its_unit():
    assert columns.describe(["co2_avoided_t", "caveats"]) == {
        "co2_avoided_t": "CO2 avoided [t/yr]",
        "caveats": "caveat codes that apply to this row, ;-separated",
    }


def test_a_year_family_is_filled_in_and_an_unknown_name_is_an_error():
    assert columns.label("energy_tce_2024", "zh") == "2024年综合能耗"
    assert columns.header("energy_tce_2024", "en") == "energy use in 2024 [tce]"
    assert not columns.known("energy_tce_24")
    with pytest.raises(KeyError, match="not_a_column"):
        columns.unit("not_a_column")
    with pytest.raises(ValueError, match="lang"):
        columns.label("coal_saved_tce", "fr")
    with pytest.raises(KeyError, match=r"assets: not_a_column"):
        columns.check_columns({"assets": ["coal_saved_tce", "not_a_column"]})


def _numeric(frame: pd.DataFrame, name: str) -> bool:
    values = frame[name].dropna()
    return (
        len(values) > 0
        and pd.api.types.is_numeric_dtype(values)
        and not pd.api.types.is_bool_dtype(values)
    )


def _check_tables(tables: dict[str, pd.DataFrame]) -> None:
    columns.check_columns({name: frame.columns for name, frame in tables.items()})
    for name, frame in tables.items():
        for column in frame.columns:
            entry = columns.entry(column)
            assert entry.label_en and entry.label_zh and entry.description_en, column
            if _numeric(frame, column):  # a number always says what it counts
                assert entry.unit != "", f"{name}.{column} is numeric but has no unit"


def test_every_column_of_a_full_estimate_is_in_the_glossary(full_estimate):
    tables = full_estimate.tables()
    assert {"assets", "plants", "projects", "incentives", "supply_curve"} <= set(tables)
    assert any(name.startswith("uncertainty_") for name in tables)
    _check_tables(tables)


def test_every_column_of_a_portfolio_is_in_the_glossary(city_portfolio):
    tables = {
        name: getattr(city_portfolio, name)
        for name in (
            "plants",
            "districts",
            "industries",
            "totals",
            "by_measure",
            "trajectory",
            "goals",
            "bai_yi",
            "abatement",
            "files",
        )
    }
    assert any(c.startswith("energy_tce_") for c in tables["plants"].columns)
    _check_tables(tables)


def test_the_column_dicts_are_the_glossary_descriptions():
    from retrofit.results import ASSET_COLUMNS, PLANT_COLUMNS

    for described in (ASSET_COLUMNS, PLANT_COLUMNS):
        assert described == columns.describe(described)


def test_inventory_columns_agree_with_the_schema():
    """The schema still carries its own description for the reader's messages; they agree."""
    for col in schema.COLUMNS:
        entry = columns.entry(col.name)
        assert entry.kind == "input"
        assert entry.description_en.removesuffix(" (0–1)") == col.description
        assert entry.description_zh == col.description_zh


def _literal_label_dicts(module) -> list[str]:
    """Dict literals in ``module`` mapping three or more glossary output columns to constant
    strings: a face's own label table. Only compound names count (``coal_saved_tce``, not
    ``assets`` or ``year``, which are also the words of section titles)."""
    found = []
    for node in ast.walk(ast.parse(inspect.getsource(module))):
        if isinstance(node, ast.Dict):
            labelled = [
                k.value
                for k, v in zip(node.keys, node.values, strict=True)
                if isinstance(k, ast.Constant)
                and isinstance(k.value, str)
                and "_" in k.value
                and columns.known(k.value)
                and columns.entry(k.value).kind != "input"
                and isinstance(v, ast.Constant | ast.Tuple)
            ]
            if len(labelled) >= 3:
                found.append(", ".join(labelled))
    return found


@pytest.mark.parametrize("face", FACES, ids=lambda m: m.__name__)
def test_faces_read_the_glossary_and_define_no_labels_of_their_own(face):
    assert "columns" in inspect.getsource(face)  # imports retrofit.columns
    assert _literal_label_dicts(face) == []


@pytest.mark.parametrize(
    "figures", [plotting_estimate, plotting_portfolio], ids=lambda m: m.__name__
)
def test_figures_take_their_labels_from_the_labels_module(figures):
    assert _literal_label_dicts(figures) == []


def test_removed_label_tables_are_gone():
    assert not hasattr(html_report, "HEADINGS")
    assert not hasattr(excel_report, "_UNIT")  # no unit recovered from prose
    shown = {*report.PLANT_VIEW, *report.ASSET_VIEW, *report.PROJECT_VIEW} - {"assets"}
    assert not shown & set(report.LABELS["en"]) and not shown & set(report.LABELS["zh"])


def test_workbook_header_rows_by_hand(full_estimate, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    path = tmp_path / "out.xlsx"
    excel_report.write_workbook(full_estimate, path)
    sheet = openpyxl.load_workbook(path)["assets"]
    heads = {c.value: sheet.cell(2, c.column).value for c in sheet[1]}
    assert heads["energy_saved_kwh"] == "年节电量 [kWh/年] energy saved [kWh/yr]"
    assert heads["coal_saved_tce"] == "年节能量 [tce/年] standard coal saved [tce/yr]"
    assert heads["coal_saved_tce_equivalent"] == (
        "年节能量（当量值） [tce/年] standard coal saved, 当量值 [tce/yr]"
    )
    assert heads["investment_cny"] == "投资额 [元] investment [CNY]"
    assert heads["plant_id"] == "企业编号 plant"
    plants = openpyxl.load_workbook(path)["plants"]
    plant_heads = {c.value: plants.cell(2, c.column).value for c in plants[1]}
    assert plant_heads["plant_energy_tce"] == "上年综合能耗 [tce] previous-year energy use [tce]"


def test_terminal_and_html_show_the_glossary_headers(full_estimate):
    assert "年节能量 [tce/年]" in report.render_table(full_estimate, lang="zh")
    assert "standard coal saved [tce/yr]" in report.render_table(full_estimate, lang="en")
    page = html_report.render_html(full_estimate, lang="zh", figures=False)
    assert "<th>上年综合能耗 [tce]</th>" in page
