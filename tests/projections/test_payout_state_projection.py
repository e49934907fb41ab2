"""The payout-state projection: incremental catch-up equals a rebuild from position 0."""

from __future__ import annotations

import uuid

import hypothesis.strategies as st
import sqlalchemy as sa
from hypothesis import given, settings

from ledger import (
    CallbackUrlBuilder,
    EventStore,
    OutcomeUnknown,
    PayoutInstruction,
    PayoutService,
    PayoutStatus,
    Rejected,
)
from ledger.deliveries import record_callback
from projections import PayoutStateProjection, catch_up, get_payout, list_payouts, rebuild
from projections.payouts import payout_state
from tests.ledger.fakes import FakeGateway, failure, success, timeout
from tests.ledger.test_deliveries import raw

OPS = st.lists(
    st.tuples(
        st.integers(0, 3),  # which payout
        st.sampled_from(
            [
                "send",
                "send_unknown",
                "send_rejected",
                "success",
                "failure",
                "timeout",
                "dup",
                "catch_up",
            ]
        ),
    ),
    max_size=25,
)


def snapshot(store: EventStore, prefix: str) -> list[tuple[object, ...]]:
    with store.engine.connect() as conn:
        rows = conn.execute(
            sa.select(payout_state)
            .where(payout_state.c.ocid.startswith(prefix))
            .order_by(payout_state.c.ocid)
        ).all()
    return [tuple(r) for r in rows]


def test_incremental_equals_rebuilt(store: EventStore) -> None:
    gateway = FakeGateway()
    service = PayoutService(store, gateway, CallbackUrlBuilder("https://x.example"))
    projection = PayoutStateProjection()

    @settings(max_examples=20)
    @given(ops=OPS)
    def run(ops: list[tuple[int, str]]) -> None:
        prefix = f"p{uuid.uuid4().hex[:8]}-"
        for n, (i, op) in enumerate(ops):
            ocid = f"{prefix}{i}"
            if op.startswith("send"):
                if op == "send_unknown":
                    gateway.outcomes[ocid] = OutcomeUnknown("read_timeout", "")
                elif op == "send_rejected":
                    gateway.outcomes[ocid] = Rejected(400, "400.002.02", "Invalid PartyB", "r")
                service.send_payout(
                    PayoutInstruction(ocid, "SalaryPayment", 100 + i, "254700000001", "Pay")
                )
            elif op == "catch_up":
                catch_up(store, projection, page_size=3)
            else:
                parsed = {
                    "success": success(ocid, receipt=f"R{i}", delivery=f"{n}"),
                    "dup": success(ocid, receipt=f"R{i}", delivery=f"{n}"),
                    "failure": failure(ocid, delivery=f"{n}"),
                    "timeout": timeout(ocid, delivery=f"{n}"),
                }[op]
                route = "timeout" if op == "timeout" else "result"
                record_callback(store, raw(route=route, delivery_id=f"{prefix}{n}"), ocid, parsed)
        catch_up(store, projection, page_size=4)
        incremental = snapshot(store, prefix)
        rebuild(store, projection, page_size=7)
        assert snapshot(store, prefix) == incremental
        # and the rows say what folding each stream says
        for i in range(4):
            expected = service.get(f"{prefix}{i}")
            with store.engine.connect() as conn:
                assert get_payout(conn, f"{prefix}{i}") == expected

    run()


def test_list_and_filter(store: EventStore) -> None:
    service = PayoutService(store, FakeGateway(), CallbackUrlBuilder("https://x.example"))
    for i in range(3):
        service.send_payout(PayoutInstruction(f"o{i}", "SalaryPayment", 100, "254700000001", "Pay"))
    record_callback(store, raw(), "o1", success("o1"))
    projection = PayoutStateProjection()
    assert catch_up(store, projection) > 0
    assert catch_up(store, projection) == 0  # nothing new: nothing applied twice
    assert [
        p.originator_conversation_id for p in list_payouts(store, status=PayoutStatus.SUCCEEDED)
    ] == ["o1"]
    assert len(list(list_payouts(store))) == 3


def test_an_event_type_this_code_does_not_know_does_not_stop_projections(store: EventStore) -> None:
    import datetime as dt
    import uuid as uuid_mod

    service = PayoutService(store, FakeGateway(), CallbackUrlBuilder("https://x.example"))
    service.send_payout(PayoutInstruction("u1", "SalaryPayment", 100, "254700000001", "Pay"))
    with store.engine.begin() as conn:  # written by a newer version of the program
        conn.execute(
            sa.text(
                "INSERT INTO events (stream_id, version, event_type, data, metadata, event_id,"
                " recorded_at) VALUES ('future-1', 1, 'future.thing', '{}', '{}', :i, :t)"
            ),
            {
                "i": uuid_mod.uuid4().hex if store.dialect == "sqlite" else str(uuid_mod.uuid4()),
                "t": dt.datetime(2024, 1, 1),
            },
        )
    service.send_payout(PayoutInstruction("u2", "SalaryPayment", 100, "254700000001", "Pay"))
    catch_up(store, PayoutStateProjection())
    assert {p.originator_conversation_id for p in list_payouts(store)} == {"u1", "u2"}


def test_catching_up_together_in_small_pages_finishes_and_matches(store: EventStore) -> None:
    import threading

    from projections.catalogue import all_projections
    from projections.runner import catch_up_together

    service = PayoutService(store, FakeGateway(), CallbackUrlBuilder("https://x.example"))
    for i in range(7):
        service.send_payout(PayoutInstruction(f"t{i}", "SalaryPayment", 100, "254700000001", "Pay"))
    projections = all_projections()  # the statement projection finds no event of its types
    done: list[int] = []
    worker = threading.Thread(
        target=lambda: done.append(catch_up_together(store, projections, page_size=2))
    )
    worker.start()
    worker.join(timeout=120)
    assert done, "catch-up did not finish"
    assert {p.originator_conversation_id for p in list_payouts(store)} == {
        f"t{i}" for i in range(7)
    }
    last = store.last_position()
    assert all(store.projection_position(p.name) == last for p in projections)
