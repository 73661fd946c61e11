"""The inventory's value vocabularies live in table ``value_aliases`` (issue 19): every phrase
has a source and a confidence, and every phrase the code accepted before the move still maps
to the same canonical value (``tests/data/value_aliases_before_table.json`` is the schema's
``VALUE_ALIASES``, choice aliases, measure aliases, categories and classes as the code held
them, written once before the move)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from retrofit.core.reference import load_table
from retrofit.inventory import schema

BEFORE = json.loads(
    (Path(__file__).parent / "data" / "value_aliases_before_table.json").read_text("utf-8")
)


def test_every_old_phrase_maps_the_same():
    assert BEFORE["value_aliases"] == schema.VALUE_ALIASES


def test_spellings_keep_their_order():
    """The first spelling of a value and the order of the values are what the template's
    dropdowns and the error messages show."""
    choices = {k: {v: list(a) for v, a in d.items()} for k, d in schema.CHOICE_ALIASES.items()}
    assert choices == BEFORE["choice_aliases"]
    assert {m.name: list(m.aliases) for m in schema.MEASURES} == BEFORE["measure_aliases"]
    assert list(schema.CATEGORIES) == BEFORE["categories"]
    assert list(schema.CLASSES) == BEFORE["classes"]


@pytest.mark.parametrize(
    ("column", "phrase", "value"),
    [
        ("category", "电动机", "motor"),  # GB 18613-2020's title word
        ("category", "离心泵", "pump"),
        ("efficiency_class", "能效等级二级", "grade_2"),
        ("efficiency_class", "ye3系列", "YE3"),
        ("control", "液耦", "fluid_coupling"),
        ("charger_type", "非车载充电机", "dc"),  # GB/T 18487.1's word for a dc charger
        ("plant_energy_basis", "等价值", "equal_value"),
        ("financing", "自筹", "own"),
        ("new_build", "改造", "no"),  # an existing site being retrofitted
        ("poles", "4极", "4"),
        ("measure", "加装变频器", "add_vfd"),
    ],
)
def test_phrases_by_hand(column, phrase, value):
    assert schema.VALUE_ALIASES[column][schema.normalise(phrase)] == value


def test_every_phrase_has_a_source_and_a_confidence():
    table = load_table("value_aliases")
    assert table["source"].str.strip().ne("").all()
    assert set(table["confidence"]) <= {"H", "M", "L"}
    usage = table["source"].str.startswith("common usage")
    assert (table.loc[usage, "confidence"] == "L").all()  # no document: a lead
    # a word a standard's title writes is sourced to it
    row = table[(table["vocabulary"] == "category") & (table["alias"] == "通风机")].iloc[0]
    assert row["source"].startswith("GB 19761-2020") and row["confidence"] == "H"


def test_no_vocabulary_literal_left_in_the_schema():
    """The vocabularies are data: schema.py names no Chinese spelling of a category."""
    text = Path(schema.__file__).read_text("utf-8")
    assert '"电动机"' not in text and '"变频改造"' not in text and '"液耦"' not in text
