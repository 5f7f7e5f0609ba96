"""Codes in words: audit events, rule parameters and the codes their values hold.

An officer reading a case's history should read "Screening passed, by a
programme officer, with the note ...", not ``application.transitioned``;
a screening trace should name "Government share of the total approved
project cost", not ``rfs.matching_share``, and "Companies Ordinance
(Cap. 622)", not ``cap622``. The English texts here are msgids (translated
in the catalogue); parameter descriptions come bilingual from their YAML.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Protocol

from markupsafe import Markup, escape

from reind.core.clock import to_hk
from reind.programme.applications.services import CATEGORY_WORDS
from reind.programme.applications.workflow import Workflow
from reind.rules.engine import Engine
from reind.rules.parameters import ParameterSet
from reind.schemes.emf import ACTIVITY_WORDS
from reind.web.i18n import translations
from reind.web.views.input_words import CHOICE_WORDS, field_answer, input_label
from reind.web.views.pages import ROLE_NAMES

CATEGORY_LABELS = CATEGORY_WORDS
"""Plain names for cost categories (translated on the page); others are spelled out."""


def category_label(code: str) -> str:
    """The plain English name of a cost category (the msgid of its translation)."""
    known = CATEGORY_LABELS.get(code) or CODE_WORDS.get(code)
    return known or code.replace("_", " ").capitalize()


EVENT_WORDS = {
    "application.created": "Application started",
    "application.updated": "Application changed",
    "application.cost_line_added": "Cost line added",
    "application.document_attached": "Document attached",
    "claim.document_attached": "Evidence attached to a claim",
    "agreement.report_document_attached": "Document attached to a report",
    "application.screened": "Screening rules run",
    "application.transitioned": "Moved on",
    "application.imported": "Imported from the old system",
    "committee.decided": "Committee decided",
    "committee.scored": "Committee member scored",
    "committee.conflict_declared": "Conflict of interest declared",
    "committee.meeting_scheduled": "Meeting scheduled",
    "money.approved": "Grant approved",
    "money.committed": "Grant committed by agreement",
    "money.claimed": "Claim submitted",
    "money.claim_approved": "Claim approved",
    "money.claim_rejected": "Claim not approved",
    "money.disbursed": "Paid",
    "claim.officer_approved": "Claim checked by an officer",
    "claim.imported": "Claim imported from the old system",
    "agreement.milestone_achieved": "Milestone achieved",
    "agreement.report_submitted": "Report submitted",
    "enquiry.recorded": "Enquiry recorded",
    "enquiry.routed": "Enquiry routed to a centre",
    "enquiry.answered": "Enquiry answered",
    "enquiry.imported": "Enquiry imported from the old system",
    "enterprise.registered": "Enterprise registered",
    "enterprise.updated": "Enterprise details changed",
    "enterprise.contact_added": "Contact added",
    "enterprise.connected": "Connected enterprise recorded",
    "account.user_added": "User added",
    "account.user_deactivated": "User deactivated",
    "account.password_changed": "Password changed",
    "account.token_issued": "API token issued",
    "account.token_revoked": "API token revoked",
    "funded_line.linked": "Production line linked to the project",
    "funded_line.baseline_declared": "Baseline declared",
    "import.bulk_historic": "Historic records imported",
    "account.session_revoked": "Session ended",
    "account.sessions_ended": "Signed out everywhere",
    "account.role_changed": "Role changed",
    "agreement.report_accepted": "Report accepted",
    "application.received_corrected": "Received date corrected",
    "committee.created": "Committee set up",
    "committee.member_appointed": "Committee member appointed",
    "committee.placed_on_agenda": "Put on a meeting's agenda",
    "committee.scores_voided": "Committee scores set aside",
    "itvf.partner_added": "Co-investment partner added",
    "money.itvf_invested": "Co-investment made",
    "money.tsssu_granted": "Start-up grant made",
    "seminar.recorded": "Seminar recorded",
    "application.assigned": "Case assigned",
    "application.assessor_released": "Assessor taken off the case",
}
"""Each audit event kind in words (msgids)."""
DUTY_WORDS = {"officer": "case officer", "assessor": "assessor"}
"""The duty a case is assigned with, in words (msgids)."""

CODE_WORDS = {
    **{code: CHOICE_WORDS[code] for code in ("cap622", "cap310", "cap32")},
    "machinery_equipment": "Machinery and equipment",
    "life_health_technology": "life and health technology",
    "ai_data_science": "artificial intelligence and data science",
    "advanced_manufacturing_new_energy": "advanced manufacturing and new energy technology",
    "itf_project": "an ITF project",
    "partnership_with_designated_institute": "a partnership with a research institute",
    "branding": "Branding",
    "upgrading_restructuring": "Upgrading and restructuring",
    "sales_promotion": "Sales promotion",
    "audit_fee": "Audit fee",
    "online_sales_platform": "Online sales platform",
    "staff_costs": "Staff costs",
    "new_entity_setup": "Setting up a new business entity",
    "additional_items_2020": "Items added in 2020",
    "new_entity_professional_fees": "Professional fees for a new business entity",
    "green_transformation": "Green transformation",
    **ACTIVITY_WORDS,
    "organiser": "Organiser",
    "co_organiser": "Co-organiser",
    "service_provider": "Service provider",
    "hkstp_incubatee": "Science Park incubatees",
    "hkstp_graduate": "Science Park incubation graduates",
    "cyberport_incubatee": "Cyberport incubatees",
    "cyberport_graduate": "Cyberport incubation graduates",
    "overheads": "Overheads",
    "maintenance": "Maintenance",
    "insurance": "Insurance",
    "rent": "Rent",
    "staff_salaries": "Staff salaries",
    "general_expenses": "General expenses",
    "furniture_equipment": "Furniture and equipment",
    "legal_accounting": "Legal and accounting fees",
    "research_development": "Research and development",
    "promotion_marketing": "Promotion and marketing",
    "other": "Other",
    "hku": "The University of Hong Kong",
    "cuhk": "The Chinese University of Hong Kong",
    "cityu": "City University of Hong Kong",
    "hkust": "The Hong Kong University of Science and Technology",
    "hkbu": "Hong Kong Baptist University",
    "polyu": "The Hong Kong Polytechnic University",
}
"""Codes that appear in rule values, in words (msgids)."""

_CODE = re.compile(r"[a-z][a-z0-9_]*")
_WHOLE_VALUES = {
    "yes": "Yes",
    "no": "No",
    "True": "Yes",  # a live estimate's trace holds the rule's own booleans
    "False": "No",
    "(ended)": "No longer in force",
    "pilot": "A pilot programme",
    "regular": "A regular programme",
    **{
        name: name
        for name in (
            "New Industrialisation Acceleration Scheme (NIAS)",
            "Re-industrialisation Funding Scheme (RFS)",
            "New Industrialisation Funding Scheme (NIFS)",
            "Re-industrialisation and Technology Training Programme (RTTP)",
            "New Industrialisation and Technology Training Programme (NITTP)",
        )
    },
}
"""Values ``show_value`` writes in English words, read whole (msgids)."""

ROLE_WORDS = {role.value: name for role, name in ROLE_NAMES.items()}
"""Each role's value in words (msgids)."""


