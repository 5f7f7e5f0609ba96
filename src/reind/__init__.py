"""reind: Hong Kong's re-industrialisation programme run end to end.

The package map and its dependency rules live in ``docs/architecture.md``.
"""

__version__ = "0.1.0"
