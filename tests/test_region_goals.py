"""Region and goal pack as run parameters (issue 15, point 4): the region's default pack, a
named pack, a user's pack file, and the renamed data-centre columns. Expected values are hand
calculations written out here."""

import math
from pathlib import Path

import pandas as pd
import pytest

import retrofit
from retrofit.core.exceptions import OptionError
from retrofit.core.reference import load_table

# one data centre: 500 kW IT load all year, PUE 1.6 → 1.3
#   baseline 500 × 8760 × 1.6 = 7,008,000 kWh; after 500 × 8760 × 1.3 = 5,694,000 kWh
#   saved 1,314,000 kWh × 0.1229 kgce/kWh (当量值, GB/T 2589-2020) = 161.4906 tce
#   百一 share with a 10,000 tce plant: 161.4906 / 10,000 = 0.01614906 ≥ 0.01
SAVED_KWH = 1_314_000.0
SAVED_TCE = 161.4906
ROW = {
    "plant_id": "P1",
    "asset_id": "DC1",
    "category": "datacenter",
    "measure": "improve_pue",
    "it_load_kw": 500,
    "operating_hours_h": 8760,
    "pue": 1.6,
    "target_pue": 1.3,
    "plant_energy_tce": 10_000,
    "plant_energy_basis": "当量值",  # the 10,000 tce are on 当量值, as the savings above
}


def run(**options):
    return retrofit.estimate(pd.DataFrame([ROW]), year=2026, **options)


def test_shanghai_local_takes_the_shanghai_pack_by_default():
    result = run(region="shanghai_local")
    a, plant = result.assets.iloc[0], result.plants.iloc[0]
    assert a["energy_saved_kwh"] == pytest.approx(SAVED_KWH)
    assert a["local_pue_limit"] == 1.4  # 355号: PUE after retrofit ≤ 1.4
    assert bool(a["meets_local_pue"]) is True
    assert result.assumptions["bai_yi"]["target_share"] == 0.01  # 百一: 1 % a year
    assert plant["saving_share"] == pytest.approx(SAVED_TCE / 10_000)
    assert bool(plant["meets_bai_yi"]) is True
    goals = result.assumptions["goals"]
    assert goals["energy_saving_cumulative"]["this_inventory"] == pytest.approx(SAVED_TCE)
    assert goals["energy_saving_cumulative"]["goal"] == 500_000  # 50万吨标煤 by 2027
    assert goals["energy_saving_cumulative"]["by"] == 2027
    assert goals["datacenters"] == {
        "rows": 1,
        "above_local_pue_limit_after_retrofit": 0,
        "bai_yi_closure_profile": 0,
    }
    # naming the pack gives the same progress as the region's default
    assert run(region="shanghai_local", goals="shanghai-2024").assumptions["goals"] == goals


def test_national_default_keeps_the_shanghai_pack():
    assert run().assumptions["goals"] == run(goals="shanghai-2024").assumptions["goals"]


def test_liaocheng_pack_has_no_bai_yi_like_target_and_no_pue_rule():
    result = run(goals="liaocheng-2024")
    a, plant = result.assets.iloc[0], result.plants.iloc[0]
    assert a["energy_saved_kwh"] == pytest.approx(SAVED_KWH)  # the physics does not move
    assert math.isnan(a["local_pue_limit"])
    assert pd.isna(a["meets_local_pue"])
    assert result.assumptions["bai_yi"]["target_share"] is None
    assert pd.isna(plant["meets_bai_yi"])
    assert plant["bai_yi_status"] == "unknown (no annual-share goal in the goal pack)"
    assert math.isnan(plant["bai_yi_target_share"])
    # none of its goals is cumulative: only the data-centre count is left
    assert set(result.assumptions["goals"]) == {"datacenters"}
    assert "plant.bai_yi.no_target" in {c.code for c in result.caveats}


