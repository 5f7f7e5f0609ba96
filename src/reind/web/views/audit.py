"""The auditor's screen: the audit log searched, each event in words, the chain checked.

The log is read a keyset page at a time (``audit.lists``), narrowed by
subject, actor, kind and dates. Checking the chain walks every event, so it
runs when the auditor asks (``?verify=1``), with the signed checkpoints kept
outside the database. The same filters export the log as CSV, read a page
at a time without counting and streamed as it is read (``events.csv``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session
from starlette.responses import Response, StreamingResponse

from reind.core.errors import NotFoundError
from reind.core.paging import Page, sort_named
from reind.programme.accounts.staff import names_of
from reind.programme.actors import SYSTEM, Role
from reind.programme.applications.workflow import workflow_for
from reind.programme.audit import views as audit_views
from reind.programme.audit.lists import (
    SORTS,
    AuditFilters,
    AuditItem,
    audit_event_pages,
    list_audit_events,
)
from reind.programme.permissions import Action
from reind.web.audit_actors import actor_ids
from reind.web.audit_subjects import references_of, subject_ids
from reind.web.auth import CurrentUser, needs
from reind.web.deps import StreamedUnitOfWork, UnitOfWork, platform_of
from reind.web.i18n import negotiate, translations
from reind.web.views.lists import base_url, day, sort_of
from reind.web.views.pages import PageRoute, need, page
from reind.web.views.words import EVENT_WORDS, ROLE_WORDS, history

router = APIRouter(route_class=PageRoute, include_in_schema=False)

SUBJECT_WORDS = {
    "application": "Application",
    "claim": "Claim",
    "enquiry": "Enquiry",
    "enterprise": "Enterprise",
    "user": "User",
    "meeting": "Meeting",
    "committee": "Committee",
    "agreement": "Agreement",
    "seminar": "Seminar",
    "import": "Import",
    "bulk_import": "Import",  # the historic records loaded in bulk (``import.bulk_historic``)
}
"""What an event is about, in words (msgids)."""
EXPORT_PAGE = 1000
"""Events read per query while exporting (and sent as one piece of the stream)."""


def _filters(request: Request, session: Session) -> AuditFilters:
    """The filters asked for; NotFoundError when the subject names no record or the actor
    nobody."""
    params = request.query_params
    subject = (params.get("subject") or "").strip()
    actor = (params.get("actor") or "").strip()
    return AuditFilters(
        kind=params.get("kind") or None,
        actors=actor_ids(session, actor) if actor else (),
        subject_ids=subject_ids(session, subject) if subject else (),
        recorded_from=day(request, "from"),
        recorded_to=day(request, "to"),
    )


def actor_names(session: Session, actor_ids: set[str], lang: str) -> dict[str, str]:
    """Each of ``actor_ids`` as the log names it to the auditor in ``lang``: a person by the
    display name of the account they act as, the system by its role's word (System, 系統).
    An id no account holds is left out (the page shows the id). The page and its CSV both
    name actors here, so the file says who acted as the screen does."""
    names = names_of(session, actor_ids - {SYSTEM.id})
    if SYSTEM.id in actor_ids:
        names[SYSTEM.id] = translations(lang).gettext(ROLE_WORDS[Role.SYSTEM.value])
    return names


WHOLE_SUBJECTS = frozenset({"application", "claim", "enterprise"})
"""Subjects shown by a reference or BR number, kept on one line (RFS-DEMO-0005 broke at its
hyphens in a narrow column); names of people and committees wrap at their spaces."""

SORT_LABELS = {"-seq": "Newest first", "seq": "Oldest first"}
"""The log's orderings (``audit.lists.SORTS``) in words (msgids of their translations)."""


