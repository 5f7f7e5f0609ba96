"""The split of edge nodes between gateways, without a broker (ADR 0182)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from reind.factory.ingest.sharing import Heard, Overheard, Share, owner_of

members_st = st.sets(st.text("abcdefgh", min_size=1, max_size=4), min_size=2, max_size=6)
nodes_st = st.lists(st.tuples(st.sampled_from(["g1", "g2"]), st.text("xyz0123", min_size=1,
                    max_size=5)), min_size=1, max_size=40, unique=True)  # fmt: skip


@given(members_st, nodes_st)
def test_a_member_leaving_moves_only_its_own_nodes(
    members: set[str], nodes: list[tuple[str, str]]
) -> None:
    leaving = sorted(members)[0]
    rest = members - {leaving}
    for node in nodes:
        before, after = owner_of(node, members), owner_of(node, rest)
        assert before in members and after in rest
        if before != leaving:
            assert after == before


@given(members_st, nodes_st)
def test_every_member_computes_the_same_owner_whatever_the_order(
    members: set[str], nodes: list[tuple[str, str]]
) -> None:
    for node in nodes:
        assert owner_of(node, sorted(members)) == owner_of(node, sorted(members, reverse=True))


def settle(share: Share, *others: str) -> None:
    for member in (*others, share.roster.me):
        share.roster.heard_announcement(member, True)
    for member in (*others, share.roster.me):
        share.roster.heard_state(member, True)


def test_a_gateway_owns_nothing_until_it_hears_its_own_state_online_after_its_entry() -> None:
    share = Share("fleet", "a", window_ms=1000)
    share.roster.heard_announcement("a", True)
    assert share.reassign([("g", "n")]) == [] and not share.owns(("g", "n"))
    share.roster.heard_state("a", True)
    assert [t.node for t in share.reassign([("g", "n")])] == [("g", "n")]
    assert share.owns(("g", "n"))


def test_every_member_counts_a_joiner_live_at_the_same_message_whichever_comes_last() -> None:
    """The joiner's STATE online (its first message, Sparkplug's
    tck-id-host-topic-phid-birth-message) and its roster entry, in either order (a crashed
    member's entry is still retained): the joiner and a running member agree on the
    members after every message of the one stream, and both add it at the later one."""
    nodes = [("g", f"n{i}") for i in range(30)]
    for own in (["state", "entry"], ["entry", "state"]):
        joiner, running = Share("fleet", "a", window_ms=1000), Share("fleet", "b", window_ms=1000)
        settle(running)
        running.reassign(nodes)
        joiner.roster.heard_announcement("b", True)  # b's retained entry and STATE
        joiner.roster.heard_state("b", True)
        for step, message in enumerate(own):
            for share in (joiner, running):
                if message == "state":
                    share.roster.heard_state("a", True)
                else:
                    share.roster.heard_announcement("a", True)
                share.reassign(nodes)
            expected = {"a", "b"} if step == len(own) - 1 else {"b"}
            assert running.members == expected, (own, step)
            assert joiner.roster.settled == (step == len(own) - 1), (own, step)
            if joiner.roster.settled:
                assert joiner.members == expected
                assert all(joiner.owns(n) != running.owns(n) for n in nodes)


def test_a_dead_members_nodes_are_replayed_births_first_but_a_joiners_are_not() -> None:
    nodes = [("g", f"n{i}") for i in range(30)]
    share = Share("fleet", "a", window_ms=1000)
    settle(share, "b")
    share.reassign(nodes)
    theirs = [n for n in nodes if not share.owns(n)]
    assert theirs
    node = theirs[0]
    share.overheard.other(node, Heard("old-session", b"", 100))  # a new NBIRTH ends it
    share.overheard.birth(node, Heard("nbirth", b"", 150), node_birth=True)
    share.overheard.other(node, Heard("data-1", b"", 200))
    share.overheard.birth(node, Heard("dbirth", b"", 250), node_birth=False)
    share.overheard.other(node, Heard("data-2", b"", 300))
    share.roster.heard_state("b", False)  # b's Will
    takeovers = {t.node: t for t in share.reassign(nodes)}
    assert set(takeovers) == set(theirs)
    assert [h.topic for h in takeovers[node].replay] == ["nbirth", "dbirth", "data-1", "data-2"]
    share.roster.heard_announcement("c", True)
    share.roster.heard_state("c", True)  # c joins: it takes some of ours, we take none
    assert share.reassign(nodes) == []
    assert any(not share.owns(n) for n in nodes)


def test_overheard_messages_older_than_the_window_are_dropped_but_births_kept() -> None:
    log = Overheard(window_ms=1000)
    node = ("g", "n")
    log.birth(node, Heard("nbirth", b"", 0), node_birth=True)
    for at in range(0, 3000, 100):
        log.other(node, Heard(f"d{at}", b"", at))
    replay = [h.topic for h in log.take(node)]
    assert replay[0] == "nbirth" and replay[1] == "d1900" and replay[-1] == "d2900"
