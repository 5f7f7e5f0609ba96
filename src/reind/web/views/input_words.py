"""A scheme's inputs in words: each field's label, each choice's name, each answer's text.

The calculator, the application form, the officer's case and the committee's
pre-read all show the same inputs; they take their words from here, so a
field reads "Total project cost (HK$)" (or its Chinese) everywhere instead of
``total_cost``. The English texts are msgids, translated in the catalogue;
a field's help is its model's description, translated the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal

from reind.core.errors import ReindError
from reind.core.money import Money

INPUT_LABELS = {
    "activity": "Activity",
    "amount": "Amount (HK$)",
    "category": "Kind of cost",
    "connected_enterprise": "Approved to a connected enterprise",
    "courses_this_fy": "Courses already funded this financial year",
    "degree": "Degree",
    "monthly_pay": "Monthly pay (HK$)",
    "months": "Months",
    "non_local_degree": "Degree from outside Hong Kong",
    "ongoing": "Still running",
    "permanent_resident": "Hong Kong permanent resident",
    "related_entity": "Approved to a related entity",
    "relevant_background": "Relevant background",
    "top100_institution": "Degree from a top-100 institution",
    "activity_ended": "The activity has ended",
    "applicant_status": "Applicant's status",
    "application_deadline": "University's application deadline",
    "approved_expenditure": "Approved expenditure (HK$)",
    "approved_on": "Approved on",
    "audit_fee": "Audit fee (HK$)",
    "business_registration": "Registered under the Business Registration Ordinance (Cap. 310)",
    "company_registered_on": "Company registered on",
    "cost_lines": "Budget lines",
    "course_fee": "Course fee per trainee (HK$)",
    "course_registered_on": "Course registered on",
    "course_start": "Course starts on",
    "cp_investment": "Partner's investment in this deal (HK$)",
    "cp_place_of_business_in_hk": "Partner has a place of business in Hong Kong",
    "cp_remaining_capital": "Partner fund's remaining committed capital (HK$)",
    "cp_remaining_fund_life_years": "Partner fund's remaining life (years)",
    "duration_months": "Project duration (months)",
    "eligible_spending": "Company's own eligible spending (HK$)",
    "employees": "Number of employees",
    "employees_in_hk": "Number of employees in Hong Kong",
    "enterprise_contribution": "Enterprise's contribution (HK$)",
    "financial_year": "Financial year",
    "fund_form": "Legal form of the fund",
    "government_subvented": "Government-subvented organisation",
    "hk_company_share": "Share committed to Hong Kong companies",
    "hk_ecosystem_share": "Share committed to the Hong Kong I&T ecosystem",
    "host_project_months": "Host project's duration (months)",
    "host_scheme": "Host project's scheme",
    "incorporated_under": "Incorporated under",
    "incurred": "Expenditure by the date it was incurred",
    "incurred_on": "Incurred on",
    "industry": "Strategic industry",
    "ineligible_costs": "Costs in your budget that the scheme does not fund (HK$)",
    "investee_hk_spend_share": "Share investees must spend in Hong Kong",
    "investee_local": "Investee based in Hong Kong",
    "led_by_rd_centre": "Led by an R&D centre",
    "listed": "Listed company",
    "manufacturing": "Manufacturing enterprise",
    "kind": "Type of expenditure",
    "market": "Target market",
    "market_capital": "Capital raised from the market (HK$)",
    "new_entity_setup_costs": "Costs of setting up a new business entity (HK$)",
    "new_line_in_hong_kong": "Will the project set up a new production line in Hong Kong?",
    "organiser_related": "Related to the activity's organiser",
    "original_project_actual_cost": "Actual cost of the original ITF project (HK$)",
    "original_project_completed": "Original ITF project completed",
    "prior_approvals": "Earlier approvals",
    "prior_grants": "Earlier grants",
    "prior_in_investee": "Earlier investments in this investee",
    "prior_with_cp": "Earlier investments alongside this partner",
    "private_investment": "Private investment secured (HK$)",
    "programme": "Programme",
    "project_type": "Kind of project",
    "proposer": "Proposed by",
    "provider_years_experience": "Course provider's years of experience",
    "received": "Application received on",
    "registered_under": "Registered under",
    "registration": "Registration",
    "requested": "Amount requested (HK$)",
    "sector": "Target sector",
    "smart_manufacturing": "Will the new line use smart manufacturing technology?",
    "sme_track": "Applying under the SME track",
    "staff_costs": "Staff costs (HK$)",
    "startup_funding": "Funding received by the start-up",
    "stream": "Stream",
    "substantive_business_in_hk": "Substantive business in Hong Kong",
    "substantive_operations_in_hk": "Substantive operations in Hong Kong",
    "subvented": "Government-subvented body",
    "talents": "Research talents",
    "talents_already_engaged": "Research talents already engaged",
    "team_from_university": "Team from the university",
    "total_cost": "Total project cost (HK$)",
    "track": "Track",
    "trainees": "Trainees",
    "trial_cost": "Cost of the trial (HK$)",
    "type_a": "Type A expenditure (HK$)",
    "type_b": "Type B expenditure (HK$)",
    "university": "University",
    "university_approvals": "University's earlier approvals",
    "university_internal_cap": "University's own cap (HK$)",
    "year_of_assessment": "Year of assessment",
}
"""Each scheme input's label, and the fields of the lists it holds (msgids); a test holds every
scheme's fields to this table."""

