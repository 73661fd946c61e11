"""Every bundled table's sources read as citations (issue 19, point 2).

A client reads the ``source`` column in the report's factor, default, goal and incentive tables
and in the uncertainty inputs: it names a document (standard and clause, notice number, report,
year), never a path on the developer's disk, an issue of this project or a download site alone.
Remarks for maintainers live in ``internal_note``, which no output prints.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from retrofit.core.reference import list_tables, load_table

#: A path to a file of the project's research folders, or to a research note.
PATH = re.compile(r"\.\./|(?<![\w.])shared/|/work/|\bpolicy\.md\b|policy_rules\.csv|\.txt\b")
#: Development wording: an issue or specification of this project.
DEVELOPMENT = re.compile(r"\bissue\s*\d|retrofit issue|\bspecification\b", re.IGNORECASE)
#: A web address (host with a dotted name and a path), with or without a scheme.
ADDRESS = re.compile(r"(?:https?://)?(?:[a-z0-9-]+\.)+[a-z]{2,}(?:/\S*)?", re.IGNORECASE)
#: Tables of a standard's numbers: their source begins with the standard's own number.
STANDARD_TABLES = {
    "iec60034_30_1_2014_motor_classes": "IEC 60034-30-1:2014",
    "gb18613_2020_motor_grades": "GB 18613-2020",
    "gb19761_2020_fan_grades": "GB 19761-2020",
    "gb19762_2025_pump_grades": "GB 19762-2025",
    "energy_conversion_coefficients": "GB/T 2589-2020",
    "eu2019_1781_interpolation_coefficients": "Regulation (EU) 2019/1781",
}

TABLES = list(list_tables()["table"])


def _sources(name: str) -> pd.Series:
    return load_table(name)["source"].astype(str).drop_duplicates()


@pytest.mark.parametrize("name", TABLES)
def test_sources_name_no_path_and_no_development_wording(name):
    sources = _sources(name)
    assert not sources.str.contains(PATH).any(), sources[sources.str.contains(PATH)].tolist()
    bad = sources[sources.str.contains(DEVELOPMENT)]
    assert bad.empty, bad.tolist()


@pytest.mark.parametrize("name", TABLES)
def test_no_source_is_a_bare_address(name):
    """Strip the web addresses: words naming the document must remain."""
    for source in _sources(name):
        if not ADDRESS.search(source):
            continue  # a definition or this tool's stated choice, no web address
        rest = ADDRESS.sub("", source)
        assert len(re.findall(r"[A-Za-z]{2,}|[\u4e00-\u9fff]", rest)) >= 3, source


@pytest.mark.parametrize(("name", "standard"), sorted(STANDARD_TABLES.items()))
def test_standard_numbers_cite_the_standard_first(name, standard):
    """GB/T 2589-2020's 0.1229 is the standard's: the source starts with it, not a reprint."""
    for source in _sources(name):
        assert source.startswith(standard), source


def test_the_catalog_citations_name_no_path():
    citations = list_tables()["citation"].astype(str)
    assert not citations.str.contains(PATH).any()


def test_the_tce_factor_cites_gb_t_2589_appendix_a_with_its_digits():
    table = load_table("energy_conversion_coefficients")
    electricity = table[(table["carrier"] == "electricity") & (table["basis"] == "equivalent")]
    assert electricity["coefficient"].iloc[0] == 0.1229
    assert electricity["source"].iloc[0].startswith("GB/T 2589-2020 综合能耗计算通则 (2020) 附录A")
    assert "0.1229" in electricity["source"].iloc[0]


def test_the_address_pattern_finds_bare_hosts():
    """The check above can fail: a host alone leaves no words once addresses are removed."""
    rest = ADDRESS.sub("", "http://www.kdwc.cn/gnews/193557.shtml")
    assert len(re.findall(r"[A-Za-z]{2,}|[\u4e00-\u9fff]", rest)) < 3
    assert PATH.search("../shared/policy/sources/shanghai_2024_355_special_action.txt")
    assert DEVELOPMENT.search("retrofit issue 4 specification ('default 0 for fans')")
