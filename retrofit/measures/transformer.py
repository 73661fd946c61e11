"""Measure ``upgrade_equipment`` on a transformer: replace it by one of a GB 20052-2024 grade.

Glue between the inventory and :mod:`retrofit.models.transformers`: it finds the present
no-load and load losses (nameplate, or a sourced series table) and the target ones (a quoted
unit, or the GB 20052-2024 grade table), then computes the annual LOSS energy of both. The
lookups are pandas merges over the rows, never a loop per asset; every value used is returned so
a reviewer can redo each row by hand.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..columns import describe
from ..core import frame
from ..core.caveats import CaveatLog
from ..core.exceptions import InventoryIssue
from ..core.reference import Tables
from ..inventory.schema import normalise
from ..models import transformers
from .base import Measure, register

#: Result columns of this measure (name → meaning [unit]), for the README.
OUTPUT_COLUMNS: dict[str, str] = describe(
    [
        "baseline_energy_kwh",
        "retrofit_energy_kwh",
        "no_load_loss_baseline_kw",
        "load_loss_baseline_kw",
        "losses_baseline_source",
        "transformer_phase_out_listing",
        "no_load_loss_retrofit_kw",
        "load_loss_retrofit_kw",
        "losses_retrofit_source",
        "energised_hours_h",
        "loss_power_baseline_kw",
        "loss_power_retrofit_kw",
        "optimal_load_factor_baseline",
        "optimal_load_factor_retrofit",
        "transformer_loss_basis",
        "no_load_current_baseline_pct",
        "impedance_voltage_baseline_pct",
        "no_load_current_retrofit_pct",
        "impedance_voltage_retrofit_pct",
        "reactive_losses_source",
        "reactive_equivalent_used_kw_per_kvar",
        "integrated_loss_power_baseline_kw",
        "integrated_loss_power_retrofit_kw",
        "active_loss_energy_baseline_kwh",
        "active_loss_energy_retrofit_kwh",
        "active_loss_energy_saved_kwh",
        "retrofitted_motor_kw",
    ]
)

#: One-paragraph statement of the model, for the result's assumptions.
MODEL = (
    "annual LOSS energy for the present and the new transformer (baseline_energy_kwh and "
    "retrofit_energy_kwh are losses, not throughput): the GB/T 13462 integrated loss "
    "E = ((P0 + K_Q·Q0)·8760 h + β²·(Pk + K_Q·Qk)·h)·quantity, Q0 = I0 %·S_N, Qk = Uk %·S_N, "
    "where I0 % and Uk % of both units are known (inputs, or table transformer_series_losses "
    "for the present unit) and K_Q > 0 (reactive_economic_equivalent_kw_per_kvar, else "
    "model_parameters 0.1 kW/kvar); else, and always in active_loss_energy_*_kwh, the active "
    "loss E = (P0·8760 h + Pk·β²·h)·quantity; "
    "present P0/Pk from the nameplate, else table transformer_series_losses (S11, S13); new "
    "P0/Pk quoted, else GB 20052-2024 表1 (oil) / 表2 (dry), 10 kV, at a tabulated capacity "
    "(no interpolation) by core, vector group (oil, ≤ 500 kVA), insulation class (dry) and "
    "grade; β = RMS load ÷ rated kVA; negative savings are reported, not clipped"
)

#: Values used for blank key columns of the GB 20052-2024 lookup (each use is caveated):
#: electrical-steel core, the table's first and most common option; Dyn11, the usual
#: distribution connection, whose load loss limit is the higher one up to 500 kVA (a smaller,
#: conservative saving); class F, the common cast-resin insulation class.
TARGET_KEY_DEFAULTS = {"core_material": "steel", "vector_group": "Dyn11", "insulation_class": "F"}

GRADE_TABLE = "gb20052_2024_transformer_losses"
SERIES_TABLE = "transformer_series_losses"
_ROUND = 6  # decimals compared when matching a capacity to a tabulated one


def _series_key(text: pd.Series) -> pd.Series:
    """Series names folded for matching (NFKC, no spaces, upper case); blanks stay missing."""
    codes, uniques = pd.factorize(text.astype(object))  # a few distinct names: fold each once
    folded = np.array([normalise(u).upper() for u in uniques] + [None], dtype=object)
    return pd.Series(folded[codes], index=text.index, dtype=object)


#: "S11-M-1000/10" → 1000: the rated kVA before the "/" of the HV voltage in a type designation.
_KVA_IN_DESIGNATION = r"-(\d+(?:\.\d+)?)\s*/\s*\d+(?:\.\d+)?"


def kva_from_designation(text: pd.Series) -> np.ndarray:
    """Rated kVA read from a type designation such as S11-M-1000/10 or SCB10-800/10 [kVA];
    NaN where the text has no "-<kVA>/<kV>" part."""
    found = text.astype("string").str.extract(_KVA_IN_DESIGNATION, expand=False)
    return pd.to_numeric(found, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _loss_pair(rows, no_load_column, load_column, why, file, header_map):
    """P0 and Pk [kW] given in two columns that go together: the values (NaN where blank),
    which are given, and an issue for each row that gives only one of them."""
    p0 = frame.numbers(rows, no_load_column)
    pk = frame.numbers(rows, load_column)
    has0, hask = ~np.isnan(p0), ~np.isnan(pk)
    issues = frame.blank_issues(
        rows, has0 & ~hask, load_column, file, header_map, why
    ) + frame.blank_issues(rows, hask & ~has0, no_load_column, file, header_map, why)
    return p0, pk, has0, hask, issues


def present_losses(
    rows: pd.DataFrame, tables: Tables, log: CaveatLog, *, file: str, header_map: dict[str, str]
):
    """P0, Pk [kW] and their source per row: the nameplate, else the series table; and the
    table's I0, Uk [%] where the losses came from it (NaN elsewhere)."""
    n = len(rows)
    i0 = np.full(n, np.nan)
    uk = np.full(n, np.nan)
    p0, pk, has0, hask, issues = _loss_pair(
        rows,
        "no_load_loss_kw",
        "load_loss_kw",
        "the present transformer's no-load and load losses are given as a pair",
        file,
        header_map,
    )
    kva = frame.numbers(rows, "rated_kva")
    source = np.full(n, "input:no_load_loss_kw+load_loss_kw", dtype=object)
    need = ~has0 & ~hask
    source[need] = ""
    if not need.any():
        return p0, pk, source, issues, i0, uk

    table = tables[SERIES_TABLE]
    series_text = frame.column(rows, "transformer_series")
    key = _series_key(series_text)
    known = set(_series_key(table["series"]))
    # "S11-M-630/10" is an S11: fall back to the text before the first hyphen
    prefix = key.str.split("-").str[0]
    use_prefix = ~key.isin(known) & prefix.isin(known)
    key = key.where(~use_prefix, prefix)
    lookup = pd.DataFrame(
        {"pos": np.arange(n), "series_key": key.to_numpy(), "rated_kva": np.round(kva, _ROUND)}
    )[need]
    t = table.assign(
        series_key=_series_key(table["series"]),
        rated_kva=table["rated_kva"].astype(float).round(_ROUND),
    )
    hit = lookup.merge(t, on=["series_key", "rated_kva"], how="inner").drop_duplicates("pos")
    pos = hit["pos"].to_numpy()
    p0[pos] = hit["no_load_loss_kw"].to_numpy(float)
    pk[pos] = hit["load_loss_kw"].to_numpy(float)
    i0[pos] = hit["no_load_current_pct"].to_numpy(float)
    uk[pos] = hit["impedance_voltage_pct"].to_numpy(float)
    source[pos] = (
        SERIES_TABLE
        + " "
        + hit["series"].astype(str)
        + " "
        + hit["rated_kva"].map("{:g}".format).astype(str)
        + " kVA "
        + hit["vector_group"].astype(str)
    ).to_numpy()
    found = np.zeros(n, dtype=bool)
    found[pos] = True
    log.add(
        "transformer.series.losses_from_table",
        "present no-load and load losses taken from "
        "table transformer_series_losses (S11 and S13 values as published, confidence M; the Yyn0 "
        "load loss is used: a Dyn11 unit up to 500 kVA loses about 5 % more, so the saving "
        "is understated). Enter the nameplate losses where known",
        "现有变压器损耗取自 transformer_series_losses 表（S11，可信度 M），建议填写铭牌值",
        mask=found,
    )
    log.add(
        "transformer.series.prefix_matched",
        "transformer series matched on the text before its first hyphen (e.g. S11-M-630/10 → S11)",
        "按型号中第一个连字符前的系列名匹配",
        mask=use_prefix.to_numpy() & found,
    )

    no_series = need & series_text.isna().to_numpy()
    issues += [
        InventoryIssue(
            "blank-required",
            file,
            int(r),
            frame.header(header_map, "no_load_loss_kw"),
            "",
            "the nameplate no-load loss P0 and load loss Pk of the present transformer (columns "
            "no_load_loss_kw and load_loss_kw), or a transformer_series with a sourced loss table "
            "(S11 and S13, oil, 10 kV: see table transformer_series_losses) — measure "
            "upgrade_equipment on a transformer needs the present losses",
        )
        for r in rows["source_row"].to_numpy()[no_series]
    ]
    sizes = {s: np.sort(g["rated_kva"].to_numpy(float)) for s, g in t.groupby("series_key")}
    names = dict(zip(t["series_key"], t["series"], strict=False))
    missing = need & ~found & ~no_series
    for i in np.flatnonzero(missing):  # rows in error only, reported one by one
        r = int(rows["source_row"].iloc[i])
        text = str(series_text.iloc[i])
        k = key.iloc[i]
        if k in sizes:
            issues.append(
                InventoryIssue(
                    "out-of-range",
                    file,
                    r,
                    frame.header(header_map, "rated_kva"),
                    "" if np.isnan(kva[i]) else f"{kva[i]:g}",
                    f"a capacity tabulated for {names[k]} in table transformer_series_losses "
                    f"(nearest: {frame.neighbours(sizes[k], kva[i]) if not np.isnan(kva[i]) else '-'} "
                    "kVA; sizes whose sources disagree are left out), or the nameplate "
                    "no_load_loss_kw and load_loss_kw",
                )
            )
        else:
            issues.append(
                InventoryIssue(
                    "unknown-value",
                    file,
                    r,
                    frame.header(header_map, "transformer_series"),
                    text,
                    "a series with a sourced loss table ("
                    + ", ".join(sorted(names.values()))
                    + " in table transformer_series_losses); S7, S9, S14, S20, SC(B)9, SCB10–SCB18 "
                    "and other series have no sourced loss table: give the nameplate "
                    "no_load_loss_kw and load_loss_kw",
                )
            )
    return p0, pk, source, issues, i0, uk


