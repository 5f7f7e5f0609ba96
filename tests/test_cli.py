"""The CLI: one clear line and exit status 2 for bad input; JSON for machines."""

import json
import subprocess
import sys
from pathlib import Path

import pytest


def reind(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env_python = Path(sys.executable)
    return subprocess.run(
        [str(env_python), "-m", "reind", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
        env={"PATH": "/usr/bin:/bin", "REIND_DATA_DIR": str(cwd or Path.cwd()), "COLUMNS": "200"},
    )


def test_catalogue_lists_the_schemes_in_both_languages() -> None:
    english = reind("schemes")
    assert english.returncode == 0, english.stderr
    assert "RFS" in english.stdout and "Re-industrialisation" in english.stdout
    chinese = reind("schemes", "--lang", "zh-Hant")
    assert "再工業化資助計劃" in chinese.stdout


def test_grant_json_gives_amount_and_trace() -> None:
    result = reind("grant", "RFS", "--cost", "54000000", "--received", "2021-06-01", "--json")
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert body["amount"] == "15000000.00"
    assert {"rfs.matching_share", "rfs.project_cap"} <= {t["parameter"] for t in body["trace"]}


def test_schemes_show_lists_parameters_with_sources() -> None:
    result = reind("schemes", "show", "RFS", "--as-of", "2021-08-31", "--json")
    assert result.returncode == 0, result.stderr
    rows = {row["parameter"]: row for row in json.loads(result.stdout)}
    assert rows["rfs.project_cap"]["value"] == "HK$15,000,000.00"
    assert rows["rfs.max_concurrent_projects"]["value"] is None  # not yet in force in 2021


def test_tax_rd_computes_the_two_tier_deduction() -> None:
    result = reind(
        "tax", "rd", "--type-a", "0", "--type-b", "5000000", "--year", "2019/20", "--json"
    )
    assert json.loads(result.stdout)["amount"] == "12000000.00"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("grant", "RFS", "--cost", "-5", "--received", "2021-06-01"), "negative"),
        (("grant", "NOPE", "--cost", "5", "--received", "2021-06-01"), "unknown scheme"),
        (("grant", "RFS", "--cost", "5", "--received", "2019-01-01"), "did not exist"),
        (("grant", "RFS", "--cost", "5", "--received", "June"), "not a date"),
        (("tax", "rd", "--type-b", "5", "--year", "1990/91"), "did not exist"),
        (
            ("report", "progress", "--as-of", "2021-08-31", "--telemetry", "nonsense:x"),
            "unknown telemetry store",
        ),
    ],
)
def test_bad_input_exits_2_with_one_clear_line(args: tuple[str, ...], message: str) -> None:
    result = reind(*args)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and message in lines[0]


@pytest.mark.parametrize(
    ("scheme", "received", "provisional"),
    [("RFS", "2021-06-01", False), ("BUD", "2024-01-01", True)],
)
def test_a_saved_decision_reproduces_and_compares(
    tmp_path: Path, scheme: str, received: str, provisional: bool
) -> None:
    saved = reind(
        "grant",
        scheme,
        "--cost",
        "9000000",
        "--received",
        received,
        "--save",
        "--json",
        cwd=tmp_path,
    )
    assert saved.returncode == 0, saved.stderr
    assert json.loads(saved.stdout)["provisional"] is provisional
    decision_id = json.loads(saved.stdout)["id"]
    again = reind("decision", "reproduce", decision_id, "--json", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["identical"] is True
    compared = reind(
        "decision", "compare", decision_id, "--as-of", "2024-06-01", "--json", cwd=tmp_path
    )
    assert compared.returncode == 0, compared.stderr
    assert "parameters" in json.loads(compared.stdout)
