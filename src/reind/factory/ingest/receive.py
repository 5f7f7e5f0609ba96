"""The gateway's receive path: what each message yields, and whose edge node it is.

Runs on paho's network thread (and the reorder timer): resolve a message
with the Sparkplug host into points, evaluate alarms and SPC on them at once
(alarm latency never waits for a database), ask for Rebirths, and queue the
points, dead letters and BIRTHs with the message's ack (:mod:`.batches`).
With a share group, first apply the roster and overhear the edge nodes
another member resolves (:mod:`.sharing`, 0182).

Kept apart from :mod:`.gateway`, which owns the MQTT session, the writer
thread and the lifecycle; this side never touches a socket but through the
``publish`` it is given.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from reind.factory.ingest.batches import Ack, BatchQueue
from reind.factory.ingest.host import IngestHost, Outcome
from reind.factory.ingest.metrics import GatewayMetrics
from reind.factory.ingest.points import BirthRecord, Block, DeadLetter
from reind.factory.ingest.sharing import ROSTER_ROOT, Heard, Share
from reind.factory.monitoring.engine import AlarmEngine, wall_clock_ms
from reind.factory.monitoring.events import AlarmEvent
from reind.factory.sparkplug import MessageType, Topic
from reind.factory.sparkplug.host import StateCertificates
from reind.factory.sparkplug.host_state import state_is_online

logger = logging.getLogger(__name__)

Publish = Callable[[str, bytes, int, bool], object]
"""(topic, payload, qos, retain): the MQTT client's publish."""

_STATE_PREFIX = Topic.state("x").text[:-1]
_ROSTER_PREFIX = ROSTER_ROOT + "/"
_BIRTHS = (MessageType.NBIRTH, MessageType.DBIRTH)


def _dead_letters(outcome: Outcome, at_ms: int) -> list[DeadLetter]:
    """Dead letters of the held messages an outcome released, with their own topic and bytes."""
    return [DeadLetter(at_ms, r.topic, r.reason, r.payload) for r in outcome.rejected]


