"""Several gateways, one fleet of edge nodes: the load split by edge node, not by message.

An MQTT shared subscription hands each *message* to one member of the group,
which Sparkplug cannot survive: an edge node's NBIRTH (its aliases and
datatypes) and every ``seq`` must reach the one host that resolves it. So the
gateways of a group (``GatewayConfig.share_group``) each subscribe to every
message and each *resolves* only the edge nodes it owns:

- **Roster.** A gateway announces itself with a retained message on
  ``reind/gateways/<group>/<host id>`` (right after its STATE online, its
  first message) and is alive while its Sparkplug STATE (retained, with the
  broker-published Will) says online. Every member hears
  the same roster, in the broker's one order of messages.
- **Owner.** Rendezvous hashing (highest random weight) of ``group/edge node``
  over the live members: each member computes the same owner, and a member
  leaving moves only its own nodes, spread over the others.
- **Overhearing.** A gateway applies every edge node's BIRTH and DEATH (so it
  knows the aliases of nodes it may take over) and keeps the last
  ``window_ms`` of a non-owned node's other messages as bytes, without
  decoding them.
- **Taking over.** When an owner's STATE goes offline (its Will, at once on a
  crash), the new owner replays what it overheard of that node, BIRTHs first;
  the store is idempotent on (series, timestamp, ordinal), so what the dead
  gateway had committed is not doubled and what it had not is stored. A
  member joining takes its nodes from the roster message on, with no replay:
  the old owner resolved everything before it (the same broker order).

The gateways of one group write to one store (PostgreSQL): the replay relies
on its idempotence. See docs/decisions/0182-gateways-split-by-edge-node.md.
"""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

ROSTER_ROOT = "reind/gateways"
NodeKey = tuple[str, str]
"""(Sparkplug group id, edge node id)."""


def roster_filter(group: str) -> str:
    """The topic filter of a group's roster."""
    return f"{ROSTER_ROOT}/{group}/+"


def roster_topic(group: str, host_id: str) -> str:
    """Where a member announces itself (retained)."""
    return f"{ROSTER_ROOT}/{group}/{host_id}"


def _weight(member: str, node: NodeKey) -> bytes:
    key = f"{member}\x00{node[0]}/{node[1]}".encode()
    return hashlib.blake2b(key, digest_size=8).digest()


def owner_of(node: NodeKey, members: Iterable[str]) -> str | None:
    """The member that resolves ``node``: the highest weight (rendezvous hashing).

    Any member computes it alone from the same roster; removing a member moves
    only the nodes it owned. Ties (never in practice) go to the smaller id.
    """
    best: tuple[bytes, str] | None = None
    for member in members:
        candidate = (_weight(member, node), member)
        if best is None or candidate[0] > best[0] or (candidate[0] == best[0] and member < best[1]):
            best = candidate
    return None if best is None else best[1]


@dataclass
class Roster:
    """The live members of one group as one gateway hears them.

    A member is live from the later of its announcement and its STATE online,
    whichever order they come in (its STATE online goes first, as Sparkplug
    requires of a host's first message; a crashed member's announcement is
    still retained when it comes back). ``settled`` turns true at that same
    point of the broker's order for the gateway's own two messages: every
    retained announcement and STATE came before them, and every other member
    counts it live at that very message too (until it disconnects: :meth:`reset`).
    """

    group: str
    me: str
    announced: set[str] = field(default_factory=set)
    online: set[str] = field(default_factory=set)
    settled: bool = False

    @property
    def members(self) -> frozenset[str]:
        """The live members (empty until settled: a joining gateway owns nothing yet)."""
        if not self.settled:
            return frozenset()
        return frozenset(self.announced & self.online)

    def reset(self) -> None:
        """Forget everything (after a disconnect): the view is rebuilt on reconnect."""
        self.announced.clear()
        self.online.clear()
        self.settled = False

    def heard_announcement(self, host_id: str, present: bool) -> None:
        """A retained roster entry (``present``) or its removal (a clean stop)."""
        if present:
            self.announced.add(host_id)
            self._settle(host_id)
        else:
            self.announced.discard(host_id)

    def heard_state(self, host_id: str, online: bool) -> None:
        """A host's Sparkplug STATE: its liveness (the Will says offline on a crash)."""
        if online:
            self.online.add(host_id)
            self._settle(host_id)
        else:
            self.online.discard(host_id)

    def _settle(self, host_id: str) -> None:
        """Settled once our own announcement and STATE online have both been heard."""
        if host_id == self.me and host_id in self.announced and host_id in self.online:
            self.settled = True


