"""Numeric side of suspicious-alignment: cases, high-precision evaluation, engines, checkers."""

__all__ = ["__version__"]
__version__ = "0.1.0"
