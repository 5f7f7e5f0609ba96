"""Lists at volume (issue 16): pages of 50 with a next link, search, filters, in both languages."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from reind.core import paging
from reind.programme.applications.services import create_application
from reind.schemes.catalogue import default_engine
from tests.programme.factories import OFFICER, enterprise, rfs_draft
from tests.web.test_pages_world import Demo, demo, demo_template, text_of

__all__ = ["demo", "demo_template"]  # fixtures

NEXT = re.compile(r'<a rel="next" href="([^"]+)"')


def _drafts(demo: Demo, n: int) -> None:
    with demo.db.unit_of_work() as session:
        for i in range(n):
            company = enterprise(session, name=f"Crispy Waffle {i:03d} Ltd")
            draft = replace(rfs_draft(company), reference=f"RFS-LIST-{i:04d}")
            create_application(session, draft, OFFICER, engine=default_engine())


def test_a_long_queue_comes_a_page_at_a_time_and_every_case_once(demo: Demo) -> None:
    _drafts(demo, 64)
    web = demo.browser("officer")
    first = web.get("/workbench?state=draft")
    assert first.status_code == 200
    seen = re.findall(r">(RFS-LIST-\d{4})<", first.text)
    assert len(seen) == 50 and "Showing 50 of" in text_of(first)
    link = NEXT.search(first.text)
    assert link is not None
    second = web.get(link.group(1).replace("&amp;", "&"))
    seen += re.findall(r">(RFS-LIST-\d{4})<", second.text)
    assert sorted(seen) == [f"RFS-LIST-{i:04d}" for i in range(64)]
    assert NEXT.search(second.text) is None


def test_search_finds_a_case_by_name_reference_or_br_number(demo: Demo) -> None:
    _drafts(demo, 3)
    web = demo.browser("officer")
    by_name = text_of(web.get("/workbench?state=draft&q=crispy+waffle+001"))
    assert "RFS-LIST-0001" in by_name and "RFS-LIST-0002" not in by_name
    assert "Showing 1 of 1" in by_name
    zh = text_of(web.get("/workbench?state=draft&q=RFS-LIST-0002&lang=zh-Hant"))
    assert "RFS-LIST-0002" in zh and "顯示 1 項，共 1 項" in zh
    nothing = text_of(web.get("/workbench?state=draft&q=no+such+thing&lang=en"))
    assert "No application matches." in nothing


def test_project_ledgers_page_and_search(demo: Demo) -> None:
    web = demo.browser("finance")
    found = text_of(web.get("/finance/projects?q=RFS-DEMO-0004"))
    assert "RFS-DEMO-0004" in found and "Showing 1 of 1" in found
    assert "No project matches." in text_of(web.get("/finance/projects?q=nothing-like-it"))


def test_a_forged_cursor_or_date_is_a_clear_error_in_the_readers_language(demo: Demo) -> None:
    web = demo.browser("officer")
    assert web.get("/workbench?state=draft&cursor=%21%21").status_code == 400
    bad_date = web.get("/desk?from=31-12-2024")
    assert bad_date.status_code == 400 and "YYYY-MM-DD" in bad_date.text


def test_the_desk_searches_enquiries(demo: Demo) -> None:
    web = demo.browser("officer")
    web.page("/desk")
    for question in ("Funding for a smart bakery line?", "Export marketing support?"):
        web.submit("/desk/enquiries", {"question": question, "channel": "phone"})
    found = text_of(web.get("/desk?q=bakery"))
    assert "smart bakery" in found and "Export marketing" not in found


def test_a_queue_longer_than_the_count_cap_says_more_than_in_both_languages(
    demo: Demo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 1M applications exact counts cost 350 ms a page (issue 16): past the cap, "more than"."""
    monkeypatch.setattr(paging, "COUNT_CAP", 55)
    _drafts(demo, 60)
    web = demo.browser("officer")
    en = text_of(web.get("/workbench?state=draft&lang=en"))
    assert "Showing 50 of more than 55" in en
    assert "more than 55" in en.split("Showing")[0]  # the queue's tab too
    zh = text_of(web.get("/workbench?state=draft&lang=zh-Hant"))
    assert "顯示 50 項，共多於 55 項" in zh and "多於 55" in zh.split("顯示")[0]


def test_a_page_counts_a_search_quickly_and_counts_on_when_asked(
    demo: Demo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Counting 10,001 matches of "food" cost 600 ms a page at 1M applications (issue 16):
    a page counts a search to ``QUICK_CAP``, says "more than", and counts on when asked."""
    monkeypatch.setattr(paging, "QUICK_CAP", 3)
    _drafts(demo, 5)
    web = demo.browser("officer")
    quick = web.get("/workbench?state=draft&q=crispy+waffle&lang=en")
    assert "Showing 5 of more than 3" in text_of(quick) and "Count on to 10,000" in text_of(quick)
    on = re.search(r'<a href="([^"]+count=all)"', quick.text)
    assert on is not None
    full = text_of(web.get(on.group(1).replace("&amp;", "&")))
    assert "Showing 5 of 5" in full and "Count on" not in full
    zh = text_of(web.get("/workbench?state=draft&q=crispy+waffle&lang=zh-Hant"))
    assert "共多於 3 項" in zh and "繼續點算至 10,000 項" in zh
    assert "Showing 5 of 5" in text_of(web.get("/workbench?state=draft&lang=en"))  # no search