def phase_out_listing(rows: pd.DataFrame, tables: Tables) -> np.ndarray:
    """Per row, the MIIT 高耗能落后机电设备（产品）淘汰目录 entries the present transformer's
    series is on (batch, listed models and condition), or None.

    The series is the transformer_series text, or its part before the first hyphen
    (S9-M-400/10 → S9), with brackets dropped (SG(B)8 → SGB8); an entry listed for a capacity
    range applies where rated_kva (or the kVA read from the designation) lies in it or is not
    known."""
    n = len(rows)
    text = frame.column(rows, "transformer_series")
    if text.isna().all():
        return np.full(n, None, dtype=object)
    catalogue = tables["motor_elimination_catalogue"]
    catalogue = catalogue[catalogue["equipment"] == "transformer"]
    key = _series_key(text).str.replace(r"[()]", "", regex=True)
    prefix = key.str.split("-").str[0]
    known = set(catalogue["series"].astype(str).str.upper())
    key = key.where(key.isin(known), prefix)
    kva = frame.numbers(rows, "rated_kva")
    lookup = pd.DataFrame({"pos": np.arange(n), "series": key.to_numpy(), "kva": kva})
    listed = catalogue.assign(series=catalogue["series"].astype(str).str.upper())
    hit = lookup.merge(listed, on="series")
    low = hit["rated_kva_min"].astype(float)
    high = hit["rated_kva_max"].astype(float)
    inside = hit["kva"].isna() | low.isna() | ((hit["kva"] >= low) & (hit["kva"] <= high))
    hit = hit[inside.to_numpy()]
    models = hit["model"].where(hit["model"].notna(), "series " + hit["series"] + " (all sizes)")
    entry = "batch " + hit["batch"].astype(str) + ": " + models + ", " + hit["condition"]
    joined = entry.groupby(hit["pos"].to_numpy()).agg("; ".join)
    out = np.full(n, None, dtype=object)
    out[joined.index.to_numpy(dtype=int)] = joined.to_numpy(dtype=object)
    return out


