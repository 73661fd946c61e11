"""The synthetic city generator: reproducible, valid for estimate(), blanks where promised,
and written files that read back through the ordinary inventory reader."""

import numpy as np
import pandas as pd
import pytest

from retrofit.inventory import schema
from retrofit.inventory.reading import read_inventory, validate_frame
from retrofit.pipeline import estimate
from retrofit.samples.synthetic_city import (
    DISTRICTS,
    INDUSTRIES,
    synthetic_city,
    write_city,
    write_parquet,
)


@pytest.fixture(scope="module")
def city_60():
    """60 plants, default seed: about 1,500 rows."""
    return synthetic_city(60)


@pytest.fixture(scope="module")
def estimated_60(city_60):
    inventory, _ = city_60
    return estimate(inventory, year=2026)


def test_same_seed_gives_identical_frames(city_60):
    inventory, plants = synthetic_city(60)
    pd.testing.assert_frame_equal(inventory, city_60[0])
    pd.testing.assert_frame_equal(plants, city_60[1])


def test_different_seed_gives_different_frames(city_60):
    inventory, plants = synthetic_city(60, seed=2025)
    assert not inventory.equals(city_60[0])
    assert not plants.equals(city_60[1])


def test_columns_are_canonical_and_ids_unique_within_plant(city_60):
    inventory, _ = city_60
    assert set(inventory.columns) <= set(schema.COLUMN_BY_NAME)
    assert "plant_energy_tce" not in inventory.columns
    assert not inventory.duplicated(["plant_id", "asset_id"]).any()
    assert inventory["efficiency_class"].notna().any()


@pytest.mark.slow
def test_estimate_runs_and_every_kind_of_row_appears(city_60, estimated_60):
    inventory, _ = city_60
    assets = estimated_60.assets
    assert len(assets) == len(inventory)
    pairs = set(zip(assets["category"], assets["measure"], strict=True))
    measures_of = {}
    for category, measure in pairs:
        measures_of.setdefault(category, set()).update(measure.split("+"))
    assert measures_of["motor"] == {"upgrade_motor"}
    assert {"add_vfd"} <= measures_of["fan"]
    assert {"add_vfd", "upgrade_equipment"} <= measures_of["pump"]
    assert {"fix_leaks", "reduce_pressure", "upgrade_equipment"} <= measures_of["compressor"]
    assert measures_of["transformer"] == {"upgrade_equipment"}
    assert {"improve_pue", "refresh_it"} <= measures_of["datacenter"]
    assert measures_of["charger"] == {"replace_charger"}
    assert set(assets.loc[assets["category"] == "charger", "charger_type"]) == {"ac", "dc"}


def test_data_centres_are_in_a_minority_of_plants(city_60):
    inventory, _ = city_60
    with_dc = inventory.loc[inventory["category"] == "datacenter", "plant_id"].nunique()
    assert 0 < with_dc < inventory["plant_id"].nunique() / 4


def test_savings_mostly_positive(estimated_60):
    saved = estimated_60.assets["energy_saved_kwh"]
    assert saved.notna().all()
    assert (saved > 0).mean() > 0.9
    assert estimated_60.plants["coal_saved_tce"].gt(0).all()


def test_in_service_dates_blank_early_and_in_window(city_60):
    inventory, _ = city_60
    text = inventory["in_service_date"]
    blank = text.isna()
    dates = pd.to_datetime(text[~blank], format="%Y-%m-%d")
    early = dates.dt.year < 2024
    assert 0.01 < blank.mean() < 0.06
    assert 0.005 < early.mean() < 0.05
    assert (dates[early].dt.year == 2023).all()
    assert dates[~early].between("2024-01-01", "2027-12-31").all()


def test_investment_blank_on_a_few_rows(city_60):
    share = city_60[0]["investment_cny"].isna().mean()
    assert 0.02 < share < 0.09


def test_plants_one_row_per_plant_with_vocabulary(city_60):
    inventory, plants = city_60
    assert plants["plant_id"].is_unique
    assert set(plants["plant_id"]) == set(inventory["plant_id"])
    assert set(plants["district"]) <= set(DISTRICTS)
    assert len(DISTRICTS) == 16
    assert set(plants["industry"]) <= set(INDUSTRIES)
    assert (plants["region"] == "shanghai").all()
    energy = [f"energy_tce_{y}" for y in (2023, 2024, 2025, 2026)]
    assert [c for c in plants.columns if c.startswith("energy_tce_")] == energy
    assert "plant_energy_tce" not in plants.columns
    cells = plants[energy]
    assert cells.isna().to_numpy().any()
    assert np.nanmin(cells.to_numpy()) > 0


@pytest.mark.slow
def test_bai_yi_comes_out_met_short_and_unknown():
    inventory, plants = synthetic_city(200, assets_per_plant=10, seed=11)
    energy = plants[["plant_id", "energy_tce_2025"]].rename(
        columns={"energy_tce_2025": "plant_energy_tce"}
    )
    result = estimate(inventory, plants=energy, year=2026)
    status = set(result.plants["bai_yi_status"])
    assert status == {"meets (estimate)", "short (estimate)", "unknown (no plant energy)"}


@pytest.mark.slow
@pytest.mark.parametrize("files", ["per_district", "per_plant"])
def test_write_city_reads_back(tmp_path, files):
    n_plants = 12 if files == "per_plant" else 40
    paths = write_city(tmp_path, n_plants, seed=5, files=files, assets_per_plant=10)
    inventory, plants = synthetic_city(n_plants, seed=5, assets_per_plant=10)
    assert paths[-1].name == "plants.csv"
    read = [read_inventory(p) for p in paths[:-1]]
    assert sum(len(r.assets) for r in read) == len(inventory)
    assert {r.meta.encoding for r in read} == {"utf-8-sig", "gb18030"}
    headers = {r.meta.header_map["category"] for r in read}
    assert headers == {"category", "设备类型"}
    got = pd.concat([r.assets for r in read]).sort_values(["plant_id", "asset_id"])
    want = inventory.sort_values(["plant_id", "asset_id"])
    np.testing.assert_array_equal(got["category"], want["category"])
    np.testing.assert_array_equal(got["measure"], want["measure"])
    np.testing.assert_allclose(got["rated_power_kw"], want["rated_power_kw"])
    back = pd.read_csv(paths[-1], encoding="utf-8-sig")
    assert len(back) == len(plants)
    assert not list(tmp_path.glob("*.tmp"))


def test_write_parquet_parts_validate(tmp_path, city_60):
    inventory, _ = city_60
    paths = write_parquet(inventory, tmp_path, 500)
    assert [p.name for p in paths][:2] == ["part-00000.parquet", "part-00001.parquet"]
    back = pd.concat([pd.read_parquet(p) for p in paths], ignore_index=True)
    assert len(back) == len(inventory)
    checked = validate_frame(back).assets
    assert checked["in_service_date"].notna().sum() == inventory["in_service_date"].notna().sum()


def test_cli_writes_a_city(tmp_path):
    from retrofit.samples.synthetic_city import main

    assert main(["--plants", "5", "--seed", "1", "-o", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" / "plants.csv").is_file()
    assert len(list((tmp_path / "out").glob("*.csv"))) >= 2
