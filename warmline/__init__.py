"""Warmline core: vault, crypto, records. Pure Python, never imports Qt."""

__version__ = "0.1.0"
