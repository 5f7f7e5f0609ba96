"""SME-centre history: 110,000-odd enquiries since the four-in-one centres opened
(October 2019) and their seminars.

Enquiries are a bulk import: each is routed to a centre and answered with
the schemes that fit its enquirer in the desk's own words (``answer_for``,
which runs ``schemes_that_fit``: the rules of every scheme), worked out once
per kind of enquirer and month and reused. Seminars go through
``record_seminar`` one by one.
"""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from reind.programme.actors import Actor, Role
from reind.programme.demo_data.bulk import (
    Batch,
    SimClock,
    day_between,
    hk_moment,
    seeded_id,
    write_batch,
)
from reind.programme.desk.services import Answer, Centre, answer_for, record_seminar
from reind.programme.desk.store import EnquiryRow
from reind.rules.engine import Engine

OFFICER = Actor("officer-sme-desk", Role.OFFICER)
OPENED, AS_AT, HORIZON = date(2019, 10, 1), date(2021, 8, 31), date(2021, 12, 31)
_PROFILES = (
    (
        "Which fund helps us join an exhibition in Germany?",
        {"employees_in_hk": 20, "manufacturing": True, "listed": False},
    ),
    (
        "Can we get funding to set up a smart production line?",
        {"employees": 60, "manufacturing": True, "incorporated_under": "cap622"},
    ),
    (
        "How do we apply for BUD funding for the Mainland market?",
        {"employees": 35, "manufacturing": True, "listed": False},
    ),
    (
        "Is there support for training our engineers in robotics?",
        {"employees": 80, "manufacturing": True},
    ),
    (
        "We want a consultant to adopt technology; what can help?",
        {"employees": 12, "manufacturing": False, "listed": False},
    ),
    (
        "How do we register a business and find a first loan?",
        {"employees": 3, "manufacturing": False},
    ),
)
_CHANNELS = ("phone", "phone", "email", "online", "walk_in")
_SEMINARS = (
    "Free trade agreements and ASEAN markets",
    "Smart production: where to start",
    "BUD Fund enhancements",
    "EMF special measures and online exhibitions",
    "RCEP and the manufacturing industry",
    "Technology Voucher Programme clinic",
    "Selling to the Greater Bay Area",
    "Re-industrialisation Funding Scheme briefing",
)


def generate(
    session: Session, rng: random.Random, clock: SimClock, engine: Engine, count: int = 112_400
) -> int:
    """Enquiries from October 2019 (``count`` by 31 August 2021, more after) and seminars."""
    # What a kind of enquirer is told in a month, worked out once by the desk's own answer.
    answers: dict[tuple[int, str], Answer] = {}
    profiles = [json.dumps(profile, sort_keys=True) for _, profile in _PROFILES]
    centres = list(Centre)
    rows: list[dict[str, Any]] = []
    later = count // 25
    for n in range(count + later):
        day = (
            day_between(rng, OPENED, AS_AT)
            if n < count
            else day_between(rng, AS_AT + timedelta(days=1), HORIZON)
        )
        kind = rng.randrange(len(_PROFILES))
        month = f"{day:%Y-%m}"
        answer = answers.get((kind, month))
        if answer is None:
            answer = answers[(kind, month)] = answer_for(
                _PROFILES[kind][1], day.replace(day=1), engine
            )
        rows.append(
            {
                "id": seeded_id(rng),
                "received_at": hk_moment(day, rng.randrange(9, 18), rng.randrange(60)),
                "channel": rng.choice(_CHANNELS),
                "centre": rng.choice(centres).value,
                "state": "answered",
                "enterprise_id": None,
                "question": _PROFILES[kind][0],
                "profile": profiles[kind],
                "suggested_schemes": answer.suggested_schemes,
                "answer_en": answer.en,
                "answer_zh": answer.zh,
                "version": 1,
            }
        )
    batch = Batch("sme_centre_enquiries", engine.rules_version)
    batch.add(EnquiryRow.__table__, rows)  # type: ignore[arg-type]
    clock.at(HORIZON, 20)
    write_batch(session, batch, clock)
    seminar_days = sorted(day_between(rng, date(2019, 11, 1), date(2021, 8, 25)) for _ in range(16))
    seminar_days += [date(2021, 9, 24), date(2021, 11, 19)]
    for number, day in enumerate(seminar_days):
        clock.at(day, 15)
        record_seminar(
            session,
            centres[number % 4],
            day,
            _SEMINARS[number % len(_SEMINARS)],
            rng.randrange(40, 260),
            OFFICER,
        )
    return len(rows)
