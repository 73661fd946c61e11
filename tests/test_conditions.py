"""retrofit.core.conditions: the small condition language of the policy packs and uncertainty tables."""

import numpy as np
import pandas as pd
import pytest

from retrofit.core import conditions


def test_split_drops_blank_parts_and_reads_a_blank_cell_as_no_conditions():
    assert conditions.split("category=motor; rated_power_kw<=22;;") == [
        "category=motor",
        " rated_power_kw<=22",
    ]
    assert conditions.split(np.nan) == []
    assert conditions.split(None) == []


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("rated_power_kw<=22", ("rated_power_kw", "<=", "22")),
        (" poles >= 4 ", ("poles", ">=", "4")),
        ("category=fan|pump", ("category", "=", "fan|pump")),
        ("load_factor<0.5", ("load_factor", "<", "0.5")),
        ("it_load_kw>100", ("it_load_kw", ">", "100")),
    ],
)
def test_parse_splits_field_operator_and_target(text, parsed):
    assert conditions.parse(text) == parsed


@pytest.mark.parametrize("text", ["Category=motor", "rated_power_kw", "rated power<=3", "=3"])
def test_parse_rejects_what_is_not_a_condition(text):
    with pytest.raises(ValueError, match=rf"condition '{text}': expected field=value"):
        conditions.parse(text)


def test_equality_takes_alternatives_and_unknown_where_blank():
    values = pd.Series(["fan", "pump", None, "motor"])
    true, known = conditions.test(values, "=", "fan|pump")
    np.testing.assert_array_equal(true, [True, True, False, False])
    np.testing.assert_array_equal(known, [True, True, False, True])


@pytest.mark.parametrize(
    ("op", "expected"),
    [
        ("<=", [True, True, False, False]),
        ("<", [True, False, False, False]),
        (">=", [False, True, True, False]),
        (">", [False, False, True, False]),
    ],
)
def test_comparisons_on_numbers_with_a_blank_cell(op, expected):
    values = pd.Series([11.0, 22.0, 37.0, np.nan])
    true, known = conditions.test(values, op, "22")
    np.testing.assert_array_equal(true, expected)
    np.testing.assert_array_equal(known, [True, True, True, False])


def test_comparison_reads_numbers_written_as_text():
    true, known = conditions.test(pd.Series(["7.5", "30"], dtype=object), "<=", "22")
    np.testing.assert_array_equal(true, [True, False])
    np.testing.assert_array_equal(known, [True, True])


def test_describe_writes_the_condition_for_a_reader():
    assert conditions.describe("rated_power_kw", "<=", "22") == "rated_power_kw≤22"
    assert conditions.describe("poles", ">=", "4") == "poles≥4"
    assert conditions.describe("shenyang_tier", "=", "line|face") == "shenyang_tier=line or face"
    assert conditions.describe("load_factor", "<", "0.5") == "load_factor<0.5"
