"""reind: Hong Kong's re-industrialisation programme run end to end.

Lives here: the layers (``core``, ``rules``, ``schemes``, ``programme``, ``factory``,
``reporting``) and the entry points (``bootstrap``, ``web``, ``cli``, ``serve``, ``demo``);
what may import what is in ``docs/architecture.md`` and the import-linter contracts.
"""

__version__ = "0.1.0"
