"""The PDF has pages a person can see, the HTML carries charts, and the rules hold
for every generated record."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from reind.core.db import Database
from reind.programme.audit.chain import verify_chain
from reind.reporting.charts import as_labelled, bar_chart
from reind.reporting.progress import Report
from tests.reporting.conftest import pdf_pages


def test_each_pdf_renders_to_several_pages(
    reports: dict[tuple[str, str], Report], tmp_path: Path
) -> None:
    for lang in ("en", "zh-Hant"):
        folder = tmp_path / lang
        folder.mkdir()
        pages = pdf_pages(reports[(lang, "pdf")].content, folder)
        assert len(pages) >= 3
        assert all(page.stat().st_size > 2_000 for page in pages)


def test_the_html_embeds_three_svg_charts_and_the_chinese_text(
    reports: dict[tuple[str, str], Report],
) -> None:
    html_en = reports[("en", "html")].content.decode()
    html_zh = reports[("zh-Hant", "html")].content.decode()
    assert html_en.count("<svg") == 3 and html_zh.count("<svg") == 3
    assert "原則上支持" in html_zh and "Supported in principle" not in html_zh
    assert "<h2>Talent</h2>" in html_en


def test_the_chinese_pdf_text_is_chinese(pdf_text: dict[str, str]) -> None:
    assert "再工業化資助計劃" in pdf_text["zh-Hant"]
    assert "進度報告" in pdf_text["zh-Hant"]


def test_the_audit_chain_of_the_portfolio_is_intact(portfolio: Database) -> None:
    with portfolio.unit_of_work() as session:
        report = verify_chain(session)
        imports = session.execute(text("SELECT COUNT(*) FROM bulk_imports")).scalar_one()
    assert report.ok, str(report)
    assert imports == 7


def test_2017_18_tax_claims_are_ordinary_deductions_outside_the_rules(portfolio: Database) -> None:
    with portfolio.unit_of_work() as session:
        rows = session.execute(
            text(
                "SELECT basis, rules_version IS NULL, SUM(deduction_cents = type_a_cents + "
                "type_b_cents), COUNT(*) FROM rd_tax_claims WHERE year_of_assessment = 2017 "
                "GROUP BY basis, rules_version IS NULL"
            )  # fmt: skip
        ).all()
    assert len(rows) == 1
    basis, no_rules, plain, count = rows[0]
    assert basis == "ordinary" and no_rules and plain == count


def test_a_chart_is_drawn_again_only_when_a_label_it_shows_changes() -> None:
    """The report page keeps its charts: an approval that moves no label draws none again."""
    drawn = bar_chart(
        "Approvals", ["2026-27"], [("EMF", [4510.3])], "HK$ million", "{:,.0f}", "svg"
    )
    same = bar_chart("Approvals", ["2026-27"], [("EMF", [4510.4])], "HK$ million", "{:,.0f}", "svg")
    moved = bar_chart(
        "Approvals", ["2026-27"], [("EMF", [4511.2])], "HK$ million", "{:,.0f}", "svg"
    )
    assert same is drawn  # kept, not drawn again
    assert ">4,510<" in drawn and ">4,511<" in moved and moved != drawn
    assert as_labelled(0.46, "{:.1f}%") == 0.5 and as_labelled(-1234.5, "{:,.0f}") == -1234
