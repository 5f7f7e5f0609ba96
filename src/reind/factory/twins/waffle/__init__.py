"""The egg-waffle machine twin: machine, plate stations, quality, recipe and tags.

May import: ``reind.core``, ``reind.factory.control`` and the shared ``twins`` modules.
"""

from reind.factory.twins.waffle.machine import WaffleMachine

__all__ = ["WaffleMachine"]
