"""Writers of results: :mod:`.atomic` (a file appears whole or not at all), :mod:`.csv`
(through pyarrow), :mod:`.json` and :mod:`.workbook` (one .xlsx writer, plain or audit style);
:mod:`.cells` makes their text safe for spreadsheets (no formula injection, no NUL byte).

The modules are imported one by one (``from retrofit.io.csv import write_csv``), so that writing
JSON never imports pyarrow or openpyxl. They import nothing of the result they write.
"""