def target_losses(
    rows: pd.DataFrame, tables: Tables, log: CaveatLog, *, file: str, header_map: dict[str, str]
):
    """P0, Pk [kW] of the new unit and their source: quoted values, else GB 20052-2024."""
    n = len(rows)
    p0, pk, has0, hask, issues = _loss_pair(
        rows,
        "target_no_load_loss_kw",
        "target_load_loss_kw",
        "quoted losses of the new transformer are given as a pair",
        file,
        header_map,
    )
    source = np.full(n, "input:target_no_load_loss_kw+target_load_loss_kw", dtype=object)
    log.add(
        "transformer.target_losses.quoted",
        "new transformer losses are the quoted unit's "
        "(target_no_load_loss_kw, target_load_loss_kw), not the GB 20052-2024 grade values",
        "新变压器损耗采用报价/样本值，而非 GB 20052-2024 能效等级值",
        mask=has0 & hask,
    )
    need = ~has0 & ~hask
    source[need] = ""
    if not need.any():
        return p0, pk, source, issues

    ttype = frame.column(rows, "transformer_type")
    kva = frame.numbers(rows, "rated_kva")
    grade = frame.column(rows, "target_equipment_grade")
    why = "needed to pick the GB 20052-2024 limits of the new transformer"
    for column, blank in (
        ("transformer_type", ttype.isna().to_numpy()),
        ("rated_kva", np.isnan(kva)),
        ("target_equipment_grade", grade.isna().to_numpy()),
    ):
        issues += frame.blank_issues(rows, need & blank, column, file, header_map, why)
    keys = {}
    for column, default in TARGET_KEY_DEFAULTS.items():
        given = frame.column(rows, column)
        keys[column] = given.fillna(default).to_numpy(dtype=object)
        keys[column + "_blank"] = given.isna().to_numpy()
    lookup = pd.DataFrame(
        {
            "pos": np.arange(n),
            "transformer_type": ttype.to_numpy(dtype=object),
            "rated_kva": np.round(kva, _ROUND),
            "grade": grade.to_numpy(dtype=object),
            "core_material": keys["core_material"],
            "vg_row": keys["vector_group"],
            "ins_row": keys["insulation_class"],
        }
    )[need & ttype.notna().to_numpy() & ~np.isnan(kva) & grade.notna().to_numpy()]
    table = tables[GRADE_TABLE]
    table = table[table["voltage_kv"] == 10]  # 表1/表2; the inventory has no voltage column
    t = table.assign(
        rated_kva=table["rated_kva"].astype(float).round(_ROUND),
        vector_group=table["vector_group"].str.split("/"),
    ).explode("vector_group")
    cand = lookup.merge(t, on=["transformer_type", "rated_kva", "core_material", "grade"])
    ok = ((cand["vector_group"] == cand["vg_row"]) | (cand["vector_group"] == "any")) & (
        (cand["insulation_class"] == cand["ins_row"]) | (cand["insulation_class"] == "any")
    )
    hit = cand[ok].drop_duplicates("pos")
    pos = hit["pos"].to_numpy()
    p0[pos] = hit["no_load_loss_kw"].to_numpy(float)
    pk[pos] = hit["load_loss_kw"].to_numpy(float)
    vg_part = np.where(hit["vector_group"].eq("any"), "", " " + hit["vector_group"].astype(str))
    ins_part = np.where(
        hit["insulation_class"].eq("any"), "", " insulation " + hit["insulation_class"].astype(str)
    )
    source[pos] = (
        "gb20052_2024 "
        + hit["table"].astype(str)
        + " "
        + hit["transformer_type"].astype(str)
        + " 10 kV "
        + hit["rated_kva"].map("{:g}".format).astype(str)
        + " kVA "
        + hit["core_material"].astype(str)
        + vg_part
        + ins_part
        + " "
        + hit["grade"].astype(str)
    ).to_numpy()
    used = np.zeros(n, dtype=bool)
    used[pos] = True
    split_vg = np.zeros(n, dtype=bool)
    split_vg[pos] = hit["vector_group"].ne("any").to_numpy()
    is_dry = ttype.eq("dry").to_numpy()
    log.add(
        "transformer.gb20052.single_source",
        "GB 20052-2024 limits used for the new "
        "transformer rest on one extraction of the standard (confidence M); 10 kV tables "
        "(表1 oil, 表2 dry) are used since the inventory has no voltage column",
        "GB 20052-2024 限值来自单一摘录（可信度 M），按 10 kV 表取值",
        mask=used,
    )
    log.add(
        "transformer.core_material.defaulted",
        "core material of the new transformer not "
        "given: electrical steel assumed (amorphous cores have lower limits)",
        "未给出新变压器铁芯材料：按电工钢计",
        mask=used & keys["core_material_blank"],
    )
    log.add(
        "transformer.vector_group.defaulted",
        "vector group of the new oil transformer not "
        "given: Dyn11 assumed (GB 20052-2024 表1 splits load loss by it up to 500 kVA; "
        "Dyn11 has the higher limit)",
        "未给出联结组别：按 Dyn11 计",
        mask=used & split_vg & keys["vector_group_blank"],
    )
    log.add(
        "transformer.insulation_class.defaulted",
        "insulation class of the new dry-type transformer not given: F (120 °C) assumed",
        "未给出干式变压器绝缘耐热等级：按 F 级计",
        mask=used & is_dry & keys["insulation_class_blank"],
    )

    # rows whose keys were all there but match no cell: a capacity not tabulated
    missing = need & ~used & ttype.notna().to_numpy() & ~np.isnan(kva) & grade.notna().to_numpy()
    sizes = {k: np.sort(g["rated_kva"].unique()) for k, g in t.groupby("transformer_type")}
    tables_of = {k: g["table"].iloc[0] for k, g in t.groupby("transformer_type")}
    for i in np.flatnonzero(missing):  # rows in error only
        kind = ttype.iloc[i]
        r = int(rows["source_row"].iloc[i])
        s = sizes[kind]
        if np.isin(np.round(kva[i], _ROUND), s):
            expected = (
                f"a combination tabulated in GB 20052-2024 {tables_of[kind]} ({kind}, "
                "10 kV), or give target_no_load_loss_kw and target_load_loss_kw"
            )
        else:
            beyond = (
                ""
                if kva[i] <= s[-1]
                else (
                    f"; the 10 kV table ends at {s[-1]:g} kVA (35 kV units: give the quoted losses)"
                )
            )
            expected = (
                f"a capacity tabulated in GB 20052-2024 {tables_of[kind]} ({kind}, 10 kV):"
                f" nearest {frame.neighbours(s, kva[i])} kVA, no interpolation{beyond}; or "
                "give target_no_load_loss_kw and target_load_loss_kw"
            )
        issues.append(
            InventoryIssue(
                "out-of-range",
                file,
                r,
                frame.header(header_map, "rated_kva"),
                f"{kva[i]:g}",
                expected,
            )
        )
    return p0, pk, source, issues