@dataclass(frozen=True, slots=True)
class Heard:
    """One message of an edge node this gateway does not resolve, kept as it came."""

    topic: str
    payload: bytes
    received_ms: int


@dataclass
class _NodeLog:
    births: list[Heard] = field(default_factory=list)
    recent: deque[Heard] = field(default_factory=deque)


class Overheard:
    """The recent messages of non-owned edge nodes, for a takeover to replay.

    Per node: its BIRTHs since its last NBIRTH (its definition, kept whatever
    their age) and its other messages of the last ``window_ms`` (at most
    ``max_messages``). The window must exceed how long an owner holds a
    message before committing it plus how long the broker takes to notice
    its death: what falls out of it before a takeover is lost (0182).
    """

    def __init__(self, window_ms: int, max_messages: int = 20_000) -> None:
        self.window_ms = window_ms
        self.max_messages = max_messages
        self._nodes: dict[NodeKey, _NodeLog] = {}

    def __len__(self) -> int:
        return sum(len(log.births) + len(log.recent) for log in self._nodes.values())

    def nodes(self) -> list[NodeKey]:
        """The nodes with anything kept."""
        return list(self._nodes)

    def birth(self, node: NodeKey, heard: Heard, *, node_birth: bool) -> None:
        """Keep a BIRTH; an NBIRTH starts the node's log afresh."""
        log = self._nodes.get(node)
        if log is None or node_birth:
            log = self._nodes[node] = _NodeLog()
        log.births.append(heard)

    def other(self, node: NodeKey, heard: Heard) -> None:
        """Keep a DATA or DEATH message, dropping what fell out of the window."""
        log = self._nodes.get(node)
        if log is None:
            log = self._nodes[node] = _NodeLog()
        recent = log.recent
        recent.append(heard)
        horizon = heard.received_ms - self.window_ms
        while recent and (recent[0].received_ms < horizon or len(recent) > self.max_messages):
            recent.popleft()

    def take(self, node: NodeKey) -> Iterator[Heard]:
        """Remove and yield a node's log: BIRTHs first, then the rest in arrival order."""
        log = self._nodes.pop(node, None)
        if log is not None:
            yield from log.births
            yield from log.recent

    def forget(self, node: NodeKey) -> None:
        """Drop a node's log (it became ours: we resolve its messages now)."""
        self._nodes.pop(node, None)


@dataclass(frozen=True, slots=True)
class Takeover:
    """An edge node that became ours, with what to replay of it (empty after a join)."""

    node: NodeKey
    replay: list[Heard]


class Share:
    """One gateway's part in its group: who owns what, and what it overhears meanwhile."""

    def __init__(self, group: str, me: str, window_ms: int) -> None:
        self.roster = Roster(group, me)
        self.overheard = Overheard(window_ms)
        self._members: frozenset[str] = frozenset()
        self._owned: dict[NodeKey, bool] = {}

    @property
    def members(self) -> frozenset[str]:
        """The live members as last applied."""
        return self._members

    def owns(self, node: NodeKey) -> bool:
        """Whether this gateway resolves ``node`` (never before the roster settled)."""
        owned = self._owned.get(node)
        if owned is None:
            owned = self._owned[node] = owner_of(node, self._members) == self.roster.me
        return owned

    def reset(self) -> None:
        """After a disconnect: own nothing until the roster settles again."""
        self.roster.reset()
        self._members = frozenset()
        self._owned.clear()

    def reassign(self, known: Iterable[NodeKey]) -> list[Takeover]:
        """Apply the roster's current members; return the nodes that became ours.

        A node whose previous owner is gone is replayed from what was overheard
        (its owner may have died holding it uncommitted), and so is one nobody
        owned while we joined a group of our own; one handed over by a live
        member (a join, or our arrival in a running group) starts from now.
        """
        before, after = self._members, self.roster.members
        if before == after:
            return []
        self._members = after
        self._owned.clear()
        me = self.roster.me
        takeovers = []
        for node in set(known) | set(self.overheard.nodes()):
            if owner_of(node, after) != me:
                continue
            previous = owner_of(node, before)
            if previous == me:
                continue
            orphan = previous is None and after == {me}
            if orphan or (previous is not None and previous not in after):
                takeovers.append(Takeover(node, list(self.overheard.take(node))))
            else:
                self.overheard.forget(node)
                takeovers.append(Takeover(node, []))
        return takeovers
