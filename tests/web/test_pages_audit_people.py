"""The audit log names the accounts its events are about, as it names the people who act."""

from __future__ import annotations

import re

from tests.web.test_pages_audit import _auditor
from tests.web.test_pages_world import Demo, demo, demo_template, text_of

__all__ = ["demo", "demo_template"]  # fixtures


def test_an_event_about_an_account_names_its_holder_in_either_language(demo: Demo) -> None:
    """The subject column showed "User 01a2505c-bdcc…" (issue 16: each event in words)."""
    web = _auditor(demo)
    officer = demo.portfolio.user("officer")
    for lang, word in (("en", "User"), ("zh-Hant", "用戶")):
        page = web.get(f"/audit?kind=account.user_added&lang={lang}")
        table = page.text.split("<tbody>")[1].split("</tbody>")[0]
        anchors = re.findall(r'<a href="/audit\?subject=[^"]+">(.*?)</a>', table)
        subjects = [re.sub(r"<[^>]+>", "", a) for a in anchors]
        assert subjects, table
        assert f"{word} {officer.display_name}" in subjects
        assert not [s for s in subjects if "…" in s], subjects
        assert officer.display_name in text_of(page)


def test_an_event_about_a_committee_names_it_in_the_pages_language(demo: Demo) -> None:
    """The log showed "Committee 01a25066-3604…" for the committee's own events."""
    web = _auditor(demo)
    for lang in ("en", "zh-Hant"):
        table = web.get(f"/audit?kind=committee.created&lang={lang}").text.split("<tbody>")[1]
        anchors = re.findall(r'<a href="/audit\?subject=[^"]+">(.*?)</a>', table)
        subjects = [re.sub(r"<[^>]+>", "", a) for a in anchors]
        assert subjects and not [s for s in subjects if "…" in s], subjects
        chinese = [s for s in subjects if re.search(r"[\u4e00-\u9fff].*[\u4e00-\u9fff]{4}", s)]
        assert bool(chinese) == (lang == "zh-Hant"), subjects
