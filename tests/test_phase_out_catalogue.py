"""Rows whose motor or transformer is on the MIIT 高耗能落后机电设备（产品）淘汰目录, batches 1 to
4 (table motor_elimination_catalogue). Expected texts are the catalogue's own entries, read in
its transcription (adgo07/EquipEffi, commit a1643ed): batch 4 items 1-2 (S9-30 to S9-1600, made
and commissioned in 1997 or earlier: stop by end of 2017), 1-3 (SG(B)8-30 to -2500, stop by end
of 2017) and 2-3 (JS114-4 …, stop by end of 2017); batch 2 items 1-1 (Y series, 68 models, e.g.
Y160M-4 11 kW) and 4-1 (SCB8-30～2500/10); batch 1 items 1-18 (JO2-WF, JO2-F series) and 3-3
(S7-30/10 to S7-1600/10)."""

from __future__ import annotations

import pandas as pd

import retrofit
from retrofit.core.reference import load_table


def run(df: pd.DataFrame) -> pd.DataFrame:
    return retrofit.estimate(df).assets


def test_the_catalogue_holds_batches_1_3_and_4_with_year_and_equipment():
    table = load_table("motor_elimination_catalogue")
    years = table.groupby("batch")["year"].unique().map(list).to_dict()
    assert years == {1: [2009], 2: [2012], 3: [2015], 4: [2016]}
    assert set(table["equipment"]) == {
        "motor",
        "transformer",
        "fan",
        "blower",
        "pump",
        "compressor",
    }
    l10 = table[(table["batch"] == 1) & (table["model"] == "L-10/8")].iloc[0]
    assert l10["equipment"] == "compressor" and "GB 19153-2009" in l10["reason"]
    y160 = table[(table["batch"] == 2) & (table["model"] == "Y160M-4")].iloc[0]
    assert (y160["frame"], y160["poles"], y160["rated_kw"]) == ("160M", 4, 11.0)
    s9 = table[(table["batch"] == 4) & (table["series"] == "S9")].iloc[0]
    assert (s9["rated_kva_min"], s9["rated_kva_max"]) == (30, 1600)
    assert "1997" in s9["condition"] and "2017" in s9["condition"]


def test_a_batch_4_motor_model_and_a_batch_1_motor_series_are_flagged(frame_of_columns):
    """JS114-4 (batch 4, item 2-3) matches by its model text, written with a full-width dash
    and a space; JO2-F (batch 1, item 1-18) by its series; YE3-132M2-6 is on no batch."""
    df = frame_of_columns(
        category="motor",
        measure="upgrade_motor",
        motor_model=["JS 114－4", None, "YE3-132M2-6", "Y160M-4"],
        motor_series=[None, "JO2-F", None, None],
        poles=[4, 4, 6, 4],
        efficiency_class=["IE1", "IE1", "IE1", None],
        rated_power_kw=[5.5, 5.5, 5.5, 11.0],
        target_class="IE4",
        load_factor=1.0,
        operating_hours_h=1000,
        quantity=1,
    )
    a = run(df)
    assert a.motor_phase_out_listing.iloc[0] == (
        "batch 4: JS114-4, stop using by end of 2017 (最迟应于2017年底前停止使用)"
    )
    assert a.motor_phase_out_listing.iloc[1].startswith("batch 1: series JO2-F (all sizes)")
    assert a.motor_phase_out_listing.isna().iloc[2]
    assert "motor.phase_out_listed" in a.caveats.iloc[0]
    assert "motor.phase_out_listed" not in a.caveats.iloc[2]
    assert a.motor_phase_out_listing.iloc[3] == (
        "batch 2: Y160M-4, listed for elimination (淘汰); the batch sets no date or year condition"
    )


def test_transformer_series_on_batches_1_and_4_are_flagged(frame_of_columns):
    """S9-M-400/10 and SG(B)8-500/10 are on batch 4, S7-1000/10 on batch 1, SCB8-1000/10 on
    batch 2; S9-2000/10 is outside the listed S9-30 … S9-1600 and S11 is on no batch."""
    df = frame_of_columns(
        category="transformer",
        measure="upgrade_equipment",
        transformer_series=[
            "S9-M-400/10",
            "SG(B)8-500/10",
            "S7-1000/10",
            "S9-2000/10",
            "S11-M-630/10",
            "SCB8-1000/10",
        ],
        transformer_type=["oil", "dry", "oil", "oil", "oil", "dry"],
        no_load_loss_kw=1.0,
        load_loss_kw=5.0,
        target_equipment_grade="grade_1",
        load_factor=0.5,
        operating_hours_h=8000,
        quantity=1,
    )
    listing = run(df).transformer_phase_out_listing
    assert listing.iloc[0].startswith(
        "batch 4: S9-30~S9-1600, made and commissioned in 1997 or earlier: stop using by end "
        "of 2017"
    )
    assert listing.iloc[1] == (
        "batch 4: SGB8-30~SGB8-2500, stop using by end of 2017 (最迟应于2017年底前停止使用)"
    )
    assert listing.iloc[2].startswith("batch 1: S7-30/10~S7-1600/10")
    assert listing.isna().iloc[3] and listing.isna().iloc[4]
    assert listing.iloc[5].startswith("batch 2: SCB8-30~2500/10")


def test_a_whole_series_is_read_from_the_model_when_the_series_is_blank(frame_of_columns):
    """JO2-51-4 is a JO2 (batch 1, item 1-1: the JO2/JO3 series, all sizes); JO2-WF-51-4 is on
    both the JO2 and the JO2-WF (item 1-18) entries; YE3-160M-4 is on none."""
    df = frame_of_columns(
        category="motor",
        measure="upgrade_motor",
        motor_model=["JO2-51-4", "JO2-WF-51-4", "YE3-160M-4"],
        poles=4,
        efficiency_class=["IE1", "IE1", None],
        rated_power_kw=[7.5, 7.5, 11.0],
        target_class="IE4",
        load_factor=1.0,
        operating_hours_h=1000,
        quantity=1,
    )
    listing = run(df).motor_phase_out_listing
    assert listing.iloc[0].startswith("batch 1: series JO2 (all sizes)")
    assert "series JO2 (all sizes)" in listing.iloc[1]
    assert "series JO2-WF (all sizes)" in listing.iloc[1]
    assert listing.isna().iloc[2]
