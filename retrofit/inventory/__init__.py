"""Input: reading inventory and plants files (CSV, XLSX, Parquet; GBK, title rows, merged
headers), the schema of columns and aliases, defaults for blank cells, chunked streaming and
the blank template.

The readers are :func:`retrofit.inventory.reading.read_inventory` and
:func:`~retrofit.inventory.reading.read_plants` (also ``retrofit.read_inventory``)."""
