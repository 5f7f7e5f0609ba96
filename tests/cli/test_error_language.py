"""A command asked for Chinese (``--lang zh-Hant``) says its refusals in Chinese too.

Refusals computed by the rules (a scheme that did not exist yet, an input
the scheme does not take) reached the command line in English even when
the reader had asked for Chinese.
"""

from __future__ import annotations

import sys

import pytest

from reind.cli import main


def _refusal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *argv: str
) -> str:
    monkeypatch.setattr(sys, "argv", ["reind", *argv])
    with pytest.raises(SystemExit) as stopped:
        main()
    assert stopped.value.code == 2
    return " ".join(capsys.readouterr().err.split())


def test_a_rules_refusal_reads_chinese_when_chinese_was_asked_for(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    asked = ("grant", "rfs", "--cost", "1000000", "--set", "received=2010-01-01")
    said = _refusal(monkeypatch, capsys, *asked, "--lang", "zh-Hant")
    assert said == "reind: RFS 於 2010-01-01 尚未設立：計劃於 2020-07-27 開始"
    english = _refusal(monkeypatch, capsys, *asked)
    assert english == "reind: RFS did not exist on 2010-01-01: it started on 2020-07-27"


def test_an_input_problem_reads_chinese_when_chinese_was_asked_for(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    said = _refusal(
        monkeypatch,
        capsys,
        "grant",
        "rfs",
        "--lang=zh-Hant",
        "--cost",
        "1000000",
        "--set",
        "received=2024-01-01",
        "--set",
        "incorporated_under=xyz",
    )
    assert said.startswith("reind: RFS：incorporated_under：須為以下其中一項：")
    assert " or " not in said
