# ruff: noqa: B018 — a notebook cell ends with an expression so that Jupyter displays it

# %% [markdown]
# # A city portfolio, against Shanghai's 2024–2027 goals
#
# This notebook reads many enterprises' retrofit inventories at once with
# `retrofit.portfolio.portfolio` and walks through the result the way a city analyst would
# check it:
#
# 1. the files as received (one per district, mixed encodings and languages) and the totals;
# 2. progress against the goals of the `shanghai-2024` goal pack, counted two ways;
# 3. one trajectory number recomputed by hand, asserted equal to the portfolio's;
# 4. 百一 (saving 1 % of a plant's energy a year) per enterprise and year;
# 5. districts and industries;
# 6. charts: trajectories against the goals, savings by measure, the 百一 ranking and the
#    abatement curve;
# 7. a scenario: every measure enters service one year later;
# 8. where the numbers come from, and what is not counted.
#
# **The city is synthetic and illustrative.** Its 300 plants are drawn by
# `retrofit.samples.synthetic_city` from a random generator with the fixed seed **2024**:
# equipment, sizes, hours, prices, investments and plant energy use are plausible-looking
# draws, not statistics of any real plant, district or industry. The same files can be written
# from the command line:
#
# ```
# python -m retrofit.samples.synthetic_city --plants 300 --seed 2024 -o city/
# ```
#
# It is paired with `02_city_portfolio.py` (`# %%` cells); `tests/test_notebooks.py` executes
# it and checks that the two files hold the same cells.

# %%
import math
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display

import retrofit
from retrofit import plotting as plots
from retrofit.portfolio import portfolio
from retrofit.samples.synthetic_city import synthetic_city, write_city

pd.set_option("display.max_columns", 60)
pd.set_option("display.width", 160)
print("retrofit", retrofit.__version__)

# %% [markdown]
# ## The city's files
#
# `write_city` writes one inventory CSV per district, as a city would receive them: the
# encodings alternate between UTF-8 with BOM and GB18030, and pairs of files alternate between
# Chinese headers and values (额定功率(kW), 电机, …) and canonical English ones. It also writes
# `plants.csv`: each plant's name, district, industry and energy use by year
# (`energy_tce_2023` … `energy_tce_2026`), with about 5 % of those cells blank on purpose.
#
# Everything goes into a temporary folder, removed at the end of the notebook.

# %%
SEED = 2024
N_PLANTS = 300
YEAR = 2026  # the as-of year: "to date" means in service by the end of 2026

workdir = tempfile.TemporaryDirectory()
city = Path(workdir.name) / "city"
paths = write_city(city, N_PLANTS, seed=SEED)
inventory_files, plants_csv = paths[:-1], paths[-1]
print(f"{len(inventory_files)} inventory files and {plants_csv.name} in {city.name}/")
pd.read_csv(plants_csv).head()

# %% [markdown]
# ## Run the portfolio
#
# `portfolio` reads every inventory file in the folder (the plants file is left out), runs
# `retrofit.estimate` on each, and sums the results per plant, in-service year and measure.
# `goals="shanghai-2024"` is the bundled pack of 沪经信技〔2024〕355号 and related targets;
# `year` pins the as-of year so the numbers below do not change with the calendar.

# %%
result = portfolio(city, plants=plants_csv, goals="shanghai-2024", year=YEAR)
print("tables:", ", ".join(result.TABLES))

# %% [markdown]
# Each file with the encoding that was detected, its rows and any problems (a file with a
# problem would be reported here and, without `keep_going=True`, stop the run):

# %%
files = result.files.assign(file=result.files["file"].map(lambda p: Path(p).name))
files[["file", "status", "rows", "problems", "format", "encoding"]]

# %% [markdown]
# The city totals. Every quantity is an annual saving (per year, once the measure runs),
# summed over all asset rows, whatever their in-service year. `coal_saved_tce` is the headline
# basis (here 当量值, *equivalent*); both bases are always given. A money total is blank when
# some rows lack the value: `investment_cny_rows_missing` says how many.

# %%
result.totals.T.rename(columns={0: "city"})

# %% [markdown]
# ## Progress against the goals
#
# `result.goals` has one row per goal of the pack and, for a cumulative goal counted in energy,
# one row for each of two ways of counting a year (`retrofit.portfolio.trajectory`):
#
# * **saving capacity (节能能力)** — the full annual saving of every measure, counted in the
#   year it enters service. This is what project-based reporting (a project's 年节能量) adds up.
# * **energy realised** — the saving that accrues within each calendar year: a measure in
#   service from day *d* of a year of *N* days saves (N − d + 1)/N of its annual saving that
#   year and all of it in every later year. Summed over 2024–2027 it is energy actually saved
#   in the window, not a rate, so it can exceed the capacity total.
#
# `achieved_to_date` counts the years up to the as-of year (2024–2026); `planned_by_end` adds
# the measures the inventories date later in the window (to 2027). The tce figures are on the
# 当量值 (*equivalent*, 0.1229 kgce/kWh) basis by default; pass `basis="equal_value"` for the
# 等价值 basis. Counts such as kW of motors or charging piles have only a capacity row.

