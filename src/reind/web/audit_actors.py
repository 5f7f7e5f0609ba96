"""Who the auditor's "actor" names: a person's e-mail or name resolved to the ids they act as.

An auditor knows a person by name or e-mail address, not by the account id
the log records. The audit log page and its API both narrow by the ids this
resolves (``audit_subjects`` does the same for what events are about); an id
typed as it is still works, and the system's own work is found by the word
the log shows it by ("system", 系統). A text that names nobody is refused in
words, so an empty list is never mistaken for "they did nothing".
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from reind.core.errors import NotFoundError
from reind.programme.accounts.staff import actor_ids_named
from reind.programme.actors import SYSTEM, Role
from reind.programme.audit.lists import has_actor

_WORDS = Role.SYSTEM.as_words
SYSTEM_WORDS = frozenset(w.casefold() for w in (SYSTEM.id, _WORDS.en, _WORDS.zh or "") if w)
"""The words the log shows the system's own work by (imports, batch work), in either language."""


def actor_ids(session: Session, text: str) -> tuple[str, ...]:
    """The actor ids ``text`` names: an account's e-mail (any case) or exact display name, the
    system by its word, or any other text the actor with that id. NotFoundError when it names
    nobody."""
    wanted = text.strip()
    named = actor_ids_named(session, wanted)
    if named:
        return named
    if wanted.casefold() in SYSTEM_WORDS:
        return (SYSTEM.id,)
    if has_actor(session, wanted):
        return (wanted,)
    raise NotFoundError(
        "No one named {actor}",
        zh="沒有名為 {actor} 的使用者",
        actor=wanted,
    )