@dataclass(frozen=True, slots=True)
class HistoryLine:
    """One event of a case's history, in the reader's language."""

    when: str
    what: str
    who: str
    note: str
    name: str = ""  # the person's name, where the reader may know it (staff pages)


class RecordedEvent(Protocol):
    """An audit event as a read gives it (``EventView``, or a line of the audit log)."""

    @property
    def recorded_at(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def payload(self) -> str: ...
    @property
    def actor(self) -> str: ...


def history(
    events: Sequence[RecordedEvent],
    workflow: Workflow,
    lang: str,
    names: Mapping[str, str] | None = None,
) -> list[HistoryLine]:
    """The events about a case as lines: what happened, by whom (name and role), with any note.

    ``names`` (actor id to display name) is given where the reader may see who
    acted; without it a line names the role only.

    ``what`` and ``who`` are msgids (or a transition's labels, already in
    ``lang``): the template translates them.
    """
    lines = []
    for event in events:
        what = EVENT_WORDS.get(event.kind, event.kind)
        note = ""
        try:
            payload = json.loads(event.payload)
        except ValueError:
            payload = {}
        if event.kind == "application.transitioned" and isinstance(payload, dict):
            before, after = str(payload.get("from", "")), str(payload.get("to", ""))
            if before in workflow.states and after in workflow.states:
                was, now = (
                    workflow.label(before, "staff", lang),
                    workflow.label(after, "staff", lang),
                )
                what = f"{was} → {now}"
            note = str(payload.get("note") or "")
        elif event.kind == "application.assigned" and isinstance(payload, dict):
            gettext = translations(lang).gettext
            person = str(payload.get("name") or payload.get("to") or "")
            what = escape(gettext("Case assigned to %(name)s as %(duty)s")) % {
                "name": Markup('<span translate="no">%s</span>') % person,  # a name, typed data
                "duty": gettext(DUTY_WORDS.get(str(payload.get("duty")), "case officer")),
            }
            note = str(payload.get("reason") or "")
        elif event.kind == "committee.decided" and isinstance(payload, dict):
            note = str(payload.get("reasons_zh" if lang.startswith("zh") else "reasons_en") or "")
        elif isinstance(payload, dict) and payload.get("reason"):
            note = str(payload["reason"])
        who = ROLE_WORDS.get(event.role, event.role)
        name = (names or {}).get(event.actor, "")
        lines.append(HistoryLine(event.recorded_at[:16].replace("T", " "), what, who, note, name))
    return lines


def _moment(recorded_at: str) -> datetime:
    moment = datetime.fromisoformat(recorded_at)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def case_history(
    events: Sequence[RecordedEvent],
    workflow: Workflow,
    lang: str,
    names: Mapping[str, str] | None = None,
) -> list[HistoryLine]:
    """A case's history as the people on the case read it: in the order things happened.

    The chain keeps events in the order they were recorded, and a submission
    entered later with the date it was received (back-dated) sits after
    events that happened after it; read in that order the history said the
    case was screened before it was submitted. Here each line takes its
    place by its date (events of the same moment keep the chain's order),
    and its time is Hong Kong time, as the page says. The audit log keeps
    the chain's order and UTC (``history``).
    """
    ordered = sorted(events, key=lambda event: _moment(event.recorded_at))
    lines = history(ordered, workflow, lang, names)
    return [
        replace(line, when=to_hk(_moment(event.recorded_at)).strftime("%Y-%m-%d %H:%M"))
        for event, line in zip(ordered, lines, strict=True)
    ]


def parameter_words(parameters: ParameterSet, key: str, lang: str) -> str:
    """A traced parameter (``rfs.matching_share``) as its description in ``lang``."""
    scheme, _, name = key.partition(".")
    try:
        return parameters.get(scheme, name).description(lang)
    except Exception:  # noqa: BLE001 - an unknown key is shown as it is, never an error page
        return key


def value_words(text: object, gettext: Callable[[str], str]) -> str:
    """A traced value with each known code (``cap622``) replaced by its words.

    Lists of codes lose their Python punctuation: ``('cap622',)`` reads
    "Companies Ordinance (Cap. 622)".
    """
    plain = str(text)
    if plain in _WHOLE_VALUES:
        return gettext(_WHOLE_VALUES[plain])
    if plain.startswith("(") and plain.endswith(")") and "'" in plain:
        plain = ", ".join(part.strip(" '") for part in plain[1:-1].split(",") if part.strip(" '"))
    known = {**CHOICE_WORDS, **CATEGORY_LABELS, **CODE_WORDS}
    return _CODE.sub(
        lambda m: gettext(known[m.group(0)]) if m.group(0) in known else m.group(0), plain
    )


def words_for(engine: Engine, lang: str) -> dict[str, object]:
    """The helpers a page's template uses to put codes in words."""
    gettext = translations(lang).gettext
    return {
        "parameter_words": lambda key: parameter_words(engine.parameters, key, lang),
        "value_words": lambda text: value_words(text, gettext),
        "input_label": lambda name: gettext(input_label(name)),
        "answer": lambda name, value: field_answer(name, value, gettext),
    }