# %%
goal_columns = [
    "goal",
    "counts",
    "counted_as",
    "target",
    "unit",
    "period_start",
    "period_end",
    "achieved_unit",
    "achieved_to_date",
    "share_to_date",
    "planned_by_end",
    "share_by_end",
    "remaining_by_end",
    "basis",
]
cumulative = result.goals[result.goals["kind"] == "cumulative"]
cumulative[goal_columns]

# %% [markdown]
# The trajectory behind those rows, for the tce goal: capacity added each year and its running
# total, and energy realised each year and its running total.

# %%
trajectory = result.trajectory
tce = trajectory[trajectory["metric"] == "coal_saved_tce"].set_index("year")
tce[
    [
        "capacity_unit",
        "capacity_added",
        "capacity_cumulative",
        "realised_unit",
        "realised",
        "realised_cumulative",
        "basis",
    ]
]

# %% [markdown]
# ## One year by hand
#
# The portfolio read the files; here the same city is rebuilt in memory with
# `synthetic_city(300, seed=2024)` (the same defaults as `write_city`: 25 assets per plant on
# average, in-service dates 2024–2027) and estimated directly with `retrofit.estimate`, with no
# file, no portfolio code and no summing by the package. First, the rows are the same: the
# same number of assets per plant and the same total saving.

# %%
inventory, plants = synthetic_city(N_PLANTS, seed=SEED)
direct = retrofit.estimate(inventory, year=YEAR)
assets = direct.assets

per_plant = result.plants.set_index("plant_id")["assets"]
assert per_plant.equals(inventory.groupby("plant_id").size().astype(per_plant.dtype))
assert math.isclose(
    assets["coal_saved_tce"].sum(), result.totals.at[0, "coal_saved_tce"], rel_tol=1e-9
)
print(
    f"{len(assets):,} asset rows in {inventory['plant_id'].nunique()} plants, "
    f"{assets['coal_saved_tce'].sum():,.1f} tce/yr in both"
)

# %% [markdown]
# **Capacity added in 2025** is the sum of `coal_saved_tce` over the rows whose
# `in_service_date` falls in 2025.
#
# **Energy realised in 2025** is, over every row in service in the window by then,
# annual saving × (days in service in 2025) ÷ 365. A row that entered service in 2024 counts
# all 365 days; a row starting on 1 July 2025 counts 184. Rows without a date are taken to enter
# service on 1 January of the as-of year (2026), so they add nothing to 2025; rows dated 2023,
# before the window, are not counted toward the goals at all.

# %%
dates = pd.to_datetime(assets["in_service_date"])
year_of = dates.dt.year.fillna(YEAR).astype(int)  # a blank date: 1 January of the as-of year
in_window = year_of.between(2024, 2027)

capacity_2025 = assets.loc[year_of == 2025, "coal_saved_tce"].sum()

start = dates.fillna(pd.Timestamp(f"{YEAR}-01-01"))
first, after = pd.Timestamp("2025-01-01"), pd.Timestamp("2026-01-01")
days_in_service = (after - start.clip(lower=first, upper=after)).dt.days
realised_2025 = (assets["coal_saved_tce"] * days_in_service / 365)[in_window].sum()

assert math.isclose(capacity_2025, tce.at[2025, "capacity_added"], rel_tol=1e-9)
assert math.isclose(realised_2025, tce.at[2025, "realised"], rel_tol=1e-9)
pd.DataFrame(
    {
        "by hand": [capacity_2025, realised_2025],
        "portfolio": [tce.at[2025, "capacity_added"], tce.at[2025, "realised"]],
    },
    index=["capacity added in 2025 [tce/yr]", "energy realised in 2025 [tce]"],
)

# %% [markdown]
# ## 百一, per enterprise and year
#
# 百一 asks each enterprise to save 1 % of its energy use every year. `result.bai_yi` has one
# row per plant and year: the saving capacity of the measures entering service that year
# divided by the plant's energy use of the year before (from `plants.csv`). A plant is
# **unknown**, not failed, when that previous year's energy is blank in the plants file; it is
# never filled from another year. Years from the as-of year on are `in_progress`: more measures
# may still be added.

# %%
bai_yi = result.bai_yi
status = bai_yi["bai_yi_status"].str.extract(r"^(\w+)", expand=False)
counts = pd.crosstab(bai_yi["year"], status)
counts["in_progress"] = bai_yi.groupby("year")["in_progress"].first()
counts

