"""The SME-centre enquiry desk: record, route, answer and count enquiries and seminars.

The four-in-one centres (since Oct 2019): SUCCESS (TID), SME Centre (HKTDC),
SME One (HKPC) and TecONE (HKSTP). An answer points to the schemes that fit
the enquirer, found by running each scheme's own rules on what is known.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reind.core.clock import Clock, SystemClock, hk_today
from reind.core.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
)
from reind.programme import audit
from reind.programme.actors import Actor
from reind.programme.desk.store import EnquiryRow, SeminarRow
from reind.programme.enterprises.fits import SchemeFit, schemes_that_fit
from reind.programme.enterprises.store import EnterpriseRow
from reind.programme.ids import new_id
from reind.programme.permissions import Action, ensure
from reind.programme.uow import flush
from reind.rules.engine import Engine


class Centre(StrEnum):
    """The four SME centres and who runs them."""

    SUCCESS = "success_tid"
    SME_CENTRE = "sme_centre_hktdc"
    SME_ONE = "sme_one_hkpc"
    TECONE = "tecone_hkstp"


CENTRE_NAMES = {
    Centre.SUCCESS: (
        "SUCCESS (Trade and Industry Department)",
        "中小企業支援與諮詢中心（工業貿易署）",
    ),
    Centre.SME_CENTRE: ("SME Centre (HKTDC)", "中小企服務中心（香港貿易發展局）"),
    Centre.SME_ONE: ("SME One (HKPC)", "中小企一站通（香港生產力促進局）"),
    Centre.TECONE: ("TecONE (HKSTP)", "TecONE（香港科技園公司）"),
}


@dataclass(frozen=True, slots=True)
class NewEnquiry:
    """A checked enquiry ready to store (``prepare_enquiry``), for either write path."""

    id: str
    received_at: datetime
    channel: str
    enterprise_id: str | None
    question: str
    profile: str
    enquirer_name: str = ""
    enquirer_contact: str = ""
    centre: None = None
    state: str = "received"
    answer_en: str = ""
    answer_zh: str = ""
    suggested_schemes: str = "[]"
    version: int = 1

    @property
    def audit_payload(self) -> dict[str, Any]:
        """What the ``enquiry.recorded`` event says."""
        return {"channel": self.channel}


def prepare_enquiry(
    actor: Actor,
    *,
    question: str,
    channel: str = "phone",
    profile: dict[str, Any] | None = None,
    enterprise_id: str | None = None,
    received_at: datetime | None = None,
    enquirer_name: str = "",
    enquirer_contact: str = "",
    clock: Clock | None = None,
) -> NewEnquiry:
    """Check an enquiry as it arrives at the desk; the values to store.

    The enquirer's name and contact are kept only to answer the enquiry
    (the purpose the desk states when it asks for them).
    """
    ensure(actor, Action.RECORD_ENQUIRIES)
    if not question.strip():
        raise InvalidInputError("an enquiry needs the question asked")
    return NewEnquiry(
        id=new_id(),
        received_at=received_at or (clock or SystemClock()).now(),
        channel=channel,
        enterprise_id=enterprise_id,
        question=question.strip(),
        profile=json.dumps(profile or {}, sort_keys=True),
        enquirer_name=enquirer_name.strip()[:200],
        enquirer_contact=enquirer_contact.strip()[:200],
    )


def record_enquiry(
    session: Session,
    actor: Actor,
    *,
    question: str,
    channel: str = "phone",
    profile: dict[str, Any] | None = None,
    enterprise_id: str | None = None,
    received_at: datetime | None = None,
    enquirer_name: str = "",
    enquirer_contact: str = "",
    clock: Clock | None = None,
) -> EnquiryRow:
    """Record an enquiry as it arrives at the desk."""
    ensure(actor, Action.RECORD_ENQUIRIES)
    new = prepare_enquiry(
        actor,
        question=question,
        channel=channel,
        profile=profile,
        enterprise_id=enterprise_id,
        received_at=received_at,
        enquirer_name=enquirer_name,
        enquirer_contact=enquirer_contact,
        clock=clock,
    )
    if new.enterprise_id is not None and session.get(EnterpriseRow, new.enterprise_id) is None:
        raise NotFoundError("no enterprise {enterprise_id}", enterprise_id=new.enterprise_id)
    row = EnquiryRow(
        id=new.id,
        received_at=new.received_at,
        channel=new.channel,
        centre=new.centre,
        state=new.state,
        enterprise_id=new.enterprise_id,
        question=new.question,
        enquirer_name=new.enquirer_name,
        enquirer_contact=new.enquirer_contact,
        profile=new.profile,
    )
    session.add(row)
    flush(session, "the enquiry")
    audit.record_at_commit(
        session, actor, "enquiry.recorded", "enquiry", row.id, new.audit_payload, clock
    )
    return row


def _enquiry(session: Session, enquiry_id: str) -> EnquiryRow:
    row = session.get(EnquiryRow, enquiry_id)
    if row is None:
        raise NotFoundError("no enquiry {enquiry_id}", enquiry_id=enquiry_id)
    return row


def route_enquiry(
    session: Session, enquiry_id: str, centre: Centre, actor: Actor, clock: Clock | None = None
) -> EnquiryRow:
    """Send an enquiry to one of the four centres."""
    ensure(actor, Action.RECORD_ENQUIRIES)
    row = _enquiry(session, enquiry_id)
    if row.state == "answered":
        raise ConflictError("an answered enquiry cannot be routed again")
    if row.centre == centre.value:
        raise ConflictError(
            f"the enquiry is already routed to {CENTRE_NAMES[centre][0]}",
            zh=f"此查詢已轉介至{CENTRE_NAMES[centre][1]}。",
        )
    row.centre, row.state = centre.value, "routed"
    flush(session, "the enquiry")
    audit.record_at_commit(
        session, actor, "enquiry.routed", "enquiry", row.id, {"centre": centre.value}, clock
    )
    return row


@dataclass(frozen=True, slots=True)
class Answer:
    """What an enquirer is told: the schemes that fit, in both languages, and their codes."""

    fits: tuple[SchemeFit, ...]
    suggested_schemes: str
    """The fitting schemes' codes, as JSON (the row's ``suggested_schemes``)."""
    en: str
    zh: str


def scheme_names(engine: Engine, codes: Iterable[str], lang: str) -> list[tuple[str, str]]:
    """Each scheme (by code) as a desk answer in ``lang`` names it: in English by the short
    name people use (``RFS``), in Chinese by its Chinese title, since a Chinese reader does
    not know the codes. The answer is written with these names and the enquiry's page links
    them, so both read them here."""
    schemes = [engine.scheme(code) for code in codes]
    return [(s.code, s.title(lang) if lang == "zh-Hant" else s.label) for s in schemes]


def answer_for(
    profile: dict[str, Any], on: date, engine: Engine, note_en: str = "", note_zh: str = ""
) -> Answer:
    """The answer to an enquirer with ``profile`` on ``on``: the schemes whose own rules find
    it fits (``schemes_that_fit``), in words. The one wording of a desk answer: the desk and
    the demo's seeded history both answer through it. A Chinese answer quotes each title
    「...」 as Chinese prose names a scheme (a title may hold 、 itself, as BUD's does)."""
    fits = tuple(schemes_that_fit(profile, on, engine))
    codes = [f.scheme for f in fits]
    en = ", ".join(name for _, name in scheme_names(engine, codes, "en"))
    zh = "、".join(f"「{name}」" for _, name in scheme_names(engine, codes, "zh-Hant"))
    return Answer(
        fits,
        json.dumps(codes),
        f"Schemes that may fit: {en or 'none of the schemes reind encodes'}. {note_en}".strip(),
        f"可能適合的資助計劃：{zh or '暫無'}。{note_zh}",
    )


def answer_enquiry(
    session: Session,
    enquiry_id: str,
    actor: Actor,
    *,
    note_en: str = "",
    note_zh: str = "",
    engine: Engine,
    clock: Clock | None = None,
) -> tuple[EnquiryRow, list[SchemeFit]]:
    """Answer an enquiry, pointing to the schemes the rules find fit the enquirer."""
    ensure(actor, Action.RECORD_ENQUIRIES)
    row = _enquiry(session, enquiry_id)
    if row.centre is None:
        raise ConflictError("route the enquiry to a centre before answering it")
    answer = answer_for(json.loads(row.profile), hk_today(clock), engine, note_en, note_zh)
    fits = list(answer.fits)
    row.suggested_schemes = answer.suggested_schemes
    row.answer_en, row.answer_zh = answer.en, answer.zh
    row.state = "answered"
    flush(session, "the enquiry")
    audit.record_at_commit(
        session,
        actor,
        "enquiry.answered",
        "enquiry",
        row.id,
        {"schemes": [f.scheme for f in fits]},
        clock,
    )
    return row, fits


def record_seminar(
    session: Session, centre: Centre, held_on: date, title: str, attendees: int, actor: Actor
) -> SeminarRow:
    """Record a seminar held by a centre."""
    ensure(actor, Action.RECORD_ENQUIRIES)
    if attendees < 0:
        raise InvalidInputError("attendees cannot be negative")
    row = SeminarRow(centre=centre.value, held_on=held_on, title=title, attendees=attendees)
    session.add(row)
    flush(session, "the seminar")
    audit.record_at_commit(
        session,
        actor,
        "seminar.recorded",
        "seminar",
        str(row.id),
        {"centre": centre.value, "attendees": attendees},
    )
    return row


def count_enquiries(session: Session, start: date, end: date) -> dict[str, int]:
    """Enquiries received from ``start`` to ``end`` (inclusive), by centre ("unrouted")."""
    rows = session.execute(
        select(EnquiryRow.centre, func.count())
        .where(
            func.date(EnquiryRow.received_at) >= start,
            func.date(EnquiryRow.received_at) <= end,
        )
        .group_by(EnquiryRow.centre)
    ).all()
    return {centre or "unrouted": int(n) for centre, n in rows}


def count_seminars(session: Session, start: date, end: date) -> dict[str, tuple[int, int]]:
    """(seminars, attendees) per centre from ``start`` to ``end``."""
    rows = session.execute(
        select(SeminarRow.centre, func.count(), func.sum(SeminarRow.attendees))
        .where(SeminarRow.held_on >= start, SeminarRow.held_on <= end)
        .group_by(SeminarRow.centre)
    ).all()
    return {centre: (int(n), int(total or 0)) for centre, n, total in rows}
