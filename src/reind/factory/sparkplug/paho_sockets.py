"""Close a paho client's sockets when it is done with them, not at garbage collection.

paho 2 keeps a wake-up socket pair per network loop and closes it only in
``Client.__del__`` (or when a new ``loop()`` replaces it; ``loop_start`` replaces
it without closing). A client in a reference cycle (its callbacks are bound
methods of the object holding it) is finalised by the cycle collector, which may
finalise the sockets first: Python then warns of unclosed sockets, and the
descriptors stay open until then. paho has no public call for this.
"""

from __future__ import annotations

import paho.mqtt.client as mqtt


def release(client: mqtt.Client, *, wake_up_only: bool = False) -> None:
    """Close the client's network socket and wake-up pair (only the pair if asked)."""
    reset = getattr(client, "_reset_sockets", None)
    if callable(reset):
        reset(sockpair_only=wake_up_only)
