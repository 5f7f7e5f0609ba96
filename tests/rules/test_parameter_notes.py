"""Every parameter note reads in Traditional Chinese too (issue 16).

The office's parameters page labelled each note 附註（只有英文）: the notes
were English only. A note is now ``{en, zh-Hant}`` like a description, and
the loader refuses one that is in one language only.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reind.core.errors import ParameterFileError
from reind.rules.parameters import load_parameter, load_parameters
from reind.schemes.catalogue import PARAMETERS

CHINESE = re.compile(r"[\u4e00-\u9fff]")

ENGLISH_ONLY = """\
description:
  en: A share.
  zh-Hant: 比例。
unit: ratio
values:
  2020-01-01:
    value: 1/3
    source: doc para 1
    confidence: A
    note: Only the month is known; encoded from its first day.
"""


def test_every_note_of_every_parameter_has_its_chinese() -> None:
    notes = 0
    lacking = []
    for parameter in load_parameters(PARAMETERS):
        for value in parameter.values:
            if value.note is None and value.note_zh is None:
                continue
            notes += 1
            zh = value.note_in("zh-Hant") or ""
            if not CHINESE.search(zh) or zh == value.note:
                lacking.append(f"{parameter.key} {value.effective_from}")
    assert notes >= 150  # the notes of the catalogue as of issue 16
    assert not lacking, f"notes without Chinese: {lacking}"


def test_a_note_in_english_only_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    folder.mkdir()
    path = folder / "share.yaml"
    path.write_text(ENGLISH_ONLY, encoding="utf-8")
    with pytest.raises(ParameterFileError, match="expected a mapping"):
        load_parameter(path, "demo")
    path.write_text(
        ENGLISH_ONLY.replace("    note: Only the month", "    note:\n      en: Only the month"),
        encoding="utf-8",
    )
    with pytest.raises(ParameterFileError, match="missing zh-Hant"):
        load_parameter(path, "demo")
