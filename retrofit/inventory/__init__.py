"""Input: reading inventory and plants files (CSV, XLSX, Parquet; GBK, title rows, merged
headers), the schema of columns and aliases, defaults for blank cells, chunked streaming and
the blank template.

The parts: :mod:`.files` (a file → cells as written), :mod:`.sniff` (encoding, delimiter and
header row), :mod:`.cells` (cell → value), :mod:`.checks` (the named checks),
:mod:`.issues` (collecting what they find), :mod:`.reading` (``read_inventory``,
``validate_frame``: the checks in order), :mod:`.plants` (the plants file),
:mod:`.streaming` (large files in chunks), :mod:`.schema`, :mod:`.defaults` and
:mod:`.template`.

>>> from retrofit.inventory import read_inventory  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

#: Public name → the module that defines it (imported on first use: ``import
#: retrofit.inventory.schema`` must not load pandas' readers or pyarrow).
_LAZY = {
    "Inventory": "reading",
    "InventoryMeta": "reading",
    "read_inventory": "reading",
    "validate_frame": "reading",
    "read_plants": "plants",
    "previous_year_energy": "plants",
    "iter_inventory": "streaming",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'retrofit.inventory' has no attribute {name!r}")


__all__ = list(_LAZY)
