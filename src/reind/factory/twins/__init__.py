"""Digital twins of the seed's two machines: the egg-waffle machine and the beer line.

Each twin runs on a clock it is given (simulated, as fast as the CPU allows,
or paced to the wall), draws every random number from ``random.Random(seed)``
and exposes its sensors, PackML units, counters, alarms and recipe parameters
as tags that the Sparkplug edge node and the OPC UA server publish.

May import: ``reind.core`` and ``reind.factory`` (control, sparkplug).
"""
