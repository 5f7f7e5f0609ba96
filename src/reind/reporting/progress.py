"""The LegCo progress report on re-industrialisation, built from the records.

``build_report`` computes every figure as at a date (``figures.py``), the
tables and charts around them, and renders the officer-editable Jinja2
template of the language (``templates/progress.<lang>.html``) to HTML, or
through WeasyPrint to PDF with Noto CJK fonts. Every figure in the text
links to its provenance: the SQL that computed it, the parameters, and the
ids of the records behind it (inline, and in full as CSV files beside the
report when it is written to a file).
"""

from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape
from sqlalchemy.orm import Session

from reind.core.clock import HONG_KONG, utcnow
from reind.core.errors import InvalidInputError
from reind.core.money import Money
from reind.core.periods import FinancialYear, YearOfAssessment
from reind.factory.kpi.rollups import RollupReader
from reind.reporting import outcomes
from reind.reporting.charts import Picture, bar_chart
from reind.reporting.figures import ApprovalsByYear, Figure, format_money
from reind.reporting.kept import ReportData, gather

logger = logging.getLogger(__name__)

TEMPLATES = Path(__file__).resolve().parent / "templates"
LANGUAGES = ("en", "zh-Hant")
INLINE_IDS = 200
"""Record ids listed inline per figure; the rest are in the CSV beside the report."""
Format = Literal["html", "pdf"]

LABELS: dict[str, tuple[str, str]] = {
    "rttp_trainees": ("RTTP: staff trained", "再培訓計劃：受訓員工"),
    "rttp_sessions": ("RTTP: training places (trainee on a course)", "再培訓計劃：培訓人次"),
    "rttp_funding": ("RTTP: funding approved", "再培訓計劃：批出資助"),
    "rfs_received": ("RFS: applications received", "再工業化資助計劃：收到申請"),
    "rfs_vetted": ("RFS: applications vetted", "再工業化資助計劃：已審核申請"),
    "rfs_supported": ("RFS: supported in principle", "再工業化資助計劃：原則上支持"),
    "rfs_funding": ("RFS: funding supported", "再工業化資助計劃：資助總額"),
    "rfs_expenditure": ("RFS: project expenditure (supported)", "再工業化資助計劃：項目總開支"),
    "rfs_food_received": ("RFS food: applications received", "食品業：收到申請"),
    "rfs_food_vetted": ("RFS food: vetted", "食品業：已審核"),
    "rfs_food_supported": ("RFS food: supported", "食品業：原則上支持"),
    "rfs_food_expenditure": ("RFS food: project expenditure", "食品業：項目總開支"),
    "rd_tax_latest": ("R&D deductions claimed, latest year", "研發開支扣稅申索（最近年度）"),
    "rd_tax_baseline": ("R&D deductions claimed, 2017/18", "研發開支扣稅申索（2017/18）"),
    "itf_projects": ("ITF R&D projects, four years", "創新及科技基金研發項目（四年）"),
    "itf_funding": ("ITF R&D funding, four years", "創新及科技基金研發資助（四年）"),
    "itvf_startups": ("ITVF: start-ups invested in", "創科創投基金：投資初創企業"),
    "itvf_government": ("ITVF: Government investment", "創科創投基金：政府投資"),
    "itvf_private": ("ITVF: private investment", "創科創投基金：私人投資"),
    "tsssu_startups": ("TSSSU: funded start-ups", "大學科技初創企業資助計劃：獲資助初創企業"),
    "tsssu_products": ("TSSSU: products launched", "大學科技初創企業：推出產品或服務"),
    "tsssu_with_revenue": ("TSSSU: start-ups with revenue", "大學科技初創企業：有收入"),
    "tsssu_revenue_min": ("TSSSU: lowest yearly revenue", "大學科技初創企業：最低年收入"),
    "tsssu_revenue_max": ("TSSSU: highest yearly revenue", "大學科技初創企業：最高年收入"),
    "bud_applications": ("BUD Fund: applications approved", "BUD專項基金：獲批申請"),
    "bud_funding": ("BUD Fund: funding approved", "BUD專項基金：批出資助"),
    "emf_applications": ("EMF: applications approved", "中小企業市場推廣基金：獲批申請"),
    "emf_funding": ("EMF: funding approved", "中小企業市場推廣基金：批出資助"),
    "enquiries": ("SME centres: enquiries handled", "中小企業中心：處理查詢"),
    "seminars": ("SME centres: seminars", "中小企業中心：研討會"),
}
INDUSTRIES: dict[str, tuple[str, str]] = {
    "food_manufacturing": ("Food manufacturing", "食品製造"),
    "food_processing": ("Food processing", "食品加工"),
    "textiles": ("Textiles", "紡織"),
    "construction_materials": ("Construction materials", "建築材料"),
    "medical_devices": ("Medical devices", "醫療器材"),
    "pharmaceuticals": ("Pharmaceuticals", "藥劑"),
    "electronics": ("Electronics", "電子"),
    "printing": ("Printing", "印刷"),
    "chemicals": ("Chemicals", "化工"),
    "metals": ("Metals", "金屬"),
}


