"""One thing, one word: the Chinese pages name the same thing the same way.

The officer's lists headed the date an application was received 收到日期
in one column and 收件日期 in the filter beside it (issue 16); the office
writes 收件日期 (the received-date correction, its refusals, the API).
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po

from reind.web.i18n import LOCALE_DIR

SRC = Path(__file__).resolve().parents[2] / "src" / "reind"
RECEIVED_DATE = "收件日期"
OTHER_WORDS = ("收到日期", "收到申請日期")


def test_the_received_date_has_one_chinese_label_everywhere() -> None:
    po = LOCALE_DIR / "zh_Hant_HK" / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as handle:
        catalogue = read_po(handle)
    for msgid in ("Received on", "Received from", "Received to", "Application received on"):
        message = catalogue.get(msgid)
        assert message is not None and RECEIVED_DATE in str(message.string), msgid
    sources = [po, *SRC.rglob("*.html"), *SRC.rglob("*.py")]
    other = [
        f"{path.relative_to(SRC.parent)}: {word}"
        for path in sources
        for word in OTHER_WORDS
        if word in path.read_text(encoding="utf-8")
    ]
    assert other == []
