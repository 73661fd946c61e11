"""retrofit: energy, coal-equivalent, CO2 and money saved by retrofitting industrial equipment."""

__version__ = "0.1.0"
