"""retrofit.inventory.defaults on its own: which blank cells take which default of
reference_data/inventory_defaults.csv, what is recorded, and --strict.

The defaults written here are that table's: 1 unit, target grade_2 (国发〔2024〕7号 / 355号 节能水平 read as GB 18613
grade 2 = IE4), load factor 0.75 (DOE Motor Challenge), 4,000 h (IEC TS 60034-31 Figure 11),
8,760 h and new_build "no" for a data centre, static head 0 for a fan or pump with a drive.
"""

import numpy as np
import pandas as pd
import pytest

from retrofit.core.caveats import CaveatLog
from retrofit.inventory.defaults import apply_defaults, rows_listing, rows_with_measure
from retrofit.inventory.reading import validate_frame

BLANK = None


@pytest.fixture(scope="module")
def mixed_rows() -> pd.DataFrame:
    """A motor with nothing optional, a motor quoting its target efficiency, a data centre, a
    compressor upgrade whose one target column holds a GB grade, a pump with a drive."""
    return pd.DataFrame(
        {
            "plant_id": ["P"] * 5,
            "asset_id": ["M1", "M2", "DC", "C1", "PU"],
            "category": ["motor", "motor", "datacenter", "compressor", "pump"],
            "measure": [
                "upgrade_motor",
                "upgrade_motor",
                "improve_pue",
                "upgrade_equipment",
                "add_vfd",
            ],
            "rated_power_kw": [15, 15, BLANK, 90, 30],
            "poles": [4, 4, BLANK, 4, 4],
            "efficiency_class": ["IE2", "IE2", BLANK, "IE2", "IE2"],
            "target_class": [BLANK, BLANK, BLANK, "grade_1", BLANK],
            "target_efficiency_pct": [BLANK, 93.0, BLANK, BLANK, BLANK],
            "control": [BLANK, BLANK, BLANK, BLANK, "throttle"],
            "flow_profile": [BLANK, BLANK, BLANK, BLANK, "80:100"],
            "it_load_kw": [BLANK, BLANK, 500, BLANK, BLANK],
            "pue": [BLANK, BLANK, 1.6, BLANK, BLANK],
            "target_pue": [BLANK, BLANK, 1.3, BLANK, BLANK],
        }
    )


def defaulted(frame: pd.DataFrame, tables, strict: bool = False):
    inventory = validate_frame(frame)
    log = CaveatLog(len(frame))
    assets, issues, used = apply_defaults(
        inventory.assets,
        tables,
        log,
        file="f.csv",
        header_map={"load_factor": "负载率"},
        strict=strict,
    )
    return assets, issues, used, log


def test_blank_cells_take_the_tabulated_defaults(mixed_rows, tables):
    assets, issues, _, _ = defaulted(mixed_rows, tables)
    assert issues == []
    assert list(assets["quantity"]) == [1, 1, 1, 1, 1]
    assert assets["quantity"].dtype == "int64"
    np.testing.assert_array_equal(assets["load_factor"], [0.75, 0.75, np.nan, 0.75, 0.75])
    np.testing.assert_array_equal(
        assets["operating_hours_h"], [4000.0, 4000.0, 8760.0, 4000.0, 4000.0]
    )
    # a quoted target efficiency stands for the target class: nothing to default
    assert list(assets["target_class"].fillna("")) == ["grade_2", "", "", "grade_1", ""]
    np.testing.assert_array_equal(
        assets["static_head_fraction"], [np.nan, np.nan, np.nan, np.nan, 0.0]
    )
    assert assets.loc[2, "new_build"] == "no"


def test_a_grade_in_target_class_is_the_machines_grade_without_a_motor_upgrade(mixed_rows, tables):
    assets, _, _, log = defaulted(mixed_rows, tables)
    assert list(assets["target_equipment_grade"].fillna("")) == ["", "", "", "grade_1", ""]
    assert log.row_codes()[3].startswith("equipment.target_grade.from_target_class;")


def test_each_default_is_recorded_per_row_and_summarised(mixed_rows, tables):
    _, _, used, log = defaulted(mixed_rows, tables)
    rows = [codes.split(";") for codes in log.row_codes()]
    assert "motor.target_class.defaulted" in rows[0]
    assert "motor.target_class.defaulted" not in rows[1]
    assert "datacenter.operating_hours.defaulted" in rows[2]
    assert "datacenter.new_build.defaulted" in rows[2]
    assert "motor.operating_hours.defaulted" not in rows[2]
    assert "vfd.static_head.pump_defaulted" in rows[4]
    hours = used["motor.operating_hours.defaulted"]
    assert (hours["column"], hours["value"], hours["unit"], hours["count"]) == (
        "operating_hours_h",
        4000.0,
        "h/yr",
        4,
    )
    assert hours["confidence"] == "L"
    assert used["asset.quantity.defaulted"]["value"] == 1
    assert used["asset.quantity.defaulted"]["count"] == 5


def test_strict_turns_each_default_into_an_issue_and_fills_nothing(mixed_rows, tables):
    assets, issues, used, _ = defaulted(mixed_rows, tables, strict=True)
    assert used == {}
    assert "load_factor" not in assets.columns  # the blank column is not even added
    load = [i for i in issues if i.column == "负载率"]
    assert [i.row for i in load] == [2, 3, 5, 6]  # header on row 1; the data centre needs none
    assert {i.type for i in issues} == {"defaulted-strict"}
    assert (
        load[0].expected
        == "a value (--strict forbids the default 0.75 [motor.load_factor.defaulted])"
    )


def test_measure_lists_are_matched_whole_item_by_item():
    measure = pd.Series(["upgrade_motor+add_vfd", "add_vfd_x", None, "add_vfd"])
    np.testing.assert_array_equal(rows_with_measure(measure, "add_vfd"), [True, False, False, True])
    codes = pd.Series(["a.b;c.d", "c.d", ""])
    np.testing.assert_array_equal(rows_listing(codes, "c.d", ";"), [True, True, False])
