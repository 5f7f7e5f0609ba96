"""The beer line twin: brewhouse, cellar, bottling line, beer batches, recipes and tags.

May import: ``reind.core``, ``reind.factory.control`` and the shared ``twins`` modules.
"""

from reind.factory.twins.brewery.line import BeerLine

__all__ = ["BeerLine"]
