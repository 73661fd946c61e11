"""Measures: glue from inventory rows to the physical models, one module per system.

Importing the package registers the built-in measures (:mod:`retrofit.measures.base`) in the
order of :data:`BUILTIN`, which is the order of their output columns and model texts.
"""

from importlib import import_module

#: Built-in system modules, in registration order (each registers itself when imported; an
#: import statement list would be re-sorted alphabetically by the formatter).
BUILTIN = ("upgrade_motor", "fan_pump", "compressed_air", "transformer", "datacenter", "charger")

for _module in BUILTIN:
    import_module(f"{__name__}.{_module}")