CHOICE_WORDS = {
    "asean": "ASEAN",
    "bachelor": "Bachelor's degree",
    "cap310": "Business Registration Ordinance (Cap. 310)",
    "cap32": "Companies Ordinance before 2014 (Cap. 32)",
    "cap622": "Companies Ordinance (Cap. 622)",
    "cap637_limited_partnership": "Limited partnership fund (Cap. 637)",
    "co_investment_partner": "Co-investment partner",
    "easy": "BUD Easy",
    "ecommerce_easy": "E-commerce Easy",
    "fta": "Economies with a free trade agreement",
    "general": "General",
    "ippa": "Economies with an investment promotion agreement",
    "itf": "Innovation and Technology Fund",
    "mainland": "Mainland China",
    "master": "Master's degree",
    "nias": "New Industrialisation Acceleration Scheme",
    "o": "TSSSU-O",
    "other": "Other",
    "phd": "Doctoral degree",
    "plus": "TSSSU+",
    "spc": "Science park and Cyberport companies",
    "startup": "Start-up",
    "statutory_body": "Statutory body",
}
"""The choices of the inputs' closed lists, in words (msgids)."""


def choice_label(code: str) -> str:
    """The msgid naming choice ``code`` (the code itself when it has no words yet)."""
    return CHOICE_WORDS.get(code, code)


def input_label(name: str) -> str:
    """The msgid labelling input ``name`` (spelled out when a new field has none yet)."""
    return INPUT_LABELS.get(name, name.replace("_", " ").capitalize())


def answer_text(
    value: object, gettext: Callable[[str], str], words: Mapping[str, str] | None = None
) -> str:
    """A stored answer as a person reads it: Yes/No, HK$ amounts, choices in words, lists as lines.

    Amounts come stored as text ("500000.00") or numbers; a field is shown as
    money by its label ("(HK$)"), which the caller passes through
    :func:`field_answer`.
    """
    known = words or CHOICE_WORDS
    if value is True:
        return gettext("Yes")
    if value is False:
        return gettext("No")
    if value is None or value == "":
        return gettext("None")
    if isinstance(value, list):
        return "; ".join(answer_text(item, gettext, known) for item in value) or gettext("None")
    if isinstance(value, dict):
        return ", ".join(
            f"{gettext(input_label(str(key)))}: {field_answer(str(key), item, gettext, known)}"
            for key, item in value.items()
        )
    text = str(value)
    return gettext(known[text]) if text in known else text


def field_answer(
    name: str, value: object, gettext: Callable[[str], str], words: Mapping[str, str] | None = None
) -> str:
    """``value`` answered to input ``name``: amounts as HK$, anything else as words."""
    if _is_money(name) and isinstance(value, (str, int, float, Decimal)) and value != "":
        try:
            return str(Money.of(str(value)))
        except (ReindError, ArithmeticError, ValueError):
            return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return answer_text(value, gettext, words)


def _is_money(name: str) -> bool:
    return "(HK$)" in INPUT_LABELS.get(name, "")
