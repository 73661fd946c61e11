"""Measures: glue from inventory rows to the physical models, one module per system.

Importing the package registers the measures (:mod:`retrofit.measures.base`): first the
modules of :data:`BUILTIN` in that order, then any other public module of this package in
alphabetical order, so that a new measure is one new file here. Registration order is the
order of the output columns and of the model texts.
"""

from importlib import import_module
from pkgutil import iter_modules

#: The first system modules, in registration order (each registers itself when imported; an
#: import statement list would be re-sorted alphabetically by the formatter).
BUILTIN = ("upgrade_motor", "fan_pump", "compressed_air", "transformer", "datacenter", "charger")

_OTHERS = sorted(
    info.name
    for info in iter_modules(__path__)
    if not info.name.startswith("_") and info.name not in BUILTIN and info.name != "base"
)
for _module in (*BUILTIN, *_OTHERS):
    import_module(f"{__name__}.{_module}")
