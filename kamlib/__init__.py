"""kamlib: the helper library of kam-workbook (key-account marketing analytics)."""

__version__ = "0.1.0"
__all__ = ["__version__"]
