"""Open data: the programme's grants in the 360Giving Data Standard, true as at a date.

One grant per approved application (RFS projects supported by the vetting
committee; BUD, EMF and RTTP grants approved) by the ``as_of`` date, and
every amount as it stood then: the award is the last approval recorded by
that day, the amount disbursed the payments made by it (ledger entries, not
today's balance), ``plannedDates`` the agreement signed by it, and
``dateModified`` the last money movement by it. ``issued`` is the day the
file is published; the publisher is the body that publishes it and each
grant names its own funder. ``dataSource`` (the standard's web link to the
source of the data) is the address the publisher gives for the published
file (``--source-url``), also the package's ``downloadURL``; reind cannot
know where the file will be put, so without it neither is sent.

Identifiers (ADR 0075): no org-id.guide list covers Hong Kong's Business
Registration numbers or government departments, and the register does not
hold Companies Registry numbers (``HK-CR``), so organisations use the
360Giving prefix for organisations without a registered identifier:
``360G-HKSARG-BR-<BR number>`` for a recipient and ``360G-HKSARG-<dept>``
for a funder; ``companyNumber`` (a UK company number) is never sent. The
package validates against ``schemas/360-giving-package-schema.json``; the
official 1.4 schema is not shipped by any package on PyPI or npm, so that
file is written from the standard's documentation (see its description).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from reind.core.clock import HONG_KONG, hk_today
from reind.core.errors import InvalidInputError
from reind.core.sheets import write_csv
from reind.reporting.figures import end_of_day, statement

SCHEMA = Path(__file__).resolve().parent / "schemas" / "360-giving-package-schema.json"
PREFIX = "360G-HKSARG-"
BODIES = {
    "itc": (PREFIX + "ITC", "Innovation and Technology Commission"),
    "tid": (PREFIX + "TID", "Trade and Industry Department"),
}
"""The bodies that fund (and may publish): key -> (identifier, name)."""
PROGRAMMES = {
    "rfs": ("itc", "Re-industrialisation Funding Scheme"),
    "rttp": ("itc", "Re-industrialisation and Technology Training Programme"),
    "bud": ("tid", "Dedicated Fund on Branding, Upgrading and Domestic Sales"),
    "emf": ("tid", "SME Export Marketing Fund"),
}
IN_HONG_KONG = {"rfs", "rttp"}
"""Schemes whose funded work is done in Hong Kong (a new line here, training here)."""
LICENCE = "https://creativecommons.org/licenses/by/4.0/"
_GRANTS = (
    "SELECT a.reference, a.scheme, a.title, a.amount_requested_cents, l.approved_cents, "
    "(SELECT x.amount_cents FROM ledger_entries x WHERE x.application_id = a.id "
    "AND x.movement IN ('approved', 'approval_revised') AND x.recorded_at < :cutoff "
    "ORDER BY x.recorded_at DESC, x.id DESC LIMIT 1) AS awarded, "
    "(SELECT COALESCE(SUM(p.amount_cents), 0) FROM ledger_entries p WHERE p.application_id = a.id "
    "AND p.movement = 'disbursed' AND p.recorded_at < :cutoff) AS paid, "
    "(SELECT MAX(m.recorded_at) FROM ledger_entries m WHERE m.application_id = a.id "
    "AND m.recorded_at < :cutoff) AS modified, "
    "e.br_number, e.name_en, d.decided_on, "
    "(SELECT MIN(f.recorded_at) FROM ledger_entries f WHERE f.application_id = a.id "
    "AND f.movement = 'approved') AS approved_at, "
    "g.starts_on, g.ends_on "
    "FROM applications a JOIN enterprises e ON e.id = a.enterprise_id "
    "JOIN project_ledgers l ON l.application_id = a.id "
    "LEFT JOIN committee_decisions d ON d.application_id = a.id AND d.outcome = 'supported' "
    "LEFT JOIN agreements g ON g.application_id = a.id AND g.signed_on <= :as_of "
    "WHERE l.approved_cents > 0 AND ((d.decided_on IS NOT NULL AND d.decided_on <= :as_of) "
    "OR EXISTS (SELECT 1 FROM ledger_entries le WHERE le.application_id = a.id "
    "AND le.movement = 'approved' AND le.recorded_at < :cutoff)) ORDER BY a.reference"
)
CSV_COLUMNS = (
    "Identifier",
    "Title",
    "Description",
    "Currency",
    "Amount Applied For",
    "Amount Awarded",
    "Amount Disbursed",
    "Award Date",
    "Planned Dates:Start Date",
    "Planned Dates:End Date",
    "Planned Dates:Duration (months)",
    "Recipient Org:Identifier",
    "Recipient Org:Name",
    "Beneficiary Location:Name",
    "Beneficiary Location:Country Code",
    "Funding Org:Identifier",
    "Funding Org:Name",
    "Grant Programme:Code",
    "Grant Programme:Title",
    "Last modified",
    "Data Source",
)
"""Column titles of the 360Giving spreadsheet template, for the fields published."""


class OpenDataError(InvalidInputError):
    """The export cannot be written as asked (nothing to publish, a file in the way ...)."""

    code = "open_data"


def grants(session: Session, as_of: date) -> Iterator[dict[str, Any]]:
    """Each grant approved by ``as_of`` as a 360Giving grant object, as it stood that day."""
    rows = session.execute(statement(_GRANTS), {"as_of": as_of, "cutoff": end_of_day(as_of)}).all()
    for (
        ref,
        scheme,
        title,
        applied,
        approved_now,
        awarded,
        paid,
        modified,
        br,
        name,
        decided,
        approved_at,
        starts,
        ends,
    ) in rows:
        funder, programme = PROGRAMMES.get(scheme, ("itc", scheme.upper()))
        funder_id, funder_name = BODIES[funder]
        award = decided if decided is not None else _day(approved_at)
        grant: dict[str, Any] = {
            "id": PREFIX + ref,
            "title": title,
            "description": f"{programme}: {title}",
            "currency": "HKD",
            "amountAppliedFor": _dollars(applied),
            "amountAwarded": _dollars(awarded if awarded is not None else approved_now),
            "amountDisbursed": _dollars(paid),
            "awardDate": str(award)[:10],
            "recipientOrganization": [{"id": f"{PREFIX}BR-{br}", "name": name}],
            "fundingOrganization": [{"id": funder_id, "name": funder_name}],
            "grantProgramme": [{"code": scheme.upper(), "title": programme}],
        }
        if starts is not None and ends is not None:
            grant["plannedDates"] = [_planned(_date(starts), _date(ends))]
        if scheme in IN_HONG_KONG:
            grant["beneficiaryLocation"] = [{"name": "Hong Kong", "countryCode": "HK"}]
        if modified is not None:
            grant["dateModified"] = _moment(modified).astimezone(HONG_KONG).isoformat()
        yield grant


def package(
    session: Session,
    as_of: date,
    published: date,
    publisher: str | None = None,
    source_url: str | None = None,
) -> dict[str, Any]:
    """The 360Giving package of every grant approved by ``as_of``, published on ``published``.

    ``publisher`` is a key of ``BODIES``; without it, the one funder of every grant publishes.
    ``source_url`` is where the file is published: each grant's ``dataSource``.
    """
    if source_url is not None:
        _check_url(source_url)
    found = list(grants(session, as_of))
    if not found:
        raise OpenDataError(
            f"no grant was approved by {as_of.isoformat()}: there is nothing to publish",
            zh=f"{as_of.isoformat()} 或之前沒有批出的資助：沒有可發布的資料",
        )
    funders = sorted({g["fundingOrganization"][0]["id"] for g in found})
    if publisher is None:
        if len(funders) > 1:
            raise OpenDataError(
                f"the grants have several funders ({', '.join(funders)}): "
                f"name the publishing body with --publisher ({', '.join(BODIES)})",
                zh=f"資助來自多個資助機構（{', '.join(funders)}）：請以 --publisher 指明發布機構",
            )
        publisher = next(k for k, (i, _) in BODIES.items() if i == funders[0])
    if publisher not in BODIES:
        raise OpenDataError(f"--publisher must be one of {', '.join(BODIES)}, not {publisher!r}")
    identifier, name = BODIES[publisher]
    located: dict[str, str] = {}
    if source_url is not None:
        located["downloadURL"] = source_url
        for grant in found:
            grant["dataSource"] = source_url
    return {
        **located,
        "version": "1.4",
        "title": f"Hong Kong re-industrialisation grants as at {as_of.isoformat()}",
        "description": f"Grants approved by {as_of.isoformat()}, with every amount as at that day.",
        "issued": published.isoformat(),
        "publisher": {"identifier": identifier, "name": name},
        "license": LICENCE,
        "grants": found,
    }


def export(
    session: Session,
    as_of: date,
    directory: Path,
    *,
    published: date,
    publisher: str | None = None,
    source_url: str | None = None,
    force: bool = False,
    today: date | None = None,
) -> tuple[Path, Path, int]:
    """Write ``grants.json`` and ``grants.csv`` into ``directory``; returns paths and count.

    Amounts are only known as at a day that has passed, and a package cannot be
    published before the day its amounts are as at: either is refused.
    """
    now = today or hk_today()
    if as_of > now:
        raise OpenDataError(
            f"--as-of {as_of.isoformat()} is in the future (today is {now.isoformat()}): "
            "amounts are only known as at a day that has passed",
            zh=f"--as-of {as_of.isoformat()} 是將來的日期（今天是 {now.isoformat()}）："
            "只可發布截至已過日期的金額",
        )
    if published < as_of:
        raise OpenDataError(
            f"--published {published.isoformat()} is before the day its amounts are as at "
            f"({as_of.isoformat()})",
            zh=f"--published {published.isoformat()} 早於金額的截數日期（{as_of.isoformat()}）",
        )
    if directory.exists() and not directory.is_dir():
        raise OpenDataError(
            f"--out {directory} is a file; name a folder for grants.json and grants.csv",
            zh=f"--out {directory} 是檔案；請指定存放 grants.json 及 grants.csv 的資料夾",
        )
    json_path, csv_path = directory / "grants.json", directory / "grants.csv"
    there = [p.name for p in (json_path, csv_path) if p.exists()]
    if there and not force:
        raise OpenDataError(
            f"{directory} already has {' and '.join(there)}; give --force to replace them",
            zh=f"{directory} 已有 {'及'.join(there)}；如要取代，請加 --force",
        )
    data = package(session, as_of, published, publisher, source_url)
    directory.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    write_csv(csv_path, CSV_COLUMNS, (_csv_row(g) for g in data["grants"]))
    return json_path, csv_path, len(data["grants"])


def _csv_row(grant: dict[str, Any]) -> list[object]:
    recipient, funder = grant["recipientOrganization"][0], grant["fundingOrganization"][0]
    programme = grant["grantProgramme"][0]
    planned = grant.get("plannedDates", [{}])[0]
    place = grant.get("beneficiaryLocation", [{}])[0]
    return [
        grant["id"],
        grant["title"],
        grant["description"],
        grant["currency"],
        grant["amountAppliedFor"],
        grant["amountAwarded"],
        grant["amountDisbursed"],
        grant["awardDate"],
        planned.get("startDate", ""),
        planned.get("endDate", ""),
        planned.get("duration", ""),
        recipient["id"],
        recipient["name"],
        place.get("name", ""),
        place.get("countryCode", ""),
        funder["id"],
        funder["name"],
        programme["code"],
        programme["title"],
        grant.get("dateModified", ""),
        grant.get("dataSource", ""),
    ]


def schema() -> dict[str, Any]:
    """The JSON schema the package validates against."""
    value = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert isinstance(value, dict)
    return value


def _check_url(url: str) -> None:
    """A data source must be an absolute web address (the standard's ``format: uri``)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in url):
        raise OpenDataError(
            f"--source-url must be the web address the file is published at "
            f"(https://...), not {url!r}",
            zh=f"--source-url 須為發布檔案的網址（https://...），而非 {url!r}",
        )


def _planned(starts: date, ends: date) -> dict[str, Any]:
    months = (ends.year - starts.year) * 12 + ends.month - starts.month - (ends.day < starts.day)
    return {
        "startDate": starts.isoformat(),
        "endDate": ends.isoformat(),
        "duration": str(max(months, 0)),  # the official 1.4 schema's Event.duration is a string
    }


def _dollars(cents: int) -> float | int:
    amount = Decimal(int(cents)) / 100
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def _date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _moment(moment: datetime | str) -> datetime:
    """A stored UTC timestamp, aware (SQLite returns it as naive text)."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def _day(moment: datetime | str) -> date:
    """The Hong Kong date of a stored UTC timestamp."""
    return _moment(moment).astimezone(HONG_KONG).date()