def test_a_user_goal_file_sets_the_pue_limit(tmp_path: Path):
    pack = load_table("goals_shanghai_2024")
    pack.loc[pack["goal"] == "datacenter_retrofit_pue", "value"] = 1.25
    path = tmp_path / "goals_strict.csv"
    pack.to_csv(path, index=False)
    result = run(goals=path)
    a = result.assets.iloc[0]
    assert a["local_pue_limit"] == 1.25
    assert bool(a["meets_local_pue"]) is False  # 1.3 > 1.25
    assert result.assumptions["non_standard"] is True


def test_unknown_pack_is_an_option_error():
    with pytest.raises(OptionError, match="liaocheng-2024"):
        run(goals="atlantis-2030")


def test_every_region_has_a_default_pack_and_tariff():
    regions = set(load_table("regions")["region"])
    defaults = load_table("region_defaults")
    assert set(defaults["region"]) == regions
    assert set(defaults.loc[defaults["region"].str.startswith("shanghai"), "confidence"]) == {"H"}


def test_old_city_names_are_gone_from_the_output():
    columns = set(run().assets.columns)
    assert {"local_pue_limit", "meets_local_pue"} <= columns
    assert not {"shanghai_pue_limit", "meets_shanghai_pue"} & columns


def test_models_tariff_parses_no_text_and_reads_no_table():
    source = Path(retrofit.__file__).parent.joinpath("models", "tariff.py").read_text()
    assert "import pandas" not in source
    assert "import re" not in source


def test_terminal_report_follows_the_run_goal_pack():
    """The goals block is headed by the pack's document and lists that pack's counted goals
    (the Liaocheng pack counts none of Shanghai's), instead of four Shanghai goal ids."""
    from click.testing import CliRunner

    from retrofit.cli import cli

    args = ["estimate", str(retrofit.sample_path()), "--year", "2026"]
    shanghai = CliRunner().invoke(cli, args)
    assert shanghai.exit_code == 0, shanghai.output
    assert "== Toward the goals of 沪经信技〔2024〕355号 (this inventory, one year) ==" in (
        shanghai.output
    )
    assert "motors and motor systems retrofitted: 1,186.0 of 3,000,000 kW" in shanghai.output
    liaocheng = CliRunner().invoke(cli, [*args, "--goals", "liaocheng-2024"])
    assert liaocheng.exit_code == 0, liaocheng.output
    assert "Toward the goals of 聊城市" in liaocheng.output
    assert "motors and motor systems retrofitted" not in liaocheng.output


# 沪经信技〔2024〕355号（十四）, original text
SH355_BAI_YI = "开展工业企业“百一”行动，通过推广节能高效产品、淘汰落后设备、优化节能管理等综合措施，实现年节能量1%。"


def test_bai_yi_row_quotes_355_and_rates_the_per_enterprise_reading_low():
    row = load_table("goals_shanghai_2024").set_index("goal").loc["bai_yi"]
    assert (row["clause"], row["quote"]) == ("（十四）", SH355_BAI_YI)
    # 355号 names no unit of account; the 2022 百一 plan and the 2023 manufacturing plan say
    # "力争平均" (a sector average), so the per-enterprise scope is not confidence H
    assert row["confidence"] == "L"
    assert "力争平均每年节约1%用能量" in row["note"]
    assert "力争平均年节约1%用能量" in row["note"]


@pytest.mark.parametrize(
    ("lang", "reading"),
    [("en", "interpretation, confidence L"), ("zh", "是本工具的理解，置信度 L")],
)
def test_terminal_report_quotes_355_for_bai_yi(lang, reading):
    from click.testing import CliRunner

    from retrofit.cli import cli

    args = ["estimate", str(retrofit.sample_path()), "--year", "2026", "--lang", lang]
    out = CliRunner().invoke(cli, args)
    assert out.exit_code == 0, out.output
    assert SH355_BAI_YI in out.output and "（十四）" in out.output
    assert reading in out.output
