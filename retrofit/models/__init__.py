"""Physical models, one module per domain. Pure vectorised functions; no file access."""

from . import compressed_air, flow_control, motors, pumps, transformers

__all__ = ["compressed_air", "flow_control", "motors", "pumps", "transformers"]
