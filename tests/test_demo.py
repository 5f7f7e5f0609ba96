"""``reind demo`` comes up from a clean directory, serves live data, stops cleanly, resumes."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import httpx
import pytest

from tests.fixtures.servers import free_port

pytestmark = [pytest.mark.integration, pytest.mark.slow]

NEW_APPLICATION = {
    "scheme": "rfs",
    "amount_requested": "1000000",
    "cost_lines": [
        {"category": "machinery_equipment", "description": "Pasteuriser", "amount": "3000000"}
    ],
    "facts": {"new_line_in_hong_kong": True, "smart_manufacturing": True},
}


def start_demo(workdir: Path, web: int, mqtt: int) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REIND_")}
    env["REIND_DATA_DIR"] = str(workdir / "var")
    return subprocess.Popen(
        [sys.executable, "-m", "reind", "demo", "--port", str(web), "--mqtt-port", str(mqtt),
         "--speed", "30"],
        cwd=workdir, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip


def wait_ready(process: subprocess.Popen[str], timeout: float = 400) -> list[str]:
    assert process.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            raise AssertionError("demo exited early:\n" + "".join(lines))
        lines.append(line)
        if "reind is ready" in line:
            return lines
    raise AssertionError("demo not ready in time:\n" + "".join(lines))


def stop(process: subprocess.Popen[str]) -> str:
    process.send_signal(signal.SIGINT)
    out, _ = process.communicate(timeout=60)
    return out


def test_demo_comes_up_clean_serves_live_data_and_resumes(tmp_path: Path) -> None:
    web, mqtt = free_port(), free_port()
    first = start_demo(tmp_path, web, mqtt)
    try:
        ready = "".join(wait_ready(first))
        assert "portfolio loaded" in ready
        base = f"http://127.0.0.1:{web}"
        with httpx.Client(base_url=base, timeout=10) as client:
            signed = client.post(
                "/api/v1/session",
                json={"email": "plant@demo.reind.hk", "password": "demo-plant-password"},
            )
            assert signed.status_code == 200, signed.text
            deadline = time.monotonic() + 60
            values: dict[str, object] = {}
            while time.monotonic() < deadline and "Plate A/Temperature" not in values:
                with client.stream("GET", "/plant/waffle-1/events") as events:
                    for line in events.iter_lines():
                        if line.startswith("data: "):
                            values = json.loads(line[6:])["values"]
                            break
            assert isinstance(values.get("Plate A/Temperature"), float)
            page = client.get("/plant/waffle-1")
            assert page.status_code == 200 and "Egg-waffle machine" in page.text
            assert client.get("/schemes").status_code == 200
        use_the_demo(base, tmp_path / "var" / "reind.db")
    finally:
        out = stop(first)
    assert first.returncode == 0, out
    assert "stopped cleanly" in out
    audit_verifies(tmp_path)

    second = start_demo(tmp_path, web, mqtt)
    try:
        ready = "".join(wait_ready(second, timeout=120))
        assert "portfolio loaded" not in ready  # the stored state is reused
    finally:
        out = stop(second)
    assert second.returncode == 0, out
    audit_verifies(tmp_path)


def _signed_in(client: httpx.Client, who: str, password: str) -> dict[str, str]:
    answer = client.post(
        "/api/v1/session", json={"email": f"{who}@demo.reind.hk", "password": password}
    )
    assert answer.status_code == 200, answer.text
    return {"X-CSRF-Token": answer.json()["csrf_token"]}


def use_the_demo(base: str, database: Path) -> None:
    """What a day's use did that once stopped the demo from starting again (issue 12):
    a second claim on RFS-DEMO-0004 and the demo case on a second agenda; and new
    applications, and the demo's claim approved by one finance officer and paid by the other."""
    with closing(sqlite3.connect(database)) as db:
        ids = dict(
            db.execute("SELECT reference, id FROM applications WHERE reference LIKE 'RFS-DEMO-%'")
        )
        committee = db.execute("SELECT committee_id FROM committee_meetings LIMIT 1").fetchone()[0]
        enterprise = db.execute(
            "SELECT enterprise_id FROM applications WHERE id = ?", (ids["RFS-DEMO-0004"],)
        ).fetchone()[0]
        checked = db.execute(
            "SELECT id FROM claims WHERE application_id = ? AND state = 'officer_approved'",
            (ids["RFS-DEMO-0004"],),
        ).fetchone()[0]
    with httpx.Client(base_url=base, timeout=30) as applicant:
        headers = _signed_in(applicant, "applicant", "demo-applicant-pass")
        claim = applicant.post(
            f"/api/v1/applications/{ids['RFS-DEMO-0004']}/claims",
            json={"amount": "10000"},
            headers=headers,
        )
        assert claim.status_code == 201, claim.text
        for n in range(2):
            made = applicant.post(
                "/api/v1/applications",
                json={**NEW_APPLICATION, "enterprise_id": enterprise, "title": f"New line {n}"},
                headers=headers,
            )
            assert made.status_code == 201, made.text
    with httpx.Client(base_url=base, timeout=30) as finance:
        headers = _signed_in(finance, "finance", "demo-finance-pass")
        approved = finance.post(f"/api/v1/claims/{checked}/finance-approval", headers=headers)
        assert approved.status_code == 200, approved.text
        refused = finance.post(
            f"/api/v1/claims/{checked}/disbursement",
            json={"paid_on": "2026-01-02"},
            headers=headers,
        )
        assert refused.status_code == 403 and "two-person rule" in refused.text, refused.text
    with httpx.Client(base_url=base, timeout=30) as payer:
        headers = _signed_in(payer, "finance.chow", "demo-finance-pass")
        paid = payer.post(
            f"/api/v1/claims/{checked}/disbursement",
            json={"paid_on": "2026-01-02"},
            headers=headers,
        )
        assert paid.status_code == 201, paid.text
    with httpx.Client(base_url=base, timeout=30) as officer:
        headers = _signed_in(officer, "officer", "demo-officer-pass")
        meeting = officer.post(
            f"/api/v1/committees/{committee}/meetings",
            json={"held_on": "2030-01-15", "application_ids": [ids["RFS-DEMO-0002"]]},
            headers=headers,
        )
        assert meeting.status_code == 201, meeting.text


def audit_verifies(workdir: Path) -> None:
    """``reind audit verify`` on the stopped demo: chain, completeness, checkpoints all OK."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("REIND_")}
    env["REIND_DATA_DIR"] = str(workdir / "var")
    verified = subprocess.run(
        [sys.executable, "-m", "reind", "audit", "verify"],
        cwd=workdir, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "each with the events its state implies" in verified.stdout
