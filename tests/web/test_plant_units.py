"""Every engineering unit the twins publish reads in Chinese on zh-Hant plant pages (issue 16).

The brewery's carbonation showed "vol" (volumes of CO2) on its Chinese page:
a unit missing from the catalogue passes through ``unit_text`` untranslated.
The units are read from the twins' own tag and recipe definitions, so a new
unit without its Chinese fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

from reind.web.i18n import translations
from reind.web.plant_format import limits_text, unit_text
from tests.web.test_zh_hant_chrome import _WORD, LATIN

TWINS = Path(__file__).resolve().parents[2] / "src" / "reind" / "factory" / "twins"
TAG_UNIT = re.compile(r'Tag\([^()]*,\s*"([^"]+)",\s*[\d.]+\)')
PARAMETER_UNIT = re.compile(r'\("[a-z_0-9]+",\s*"([^"]+)",\s*-?[\d.]+,\s*-?[\d.]+,\s*"')


def _units() -> set[str]:
    found: set[str] = set()
    for path in TWINS.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        found |= set(TAG_UNIT.findall(text)) | set(PARAMETER_UNIT.findall(text))
    return found


def test_every_unit_of_every_twin_reads_in_chinese() -> None:
    units = _units()
    assert {"vol", "degC", "ml", "bpm", "min"} <= units  # the reading finds them
    zh = translations("zh-Hant").gettext
    english = {
        unit: shown
        for unit in sorted(units)
        if (shown := unit_text(unit, zh))
        and any(word not in LATIN for word in _WORD.findall(shown))
    }
    assert not english, f"units left in English on zh-Hant plant pages: {english}"
    assert unit_text("vol", zh) == "倍體積"


def test_limits_below_zero_read_as_words_in_both_languages() -> None:
    """ "-40--18 °C" was hard to read (issue 16): the limits are joined by a word."""
    english = translations("en").gettext
    chinese = translations("zh-Hant").gettext
    assert limits_text(-40, -18, "degC", english) == "-40 to -18 °C"
    assert limits_text(-40.0, -18.0, "degC", chinese) == "-40 至 -18 °C"
    assert limits_text(0, 10, "", english) == "0 to 10"
