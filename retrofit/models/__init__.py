"""Physical models, one module per domain. Pure vectorised functions; no file access."""

from . import motors

__all__ = ["motors"]
