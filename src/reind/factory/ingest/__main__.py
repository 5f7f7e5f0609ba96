"""``python -m reind.factory.ingest --broker mqtt://... --store duckdb:path``."""

from __future__ import annotations

import argparse
import logging

from reind.factory.ingest.gateway import GatewayConfig
from reind.factory.ingest.service import run_gateway


def main(argv: list[str] | None = None) -> None:
    """Parse arguments, configure logging and run the gateway until a signal."""
    parser = argparse.ArgumentParser(description="reind Sparkplug B ingest gateway")
    parser.add_argument("--broker", default="mqtt://127.0.0.1:1883")
    parser.add_argument("--store", default="duckdb:telemetry.duckdb")
    parser.add_argument("--client-id", default="reind-gateway-1")
    parser.add_argument("--share-group", default="reind", help="'' for a plain subscription")
    parser.add_argument(
        "--topic-filter",
        default="spBv1.0/#",
        help="what to subscribe to, e.g. spBv1.0/<group>/# for one gateway per Sparkplug group",
    )
    parser.add_argument(
        "--host-id", default=None, help="Sparkplug host id (the client id if unset)"
    )
    parser.add_argument("--protocol", type=int, choices=(3, 5), default=5)
    parser.add_argument("--batch-points", type=int, default=20_000)
    parser.add_argument("--batch-seconds", type=float, default=0.25)
    parser.add_argument("--metrics-port", type=int, default=None)
    parser.add_argument(
        "--persistent-session",
        action="store_true",
        help="keep the MQTT session across restarts under a fixed --client-id "
        "(QoS 1 queued meanwhile; not Sparkplug 3.0 conformant)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    run_gateway(
        GatewayConfig(
            broker_url=args.broker,
            store_url=args.store,
            client_id=args.client_id,
            share_group=args.share_group or None,
            topic_filter=args.topic_filter,
            host_id=args.host_id,
            protocol=args.protocol,
            batch_points=args.batch_points,
            batch_seconds=args.batch_seconds,
            metrics_port=args.metrics_port,
            persistent_session=args.persistent_session,
        )
    )


if __name__ == "__main__":
    main()