@dataclass(frozen=True, slots=True)
class Report:
    """A built report: its text (HTML) or bytes (PDF), and the figures behind it."""

    lang: str
    fmt: Format
    content: bytes
    figures: dict[str, Figure]


def build_report(
    session: Session,
    as_of: date,
    *,
    lang: str = "en",
    fmt: Format = "html",
    templates: Path | None = None,
    records_dir: str | None = None,
    telemetry: RollupReader | None = None,
    provenance: str | None = None,
) -> Report:
    """The progress report as at ``as_of`` in ``lang``, as HTML or PDF bytes.

    With a ``telemetry`` store, the Technology section measures the funded lines.
    With ``provenance`` (where the provenance file is downloaded), each figure's
    records are counted, not fetched, and the report links there for their ids:
    a page showing the report read 253,000 ids it did not show (3 to 6 s at 1M
    applications, issue 16).
    """
    if lang not in LANGUAGES:
        raise InvalidInputError(
            "the report is written in {languages}, not “{lang}”",
            languages=" or ".join(LANGUAGES),
            lang=lang,
        )
    data = gather(session, as_of, ids=provenance is None)
    figures = data.figures
    context = _context(data, as_of, lang, fmt, records_dir)
    context["provenance"] = provenance
    context["provenance_words"] = (
        "每個數字的全部紀錄編號載於出處檔案（CSV）"
        if lang == "zh-Hant"
        else "Every record id behind each figure is in the provenance file (CSV)"
    )
    context["outcomes"] = (
        outcomes.report_context(session, telemetry, as_of, utcnow(), lang, fmt == "pdf")
        if telemetry is not None
        else None
    )
    context.update(_helpers(lang, figures, records_dir, fmt))
    env = _environment(templates or TEMPLATES, lang)
    html = env.get_template(f"progress.{lang}.html").render(**context)
    if fmt == "html":
        return Report(lang, fmt, html.encode("utf-8"), figures)
    # Imported here: only PDFs need it, and it loads slowly; it ships no type hints.
    from weasyprint import HTML  # type: ignore[import-untyped]

    pdf = HTML(string=html, base_url=str(TEMPLATES)).write_pdf()
    assert pdf is not None
    return Report(lang, fmt, pdf, figures)


def companion_name(as_of: date, lang: str) -> str:
    """The provenance file published beside the PDF (``.html`` and ``.csv``)."""
    return f"reind-progress-report-{as_of.isoformat()}-{lang}-provenance"


def provenance_csv(figures: dict[str, Figure], lang: str) -> bytes:
    """One row per figure: its label, value, query, parameters and every record id behind it.

    The PDF is a paper for the Legislative Council; the SQL and record ids that
    make each figure checkable live here (and in the HTML report), not in it.
    """
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["figure", "label", "value", "query", "records_query", "parameters", "records"])
    for key, label in LABELS.items():
        figure = figures[key]
        params = "; ".join(f"{k} = {_param(v)}" for k, v in sorted(figure.params.items()))
        writer.writerow(
            [key, label[1 if lang == "zh-Hant" else 0], figure.display(lang), figure.sql,
             figure.records_sql, params, " ".join(str(i) for i in figure.record_ids)]
        )  # fmt: skip
    return out.getvalue().encode("utf-8-sig")  # a BOM, so spreadsheet programs read Chinese


def write_records(figures: dict[str, Figure], directory: Path) -> None:
    """Write each figure's record ids to ``directory/<key>.csv`` (linked from the HTML)."""
    directory.mkdir(parents=True, exist_ok=True)
    for figure in figures.values():
        with (directory / f"{figure.key}.csv").open("wb") as out:
            figure.record_ids.write_csv(out)


