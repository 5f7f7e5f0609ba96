"""An in-process publish/subscribe stream of alarm events.

The gateway publishes from its MQTT thread; a dashboard consumes with
``async for event in stream.subscribe(): ...`` on its asyncio loop. Each
subscription has a bounded queue: a slow consumer loses the oldest events
(and can see how many) rather than stalling ingest. Plain callbacks can be
added for code without a loop (benchmarks, the store writer).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncIterator, Callable

from reind.factory.monitoring.events import AlarmEvent

logger = logging.getLogger(__name__)


class Subscription:
    """An async iterator over the events published after it was made."""

    def __init__(self, stream: AlarmStream, loop: asyncio.AbstractEventLoop, size: int) -> None:
        self._stream = stream
        self._loop = loop
        self._queue: asyncio.Queue[AlarmEvent | None] = asyncio.Queue(maxsize=size)
        self.dropped = 0

    def offer(self, event: AlarmEvent | None) -> None:
        """Queue an event, dropping the oldest when full (runs on the loop)."""
        if self._queue.full():
            self._queue.get_nowait()
            self.dropped += 1
        self._queue.put_nowait(event)

    def deliver(self, event: AlarmEvent | None) -> None:
        """Hand an event over from any thread."""
        try:
            self._loop.call_soon_threadsafe(self.offer, event)
        except RuntimeError:
            logger.info("dropping an alarm subscription whose event loop has closed")
            self._stream.unsubscribe(self)

    def __aiter__(self) -> AsyncIterator[AlarmEvent]:
        return self

    async def __anext__(self) -> AlarmEvent:
        event = await self._queue.get()
        if event is None:
            raise StopAsyncIteration
        return event

    def close(self) -> None:
        """Stop receiving; a waiting ``async for`` ends."""
        self._stream.unsubscribe(self)
        self.deliver(None)


class AlarmStream:
    """Fan-out of alarm events to async subscribers and plain callbacks."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscriptions: list[Subscription] = []
        self._listeners: list[Callable[[AlarmEvent], None]] = []

    def subscribe(self, size: int = 10_000) -> Subscription:
        """A new subscription on the running event loop (call from async code)."""
        subscription = Subscription(self, asyncio.get_running_loop(), size)
        with self._lock:
            self._subscriptions.append(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        """Forget a subscription (idempotent)."""
        with self._lock:
            if subscription in self._subscriptions:
                self._subscriptions.remove(subscription)

    def add_listener(self, listener: Callable[[AlarmEvent], None]) -> None:
        """Call ``listener(event)`` synchronously in the publishing thread."""
        with self._lock:
            self._listeners.append(listener)

    def publish(self, event: AlarmEvent) -> None:
        """Send ``event`` to every subscriber and listener (any thread)."""
        with self._lock:
            subscriptions = list(self._subscriptions)
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(event)
            except Exception:
                logger.exception("alarm listener failed on %s", event.alarm)
        for subscription in subscriptions:
            subscription.deliver(event)