# %%
bai_yi[bai_yi["year"] == YEAR].sort_values("saving_share", ascending=False)[
    [
        "plant_id",
        "previous_year_energy_tce",
        "capacity_added_tce",
        "saving_share",
        "shortfall_tce",
        "bai_yi_status",
    ]
].head(10)

# %% [markdown]
# ## Districts and industries
#
# The plant totals summed by district and by industry (from `plants.csv`), largest saving
# first. `bai_yi_years_met` out of `bai_yi_years_known` counts plant-years over 2024–2027.

# %%
group_columns = [
    "plants",
    "assets",
    "coal_saved_tce",
    "energy_saved_kwh",
    "co2_avoided_t",
    "retrofitted_motor_kw",
    "piles_replaced",
    "bai_yi_years_known",
    "bai_yi_years_met",
    "investment_cny",
]
result.districts.sort_values("coal_saved_tce", ascending=False).set_index("district")[group_columns]

# %%
result.industries.sort_values("coal_saved_tce", ascending=False).set_index("industry")[
    group_columns
]

# %% [markdown]
# ## Charts
#
# The plot functions of `retrofit.plotting` draw on an Axes passed as `ax=`; they are given
# Axes made with `plt.subplots` so that they show in the notebook. First the tce trajectory
# against the 500,000 tce goal: bars are capacity added each year, lines the running totals.

# %%
BASIS_NOTE = "tce, equivalent basis (GB/T 2589-2020)"


def goal_row(goal: str) -> pd.Series:
    """The saving-capacity row of a cumulative goal."""
    rows = cumulative[
        (cumulative["goal"] == goal) & (cumulative["counted_as"] != "energy realised")
    ]
    return rows.iloc[0]


def trajectory_of(metric: str) -> pd.DataFrame:
    return trajectory[trajectory["metric"] == metric]


energy_goal = goal_row("energy_saving_cumulative")
fig, ax = plt.subplots(figsize=(7, 4.5), layout="constrained")
ax = plots.plot_trajectory(
    trajectory_of("coal_saved_tce")[
        ["year", "capacity_added", "capacity_cumulative", "realised_cumulative"]
    ],
    goal_value=energy_goal["target"],
    unit="tce/yr",
    basis_note=BASIS_NOTE,
    goal_label=f"goal {energy_goal['target']:,.0f} tce by {energy_goal['period_end']}",
    ax=ax,
)

# %% [markdown]
# The synthetic city is a few per cent of the goal: 300 plants against a goal for the whole
# city. The same chart for motors and motor systems, against the 3 GW goal:

# %%
motor_goal = goal_row("motors_retrofitted")
fig, ax = plt.subplots(figsize=(7, 4.5), layout="constrained")
ax = plots.plot_trajectory(
    trajectory_of("retrofitted_motor_kw")[["year", "capacity_added", "capacity_cumulative"]],
    goal_value=motor_goal["target"],
    unit="kW",
    basis_note="retrofitted_motor_kw [kW]",
    goal_label=f"goal {motor_goal['target']:,.0f} kW by {motor_goal['period_end']}",
    ax=ax,
)

# %% [markdown]
# Savings by measure as a waterfall, largest first; a measure type with a net negative saving
# goes down in another colour: the ac piles (`charger: replace_charger (ac)`) save a negative
# amount, because the new intelligent pile's standby power exceeds the old one's (see caveat
# `charger.saving.negative`). The piles count toward the 20,000-pile goal either way.

# %%
by_measure = result.by_measure
fig, ax = plt.subplots(figsize=(9, 5), layout="constrained")
ax = plots.plot_savings_by_measure(
    by_measure.rename(columns={"coal_saved_tce": "saved"})[["measure_type", "saved"]],
    unit="tce/yr",
    basis_note=BASIS_NOTE,
    ax=ax,
)
by_measure

# %%
chargers = assets[assets["category"] == "charger"]
chargers.groupby("charger_type")[["piles_replaced", "energy_saved_kwh", "coal_saved_tce"]].sum()

# %% [markdown]
# The 百一 ranking for the as-of year: plants by saving share, the 1 % target as a line; plants
# with unknown share are left out and counted on the chart.

# %%
fig, ax = plt.subplots(figsize=(9, 4), layout="constrained")
ax = plots.plot_bai_yi_ranking(
    bai_yi[bai_yi["year"] == YEAR][["plant_id", "saving_share", "target_share"]], year=YEAR, ax=ax
)

