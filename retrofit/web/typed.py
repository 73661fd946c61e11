"""The page's editable table: a small inventory typed row by row instead of uploaded.

The columns are the template's (:func:`retrofit.inventory.template.template_headers`, in the
page's language), so a typed row reads as a row of the template would: it opens with the
columns the template's example motor row fills (plant, asset, category, measure, power,
classes, load, hours, investment, price, the plant's previous-year energy), and any other
column of the template can be added. A column with a vocabulary offers its values (the
template's drop-down lists) as suggestions. The rows are checked as they are typed by
``POST /api/validate`` (:func:`retrofit.validate_records`: the issues of a file, numbered by
table row) and estimated through the upload form, as a CSV file (``static/typed-table.js``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from .. import columns
from ..inventory import schema
from ..inventory.template import dropdown_values, example_rows, template_headers

#: Rows the table shows at first, and the most it takes (a larger inventory is uploaded)
FIRST_ROWS = 5
MAX_TYPED_ROWS = 30


@dataclass(frozen=True)
class TypedColumn:
    """One column of the table.

    Attributes
    ----------
    header : str
        The template's header in the page's language (the key of a typed row).
    name : str
        The canonical column name.
    label : str
        The glossary's description, shown as the header's tooltip.
    choices : tuple of str
        The values offered (the template's drop-down list; empty for a number or a name).
    """

    header: str
    name: str
    label: str
    choices: tuple[str, ...] = ()

    @property
    def list_id(self) -> str:
        """The id of the ``<datalist>`` of its choices."""
        return f"choices-{self.name}"


@dataclass(frozen=True)
class TypedTable:
    """The table's columns: those shown at first and those a user may add."""

    shown: tuple[TypedColumn, ...]
    addable: tuple[TypedColumn, ...]
    first_rows: int = FIRST_ROWS
    max_rows: int = MAX_TYPED_ROWS


@functools.cache
def typed_table(lang: str) -> TypedTable:
    """The table's columns in ``lang`` (``"zh"`` or ``"en"``)."""
    headers = template_headers(lang)
    names = template_headers("en")  # the English template's headers are the column names
    by_name = {c.name: c for c in schema.COLUMNS}
    motor = example_rows(lang)[0]  # the example's first row: a motor replaced
    built = [
        TypedColumn(
            header,
            name,
            columns.description(name, lang) if columns.known(name) else header,
            tuple(dropdown_values(by_name[name], lang)) if name in by_name else (),
        )
        for header, name in zip(headers, names, strict=True)
    ]
    shown = tuple(c for c, cell in zip(built, motor, strict=True) if cell)
    addable = tuple(c for c, cell in zip(built, motor, strict=True) if not cell)
    return TypedTable(shown, addable)