def compute(
    assets: pd.DataFrame,
    positions: np.ndarray,
    tables: Tables,
    log: CaveatLog,
    *,
    file: str,
    header_map: dict[str, str],
) -> tuple[pd.DataFrame, list[InventoryIssue]]:
    """Annual loss energy of the present and the new transformer for the rows at ``positions``.

    Returns a frame indexed like those rows with every value used (see :data:`OUTPUT_COLUMNS`)
    and the data issues found. ``baseline_energy_kwh`` and ``retrofit_energy_kwh`` are LOSS
    energies: their difference is the energy saved.
    """
    rows = assets.iloc[positions]
    n = len(rows)
    sub_log = CaveatLog(n)
    issues: list[InventoryIssue] = []
    kva = frame.numbers(rows, "rated_kva")
    designated = kva_from_designation(frame.column(rows, "transformer_series"))
    kva_parsed = np.isnan(kva) & ~np.isnan(designated)
    if kva_parsed.any():
        rows = rows.assign(rated_kva=np.where(kva_parsed, designated, kva))
        kva = np.where(kva_parsed, designated, kva)
    sub_log.add(
        "transformer.rated_kva.from_designation",
        "rated kVA not given: read from the type designation in transformer_series "
        "(S11-M-1000/10 → 1000 kVA)",
        "未填额定容量：按变压器型号（如 S11-M-1000/10）读取",
        mask=kva_parsed,
    )
    beta = frame.numbers(rows, "load_factor")
    hours = frame.numbers(rows, "operating_hours_h")
    qty = frame.quantity(rows)
    why = "measure upgrade_equipment on a transformer needs it"
    issues += frame.blank_issues(rows, np.isnan(beta), "load_factor", file, header_map, why)
    issues += frame.blank_issues(rows, np.isnan(hours), "operating_hours_h", file, header_map, why)

    p0_b, pk_b, src_b, found, i0_table, uk_table = present_losses(
        rows, tables, sub_log, file=file, header_map=header_map
    )
    issues += found
    listing = phase_out_listing(rows, tables)
    sub_log.add(
        "transformer.phase_out_listed",
        "the present transformer's series is on the MIIT 高耗能落后机电设备（产品）淘汰目录 (see "
        "transformer_phase_out_listing for the batch and its condition, e.g. S9 made and "
        "commissioned in 1997 or earlier): check the year of manufacture; a listed unit must be "
        "replaced",
        "现有变压器系列列入《高耗能落后机电设备（产品）淘汰目录》，请核对出厂投运年份，列入者应淘汰",
        mask=pd.notna(listing),
    )
    p0_r, pk_r, src_r, found = target_losses(
        rows, tables, sub_log, file=file, header_map=header_map
    )
    issues += found

    params = tables.keyed("model_parameters", ["model", "parameter"], "value")
    energised = float(params[("transformer_losses", "energised_hours_per_year_h")])
    active_b = transformers.annual_loss_energy_kwh(p0_b, pk_b, beta, hours, energised) * qty
    active_r = transformers.annual_loss_energy_kwh(p0_r, pk_r, beta, hours, energised) * qty

    # GB/T 13462 integrated loss where I0 % and Uk % of both units are known
    i0_in = frame.numbers(rows, "no_load_current_pct")
    uk_in = frame.numbers(rows, "impedance_voltage_pct")
    i0_b = np.where(np.isnan(i0_in), i0_table, i0_in)
    uk_b = np.where(np.isnan(uk_in), uk_table, uk_in)
    i0_r = frame.numbers(rows, "target_no_load_current_pct")
    uk_r = frame.numbers(rows, "target_impedance_voltage_pct")
    reactive_source = np.where(
        ~np.isnan(i0_in) | ~np.isnan(uk_in),
        "input:no_load_current_pct+impedance_voltage_pct",
        np.where(np.isnan(i0_table), "", SERIES_TABLE + " (I0, Uk: single source, L)"),
    ).astype(object)
    kq_given = frame.numbers(rows, "reactive_economic_equivalent_kw_per_kvar")
    kq_default = float(params[("transformer_losses", "reactive_economic_equivalent_kw_per_kvar")])
    kq = np.where(np.isnan(kq_given), kq_default, kq_given)
    has_reactive = ~np.isnan(i0_b) & ~np.isnan(uk_b) & ~np.isnan(i0_r) & ~np.isnan(uk_r)
    integrated = has_reactive & (kq > 0)
    q0_b = transformers.reactive_power_kvar(i0_b, kva)
    qk_b = transformers.reactive_power_kvar(uk_b, kva)
    q0_r = transformers.reactive_power_kvar(i0_r, kva)
    qk_r = transformers.reactive_power_kvar(uk_r, kva)
    integrated_b = (
        transformers.annual_integrated_loss_energy_kwh(
            p0_b, pk_b, q0_b, qk_b, kq, beta, hours, energised
        )
        * qty
    )
    integrated_r = (
        transformers.annual_integrated_loss_energy_kwh(
            p0_r, pk_r, q0_r, qk_r, kq, beta, hours, energised
        )
        * qty
    )
    baseline = np.where(integrated, integrated_b, active_b)
    retrofit = np.where(integrated, integrated_r, active_r)

    sub_log.add(
        "transformer.energy.loss_only",
        "baseline_energy_kwh and retrofit_energy_kwh "
        "of a transformer are its annual LOSS energies (P0 over the energised hours + "
        "Pk·β² over the load hours, plus K_Q times the reactive powers Q0 and β²·Qk where the "
        "GB/T 13462 integrated loss is used), not the energy it carries",
        "变压器的基准与改造后能耗为年损耗电量（采用综合损耗时含无功经济当量损耗）",
    )
    sub_log.add(
        "transformer.loss.integrated_gbt13462",
        "saving counted on the GB/T 13462 integrated loss: the active loss plus K_Q·(Q0 + β²·Qk) "
        "of both units, the active loss the transformer's reactive power causes upstream "
        "(K_Q from reactive_economic_equivalent_kw_per_kvar, else 0.1 kW/kvar, confidence L); "
        "the active-only figure is in active_loss_energy_saved_kwh",
        "按 GB/T 13462 综合功率损耗计算节能量（含无功经济当量，K_Q 默认 0.1 kW/kvar）；"
        "仅有功的节能量见 active_loss_energy_saved_kwh",
        mask=integrated,
    )
    sub_log.add(
        "transformer.loss.active_only",
        "saving counted on the active-power loss only: the GB/T 13462 integrated loss needs "
        "I0 % and Uk % of both units (no_load_current_pct and impedance_voltage_pct, or a "
        "tabulated series; target_no_load_current_pct and target_impedance_voltage_pct) and "
        "K_Q > 0; Chinese worksheets that count it show about 20 % more loss",
        "仅按有功损耗计算节能量：综合损耗需新旧变压器的空载电流与短路阻抗",
        mask=~integrated,
    )
    sub_log.add(
        "transformer.load_factor.rms",
        "the load factor β is taken as the RMS load ÷ "
        "rated kVA over the load hours; an average of a varying load understates the "
        "load loss",
        "负载率按均方根负载计；用平均负载会低估负载损耗",
    )
    sub_log.add(
        "transformer.upgrade.not_an_improvement",
        "the new transformer loses more "
        "energy than the present one at this load: the saving is negative (reported, "
        "not clipped)",
        "新变压器在该负载下损耗更大，节能量为负",
        mask=retrofit > baseline,
    )
    log.extend(sub_log, positions)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = {
            "no_load_loss_baseline_kw": p0_b,
            "load_loss_baseline_kw": pk_b,
            "losses_baseline_source": src_b,
            "transformer_phase_out_listing": listing,
            "no_load_loss_retrofit_kw": p0_r,
            "load_loss_retrofit_kw": pk_r,
            "losses_retrofit_source": src_r,
            "energised_hours_h": np.full(n, energised),
            "loss_power_baseline_kw": transformers.loss_power_kw(p0_b, pk_b, beta),
            "loss_power_retrofit_kw": transformers.loss_power_kw(p0_r, pk_r, beta),
            "optimal_load_factor_baseline": transformers.optimal_load_factor(p0_b, pk_b),
            "optimal_load_factor_retrofit": transformers.optimal_load_factor(p0_r, pk_r),
            "transformer_loss_basis": np.where(integrated, "integrated GB/T 13462", "active"),
            "no_load_current_baseline_pct": i0_b,
            "impedance_voltage_baseline_pct": uk_b,
            "no_load_current_retrofit_pct": i0_r,
            "impedance_voltage_retrofit_pct": uk_r,
            "reactive_losses_source": reactive_source,
            "reactive_equivalent_used_kw_per_kvar": np.where(integrated, kq, np.nan),
            "integrated_loss_power_baseline_kw": transformers.integrated_loss_power_kw(
                p0_b, pk_b, q0_b, qk_b, kq, beta
            ),
            "integrated_loss_power_retrofit_kw": transformers.integrated_loss_power_kw(
                p0_r, pk_r, q0_r, qk_r, kq, beta
            ),
            "active_loss_energy_baseline_kwh": active_b,
            "active_loss_energy_retrofit_kwh": active_r,
            "active_loss_energy_saved_kwh": active_b - active_r,
            "baseline_energy_kwh": baseline,
            "retrofit_energy_kwh": retrofit,
            "retrofitted_motor_kw": np.zeros(n),
        }
    return pd.DataFrame(out, index=rows.index), issues


def takes(category: pd.Series, measure: pd.Series) -> np.ndarray:
    """Transformers, whatever their measures."""
    return (category == "transformer").to_numpy(dtype=bool, na_value=False)


MEASURE = register(
    Measure(
        name="transformer",
        takes=takes,
        compute=compute,
        output_columns=OUTPUT_COLUMNS,
        model=MODEL,
    )
)
