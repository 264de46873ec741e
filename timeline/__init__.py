"""Event timelines for newsrooms: articles in, an ordered timeline of summits, tariff moves and parades out."""

__version__ = "0.1.0"
