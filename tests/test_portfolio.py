"""`retrofit portfolio`: totals, trajectory, goals and 百一 by year, checked by hand.

Every asset row of the fixture is the 55 kW motor of tests/test_estimate.py
(IEC 60034-30-1 4-pole 55 kW, IE2 93.5 % → IE4 95.7 %, full load, 4000 h):
  saved = 55 × 4000 × (1/0.935 − 1/0.957) = 5 409.061 kWh per unit and year
  当量值: 5 409.061 × 0.1229 / 1000 = S = 0.664774 tce per unit and year.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from retrofit.cli import cli
from retrofit.core.exceptions import InventoryError, OptionError
from retrofit.portfolio.goals import load_goal_pack
from retrofit.portfolio.runner import portfolio
from retrofit.portfolio.trajectory import year_fraction_in_service

KWH = 55 * 4000 * (1 / 0.935 - 1 / 0.957)  # 5 409.061 kWh/yr per motor
S = KWH * 0.1229 / 1000  # 0.664774 tce/yr per motor (GB/T 2589-2020 当量值 0.1229 kgce/kWh)
HEADER = (
    "plant_id,asset_id,category,measure,quantity,rated_power_kw,poles,efficiency_class,"
    "target_class,load_factor,operating_hours_h,investment_cny,"
    "electricity_price_cny_per_kwh,in_service_date\n"
)
HEADER_ZH = "企业编号,设备编号,设备类型,改造措施,数量,额定功率(kW),极数,能效等级,目标能效等级,负载率,年运行小时,投资额(元),电价,投运日期\n"
MOTOR = "motor,upgrade_motor,{q},55,4,IE2,IE4,1.0,4000,{inv},0.70,{date}"


def motor(plant, asset, q, date, inv=20000):
    return f"{plant},{asset}," + MOTOR.format(q=q, inv=inv, date=date) + "\n"


@pytest.fixture
def city(tmp_path):
    """Two enterprise files (UTF-8 English, GBK Chinese) and a plants file.

    P1 (a.csv): M1 ×1 in service 2024-01-01; M2 ×2 on 2025-07-01.
    P2 (b.csv, GBK): M1 ×1 on 2026-03-15; M2 ×1 without a date (→ 1 January of the as-of
    year 2026); M3 ×1 on 2023-06-01, before the 2024–2027 window.
    Plants: P1 energy 2023 = 60, 2024 = 100, 2025 blank; P2 2025 = 50; P3 (no measures)
    2025 = 80.
    """
    a = tmp_path / "a.csv"
    a.write_text(
        HEADER + motor("P1", "M1", 1, "2024-01-01") + motor("P1", "M2", 2, "2025-07-01"),
        encoding="utf-8",
    )
    b = tmp_path / "b.csv"
    b.write_bytes(
        (
            HEADER_ZH
            + motor("P2", "M1", 1, "2026-03-15")
            + motor("P2", "M2", 1, "")
            + motor("P2", "M3", 1, "2023-06-01")
        ).encode("gbk")
    )
    plants = tmp_path / "plants.csv"
    plants.write_bytes(
        (
            "企业编号,企业名称,所在区县,所属行业,2023年综合能耗(tce),"
            "2024年综合能耗(tce),2025年综合能耗(tce)\n"
            "P1,甲厂,浦东新区,化工,60,100,\n"
            "P2,乙厂,浦东新区,钢铁,,,50\n"
            "P3,丙厂,闵行区,化工,,,80\n"
        ).encode("gbk")
    )
    return tmp_path, a, b, plants


def test_year_fraction_in_service_by_hand():
    dates = np.array(
        ["2025-07-01", "2026-03-15", "2024-01-01", "2028-01-01", "NaT"], dtype="datetime64[D]"
    )
    # 1 July–31 December 2025: 184 of 365 days; 15 March–31 December 2026: 365 − 73 = 292
    assert year_fraction_in_service(dates, 2025)[:4].tolist() == pytest.approx(
        [184 / 365, 0.0, 1.0, 0.0]
    )
    assert year_fraction_in_service(dates, 2026)[:4].tolist() == pytest.approx(
        [1.0, 292 / 365, 1.0, 0.0]
    )
    # 2024 is a leap year: a start on 1 January covers 366/366
    assert year_fraction_in_service(dates, 2024)[2] == 1.0
    assert np.isnan(year_fraction_in_service(dates, 2025)[4])


def test_capacity_and_realised_by_hand(city):
    _folder, a, b, plants = city
    result = portfolio([a, b], plants=plants, year=2026)
    t = result.trajectory[result.trajectory["metric"] == "coal_saved_tce"].set_index("year")
    # capacity added: 2024 M1 (1 S); 2025 P1 M2 (2 S); 2026 P2 M1 + M2 (2 S); M3 is before 2024
    assert t["capacity_added"].tolist() == pytest.approx([S, 2 * S, 2 * S, 0.0], abs=1e-6)
    assert t["capacity_cumulative"].tolist() == pytest.approx([S, 3 * S, 5 * S, 5 * S], abs=1e-6)
    # realised: 2024 S; 2025 S + 2 S × 184/365; 2026 S + 2 S + S × 292/365 + S; 2027 5 S
    realised = [S, S * (1 + 2 * 184 / 365), S * (3 + 0.8 + 1), 5 * S]
    assert t["realised"].tolist() == pytest.approx(realised, abs=1e-6)
    assert t["realised_cumulative"].iloc[-1] == pytest.approx(sum(realised), abs=1e-6)
    kw = result.trajectory[result.trajectory["metric"] == "retrofitted_motor_kw"]
    assert kw["capacity_added"].tolist() == [55.0, 110.0, 110.0, 0.0]
    assert result.assumptions["portfolio"]["outside_window"]["before"]["assets"] == 1
    assert result.assumptions["portfolio"]["outside_window"]["before"][
        "coal_saved_tce"
    ] == pytest.approx(S, abs=1e-6)
    assert "portfolio.in_service_date.defaulted" in [c.code for c in result.caveats]


def test_goal_progress_by_hand(city):
    _, a, b, plants = city
    goals = portfolio([a, b], plants=plants, year=2025).goals.set_index(["goal", "counted_as"])
    energy = goals.loc[("energy_saving_cumulative", "saving capacity (节能能力)")]
    # as of 2025: 2024 + 2025 capacity = 3 S of 500 000 tce; by 2027: 5 S (2026 rows planned,
    # the dateless row enters on 1 January 2025 when the as-of year is 2025)
    assert energy.achieved_to_date == pytest.approx(3 * S + S, abs=1e-6)
    assert energy.target == 500_000
    assert energy.share_to_date == pytest.approx(4 * S / 500_000)
    assert energy.planned_by_end == pytest.approx(5 * S, abs=1e-6)
    assert energy.remaining_by_end == pytest.approx(500_000 - 5 * S, abs=1e-6)
    assert energy.basis == "equivalent"
    motors = goals.loc[("motors_retrofitted", "saving capacity (节能能力)")]
    assert motors.planned_by_end == 275.0 and motors.share_by_end == pytest.approx(275 / 3e6)
    assert motors.remaining_by_end == 3_000_000 - 275
    assert ("motors_retrofitted", "energy realised") not in goals.index


def test_bai_yi_by_year_with_missing_years(city):
    _, a, b, plants = city
    # the plants' energy figures are on 当量值, as the savings S
    b1 = portfolio([a, b], plants=plants, year=2026, plant_energy_basis="equivalent")
    b1 = b1.bai_yi.set_index(["plant_id", "year"])
    # the share counts the saving realised in the year (issue 16 point 2): P1 2024: M1 from
    # 1 January, S / 60 = 1.108 % meets; 2025: M1 all year + M2 (2 S) from 1 July, 184 of 365
    # days: S (1 + 2 × 184/365) / 100 = 1.335 % meets; the full annual potential 3 S / 100
    # beside it; 2026: 2025 energy blank
    assert b1.loc[("P1", 2024), "saving_share"] == pytest.approx(S / 60, abs=1e-9)
    assert bool(b1.loc[("P1", 2024), "meets_bai_yi"]) is True
    assert b1.loc[("P1", 2025), "saving_share"] == pytest.approx(
        S * (1 + 2 * 184 / 365) / 100, abs=1e-9
    )
    assert b1.loc[("P1", 2025), "saving_share_full_year"] == pytest.approx(3 * S / 100, abs=1e-9)
    assert b1.loc[("P1", 2025), "capacity_added_tce"] == pytest.approx(2 * S, abs=1e-9)
    assert pd.isna(b1.loc[("P1", 2026), "meets_bai_yi"])
    assert b1.loc[("P1", 2026), "bai_yi_status"] == "unknown (no energy for 2025)"
    # P2 2026: the 2023 motor and the dateless one (1 January 2026) all year, M1 from 15 March
    # for 292 of 365 days: S (2 + 292/365) / 50 = 3.72 %
    assert b1.loc[("P2", 2026), "saving_share"] == pytest.approx(S * (2 + 292 / 365) / 50, abs=1e-9)
    assert b1.loc[("P2", 2024), "bai_yi_status"] == "unknown (no energy for 2023)"
    # P3 has no measures: 0 of 80 tce, short by 0.8 tce
    assert b1.loc[("P3", 2026), "bai_yi_status"] == "short (estimate)"
    assert b1.loc[("P3", 2026), "shortfall_tce"] == pytest.approx(0.8)


def test_summary_names_the_plants_short_of_bai_yi(city):
    # 2026 (as in the test above): P1 unknown (2025 energy blank), P2 meets (3.72 %), P3 (丙厂)
    # has no measures: 0 of 80 tce, short. The summary names it beside the count, with its
    # share on both bases, the counted one (its energy basis, 当量值 here) marked *.
    from retrofit.report.terminal import render_portfolio

    _, a, b, plants = city
    result = portfolio([a, b], plants=plants, year=2026, plant_energy_basis="equivalent")
    en = render_portfolio(result).splitlines()
    line = en.index("2026: meets 1, short 1, unknown 1")
    assert en[line + 1] == ("  short in 2026: P3 丙厂 (当量值* 0.00%, 等价值 0.00%)")
    assert "  * the basis the verdict counts: the plant's energy basis" in "\n".join(en)
    zh = render_portfolio(result, lang="zh").splitlines()
    line = zh.index("2026 年：达标 1 家，未达标 1 家，未知 1 家")
    assert zh[line + 1] == "  2026 年未达标：P3 丙厂（当量值* 0.00%，等价值 0.00%）"
    # the JSON summary names it too, with the basis counted
    (year,) = [y for y in result.to_dict()["bai_yi_summary"] if y["year"] == 2026]
    assert (year["met"], year["short"], year["unknown"]) == (1, 1, 1)
    (short,) = year["short_plants"]
    assert short["plant_id"] == "P3" and short["name"] == "丙厂"
    assert short["counted_basis"] == "equivalent" and short["saving_share"] == 0.0
    assert short["shortfall_tce"] == pytest.approx(0.8)


def test_plants_districts_and_totals(city):
    _, a, b, plants = city
    result = portfolio([a, b], plants=plants, year=2026)
    p = result.plants.set_index("plant_id")
    assert p.loc["P1", "coal_saved_tce"] == pytest.approx(3 * S, abs=1e-6)
    assert p.loc["P2", "coal_saved_tce"] == pytest.approx(3 * S, abs=1e-6)  # incl. 2023 motor
    assert p.loc["P3", "assets"] == 0 and p.loc["P3", "name"] == "丙厂"
    assert p.loc["P1", "investment_cny"] == 40_000  # two rows of 20 000 CNY
    d = result.districts.set_index("district")
    assert d.loc["浦东新区", "plants"] == 2
    assert d.loc["浦东新区", "coal_saved_tce"] == pytest.approx(6 * S, abs=1e-6)
    assert d.loc["闵行区", "coal_saved_tce"] == 0
    i = result.industries.set_index("industry")
    assert i.loc["化工", "plants"] == 2
    assert result.totals.iloc[0]["energy_saved_kwh"] == pytest.approx(6 * KWH, abs=1e-2)
    assert result.totals.iloc[0]["plants"] == 3
    assert set(result.files["status"]) == {"ok"}


def test_user_goal_file(city, tmp_path):
    _, a, b, plants = city
    goal = tmp_path / "my_goals.csv"
    goal.write_text(
        "goal,metric,value,unit,kind,counts,period_start,period_end,document,clause,quote,"
        "source,confidence\n"
        "motors,district motors,1000,kW,cumulative,retrofitted_motor_kw,2024,2026,区方案,一,"
        "电机1000千瓦,district plan,M\n"
        "bai_er,2 % a year,0.02,fraction,annual_share,coal_saved_tce,2024,2026,区方案,二,"
        "年节能2%,district plan,M\n",
        encoding="utf-8",
    )
    result = portfolio(
        [a, b], plants=plants, goals=goal, year=2026, plant_energy_basis="equivalent"
    )
    g = result.goals.set_index("goal")
    # 55 + 110 + 110 kW of 1000 by 2026
    assert g.loc["motors", "planned_by_end"] == 275 and g.loc["motors", "share_by_end"] == 0.275
    assert sorted(result.trajectory["year"].unique()) == [2024, 2025, 2026]
    by = result.bai_yi.set_index(["plant_id", "year"])
    # P1 2024: 1.108 % < 2 %: short by 0.02 × 60 − S
    assert by.loc[("P1", 2024), "bai_yi_status"] == "short (estimate)"
    assert by.loc[("P1", 2024), "shortfall_tce"] == pytest.approx(1.2 - S, abs=1e-6)
    assert result.assumptions["portfolio"]["goal_pack"]["standard"] is False


def test_bad_user_goal_file_names_rows(tmp_path):
    goal = tmp_path / "bad.csv"
    goal.write_text(
        "goal,metric,value,unit,kind,counts,period_start,period_end,document,clause,quote,"
        "source,confidence\n"
        "a,x,1000,kW,cumulative,motor_kw,2024,2027,d,c,q,s,H\n"
        "b,x,-5,kW,cumulative,piles_replaced,2027,2024,d,c,q,s,X\n",
        encoding="utf-8",
    )
    with pytest.raises(InventoryError) as info:
        load_goal_pack(goal)
    text = [str(i) for i in info.value.issues]
    assert (
        f'{goal} row 2, column counts: "motor_kw" — expected for a cumulative or '
        "annual_share goal, one of" in text[0]
    )
    assert any(t.startswith(f'{goal} row 3, column value: "-5"') for t in text)
    assert any(t.startswith(f'{goal} row 3, column period_end: "2024"') for t in text)
    assert any(t.startswith(f'{goal} row 3, column confidence: "X"') for t in text)


def test_bundled_packs_load():
    shanghai = load_goal_pack("shanghai-2024")
    g = shanghai.goals.set_index("goal")
    # 沪经信技〔2024〕355号 (十四): 50万吨标煤, 300万千瓦, 2万个, 10万千瓦; 百一 1 %
    assert g.loc["energy_saving_cumulative", "value"] == 500_000
    assert g.loc["motors_retrofitted", "value"] == 3_000_000
    assert g.loc["chargers_replaced", "value"] == 20_000
    assert g.loc["it_renewed", "value"] == 100_000
    assert g.loc["bai_yi", "value"] == 0.01 and g.loc["bai_yi", "kind"] == "annual_share"
    assert list(shanghai.years) == [2024, 2025, 2026, 2027]
    for name in ("liaocheng-2024", "shenyang-2025"):
        assert len(load_goal_pack(name).goals) > 0
    with pytest.raises(OptionError, match="shanghai-2024"):
        load_goal_pack("atlantis-2030")


def test_all_or_nothing_and_keep_going(city, tmp_path):
    folder, _a, _b, plants = city
    bad = folder / "c.csv"
    bad.write_text(
        HEADER
        + motor("P4", "M1", 1, "2025-01-01")
        + "P4,M2,motor,upgrade_motor,1,-55,4,IE2,IE4,1.0,4000,1,0.7,2025-01-01\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.json"
    runner = CliRunner()
    r = runner.invoke(
        cli, ["portfolio", str(folder), "--plants", str(plants), "--year", "2026", "-o", str(out)]
    )
    assert r.exit_code == 1
    assert f'{bad} row 3, column rated_power_kw: "-55"' in r.output
    assert not out.exists()
    with pytest.raises(InventoryError):
        portfolio(folder, plants=plants, year=2026)

    r = runner.invoke(
        cli,
        [
            "portfolio",
            str(folder),
            "--plants",
            str(plants),
            "--year",
            "2026",
            "-o",
            str(out),
            "--keep-going",
        ],
    )
    assert r.exit_code == 1
    assert "1 of 3 files failed" in r.output
    data = json.loads(out.read_text(encoding="utf-8"))
    files = {f["file"]: f for f in data["files"]}
    assert files[str(bad)]["status"] == "failed" and files[str(bad)]["problems"] == 1
    assert "P4" not in {p["plant_id"] for p in data["plants"]}
    # the good files are all there: 6 motors of 55 kW
    assert data["totals"][0]["retrofitted_motor_kw"] == 6 * 55


def test_assets_listed_twice_are_an_error(city):
    folder, a, _b, _plants = city
    copy = folder / "a_again.csv"
    copy.write_text(HEADER + motor("P1", "M2", 2, "2025-07-01"), encoding="utf-8")
    with pytest.raises(InventoryError) as info:
        portfolio([a, copy], year=2026)
    assert str(info.value.issues[0]).startswith(f"{copy} row 2, column asset_id: ")
    assert f"row 3 of {a}" in str(info.value.issues[0])
    with pytest.raises(InventoryError, match="a file given twice would count twice"):
        portfolio([a, a], year=2026)


@pytest.mark.slow
def test_chunked_reading_gives_the_same_result(tmp_path):
    from retrofit.samples.synthetic_city import synthetic_city

    inventory, plants = synthetic_city(100, assets_per_plant=30, seed=7)
    path = tmp_path / "city.csv"
    inventory.to_csv(path, index=False, encoding="utf-8-sig")
    whole = portfolio(path, plants=plants, year=2026)
    chunked = portfolio(path, plants=plants, year=2026, chunk_rows=1000)
    assert len(inventory) > 2000  # at least three chunks
    for name in ("plants", "trajectory", "goals", "bai_yi", "districts"):
        pd.testing.assert_frame_equal(
            getattr(whole, name), getattr(chunked, name), check_exact=False, rtol=1e-12
        )


@pytest.mark.slow
def test_cli_outputs_and_plots(city, tmp_path):
    _, a, b, plants = city
    runner = CliRunner()
    figures = tmp_path / "figures"
    xlsx = tmp_path / "out.xlsx"
    r = runner.invoke(
        cli,
        [
            "portfolio",
            str(a),
            str(b),
            "--plants",
            str(plants),
            "--year",
            "2026",
            "-o",
            str(xlsx),
            "--plots",
            str(figures),
            "--lang",
            "zh",
        ],
    )
    assert r.exit_code == 0, r.output
    sheets = pd.read_excel(xlsx, sheet_name=None)
    assert {
        "totals",
        "goals",
        "trajectory",
        "bai_yi",
        "plants",
        "districts",
        "industries",
        "by_measure",
        "abatement",
        "files",
        "assumptions",
        "caveats",
    } <= set(sheets)
    import matplotlib.image as mpimg

    stems = {
        "trajectory_energy_saving_cumulative",
        "trajectory_motors_retrofitted",
        "savings_by_measure",
        "bai_yi_ranking",
        "abatement_curve",
    }
    for stem in stems:
        png = figures / f"{stem}.png"
        assert png.stat().st_size > 0 and (figures / f"{stem}.svg").stat().st_size > 0
        pixels = mpimg.imread(png)
        assert pixels.std() > 0.01, f"{stem}.png is blank"
    r = runner.invoke(
        cli,
        ["portfolio", str(a), str(b), "--plants", str(plants), "--year", "2026", "--format", "csv"],
    )
    assert r.exit_code == 0
    assert r.output.splitlines()[0].startswith("plant_id,")
    r = runner.invoke(cli, ["portfolio", str(a), "--goals", "nowhere-2030"])
    assert r.exit_code == 2 and "unknown goal pack" in r.output
    r = runner.invoke(cli, ["portfolio", str(a), str(b), "--plants", str(plants), "--year", "2026"])
    assert "energy_saving_cumulative" in r.output and "tce, 当量值 (equivalent) basis" in r.output


def test_progress_bar_only_on_a_terminal():
    import io

    from retrofit.cli import _ProgressBar

    class Tty(io.StringIO):
        def isatty(self):
            return True

    tty, pipe = Tty(), io.StringIO()
    for stream in (tty, pipe):
        bar = _ProgressBar(stream)
        bar(3, 5, "a.csv")  # 30 × 3/5 = 18 of 30 filled
        bar.close()
    assert "[" + "#" * 18 + "-" * 12 + "]  3/5  a.csv" in tty.getvalue()
    assert pipe.getvalue() == ""


def test_empty_folder_names_the_folder(tmp_path):
    """One path given as a string was joined letter by letter ("/, t, m, p, …")."""
    empty = tmp_path / "nothing here"
    empty.mkdir()
    with pytest.raises(InventoryError) as info:
        portfolio(str(empty))
    assert str(info.value) == f"{empty}: no inventory files found (.csv, .xlsx, .xlsm, .parquet)"
    result = CliRunner().invoke(cli, ["portfolio", str(empty)])
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: 1 data problem found; nothing was written.\n"
        f"{empty}: no inventory files found (.csv, .xlsx, .xlsm, .parquet)\n"
    )


def test_model_error_in_a_pooled_file_names_that_file(city):
    """Small files are estimated together; an error found by a model (not by the reader) is
    still reported against its own file and row."""
    folder, a, b, _plants = city
    hall = folder / "hall.csv"
    hall.write_text(
        "plant_id,asset_id,category,measure,it_load_kw,pue,target_pue\n"
        "P5,DC-1,datacenter,improve_pue,500,1.3,1.5\n",
        encoding="utf-8",
    )
    with pytest.raises(InventoryError) as info:
        portfolio([a, b, hall], year=2026)
    assert [i.file for i in info.value.issues] == [str(hall)]
    assert info.value.issues[0].row == 2
    result = portfolio([a, b, hall], year=2026, keep_going=True)
    assert result.files.set_index("file").loc[str(hall), "status"] == "failed"
    assert result.totals.iloc[0]["retrofitted_motor_kw"] == 6 * 55


def test_plant_energy_given_twice_must_agree(city, tmp_path):
    """One previous-year energy per plant: across files, and between an inventory and the
    plants file (where the plants file's own header and row are named)."""
    *_, plants = city
    header = HEADER.rstrip("\n") + ",plant_energy_tce\n"
    one = tmp_path / "one.csv"
    one.write_text(
        header + motor("P9", "M1", 1, "2025-01-01").rstrip("\n") + ",70\n", encoding="utf-8"
    )
    two = tmp_path / "two.csv"
    two.write_text(
        header + motor("P9", "M2", 1, "2025-01-01").rstrip("\n") + ",90\n", encoding="utf-8"
    )
    with pytest.raises(InventoryError) as info:
        portfolio([one, two], year=2026)
    assert str(info.value.issues[0]) == (
        'inventories column plant_energy_tce: "90" — expected one previous-year energy per '
        "plant; plant P9 also has 70 tce in another file or chunk"
    )
    p1 = tmp_path / "p1.csv"
    p1.write_text(
        header + motor("P1", "M9", 1, "2025-01-01").rstrip("\n") + ",70\n", encoding="utf-8"
    )
    # plants.csv has no 2025 energy for P1: nothing to clash with, the inventory's 70 is used
    bai_yi = portfolio([p1], plants=plants, year=2026).bai_yi.set_index(["plant_id", "year"])
    assert bai_yi.loc[("P1", 2026), "previous_year_energy_tce"] == 70
    with pytest.raises(InventoryError) as info:
        portfolio([p1], plants=plants, year=2025)  # P1 2024 energy = 100 in plants.csv
    assert str(info.value.issues[0]) == (
        f'{plants} row 2, column 2024年综合能耗(tce): "100" — expected the inventory\'s value '
        "70 tce for plant P1 (give it in one place)"
    )
