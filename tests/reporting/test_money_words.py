"""Amounts in the report as officials write them, in both languages."""

from __future__ import annotations

from reind.core.money import Money
from reind.reporting.figures import format_money


def test_chinese_amounts_read_as_officials_write_them() -> None:
    assert format_money(Money.of("51430000"), "zh-Hant") == "5,143萬港元"
    assert format_money(Money.of("3228600000"), "zh-Hant") == "32.29億港元"
    assert format_money(Money.of("300000000"), "zh-Hant") == "3億港元"
    assert format_money(Money.of("125000"), "zh-Hant") == "12.5萬港元"
    assert format_money(Money.of("9800"), "zh-Hant") == "9,800港元"
    assert format_money(Money.of("108200000"), "en") == "HK$108.2 million"
