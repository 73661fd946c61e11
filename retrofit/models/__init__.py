"""Physical models, one module per domain. Pure vectorised functions; no file access."""

from . import (
    chargers,
    compressed_air,
    datacenter,
    drives,
    flow_control,
    motors,
    pumps,
    tariff,
    transformers,
)

__all__ = [
    "chargers",
    "compressed_air",
    "datacenter",
    "drives",
    "flow_control",
    "motors",
    "pumps",
    "tariff",
    "transformers",
]