@router.get("/audit", dependencies=[Depends(needs(Action.READ_AUDIT_TRAIL))])
def audit_log(request: Request, user: CurrentUser, session: UnitOfWork) -> Response:
    """The audit log, newest first, a page at a time; the chain checked on request."""
    need(user, Action.READ_AUDIT_TRAIL)
    lang = negotiate(request)
    sort = sort_of(request, "-seq")
    unknown = unknown_field = None
    try:
        filters = _filters(request, session)
    except NotFoundError as exc:  # said in words, not an empty list read as "nothing happened"
        unknown = exc.localized(lang, translations(lang).gettext)
        unknown_field = "actor" if "actor" in exc.fields else "subject"  # the field to mark
        filters = AuditFilters()
        events: Page[AuditItem] = Page([], 0, None, 0)
    else:
        cursor = request.query_params.get("cursor")
        events = list_audit_events(session, filters, sort=sort, cursor=cursor)
    lines = history(events.items, workflow_for("rfs"), lang)
    state = None
    if request.query_params.get("verify"):
        platform = platform_of(request.app)
        state = audit_views.audit_state(session, platform.audit_checkpoints, platform.audit_key)
    query = request.url.query
    return page(
        request,
        "audit/index.html",
        user,
        status_code=200,
        events=events,
        rows=list(zip(events.items, lines, strict=True)),
        filters=filters,
        subject=(request.query_params.get("subject") or "").strip(),
        actor=(request.query_params.get("actor") or "").strip(),
        unknown=unknown,
        unknown_field=unknown_field,
        sort=sort,
        sorts=SORT_LABELS,
        kinds=EVENT_WORDS,
        base=base_url(request),
        export=f"/audit/events.csv?{query}" if query else "/audit/events.csv",
        state=state,
        subject_words=SUBJECT_WORDS,
        whole=WHOLE_SUBJECTS,
        # who and what, as the auditor knows them: people by name, cases by reference
        names=actor_names(session, {e.actor for e in events.items}, lang),
        system=SYSTEM.id,
        references=references_of(
            session, {(e.subject_type, e.subject_id) for e in events.items}, lang
        ),
    )


def _csv_rows(session: Session, filters: AuditFilters, sort: str, lang: str) -> Iterator[bytes]:
    """The export as UTF-8 (a BOM first, for Excel), a page of events at a time.

    Each actor is named as the page names them (``actor_names``), their id kept
    beside; a name is read the first time its actor turns up, so the export
    reads names once per actor, never once per event.
    """
    out = io.StringIO()
    writer = csv.writer(out)
    header = ["seq", "recorded_at", "actor", "actor_id", "role", "kind", "what"]
    writer.writerow([*header, "subject_type", "subject_id", "payload"])
    yield ("\ufeff" + _drained(out)).encode("utf-8")
    gettext = translations(lang).gettext
    names: dict[str, str] = {}
    seen: set[str] = set()
    workflow = workflow_for("rfs")
    for chunk in audit_event_pages(session, filters, size=EXPORT_PAGE, sort=sort):
        new = {item.actor for item in chunk} - seen
        if new:
            names |= actor_names(session, new, lang)
            seen |= new
        for item, line in zip(chunk, history(chunk, workflow, lang), strict=True):
            who = names.get(item.actor, item.actor)
            fixed = [item.seq, item.recorded_at, who, item.actor, item.role, item.kind]
            writer.writerow(
                [*fixed, gettext(line.what), item.subject_type, item.subject_id, item.payload]
            )
        yield _drained(out).encode("utf-8")


def _drained(out: io.StringIO) -> str:
    """What ``out`` holds, leaving it empty for the next piece of the stream."""
    text = out.getvalue()
    out.seek(0)
    out.truncate()
    return text


@router.get("/audit/events.csv", dependencies=[Depends(needs(Action.READ_AUDIT_TRAIL))])
def export(request: Request, user: CurrentUser, session: StreamedUnitOfWork) -> Response:
    """The audit events the filters select, in the page's order (newest first unless it asks
    ``sort=seq``), as CSV (UTF-8 with a BOM for Excel).

    Streamed a page at a time as it is read, through a session that stays open
    until the last byte is sent (``StreamedUnitOfWork``): the whole log is
    120,000 events and more, and was once joined into one string first.
    """
    need(user, Action.READ_AUDIT_TRAIL)
    filters = _filters(request, session)
    sort = sort_of(request, "-seq")
    sort_named(SORTS, sort)  # an unknown ordering is refused now, not half-way through the file
    return StreamingResponse(
        _csv_rows(session, filters, sort, negotiate(request)),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="audit-events.csv"'},
    )
