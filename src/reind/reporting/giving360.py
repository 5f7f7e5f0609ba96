"""Open data: the programme's grants in the 360Giving Data Standard (JSON and CSV).

One grant per approved application (RFS projects supported by the vetting
committee; BUD, EMF and RTTP grants approved), as at a date. Identifiers:
grants are ``360G-HKSARG-<reference>``; recipients ``HK-BRN-<BR number>``
(the Business Registration number; the org-id.guide list code for Hong
Kong registers must be confirmed before publishing); funders the
administering department. The package validates against
``schemas/360-giving-package-schema.json`` (written from the standard's
documentation, see its description).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from reind.core.clock import HONG_KONG
from reind.reporting.figures import end_of_day, statement

SCHEMA = Path(__file__).resolve().parent / "schemas" / "360-giving-package-schema.json"
PREFIX = "360G-HKSARG-"
FUNDERS = {
    "rfs": (
        "HK-GOV-ITC",
        "Innovation and Technology Commission",
        "Re-industrialisation Funding Scheme",
    ),
    "rttp": (
        "HK-GOV-ITC",
        "Innovation and Technology Commission",
        "Re-industrialisation and Technology Training Programme",
    ),
    "bud": (
        "HK-GOV-TID",
        "Trade and Industry Department",
        "Dedicated Fund on Branding, Upgrading and Domestic Sales",
    ),
    "emf": ("HK-GOV-TID", "Trade and Industry Department", "SME Export Marketing Fund"),
}
_GRANTS = (
    "SELECT a.reference, a.scheme, a.title, a.amount_requested_cents, l.approved_cents, "
    "l.disbursed_cents, e.br_number, e.name_en, d.decided_on, le.recorded_at "
    "FROM applications a JOIN enterprises e ON e.id = a.enterprise_id "
    "JOIN project_ledgers l ON l.application_id = a.id "
    "LEFT JOIN committee_decisions d ON d.application_id = a.id AND d.outcome = 'supported' "
    "LEFT JOIN ledger_entries le ON le.application_id = a.id AND le.movement = 'approved' "
    "WHERE l.approved_cents > 0 AND ((d.decided_on IS NOT NULL AND d.decided_on <= :as_of) "
    "OR (le.recorded_at IS NOT NULL AND le.recorded_at < :cutoff)) ORDER BY a.reference"
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
    "Recipient Org:Identifier",
    "Recipient Org:Name",
    "Recipient Org:Company Number",
    "Funding Org:Identifier",
    "Funding Org:Name",
    "Grant Programme:Code",
    "Grant Programme:Title",
)


def grants(session: Session, as_of: date) -> Iterator[dict[str, Any]]:
    """Each grant approved by ``as_of`` as a 360Giving grant object."""
    rows = session.execute(statement(_GRANTS), {"as_of": as_of, "cutoff": end_of_day(as_of)})
    for ref, scheme, title, applied, awarded, paid, br, name, decided, approved_at in rows:
        funder_id, funder, programme = FUNDERS.get(scheme, ("HK-GOV", "HKSAR Government", scheme))
        award = decided if decided is not None else _day(approved_at)
        yield {
            "id": PREFIX + ref,
            "title": title,
            "description": f"{programme}: {title}",
            "currency": "HKD",
            "amountAppliedFor": _dollars(applied),
            "amountAwarded": _dollars(awarded),
            "amountDisbursed": _dollars(paid),
            "awardDate": str(award)[:10],
            "recipientOrganization": [{"id": f"HK-BRN-{br}", "name": name, "companyNumber": br}],
            "fundingOrganization": [{"id": funder_id, "name": funder}],
            "grantProgramme": [{"code": scheme.upper(), "title": programme}],
        }


def package(session: Session, as_of: date) -> dict[str, Any]:
    """The 360Giving package of every grant approved by ``as_of``."""
    return {
        "version": "1.4",
        "title": f"Hong Kong re-industrialisation grants as at {as_of.isoformat()}",
        "issued": as_of.isoformat(),
        "publisher": {"identifier": "HK-GOV-ITC", "name": "Innovation and Technology Commission"},
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "grants": list(grants(session, as_of)),
    }


def export(session: Session, as_of: date, directory: Path) -> tuple[Path, Path, int]:
    """Write ``grants.json`` and ``grants.csv`` into ``directory``; returns paths and count."""
    directory.mkdir(parents=True, exist_ok=True)
    data = package(session, as_of)
    json_path = directory / "grants.json"
    json_path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    csv_path = directory / "grants.csv"
    with csv_path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        for grant in data["grants"]:
            recipient, funder = grant["recipientOrganization"][0], grant["fundingOrganization"][0]
            programme = grant["grantProgramme"][0]
            writer.writerow(
                [
                    grant["id"],
                    grant["title"],
                    grant["description"],
                    grant["currency"],
                    grant["amountAppliedFor"],
                    grant["amountAwarded"],
                    grant["amountDisbursed"],
                    grant["awardDate"],
                    recipient["id"],
                    recipient["name"],
                    recipient["companyNumber"],
                    funder["id"],
                    funder["name"],
                    programme["code"],
                    programme["title"],
                ]
            )
    return json_path, csv_path, len(data["grants"])


def schema() -> dict[str, Any]:
    """The JSON schema the package validates against."""
    value = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert isinstance(value, dict)
    return value


def _dollars(cents: int) -> float | int:
    amount = Decimal(int(cents)) / 100
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def _day(moment: datetime | str) -> date:
    """The Hong Kong date of a stored UTC timestamp (SQLite returns it as naive text)."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(HONG_KONG).date()
