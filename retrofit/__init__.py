"""retrofit: energy, coal-equivalent, CO2 and money saved by retrofitting industrial equipment.

>>> import retrofit
>>> result = retrofit.estimate(retrofit.sample_path())          # doctest: +SKIP
>>> result.plants[["plant_id", "coal_saved_tce", "meets_bai_yi"]]  # doctest: +SKIP

Many plants against a city's goals: ``from retrofit.portfolio.runner import portfolio``. The auditor's
report: ``retrofit.write_html(result, "report.html", lang="zh")`` or
``retrofit.write_workbook(result, "report.xlsx")``; money and incentives:
``retrofit.estimate(path, policy="shanghai-2024,national")``; uncertainty:
``retrofit.estimate(path, uncertainty=10_000, seed=1)``; every problem of a file in one pass:
``retrofit.validate(path).issues``.
"""

from __future__ import annotations

from pathlib import Path

from ._version import __version__


def sample_path(name: str = "example_plant.csv") -> Path:
    """Path of a bundled example inventory (see ``retrofit/samples/``)."""
    return Path(__file__).resolve().parent / "samples" / name


def __getattr__(name: str):
    # lazy imports keep `retrofit --help` and `import retrofit` fast
    if name == "estimate":
        from .pipeline import estimate

        return estimate
    if name in ("read_inventory", "read_plants", "validate_frame", "Inventory"):
        from . import inventory

        return getattr(inventory, name)
    if name in ("load_table", "list_tables"):
        from .core import reference

        return getattr(reference, name)
    if name == "write_template":
        from .inventory.template import write_template

        return write_template
    if name == "load_goal_pack":
        from .portfolio.goals import load_goal_pack

        return load_goal_pack
    if name == "iter_inventory":
        from .inventory.streaming import iter_inventory

        return iter_inventory
    if name in ("validate", "validate_records", "ValidationReport"):
        # the module is named validation so that importing it never shadows the function
        from . import validation

        return getattr(validation, name)
    if name == "EstimateResult":
        from .results import EstimateResult

        return EstimateResult
    if name in ("write_html", "render_html"):
        from .report import html as html_report

        return getattr(html_report, name)
    if name == "write_workbook":
        from .io.workbook import write_workbook

        return write_workbook
    raise AttributeError(f"module 'retrofit' has no attribute {name!r}")


__all__ = [
    "EstimateResult",
    "Inventory",
    "ValidationReport",
    "__version__",
    "estimate",
    "iter_inventory",
    "list_tables",
    "load_goal_pack",
    "load_table",
    "read_inventory",
    "read_plants",
    "render_html",
    "sample_path",
    "validate",
    "validate_frame",
    "validate_records",
    "write_html",
    "write_template",
    "write_workbook",
]
