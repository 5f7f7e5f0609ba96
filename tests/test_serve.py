"""``reind serve``: the same code on PostgreSQL and an external broker, stopped by SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.fixtures.servers import MosquittoBroker, PostgresServer, free_port, wait_for_port

pytestmark = pytest.mark.integration


def test_serve_runs_on_postgresql_with_an_external_broker(
    tmp_path: Path, postgres_server: PostgresServer, mosquitto: MosquittoBroker
) -> None:
    url = postgres_server.create_database("serve_test")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("REIND_")}
    env |= {
        "REIND_DATA_DIR": str(tmp_path),
        "REIND_DATABASE_URL": url,
        "REIND_TELEMETRY_URL": url,
        "REIND_MQTT_URL": mosquitto.url,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "reind", "serve", "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        wait_for_port(port, timeout=90)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            assert client.get("/schemes").status_code == 200
            assert client.get("/api/v1/openapi.json").status_code == 200
            plant = client.get("/plant")  # the dashboard is there, behind sign-in
            assert plant.status_code == 303 and "/sign-in" in plant.headers["location"]
        time.sleep(0.5)
    finally:
        process.send_signal(signal.SIGTERM)
        out, _ = process.communicate(timeout=60)
    assert process.returncode == 0, out
