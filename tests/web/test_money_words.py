"""Amounts on the office's zh-Hant pages read as officials write them (issue 16).

Office tables showed ``HK$1,000,000.00`` in Chinese while the progress report
wrote 萬/億港元. Lists and cases now go through the report's own
``format_money``; the claim and payment screens (and a ledger's movements)
keep the exact amount, in Chinese words (ADR 0163).
"""

from __future__ import annotations

import re

from jinja2 import Environment

from reind.core.money import Money
from reind.web.templating import templates
from tests.web.test_pages_world import Demo, demo, demo_template, text_of

__all__ = ["demo", "demo_template"]  # fixtures

CELLS = re.compile(r'<td class="num">([^<]*)</td>')


def _filtered(name: str, lang: str, cents: int) -> str:
    env: Environment = templates.env
    return env.from_string("{{ x|" + name + " }}").render(lang=lang, x=cents)


def test_the_office_writes_amounts_in_chinese_as_the_report_does() -> None:
    assert _filtered("money", "zh-Hant", 5_143_0000_00) == "5,143萬港元"
    assert _filtered("money", "zh-Hant", 3_228_600_000_00) == "32.29億港元"
    assert _filtered("money", "zh-Hant", -50_000_000) == "負50萬港元"
    assert _filtered("money", "en", 1_000_000_00) == "HK$1,000,000.00"
    assert _filtered("exact_money", "zh-Hant", 1_500_000_50) == "1,500,000.50港元"
    assert _filtered("exact_money", "en", 1_500_000_50) == "HK$1,500,000.50"
    assert _filtered("money", "zh-Hant", Money(12_500_00).cents) == "1.3萬港元"


def _amounts(html: str) -> list[str]:
    return [cell.strip() for cell in CELLS.findall(html)]


def test_zh_hant_office_tables_show_no_hk_dollar_sign(demo: Demo) -> None:
    officer = demo.browser("officer")
    queue = officer.get("/workbench?state=screening&lang=zh-Hant").text
    case = officer.get(f"/workbench/applications/{demo.app_id('RFS-DEMO-0001')}?lang=zh-Hant").text
    finance = demo.browser("finance")
    projects = finance.get("/finance/projects?lang=zh-Hant").text
    meeting, scored = demo.portfolio.meeting_id, demo.app_id("RFS-DEMO-0003")
    committee = demo.browser("member").get(
        f"/committee/meetings/{meeting}/applications/{scored}?lang=zh-Hant"
    )
    portal = demo.browser("applicant").get(
        f"/portal/applications/{demo.app_id('RFS-DEMO-0004')}?lang=zh-Hant"
    )
    for html in (queue, case, projects, portal.text):
        assert _amounts(html) and not any("HK$" in cell for cell in _amounts(html))
    assert "100萬港元" in _amounts(queue)  # RFS-DEMO-0001 asks HK$1M
    assert "100萬港元" in _amounts(case)  # what it asks, under its budget
    assert all(cell.endswith("港元") for cell in _amounts(projects))
    assert re.search(r"總成本 [\d,.]+萬港元", text_of(committee))
    assert "540萬港元" in _amounts(portal.text)  # RFS-DEMO-0004's budget total


def test_claim_and_payment_screens_keep_the_exact_amount_in_chinese(demo: Demo) -> None:
    finance = demo.browser("finance")
    claims = finance.get("/finance?lang=zh-Hant").text
    assert "1,500,000港元" in _amounts(claims)
    assert "HK$" not in claims.replace("（HK$）", "")
    ledger = finance.get(f"/finance/projects/{demo.app_id('RFS-DEMO-0004')}?lang=zh-Hant").text
    assert _amounts(ledger) and all(re.fullmatch(r"負?[\d,.]+港元", c) for c in _amounts(ledger))
    english = finance.get("/finance?lang=en").text
    assert "HK$1,500,000.00" in english