@lru_cache(maxsize=16)
def _environment(folder: Path, lang: str) -> Environment:
    """The templates of ``folder`` (then the built-in ones) for ``lang``, compiled once.

    Kept per folder and language: compiling the report's templates cost each
    page view a third of a second (issue 16). Jinja still reloads a template
    whose file an officer has edited (``auto_reload``). What depends on the
    figures goes into each render's context (``_helpers``), not in here.
    """
    env = Environment(
        loader=FileSystemLoader([str(folder), str(TEMPLATES)]),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["money"] = lambda cents: format_money(Money(int(cents)), lang)
    env.filters["sqlparams"] = lambda params: escape(
        ", ".join(f"{k} = {_param(v)}" for k, v in sorted(params.items()))
    )
    return env


def _helpers(
    lang: str, figures: dict[str, Figure], records_dir: str | None, fmt: Format
) -> dict[str, Any]:
    """The names the templates call that depend on this report's figures and format."""

    def fig(key: str) -> Markup:
        figure = figures[key]
        if fmt == "pdf":  # the provenance is in the companion file, not in the paper
            return Markup('<span class="fig">{}</span>').format(figure.display(lang))
        return Markup('<a class="fig" href="#prov-{}">{}</a>').format(key, figure.display(lang))

    def label(key: str) -> str:
        return LABELS[key][1 if lang == "zh-Hant" else 0]

    return {
        "fig": fig,
        "label": label,
        "records_dir": records_dir,
        "inline_ids": INLINE_IDS if fmt == "html" else 12,
    }


def _param(value: Any) -> str:
    if isinstance(value, datetime):
        return value.astimezone(HONG_KONG).isoformat(timespec="minutes")
    return str(value)


def _context(
    data: ReportData, as_of: date, lang: str, fmt: Format, records_dir: str | None
) -> dict[str, Any]:
    zh = lang == "zh-Hant"
    figures, params = data.figures, data.params
    industries = [
        {
            "name": INDUSTRIES.get(row[0], (row[0], row[0]))[1 if zh else 0],
            "received": int(row[1]),
            "vetted": int(row[2] or 0),
            "supported": int(row[3] or 0),
            "funding": int(row[4] or 0),
            "expenditure": int(row[5] or 0),
        }
        for row in data.industries
    ]
    tax = [
        {
            "year": str(YearOfAssessment(int(row[0]))),
            "basis": row[1],
            "claims": int(row[2]),
            "deduction": int(row[3]),
        }
        for row in data.tax
    ]
    return {
        "as_of": as_of,
        "lang_code": lang,
        "records_word": "紀錄數目：" if zh else "Records:",
        "as_of_text": f"{as_of.year}年{as_of.month}月{as_of.day}日" if zh else f"{as_of:%-d %B %Y}",
        "f": figures,
        "industries": industries,
        "tax": tax,
        "charts": _charts(figures, industries, tax, data.by_year, lang, fmt),
        "pdf": fmt == "pdf",
        "records_dir": records_dir,
        "companion": companion_name(as_of, lang),
        "order": list(LABELS),
        "tsssu_year": str(FinancialYear(params["tsssu_year"])),
        "tax_year": str(YearOfAssessment(params["tax_year"])),
        "itf_from": params["itf_from"],
    }


def _charts(
    figures: dict[str, Figure],
    industries: list[dict[str, Any]],
    tax: list[dict[str, Any]],
    by_year: ApprovalsByYear,
    lang: str,
    fmt: Format,
) -> dict[str, str]:
    zh = lang == "zh-Hant"
    picture: Picture = "png" if fmt == "pdf" else "svg"
    food = ("Food", "食品業") if not zh else ("食品業", "食品業")
    stages = ["收到", "已審核", "原則上支持"] if zh else ["Received", "Vetted", "Supported"]
    all_counts = [figures[k].value for k in ("rfs_received", "rfs_vetted", "rfs_supported")]
    food_counts = [
        figures[k].value for k in ("rfs_food_received", "rfs_food_vetted", "rfs_food_supported")
    ]
    rfs = bar_chart(
        "再工業化資助計劃申請" if zh else "RFS applications",
        stages,
        [("全部" if zh else "All", all_counts), (food[0], food_counts)],
        "宗數" if zh else "applications",
        "{:.0f}",
        picture,
    )
    years = sorted({year for _, year in by_year})
    unit = "億港元" if zh else "HK$ million"
    scale = 100_000_000 * 100 if zh else 1_000_000 * 100
    trade = bar_chart(
        "BUD專項基金及市場推廣基金批出資助（按財政年度）"
        if zh
        else "BUD Fund and EMF approvals by financial year",
        years,
        [
            ("BUD", [by_year.get(("bud", y), 0) / scale for y in years]),
            ("EMF", [by_year.get(("emf", y), 0) / scale for y in years]),
        ],
        unit,
        "{:.1f}" if zh else "{:.0f}",
        picture,
    )
    research = bar_chart(
        "研發開支扣稅申索（按課稅年度）" if zh else "R&D deductions claimed by year of assessment",
        [row["year"] for row in tax],
        [("扣稅額" if zh else "deductions", [row["deduction"] / scale for row in tax])],
        unit,
        "{:.1f}" if zh else "{:.0f}",
        picture,
    )
    del industries
    return {"rfs": rfs, "trade": trade, "research": research}
