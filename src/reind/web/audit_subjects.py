"""What the auditor's "subject" names: a reference or BR number resolved to the records' ids.

An auditor holds a case's reference (``BUD-1905-00028``) or an enterprise's
BR number, not a database id. The audit log page and its API both narrow by
the ids this resolves; an id typed as it is still works. A text that names
no record is refused in words ("no record with reference X"), so an empty
list is never mistaken for "nothing happened".
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from reind.core.errors import NotFoundError
from reind.programme.accounts.staff import names_of
from reind.programme.applications import views as application_views
from reind.programme.audit.lists import has_subject
from reind.programme.committee import views as committee_views
from reind.programme.enterprises import views as enterprise_views
from reind.programme.money import views as money_views


def subject_ids(session: Session, text: str) -> tuple[str, ...]:
    """The ids of the records ``text`` names: an application's reference gives the case and
    its claims (a claim is named by its case's reference), a BR number its enterprise, any
    other text the record with that id. NotFoundError when it names none."""
    wanted = text.strip()
    application_id = application_views.id_of_reference(session, wanted)
    if application_id is not None:
        return (application_id, *money_views.claim_ids_of(session, application_id))
    enterprise_id = enterprise_views.id_of_br_number(session, wanted)
    if enterprise_id is not None:
        return (enterprise_id,)
    if has_subject(session, wanted):
        return (wanted,)
    raise NotFoundError(
        "No record with reference {reference}",
        zh="沒有參考編號為 {reference} 的記錄",
        reference=wanted,
    )


def references_of(session: Session, subjects: set[tuple[str, str]], lang: str) -> dict[str, str]:
    """The reference each listed subject is known by, by id: a case by its reference, a claim
    by its case's (the log showed a claim as a truncated id), an enterprise by its BR number,
    an account by its holder's name (the log showed "User 01a2505c-bdcc…"), a committee by
    its name in ``lang``."""
    claims = money_views.applications_of_claims(
        session, {i for kind, i in subjects if kind == "claim"}
    )
    cases = {i for kind, i in subjects if kind == "application"} | set(claims.values())
    known = application_views.references_of(session, cases)
    named = {i: known[a] for i, a in claims.items() if a in known}
    firms = enterprise_views.by_ids(session, {i for kind, i in subjects if kind == "enterprise"})
    people = names_of(session, {i for kind, i in subjects if kind == "user"})
    boards = committee_views.committees_by_ids(
        session, {i for kind, i in subjects if kind == "committee"}
    )
    titled = {i: c.name(lang) for i, c in boards.items()}
    return {**known, **named, **{i: e.br_number for i, e in firms.items()}, **people, **titled}