class ReceivePath:
    """Resolves messages for one gateway; one thread at a time per host (``host_lock``)."""

    def __init__(
        self,
        *,
        host: IngestHost,
        share: Share | None,
        batches: BatchQueue,
        engine: AlarmEngine,
        metrics: GatewayMetrics,
        state_topic: str,
        stamps: StateCertificates,
        publish: Publish,
        leaving: threading.Event,
        connected: threading.Event,
    ) -> None:
        """``leaving``: never answer our own offline STATE with online; ``connected``: set
        once the roster settled (with a share group)."""
        self.host = host
        self.share = share
        self.batches = batches
        self.engine = engine
        self.metrics = metrics
        self.state_topic = state_topic
        self._stamps = stamps
        self._publish = publish
        self._leaving = leaving
        self._connected = connected
        self._host_lock = threading.Lock()
        self._watched: dict[int, tuple[list[str], list[int]]] = {}
        """Per layout's series list (by identity, kept alive here): indices with rules."""

    def on_message(self, topic: str, payload: bytes, received: int, ack: Ack | None) -> None:
        """One message from the broker."""
        if self.share is not None and self.not_ours(topic, payload, received, ack):
            return
        self.resolve(topic, payload, received, ack)

    def resolve(self, topic: str, payload: bytes, received: int, ack: Ack | None) -> None:
        """Resolve one message into points, alarms, dead letters and BIRTHs; queue them."""
        try:
            with self._host_lock:
                outcome = self.host.handle(topic, payload, received)
                holding = self.host.holding(topic)
        except Exception:  # a bug must not stop ingest: keep the bytes for later
            logger.exception("resolving a message on %s failed", topic)
            outcome, holding = Outcome(dead_letters=["internal error while resolving"]), False
        self._act(outcome)
        dead: DeadLetter | None = None
        if outcome.dead_letters:
            reason = "; ".join(outcome.dead_letters)
            dead = DeadLetter(received, topic, reason, payload)
            self.metrics.dead_letters.inc()
        elif outcome.unstored:  # its other values are stored; the message is kept whole
            reason = "values not stored as points (types without a column yet): " + ", ".join(
                outcome.unstored[:20]
            )
            dead = DeadLetter(received, topic, reason, payload)
            self.metrics.dead_letters.inc()
        elif outcome.birth:
            self.batches.add(births=[BirthRecord(topic, received, payload)])
        if outcome.rejected:
            self.metrics.dead_letters.inc(len(outcome.rejected))
            self.batches.add(dead_letters=_dead_letters(outcome, received))
        # a message held for reordering is acknowledged only with the points it yields
        self.batches.enqueue(outcome.points, dead, ack, holding, topic)

    # ---------------------------------------------------------- sharing side
    def not_ours(self, topic: str, payload: bytes, received: int, ack: Ack | None) -> bool:
        """Apply the roster; overhear another member's edge node. True: nothing to resolve."""
        share = self.share
        assert share is not None
        if topic.startswith(_ROSTER_PREFIX):
            if topic.startswith(_ROSTER_PREFIX + share.roster.group + "/"):
                share.roster.heard_announcement(topic.rsplit("/", 1)[1], bool(payload))
                self._reassign()
            if ack is not None:
                self.batches.add(acks=[ack])
            return True
        with self._host_lock:
            edge = self.host.edge_topic(topic)
        if edge is None:
            if topic.startswith(_STATE_PREFIX):  # then the host handles its own STATE too
                share.roster.heard_state(topic[len(_STATE_PREFIX) :], state_is_online(payload))
                self._reassign()
            return False
        node = edge.node_key
        if share.owns(node):
            return False
        heard = Heard(topic, payload, received)
        if edge.message_type in _BIRTHS:
            with self._host_lock:
                self.host.overhear(edge, payload, received)
            share.overheard.birth(node, heard, node_birth=edge.message_type is MessageType.NBIRTH)
        else:
            share.overheard.other(node, heard)
        if ack is not None:
            self.batches.add(acks=[ack])
        return True

    def _reassign(self) -> None:
        """Apply a roster change: take over the nodes that became ours, replaying if due."""
        share = self.share
        assert share is not None
        with self._host_lock:
            known = list(self.host.state.nodes)
        takeovers = share.reassign(known)
        for takeover in takeovers:
            with self._host_lock:
                self.host.follow(takeover.node)
            for heard in takeover.replay:  # in arrival order, each taken as next in sequence
                with self._host_lock:
                    self.host.follow(takeover.node)
                self.resolve(heard.topic, heard.payload, heard.received_ms, None)
        if takeovers:
            replayed = sum(len(t.replay) for t in takeovers)
            logger.info("took over %d edge nodes (%d messages replayed); members %s",
                        len(takeovers), replayed, sorted(share.members))  # fmt: skip
        if share.roster.settled and not self._leaving.is_set():
            self._connected.set()

    def _act(self, outcome: Outcome) -> None:
        """Evaluate alarms on the points, publish Rebirths and STATE as the host asks."""
        points = outcome.points
        if points.series or points.blocks:
            try:
                events = self.engine.evaluate_columns(
                    points.series, points.timestamps, points.values
                )
                for block in points.blocks:
                    events.extend(self._evaluate_block(block))
                if events:
                    self.metrics.alarm_events.inc(len(events))
            except Exception:
                logger.exception("alarm evaluation failed")
        now = wall_clock_ms()
        for request in outcome.rebirths:
            node = f"{request.group_id}/{request.edge_node_id}"
            logger.info("asking %s to rebirth: %s", node, request.reason)
            self._publish(request.topic.text, request.payload(now), 0, False)
        if outcome.republish_state and not self._leaving.is_set():
            self._publish(self.state_topic, self._stamps.birth(), 1, True)

    def _evaluate_block(self, block: Block) -> list[AlarmEvent]:
        """Alarms on one payload read by its layout: only its series that have rules.

        Which of a layout's series have rules is asked once, after the engine has seen
        them all (the first block evaluates every point), so a block without rules
        costs one dict look-up rather than one a point.
        """
        names = block.names
        watched = self._watched.get(id(names))
        if watched is None or watched[0] is not names:
            stamps, values = block.stamps().tolist(), block.values.tolist()
            events = self.engine.evaluate_columns(names, stamps, values)
            if len(self._watched) >= 10_000:
                self._watched.clear()
            self._watched[id(names)] = (names, self.engine.watched(names))
            return events
        events = []
        if watched[1]:
            stamps, values = block.stamps(), block.values
            evaluate = self.engine.evaluate
            for k in watched[1]:
                events.extend(evaluate(names[k], int(stamps[k]), float(values[k])))
        return events

    def tick(self) -> None:
        """Expire reorder timers; release the acks of messages no longer held."""
        waiting = self.batches.deferred_topics()
        with self._host_lock:
            outcome = self.host.tick(wall_clock_ms())
            released = [t for t in waiting if not self.host.holding(t)]
        self._act(outcome)
        if outcome.unstored:  # released from the reorder buffer: its bytes are gone
            logger.warning("values not stored as points: %s", ", ".join(outcome.unstored))
        if outcome.points or outcome.rejected:
            self.metrics.dead_letters.inc(len(outcome.rejected))
            self.batches.add(points=outcome.points,
                             dead_letters=_dead_letters(outcome, wall_clock_ms()))  # fmt: skip
        self.batches.release(released)
