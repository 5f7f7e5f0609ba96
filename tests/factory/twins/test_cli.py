"""``reind twin ...``: list faults, run a twin flat out, inject a fault over Sparkplug."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reind.cli import app
from reind.core.errors import InvalidInputError
from reind.factory.sparkplug.edge import EdgeNode
from reind.factory.twins.sparkplug_link import SparkplugLink
from tests.factory.twins.conftest import producing_waffle_machine
from tests.fixtures.servers import MosquittoBroker

runner = CliRunner()


def test_twin_fault_lists_the_faults_in_english_and_chinese() -> None:
    result = runner.invoke(app, ["twin", "fault", "brewery"])
    assert result.exit_code == 0, result.output
    assert "glycol_chiller_failure" in result.output
    assert "標籤用完" in result.output


def test_twin_run_flat_out_for_simulated_hours_reports_production() -> None:
    result = runner.invoke(app, ["twin", "run", "waffle", "--speed", "0", "--hours", "2"])
    assert result.exit_code == 0, result.output
    assert "PackML/State Name=Execute" in result.output
    assert "7200 simulated s" in result.output


def test_an_unknown_twin_is_refused() -> None:
    result = runner.invoke(app, ["twin", "run", "toaster"])
    assert result.exit_code != 0


def test_opcua_without_a_password_is_refused_unless_insecure_is_asked_for(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 14 (ADR 0141): SecurityPolicy None is offered only when asked for."""
    monkeypatch.delenv("REIND_OPCUA_PASSWORD", raising=False)
    result = runner.invoke(app, ["twin", "run", "waffle", "--opcua", "4840", "--hours", "0"])
    assert isinstance(result.exception, InvalidInputError)  # ``main`` prints it, exits 2
    assert "REIND_OPCUA_PASSWORD" in str(result.exception)
    assert "--opcua-insecure" in (result.exception.message_zh or "")


@pytest.mark.integration
def test_twin_fault_reaches_a_running_twin_over_sparkplug(
    mosquitto: MosquittoBroker, tmp_path: Path
) -> None:
    twin = producing_waffle_machine()
    edge = EdgeNode("reind", "waffle-1", broker_port=mosquitto.port, state_dir=tmp_path)
    SparkplugLink(twin, edge, threading.Lock())
    edge.start()
    try:
        deadline = time.monotonic() + 20
        while not edge.online.is_set() and time.monotonic() < deadline:
            time.sleep(0.02)
        result = runner.invoke(
            app, ["twin", "fault", "waffle", "jammed_flipper", "--broker", mosquitto.url]
        )
        assert result.exit_code == 0, result.output
        while "jammed_flipper" not in twin.active_faults and time.monotonic() < deadline:
            time.sleep(0.02)
        assert twin.flipper_jammed
    finally:
        edge.stop()
