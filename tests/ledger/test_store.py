"""The event store's conformance suite: every test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
import sqlalchemy as sa

from ledger import (
    ANY,
    NO_STREAM,
    ConcurrencyError,
    CorruptEventError,
    DuplicateIdempotencyKeyError,
    EventIdConflictError,
    EventStore,
    NewEvent,
    SerializationError,
    UnknownEventTypeError,
)
from tests.ledger.sample_events import Deposited, Floaty, Noted, Unregistered


def test_versions_start_at_one_and_positions_increase(store: EventStore) -> None:
    first = store.append("acct-1", [Deposited("a", 10), Deposited("a", 20)], NO_STREAM)
    second = store.append("acct-2", [Deposited("b", 5)], NO_STREAM)
    third = store.append("acct-1", [Deposited("a", 30)], expected_version=2)
    assert first.version == 2 and second.version == 1 and third.version == 3
    positions = [*first.positions, *second.positions, *third.positions]
    assert positions == sorted(positions) and len(set(positions)) == 4
    stream = store.read_stream("acct-1")
    assert [e.version for e in stream] == [1, 2, 3]
    assert [e.event.amount for e in stream] == [10, 20, 30]
    assert [e.position for e in store.read_all()] == positions
    assert store.stream_version("acct-1") == 3
    assert store.stream_version("nope") == 0
    assert store.read_stream("nope") == []
    assert store.last_position() == positions[-1]


def test_read_stream_from_version(store: EventStore) -> None:
    store.append("s", [Deposited("a", i) for i in range(5)], NO_STREAM)
    assert [e.event.amount for e in store.read_stream("s", from_version=4)] == [3, 4]


def test_wrong_expected_version_writes_nothing(store: EventStore) -> None:
    store.append("s", [Deposited("a", 1)], NO_STREAM)
    with pytest.raises(ConcurrencyError) as err:
        store.append("s", [Deposited("a", 2), Deposited("a", 3)], expected_version=0)
    assert err.value.actual == 1 and "version" in str(err.value)
    with pytest.raises(ConcurrencyError):
        store.append("s", [Deposited("a", 2)], NO_STREAM)
    with pytest.raises(ConcurrencyError):
        store.append("s", [Deposited("a", 2)], expected_version=5)
    assert [e.event.amount for e in store.read_stream("s")] == [1]
    store.append("s", [Deposited("a", 2)], ANY)
    assert store.stream_version("s") == 2


def test_appends_to_several_streams_are_all_or_nothing(store: EventStore) -> None:
    store.append("b", [Deposited("b", 1)], NO_STREAM)
    with pytest.raises(ConcurrencyError), store.transaction() as tx:
        tx.append("a", [Deposited("a", 1)], NO_STREAM)
        tx.append("b", [Deposited("b", 2)], NO_STREAM)  # b exists: the whole transaction fails
    assert store.read_stream("a") == []
    with store.transaction() as tx:
        ra = tx.append("a", [Deposited("a", 1)], NO_STREAM)
        rb = tx.append("b", [Deposited("b", 2)], expected_version=1)
    assert (ra.version, rb.version) == (1, 2)
    assert rb.positions[0] == ra.positions[0] + 1


def test_reappending_the_same_event_ids_is_a_no_op(store: EventStore) -> None:
    batch = [NewEvent(Deposited("a", 1)), NewEvent(Deposited("a", 2))]
    first = store.append("s", batch, NO_STREAM)
    again = store.append("s", batch, NO_STREAM)  # a retry after a lost reply
    assert again.duplicate and again.positions == first.positions and again.version == 2
    assert len(list(store.read_all())) == 2
    assert [e.event_id for e in store.read_stream("s")] == [b.event_id for b in batch]


def test_same_event_id_with_other_content_is_an_error(store: EventStore) -> None:
    event_id = uuid.uuid4()
    store.append("s", [NewEvent(Deposited("a", 1), event_id=event_id)])
    with pytest.raises(EventIdConflictError, match="different content"):
        store.append("s", [NewEvent(Deposited("a", 999), event_id=event_id)])
    with pytest.raises(EventIdConflictError, match="different content"):
        store.append("other", [NewEvent(Deposited("a", 1), event_id=event_id)])
    with pytest.raises(EventIdConflictError, match="stored whole"):
        store.append("s", [NewEvent(Deposited("a", 1), event_id=event_id), Deposited("a", 2)])
    assert len(list(store.read_all())) == 1


def test_idempotency_key_is_enforced_and_keeps_the_transaction_usable(store: EventStore) -> None:
    store.append("payout-1", [Deposited("a", 1)], idempotency_key="delivery-1")
    with pytest.raises(DuplicateIdempotencyKeyError) as err:
        store.append("payout-1", [Deposited("a", 2)], idempotency_key="delivery-1")
    assert err.value.position == 1
    with store.transaction() as tx:
        with pytest.raises(DuplicateIdempotencyKeyError):
            tx.append("payout-1", [Deposited("a", 3)], idempotency_key="delivery-1")
        tx.append("payout-1", [Deposited("a", 4)])  # e.g. record the repeat delivery instead
    assert [e.event.amount for e in store.read_stream("payout-1")] == [1, 4]


def test_database_refuses_update_and_delete(store: EventStore) -> None:
    store.append("s", [Deposited("a", 1)])
    for sql in ("UPDATE events SET stream_id = 'x'", "DELETE FROM events"):
        with pytest.raises(sa.exc.DBAPIError, match="immutable"), store.engine.begin() as conn:
            conn.exec_driver_sql(sql)
    if store.dialect == "postgresql":
        with pytest.raises(sa.exc.DBAPIError, match="immutable"), store.engine.begin() as conn:
            conn.exec_driver_sql("TRUNCATE events")
    assert [e.event.amount for e in store.read_stream("s")] == [1]


def test_read_all_pages_after_and_limit(store: EventStore) -> None:
    for i in range(10):
        store.append(f"s-{i % 3}", [Deposited("a", i)])
    everything = list(store.read_all(page_size=3))
    assert [e.event.amount for e in everything] == list(range(10))
    assert [e.event.amount for e in store.read_all(after=everything[6].position, page_size=2)] == [
        7,
        8,
        9,
    ]
    assert [e.event.amount for e in store.read_all(limit=4, page_size=3)] == [0, 1, 2, 3]
    noted_at = datetime(2024, 7, 6, 22, 48, tzinfo=UTC)
    store.append("n", [Noted("x", Decimal("1.00"), noted_at)])
    assert [e.event_type for e in store.read_all(event_types=["test.noted"])] == ["test.noted"]


def test_read_all_is_lazy(store: EventStore) -> None:
    store.append("s", [Deposited("a", i) for i in range(5)])
    reader = store.read_all(page_size=2)
    assert next(reader).event.amount == 0
    store.append("s", [Deposited("a", 5)])  # a reader that continues sees later commits too
    assert [e.event.amount for e in reader] == [1, 2, 3, 4, 5]


def test_values_round_trip_exactly(store: EventStore) -> None:
    nairobi = timezone(timedelta(hours=3))
    at = datetime(2024, 7, 6, 22, 48, 52, tzinfo=nairobi)
    raw = b"\x00\xff not utf-8 \xc3"
    store.append("n", [Noted("hello", Decimal("8959269.60"), at, raw)], correlation_id="batch-7")
    (recorded,) = store.read_stream("n")
    assert recorded.event == Noted("hello", Decimal("8959269.60"), at, raw)
    assert recorded.event.at.utcoffset() == timedelta(0)  # stored in UTC, same instant
    assert str(recorded.event.balance) == "8959269.60"
    assert recorded.metadata.correlation_id == "batch-7"
    assert recorded.metadata.schema_version == 1
    assert recorded.recorded_at.tzinfo is not None


def test_refuses_floats_naive_times_and_unregistered_types(store: EventStore) -> None:
    with pytest.raises(SerializationError, match="float"):
        store.append("s", [Floaty(1.5)])
    with pytest.raises(SerializationError, match="timezone"):
        store.append("s", [Noted("x", Decimal(1), datetime(2024, 1, 1))])
    with pytest.raises(UnknownEventTypeError, match="Unregistered"):
        store.append("s", [Unregistered(1)])
    assert list(store.read_all()) == []


def test_corrupt_row_is_named_by_position(store: EventStore) -> None:
    store.append("s", [Deposited("a", 1)])
    with store.engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO events (stream_id, version, event_type, data, metadata, event_id,"
                " recorded_at) VALUES ('s', 2, 'test.deposited', :d, :m, :i, :t)"
            ),
            {
                "d": '{"account": "a"}',
                "m": '{"schema_version": 1}',
                "i": uuid.uuid4().hex if store.dialect == "sqlite" else str(uuid.uuid4()),
                "t": datetime(2024, 1, 1),
            },
        )
    reader = store.read_all()
    assert next(reader).event.amount == 1
    with pytest.raises(CorruptEventError, match="position 2"):
        next(reader)


def test_unknown_stored_type_is_reported(store: EventStore) -> None:
    with store.engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO events (stream_id, version, event_type, data, metadata, event_id,"
                " recorded_at) VALUES ('s', 1, 'test.gone', '{}', '{}', :i, :t)"
            ),
            {
                "i": uuid.uuid4().hex if store.dialect == "sqlite" else str(uuid.uuid4()),
                "t": datetime(2024, 1, 1),
            },
        )
    with pytest.raises(CorruptEventError, match=r"position 1.*test\.gone"):
        list(store.read_all())


def test_tracking_commits_with_the_transaction(store: EventStore) -> None:
    assert store.projection_position("p") == 0
    with store.transaction() as tx:
        tx.set_projection_position("p", 5)
    assert store.projection_position("p") == 5

    class Boom(Exception):
        pass

    with pytest.raises(Boom), store.transaction() as tx:
        tx.set_projection_position("p", 9)
        raise Boom
    assert store.projection_position("p") == 5
    with store.transaction() as tx:
        tx.set_projection_position("p", 0)  # reset: rebuild from position 0
        assert tx.projection_position("p") == 0


def test_each_event_can_carry_its_own_idempotency_key(store: EventStore) -> None:
    lines = [NewEvent(Deposited("a", i), idempotency_key=f"line-{i}") for i in range(3)]
    store.append("statement", lines)
    with store.transaction() as tx:
        assert tx.used_idempotency_keys(["line-1", "line-9", "line-2"]) == {"line-1", "line-2"}
        again = [NewEvent(Deposited("a", i), idempotency_key=f"line-{i}") for i in (2, 3)]
        with pytest.raises(DuplicateIdempotencyKeyError) as err:
            tx.append("statement", again)
        assert err.value.used_keys == {"line-2"}
        tx.append("statement", [NewEvent(Deposited("a", 3), idempotency_key="line-3")])
    assert [e.event.amount for e in store.read_stream("statement")] == [0, 1, 2, 3]
