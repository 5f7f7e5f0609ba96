"""``python -m reind.factory.ingest`` runs one gateway per Sparkplug group when asked (issue 18)."""

from __future__ import annotations

import pytest

from reind.factory.ingest import __main__ as command
from reind.factory.ingest.gateway_config import GatewayConfig


def test_a_gateway_can_be_given_one_group_and_a_host_id_of_its_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ran: list[GatewayConfig] = []
    monkeypatch.setattr(command, "run_gateway", ran.append)
    command.main(
        ["--share-group", "", "--topic-filter", "spBv1.0/site-a/#", "--host-id", "gw-site-a"]
    )
    (config,) = ran
    assert config.subscription == "spBv1.0/site-a/#"
    assert config.host_id == "gw-site-a" and config.share_group is None
