"""Analyst pages: the progress report preview and download links, bilingual."""

from __future__ import annotations

from tests.web.test_pages_world import Demo, demo, demo_template

__all__ = ["demo", "demo_template"]  # fixtures


def test_the_analyst_page_links_the_preview_and_the_pdf(demo: Demo) -> None:
    page = demo.browser("analyst").get("/analyst?as_of=2025-03-31&report_lang=zh-Hant")
    assert page.status_code == 200
    assert 'href="/analyst/report.pdf?as_of=2025-03-31&amp;report_lang=zh-Hant"' in page.text
    assert "<iframe" in page.text and 'title="Preview of the progress report"' in page.text


def test_the_preview_is_the_report_built_from_the_records(demo: Demo) -> None:
    answer = demo.browser("analyst").get("/analyst/report.html?as_of=2026-03-31&report_lang=en")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html")
    assert "<html" in answer.text and "RFS" in answer.text


def test_a_bad_date_is_explained_and_other_roles_are_refused(demo: Demo) -> None:
    assert demo.browser("analyst").get("/analyst?as_of=31/03/2025").status_code == 400
    assert demo.browser("applicant").get("/analyst/report.pdf").status_code == 403
