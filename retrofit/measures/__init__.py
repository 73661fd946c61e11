"""Measures: glue from inventory rows to the physical models, one module per measure."""
