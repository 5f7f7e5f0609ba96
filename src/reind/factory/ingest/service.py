"""Running a gateway as a long-lived service: open the store, run until a signal."""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType

from reind.factory.ingest.gateway import Gateway, GatewayConfig

logger = logging.getLogger(__name__)


def run_gateway(config: GatewayConfig, stop: threading.Event | None = None) -> None:
    """Run a gateway until SIGTERM/SIGINT (or ``stop`` is set), then shut down cleanly.

    The store named by ``config.store_url`` is opened in the gateway's writer
    process. A clean shutdown commits and acknowledges what is pending. A crash
    costs only redelivery for QoS 1 messages with ``persistent_session`` and a
    fixed client id; with the default clean session, what QoS 0 edge nodes had
    sent and the gateway had not yet committed (at most about one batch) is
    lost, and edge nodes that follow the host's Will-published offline STATE
    buffer what comes after (docs/decisions/0022, amendment of issue 14).
    """
    stop = stop or threading.Event()

    def _on_signal(signum: int, _frame: FrameType | None) -> None:
        logger.info("signal %d: stopping the gateway", signum)
        stop.set()

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _on_signal)
        signal.signal(signal.SIGINT, _on_signal)
    gateway = Gateway(config)  # the store lives in a writer process of its own (0027)
    try:
        gateway.start()
        logger.info("gateway %s ingesting %s", config.client_id, config.subscription)
        stop.wait()
    finally:
        gateway.stop()
