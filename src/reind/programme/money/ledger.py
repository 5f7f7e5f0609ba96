"""The money position of one project, and the rules it may never break.

Plain domain object: every operation returns a new ``Ledger`` or raises a
ConflictError naming the invariant, so the same checks run in unit tests,
property tests and the service that persists the ledger::

    0 <= disbursed <= claims approved <= claimed <= committed <= approved grant

Amounts are ``Money`` (integer cents), so every comparison is exact.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction

from reind.core.errors import ConflictError, InvalidInputError, Words
from reind.core.money import Money

_ZH = {
    "0": "零",
    "disbursed": "已付款額",
    "claims approved": "已批准申領額",
    "claimed": "已申領額",
    "committed": "已承擔額",
    "approved grant": "批出資助額",
}
"""Each figure of the ledger's invariant chain in Chinese, for the refusal that names it."""


@dataclass(frozen=True, slots=True)
class Ledger:
    """Applied, approved, committed, claimed, approved claims and disbursed, for one project."""

    applied: Money = Money(0)
    approved: Money = Money(0)
    committed: Money = Money(0)
    claimed: Money = Money(0)
    claims_approved: Money = Money(0)
    disbursed: Money = Money(0)

    @property
    def available(self) -> Money:
        """What may still be claimed: committed less claimed."""
        return self.committed - self.claimed

    @property
    def payable(self) -> Money:
        """Approved claims not yet paid."""
        return self.claims_approved - self.disbursed

    def check(self) -> Ledger:
        """This ledger if every invariant holds, else ConflictError naming the first broken."""
        chain = [
            ("0", Money(0)),
            ("disbursed", self.disbursed),
            ("claims approved", self.claims_approved),
            ("claimed", self.claimed),
            ("committed", self.committed),
            ("approved grant", self.approved),
        ]
        for (low_name, low), (high_name, high) in zip(chain, chain[1:], strict=False):
            if low > high:
                raise ConflictError(
                    "{low_name} ({low}) would exceed {high_name} ({high})",
                    low_name=Words(low_name, low_name, _ZH[low_name]),
                    low=low,
                    high_name=Words(high_name, high_name, _ZH[high_name]),
                    high=high,
                    invariant=f"{low_name} <= {high_name}",
                )
        return self

    def apply(self, amount: Money) -> Ledger:
        """Record the amount requested in the application."""
        _positive_or_zero(amount, "amount applied for")
        return replace(self, applied=amount).check()

    def approve(self, grant: Money) -> Ledger:
        """Set the approved grant (it cannot drop below what is already committed)."""
        _positive_or_zero(grant, "approved grant")
        return replace(self, approved=grant).check()

    def commit(self, amount: Money) -> Ledger:
        """Commit ``amount`` (the agreement's grant) out of the approved grant."""
        _positive_or_zero(amount, "commitment")
        return replace(self, committed=amount).check()

    def claim(self, amount: Money) -> Ledger:
        """A claim of ``amount`` is submitted."""
        _positive(amount, "claim")
        if amount > self.available:
            raise ConflictError(
                "a claim of {amount} is more than the {available} still available (committed "
                "{committed}, already claimed {claimed})",
                amount=amount,
                available=self.available,
                committed=self.committed,
                claimed=self.claimed,
                invariant="claimed <= committed",
            )
        return replace(self, claimed=self.claimed + amount).check()

    def drop_claim(self, amount: Money) -> Ledger:
        """A submitted claim of ``amount`` is rejected or withdrawn before approval."""
        _positive(amount, "claim")
        return replace(self, claimed=self.claimed - amount).check()

    def approve_claim(self, amount: Money) -> Ledger:
        """Finance approves a claim of ``amount``."""
        _positive(amount, "claim")
        return replace(self, claims_approved=self.claims_approved + amount).check()

    def disburse(self, amount: Money) -> Ledger:
        """``amount`` is paid against approved claims."""
        _positive(amount, "disbursement")
        if amount > self.payable:
            raise ConflictError(
                "paying {amount} is more than the {payable} approved and unpaid",
                amount=amount,
                payable=self.payable,
                invariant="disbursed <= claims approved",
            )
        return replace(self, disbursed=self.disbursed + amount).check()


def _positive(amount: Money, what: str) -> None:
    if amount.cents <= 0:
        raise InvalidInputError(
            "a {what} must be more than HK$0.00, not {amount}", what=what, amount=amount
        )


def _positive_or_zero(amount: Money, what: str) -> None:
    if amount.is_negative():
        raise InvalidInputError("the {what} cannot be negative: {amount}", what=what, amount=amount)


def check_enterprise_cap(others: Money, new: Money, cap: Money | None, scheme: str) -> None:
    """Refuse a commitment that takes the enterprise group past the scheme's cumulative cap."""
    if cap is None:
        return
    if others + new > cap:
        raise ConflictError(
            "{scheme}: committing {new} on top of {others} already committed to the enterprise "
            "and its connected enterprises exceeds the cumulative cap of {cap}",
            scheme=scheme.upper(),
            new=new,
            others=others,
            cap=cap,
            invariant="group commitments <= enterprise cap",
        )


def attendance_ok(attended: int, sessions: int, minimum: Fraction) -> bool:
    """True when ``attended`` of ``sessions`` is at least ``minimum`` (RTTP: the
    ``rttp.min_attendance`` parameter in force, 7/10 since 2018)."""
    if sessions <= 0:
        return False
    return Fraction(attended, sessions) >= minimum
