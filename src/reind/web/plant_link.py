"""The dashboard's live connection to the plant, as a Sparkplug host.

It listens to every edge node through ``HostApplication`` (so seq, bdSeq
and rebirths are handled as for any host), keeps the latest value and a
short history per series for the live pages, and sends operator writes as
Sparkplug DCMD messages: the same path a SCADA client would use, so the
machines never trust the web server more than any other host. Alarms come
from the gateway's alarm engine when it runs in the same process.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from reind.core.errors import ConflictError, InvalidInputError, NotFoundError, Words
from reind.factory.monitoring.engine import AlarmEngine
from reind.factory.sparkplug import (
    DataType,
    HostApplication,
    HostResult,
    MessageType,
    Metric,
    Payload,
    SparkplugError,
    Topic,
    encode_payload,
)
from reind.web.plant_lines import GROUP, LineSpec

logger = logging.getLogger(__name__)

INTEGER_TYPES = frozenset(
    {
        DataType.Int8,
        DataType.Int16,
        DataType.Int32,
        DataType.Int64,
        DataType.UInt8,
        DataType.UInt16,
        DataType.UInt32,
        DataType.UInt64,
    }
)

HISTORY = 1800
"""Points kept per series for live trends (older ones come from the store)."""


@dataclass(frozen=True, slots=True)
class Sample:
    """One value of one series."""

    timestamp_ms: int
    value: object


class PlantLink:
    """Live values, short histories, operator writes, and the alarm engine."""

    def __init__(
        self,
        broker_host: str,
        broker_port: int,
        lines: list[LineSpec],
        alarms: AlarmEngine | None = None,
        clock_ms: Callable[[], int] | None = None,
        evaluate_alarms: bool = False,
    ) -> None:
        """``evaluate_alarms``: feed points to ``alarms`` here, when no gateway does."""
        self.lines = {line.line_id: line for line in lines}
        self.alarms = alarms
        self._evaluate = evaluate_alarms and alarms is not None
        self._clock_ms = clock_ms or (lambda: int(time.time() * 1000))
        self._lock = threading.Lock()
        self._latest: dict[str, Sample] = {}
        self._received = 0
        self._history: dict[str, deque[Sample]] = {}
        self._host = HostApplication(
            f"reind-web-{uuid.uuid4().hex[:8]}",
            broker_host,
            broker_port,
            on_result=self._on_result,
        )
        self._commands = mqtt.Client(
            CallbackAPIVersion.VERSION2, client_id=f"reind-web-cmd-{uuid.uuid4().hex[:8]}"
        )
        self._broker = (broker_host, broker_port)

    def start(self) -> None:
        """Connect both clients."""
        self._host.start()
        self._commands.connect_async(*self._broker)
        self._commands.loop_start()

    def stop(self) -> None:
        """Disconnect both clients."""
        self._host.stop()
        self._commands.disconnect()
        self._commands.loop_stop()

    def line(self, line_id: str) -> LineSpec:
        """A line by id, or NotFoundError."""
        try:
            return self.lines[line_id]
        except KeyError:
            raise NotFoundError("no production line “{line_id}”", line_id=line_id) from None

    # ---------------------------------------------------------------- values
    def _on_result(self, _topic: Topic, result: HostResult) -> None:
        if not result.points:
            return
        with self._lock:
            self._received += 1
            for point in result.points:
                sample = Sample(point.timestamp_ms, point.value)
                current = self._latest.get(point.series)
                if current is None or current.timestamp_ms <= sample.timestamp_ms:
                    self._latest[point.series] = sample
                history = self._history.get(point.series)
                if history is None:
                    history = self._history[point.series] = deque(maxlen=HISTORY)
                history.append(sample)
        if self._evaluate and self.alarms is not None:
            for point in result.points:
                value = point.value
                if isinstance(value, int | float) and not isinstance(value, bool):
                    self.alarms.evaluate(point.series, point.timestamp_ms, float(value))

    def received(self) -> int:
        """How many messages with values the link has taken in: a live page sends when it
        changes, rather than on a fixed tick."""
        return self._received

    def values(self, line: LineSpec) -> dict[str, object]:
        """Every tag of ``line`` with its latest value, by tag name."""
        prefix = line.series_prefix
        with self._lock:
            return {
                series[len(prefix) :]: sample.value
                for series, sample in self._latest.items()
                if series.startswith(prefix)
            }

    def history(self, line: LineSpec, tag: str, since_ms: int = 0) -> list[Sample]:
        """Recent samples of one tag, oldest first."""
        with self._lock:
            samples = self._history.get(line.series_prefix + tag, ())
            return [s for s in samples if s.timestamp_ms > since_ms]

    # ---------------------------------------------------------------- writes
    def datatype(self, line: LineSpec, tag: str) -> DataType | None:
        """The datatype ``tag`` was declared with in the line's last DBIRTH (None: not yet)."""
        try:
            node = self._host.state.node(GROUP, line.node)
        except SparkplugError:
            return None
        device = node.devices.get(line.device)
        return None if device is None else device.datatypes.get(tag)

    def write(self, line: LineSpec, tag: str, value: float | int) -> None:
        """Send a DCMD writing ``tag`` on ``line``; recipe limits are checked first.

        The value goes out in the datatype the machine declared for the tag in
        its BIRTH: an edge node refuses a write whose datatype differs.
        """
        spec = line.spec(tag)
        if spec is not None:
            if not spec.low <= float(value) <= spec.high:
                raise InvalidInputError(
                    "{tag} must be between {low:g} and {high:g} {unit}, not {value:.6g}",
                    tag=tag,
                    value=float(value),
                    field=tag,
                    low=spec.low,
                    high=spec.high,
                    unit=spec.unit,
                )
        elif not tag.endswith(("PackML/Command", "PackML/Unit Mode Command")):
            raise InvalidInputError(
                "{tag} cannot be written from the dashboard", tag=tag, field=tag
            )
        datatype = self.datatype(line, tag)
        if datatype is None:
            raise ConflictError(
                "{line} has not announced {tag} yet (no birth certificate); try again in a few "
                "seconds",
                line=Words(line.line_id, line.title_en, line.title_zh),
                tag=tag,
                field=tag,
            )
        sent: float | int = int(value) if datatype in INTEGER_TYPES else float(value)
        topic = Topic(GROUP, MessageType.DCMD, line.node, line.device)
        payload = Payload(
            timestamp=self._clock_ms(),
            seq=None,
            metrics=(Metric(name=tag, alias=None, datatype=datatype, value=sent),),
        )
        info = self._commands.publish(topic.text, encode_payload(payload), qos=0)
        if info.rc != mqtt.MQTT_ERR_SUCCESS:
            raise InvalidInputError("the broker did not take the command (rc {rc})", rc=info.rc)
        logger.info("DCMD %s %s=%r (%s)", topic.text, tag, sent, datatype.name)

    def now_ms(self) -> int:
        """The link's clock, in ms since the epoch."""
        return self._clock_ms()
