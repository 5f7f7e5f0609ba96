"""The Chinese report writes amounts and sentences as the office pages do.

Its tables wrote "1481.4萬港元" where the office wrote "5,143萬港元" (issue
16): both go through ``figures.format_money`` (the report's ``money``
filter). Its outcomes paragraph put a space after 。 and ， where a template
line ended.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

from jinja2 import ChainableUndefined, Environment, FileSystemLoader

from reind.reporting.progress import TEMPLATES, _environment

TEXTILES = {
    "name": "紡織",
    "received": 4,
    "vetted": 3,
    "supported": 3,
    "funding": 1_481_400_000,
    "expenditure": 4_444_200_000,
}
"""An industry's line of the RFS table, in cents (HK$14,814,000 and HK$44,442,000)."""
SUMMARY = SimpleNamespace(
    lines_linked=2,
    lines_measured=2,
    throughput_improved=1,
    median_throughput_change=2.384,
    like_for_like=0,
    outcomes=[],
)


def _chinese_report() -> str:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        undefined=ChainableUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["money"] = _environment(TEMPLATES, "zh-Hant").filters["money"]  # the report's own
    env.filters["sqlparams"] = str
    html = env.get_template("progress.zh-Hant.html").render(
        fig=str,
        pdf=True,
        lang_code="zh-Hant",
        industries=[TEXTILES],
        outcomes={"summary": SUMMARY, "chart": None, "ratios": (), "names": {}},
    )
    return re.sub(r"<[^>]+>", "", html)


def test_the_chinese_report_writes_amounts_and_sentences_as_officials_do() -> None:
    text = _chinese_report()
    assert "1,481萬港元" in text and "4,444萬港元" in text
    assert "1481.4萬" not in text
    assert "比較，1 條的每小時產量高於以往。產量變化" in text
