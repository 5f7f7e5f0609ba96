"""Analyst pages: the LegCo progress report as at a date, previewed and downloaded.

The report is built by ``reind.reporting.progress.build_report`` from the
records (the same function ``reind report progress`` uses), in English or
Traditional Chinese, as HTML for the preview or PDF for the download. With a
streaming replica (``REIND_DATABASE_REPLICA_URL``) the report reads it, never
the primary, and the page says how far behind the primary it is.

Below the report, every funded production line with its measured gain in
throughput (declared or measured before, telemetry after), each linked to the
project's outcomes page, so an analyst reaches a line's figures in one click.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from reind.core.clock import SystemClock, hk_today
from reind.core.errors import InvalidInputError
from reind.core.periods import parse_date
from reind.factory.kpi.rollups import RollupReader
from reind.programme.funded_lines.services import LinkedProject, linked_projects
from reind.programme.permissions import Action, may
from reind.reporting.figures import compute_all
from reind.reporting.outcomes import LineOutcome, measure_line
from reind.reporting.progress import LANGUAGES, build_report, companion_name, provenance_csv
from reind.web.auth import CurrentUser, needs
from reind.web.deps import ReadSide, platform_of
from reind.web.i18n import negotiate
from reind.web.views.outcomes import telemetry_of
from reind.web.views.pages import PageRoute, need, page

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def _as_of(text: str | None) -> date:
    if not text:
        return hk_today()
    try:
        return parse_date(text)
    except ValueError:
        raise InvalidInputError("not a date: “{text}” (use YYYY-MM-DD)", text=text) from None


def _report_lang(request: Request, asked: str | None) -> str:
    return asked if asked in LANGUAGES else negotiate(request)


def _funded_lines(
    request: Request, session: ReadSide
) -> list[tuple[LinkedProject, LineOutcome | None]]:
    """Every linked line with its outcome (None when no telemetry store is connected)."""
    store = telemetry_of(request)
    now = SystemClock().now()
    return [
        (project, None if store is None else measure_line(store, project, now))
        for project in linked_projects(session)
    ]


@router.get("/analyst", dependencies=[Depends(needs(Action.READ_PROGRAMME_FIGURES))])
def analyst_home(
    request: Request,
    user: CurrentUser,
    session: ReadSide,
    as_of: str | None = None,
    report_lang: str | None = None,
) -> Response:
    """Choose the date and language of the report; preview it and download it; see the
    funded lines' outcomes."""
    actor = need(user, Action.READ_PROGRAMME_FIGURES)
    day = _as_of(as_of)
    chosen = _report_lang(request, report_lang)
    replica = platform_of(request.app).replica
    return page(
        request,
        "analyst/index.html",
        user,
        day=day,
        report_lang=chosen,
        report_languages=LANGUAGES,
        query=f"as_of={day.isoformat()}&report_lang={chosen}",
        replica_lag=None if replica is None else replica.replica_lag(),
        on_replica=replica is not None,
        funded=_funded_lines(request, session) if may(actor, Action.READ_OUTCOMES) else [],
    )


@router.get("/analyst/report.html", dependencies=[Depends(needs(Action.READ_PROGRAMME_FIGURES))])
def report_preview(
    request: Request,
    user: CurrentUser,
    session: ReadSide,
    as_of: str | None = None,
    report_lang: str | None = None,
) -> Response:
    """The report as HTML, every figure linked to the query and records behind it."""
    need(user, Action.READ_PROGRAMME_FIGURES)
    day = _as_of(as_of)
    lang = _report_lang(request, report_lang)
    html = report_page(session, day, lang, telemetry_of(request))
    return Response(html, media_type="text/html; charset=utf-8")


def report_page(session: Session, day: date, lang: str, telemetry: RollupReader | None) -> bytes:
    """The report page's HTML as at ``day`` in ``lang``: what the page sends, and what the
    server renders ahead of it (``web.report_warming``), so both keep the same parts."""
    return build_report(
        session, day, lang=lang, telemetry=telemetry, provenance=_csv(day, lang)
    ).content


def _csv(day: date, lang: str) -> str:
    """The provenance download's URL: the page links there for the record ids it only counts."""
    query = urlencode({"as_of": day.isoformat(), "report_lang": lang})
    return f"/analyst/report-provenance.csv?{query}"


@router.get("/analyst/report.pdf", dependencies=[Depends(needs(Action.READ_PROGRAMME_FIGURES))])
def report_pdf(
    request: Request,
    user: CurrentUser,
    session: ReadSide,
    as_of: str | None = None,
    report_lang: str | None = None,
) -> Response:
    """The report as a PDF file to download."""
    need(user, Action.READ_PROGRAMME_FIGURES)
    day = _as_of(as_of)
    lang = _report_lang(request, report_lang)
    built = build_report(
        session,
        day,
        lang=lang,
        fmt="pdf",
        telemetry=telemetry_of(request),
        provenance=_csv(day, lang),
    )
    name = f"reind-progress-report-{day.isoformat()}-{lang}.pdf"
    return Response(
        built.content,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get(
    "/analyst/report-provenance.csv", dependencies=[Depends(needs(Action.READ_PROGRAMME_FIGURES))]
)
def report_provenance_csv(
    request: Request,
    user: CurrentUser,
    session: ReadSide,
    as_of: str | None = None,
    report_lang: str | None = None,
) -> Response:
    """The PDF's companion: every figure's query, parameters and record ids, as CSV.

    (The companion HTML is the HTML report itself, whose appendix carries the same.)
    Only the figures are computed, with their records; not the report around them.
    """
    need(user, Action.READ_PROGRAMME_FIGURES)
    day = _as_of(as_of)
    lang = _report_lang(request, report_lang)
    name = f"{companion_name(day, lang)}.csv"
    return Response(
        provenance_csv(compute_all(session, day), lang),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
