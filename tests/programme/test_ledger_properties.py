"""Property tests: no sequence of money movements breaks the ledger's invariants."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from reind.core.errors import ConflictError, InvalidInputError
from reind.core.money import Money
from reind.programme.money.ledger import Ledger, attendance_ok, check_enterprise_cap

SEVEN_TENTHS = Fraction(7, 10)
"""RTTP's minimum attendance (``rttp.min_attendance``) since 2018."""

amounts = st.integers(min_value=-5, max_value=2_000_000_000).map(Money)
operations = st.lists(
    st.tuples(
        st.sampled_from(["approve", "commit", "claim", "drop_claim", "approve_claim", "disburse"]),
        amounts,
    ),
    max_size=60,
)


def _holds(ledger: Ledger) -> bool:
    return (
        Money(0)
        <= ledger.disbursed
        <= ledger.claims_approved
        <= ledger.claimed
        <= ledger.committed
        <= ledger.approved
    )


@settings(max_examples=300, deadline=None)
@given(operations)
def test_no_sequence_of_movements_breaks_the_invariants(ops: list[tuple[str, Money]]) -> None:
    ledger = Ledger()
    paid = Money(0)
    for name, amount in ops:
        try:
            ledger = getattr(ledger, name)(amount)
            if name == "disburse":
                paid += amount
        except (ConflictError, InvalidInputError):
            pass  # refused: the ledger is unchanged
        assert _holds(ledger)
        assert ledger.disbursed == paid
        assert ledger.disbursed <= ledger.committed <= ledger.approved


@given(st.integers(0, 10**12), st.integers(0, 10**12), st.integers(0, 10**12))
def test_the_enterprise_cap_is_never_exceeded(others: int, new: int, cap: int) -> None:
    try:
        check_enterprise_cap(Money(others), Money(new), Money(cap), "rfs")
    except ConflictError:
        assert others + new > cap
    else:
        assert others + new <= cap


@given(st.integers(0, 200), st.integers(1, 200))
def test_rttp_attendance_needs_seventy_percent_exactly(attended: int, sessions: int) -> None:
    assert attendance_ok(attended, sessions, SEVEN_TENTHS) == (attended * 10 >= sessions * 7)


def test_seven_of_ten_sessions_is_enough_and_six_is_not() -> None:
    assert attendance_ok(7, 10, SEVEN_TENTHS) and not attendance_ok(6, 10, SEVEN_TENTHS)
