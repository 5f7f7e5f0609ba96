"""Enterprises: registration rules (plain domain), the register's services and its tables.

May import ``programme.audit``, ``programme.actors``, ``rules`` (``fits``: which
schemes fit an enterprise), ``core``.
"""

from reind.programme.enterprises.profile import (
    SME_MANUFACTURING_LIMIT,
    SME_OTHER_LIMIT,
    EnterpriseProfile,
    Incorporation,
    Industry,
    is_sme,
    normalise_br_number,
    parse_choice,
)
from reind.programme.enterprises.registry import (
    add_contact,
    connect_enterprises,
    connected_group,
    contacts,
    find_enterprise,
    get_enterprise,
    register_enterprise,
)

__all__ = [
    "EnterpriseProfile",
    "Incorporation",
    "Industry",
    "SME_MANUFACTURING_LIMIT",
    "SME_OTHER_LIMIT",
    "add_contact",
    "connect_enterprises",
    "connected_group",
    "contacts",
    "find_enterprise",
    "get_enterprise",
    "is_sme",
    "normalise_br_number",
    "parse_choice",
    "register_enterprise",
]