# %% [markdown]
# The conservation supply curve: each measure type is a bar as wide as its saving capacity and as
# high as its levelised cost of saved coal (Σ investment × CRF ÷ Σ tce/yr, at the 8 % default
# rate over each measure's life), cheapest first. Only rows with an investment and a life count
# (about 5 % of rows have no investment; leak repair and piles have no sourced life), so the
# widths add up to less than the city total. The 355号 goal of 500,000 tce is in the table as
# `goal_line_tce`; the figure from `retrofit portfolio --plots` draws it when it lies within
# three curve widths and names it otherwise.

# %%
fig, ax = plt.subplots(figsize=(9, 4.5), layout="constrained")
ax = plots.plot_abatement_curve(
    result.abatement[["label", "saved_tce", "cost_per_tce_cny"]],
    basis_note=BASIS_NOTE,
    ax=ax,
    ylabel="levelised cost of saved coal [CNY/tce]",
)
assert result.abatement["cost_per_tce_cny"].is_monotonic_increasing
assert (result.abatement["goal_line_tce"] == 500_000).all()
result.abatement

# %% [markdown]
# The same figures with Chinese labels, drawn by `plots.portfolio_figures(result, lang="zh")`, need a
# font with Chinese glyphs; without one they are skipped here (`retrofit portfolio --plots`
# would fall back to English).

# %%
if plots.resolve_language("zh")[0] == "zh":
    zh_figures = plots.portfolio_figures(result, lang="zh")
    print("figures:", ", ".join(zh_figures))
    display(zh_figures["trajectory_energy_saving_cumulative"].figure)
else:
    print("no font with Chinese glyphs: Chinese figures skipped")

# %% [markdown]
# ## Scenario: every measure one year late
#
# What if every retrofit entered service one year later than planned? The inventory's
# `in_service_date` is moved by one year, written to a CSV and run again (`portfolio` reads
# files). The 2027 measures then fall outside the window and stop counting; those of 2023
# move in. Rows without a date still enter service on 1 January 2026.

# %%
late = inventory.copy()
late["in_service_date"] = (
    pd.to_datetime(late["in_service_date"]) + pd.DateOffset(years=1)
).dt.strftime("%Y-%m-%d")
scenario_csv = Path(workdir.name) / "scenario" / "one_year_late.csv"
scenario_csv.parent.mkdir()
late.to_csv(scenario_csv, index=False, encoding="utf-8-sig")
delayed = portfolio(scenario_csv, plants=plants_csv, goals="shanghai-2024", year=YEAR)

key = ["goal", "counted_as"]
compare = (
    pd.concat(
        {
            "as planned": cumulative.set_index(key)[
                ["achieved_to_date", "share_to_date", "planned_by_end", "share_by_end"]
            ],
            "one year late": delayed.goals[delayed.goals["kind"] == "cumulative"].set_index(key)[
                ["achieved_to_date", "share_to_date", "planned_by_end", "share_by_end"]
            ],
        },
        axis=1,
    )
    .swaplevel(axis=1)
    .sort_index(axis=1, level=0, sort_remaining=False)
)
compare.loc["energy_saving_cumulative"]

# %%
shares = compare.loc[("energy_saving_cumulative", "saving capacity (节能能力)"), "share_by_end"]
print(
    f"share of the 500,000 tce goal planned by 2027: {shares['as planned']:.2%} as planned, "
    f"{shares['one year late']:.2%} one year late"
)

# %% [markdown]
# ## Where the numbers come from, and what is not counted
#
# `result.assumptions["portfolio"]` records the goal pack (file and sha256), the as-of year,
# the window, the basis and the counting rules; `result.assumptions` also holds every factor,
# default and reference table of the estimates, as in the single-plant notebook.

# %%
run = result.assumptions["portfolio"]
pd.Series({k: v for k, v in run.items() if k not in ("goal_pack", "outside_window")})

# %% [markdown]
# Each goal row quotes its source document and clause:

# %%
pd.set_option("display.max_colwidth", 200)
result.goals[["goal", "kind", "target", "unit", "confidence", "source"]].drop_duplicates("goal")

# %% [markdown]
# Not counted toward the goals:
#
# * measures in service outside the 2024–2027 window (`outside_window`: here the rows dated
#   2023);
# * goals an inventory cannot track (`not_tracked`: photovoltaics, storage, green factories, …);
# * asset rules are checked per asset (data-centre PUE) or applied by the models (IT efficiency
#   gain), not summed.
#
# And the caveats of the run, with the number of rows each applies to, merged over the files;
# `portfolio.plant_energy.unknown` counts the plant-years whose 百一 is unknown.

# %%
print("outside the window:")
pd.DataFrame(run["outside_window"]).T

# %%
result.goals.loc[result.goals["kind"] == "not_tracked", ["goal", "metric", "target", "unit"]]

# %%
pd.DataFrame([{"code": c.code, "count": c.count, "message": c.message} for c in result.caveats])

# %%
workdir.cleanup()
