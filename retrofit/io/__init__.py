"""Writers of results: the workbook (:mod:`.workbook`); atomic writes, CSV and JSON live in
:mod:`retrofit.results` for now (issue 15 moves them here)."""
