"""One seed portfolio per test session (SQLite), and the four reports built on it."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from reind.core.db import Database
from reind.programme.demo_data import seed_portfolio
from reind.reporting.progress import Report, build_report
from reind.schemes.catalogue import default_engine

AS_AT = date(2021, 8, 31)


@pytest.fixture(scope="session")
def portfolio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """The seed portfolio, generated once for the whole session."""
    path = tmp_path_factory.mktemp("portfolio") / "reind.db"
    database = Database(f"sqlite:///{path}")
    database.migrate()
    seed_portfolio(database, engine=default_engine())
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def reports(portfolio: Database) -> dict[tuple[str, str], Report]:
    """The report as at 31 August 2021 in both languages, as HTML and PDF."""
    built = {}
    with portfolio.unit_of_work() as session:
        for lang in ("en", "zh-Hant"):
            for fmt in ("html", "pdf"):
                built[(lang, fmt)] = build_report(session, AS_AT, lang=lang, fmt=fmt)
    return built


@pytest.fixture(scope="session")
def pdf_text(
    reports: dict[tuple[str, str], Report], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, str]:
    """The text pdftotext reads from each language's PDF."""
    folder = tmp_path_factory.mktemp("pdf")
    texts = {}
    for lang in ("en", "zh-Hant"):
        path = folder / f"report.{lang}.pdf"
        path.write_bytes(reports[(lang, "pdf")].content)
        texts[lang] = subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
        ).stdout
    return texts


def pdf_pages(pdf: bytes, folder: Path) -> list[Path]:
    """Render a PDF to PNG pages with pdftoppm; the page files, in order."""
    source = folder / "report.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "40", str(source), str(folder / "page")], check=True)
    return sorted(folder.glob("page-*.png"))
