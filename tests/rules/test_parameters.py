"""The parameter loader is strict: every mistake names the file and line."""

from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest

from reind.core.errors import ParameterFileError
from reind.rules.parameters import load_parameter, load_parameters

GOOD = """\
description:
  en: A share.
  zh-Hant: 比例。
unit: ratio
values:
  2020-01-01:
    value: 1/3
    source: doc para 1
    confidence: A
  2022-01-01:
    value: 1/2
    source: doc para 2
    confidence: B
  2024-01-01:
    value: null
    source: doc para 3
    confidence: C
"""


def write(tmp_path: Path, text: str, name: str = "share") -> Path:
    folder = tmp_path / "demo"
    folder.mkdir(exist_ok=True)
    path = folder / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_values_apply_from_their_date_and_null_ends_the_rule(tmp_path: Path) -> None:
    parameter = load_parameter(write(tmp_path, GOOD), "demo")
    assert parameter.at(date(2019, 12, 31)) is None
    first = parameter.at(date(2020, 1, 1))
    assert first is not None and first.value == Fraction(1, 3) and first.confidence == "A"
    second = parameter.at(date(2023, 12, 31))
    assert second is not None and second.value == Fraction(1, 2)
    ended = parameter.at(date(2030, 1, 1))
    assert ended is not None and ended.value is None


@pytest.mark.parametrize(
    ("broken", "line", "problem"),
    [
        (
            GOOD.replace("    confidence: B\n", "    confidence: B\n    colour: red\n"),
            14,
            "unknown key",
        ),
        (GOOD.replace("    source: doc para 1\n", ""), 7, "missing source"),
        (GOOD.replace("2022-01-01", "2019-01-01"), 10, "dates must ascend"),
        (GOOD.replace("value: 1/3", "value: lots"), 7, "unit ratio"),
        (GOOD.replace("unit: ratio", "unit: furlongs"), 4, "unknown unit"),
        (GOOD.replace("confidence: A", "confidence: Z"), 9, "confidence must be"),
        (GOOD.replace("  zh-Hant: 比例。\n", ""), 2, "missing zh-Hant"),
        (GOOD.replace("2020-01-01", "2020-13-01"), 6, "not a date"),
    ],
)
def test_mistakes_name_the_file_and_line(
    tmp_path: Path, broken: str, line: int, problem: str
) -> None:
    path = write(tmp_path, broken)
    with pytest.raises(ParameterFileError, match=problem) as caught:
        load_parameter(path, "demo")
    assert caught.value.fields["line"] == line
    assert str(path) in str(caught.value)


def test_hkd_values_must_be_whole_cents(tmp_path: Path) -> None:
    text = GOOD.replace("unit: ratio", "unit: HKD").replace("1/3", "10.005").replace("1/2", "1")
    with pytest.raises(ParameterFileError, match="whole cents"):
        load_parameter(write(tmp_path, text), "demo")


def test_the_rules_version_changes_with_any_file(tmp_path: Path) -> None:
    write(tmp_path, GOOD)
    before = load_parameters(tmp_path).version
    write(tmp_path, GOOD.replace("doc para 1", "doc para 1a"))
    assert load_parameters(tmp_path).version != before
