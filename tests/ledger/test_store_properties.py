"""Property-based and concurrency tests of the store, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import uuid

import hypothesis.strategies as st
import pytest
from hypothesis import settings
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from ledger import ANY, NO_STREAM, ConcurrencyError, EventStore
from tests.ledger.sample_events import Deposited

STREAMS = ["a", "b", "c"]


def test_random_interleavings_match_a_simple_model(store: EventStore) -> None:
    """Appends with right and wrong expected versions, checked against an in-memory model."""

    class StoreModel(RuleBasedStateMachine):
        @initialize()
        def fresh(self) -> None:
            # Each example gets streams of its own in the shared store; the model is its truth.
            self.prefix = uuid.uuid4().hex[:8]
            self.start = store.last_position()
            self.streams: dict[str, list[int]] = {s: [] for s in STREAMS}
            self.log: list[tuple[str, int]] = []
            self.counter = 0

        def _amounts(self, n: int) -> list[int]:
            self.counter += n
            return list(range(self.counter - n, self.counter))

        @rule(
            stream=st.sampled_from(STREAMS),
            n=st.integers(1, 4),
            how=st.sampled_from(["right", "wrong", "no_stream", "any"]),
            off=st.integers(1, 3),
        )
        def append(self, stream: str, n: int, how: str, off: int) -> None:
            current = len(self.streams[stream])
            expected: object = {
                "right": current,
                "wrong": current + off if current == 0 or off % 2 else current - 1,
                "no_stream": NO_STREAM,
                "any": ANY,
            }[how]
            amounts = self._amounts(n)
            ok = how in ("right", "any") or (how == "no_stream" and current == 0)
            events = [Deposited(stream, a) for a in amounts]
            if ok:
                result = store.append(f"{self.prefix}-{stream}", events, expected)  # type: ignore[arg-type]
                assert result.version == current + n
                self.streams[stream].extend(amounts)
                self.log.extend((stream, a) for a in amounts)
            else:
                with pytest.raises(ConcurrencyError):
                    store.append(f"{self.prefix}-{stream}", events, expected)  # type: ignore[arg-type]

        @invariant()
        def streams_match(self) -> None:
            for s in STREAMS:
                got = store.read_stream(f"{self.prefix}-{s}")
                assert [e.event.amount for e in got] == self.streams[s]
                assert [e.version for e in got] == list(range(1, len(got) + 1))

        def teardown(self) -> None:
            mine = [
                (e.event.account, e.event.amount)
                for e in store.read_all(after=self.start, page_size=7)
                if e.stream_id.startswith(self.prefix)
            ]
            assert mine == self.log

    StoreModel.TestCase.settings = settings(max_examples=15, stateful_step_count=12)
    StoreModel.TestCase().runTest()


def test_concurrent_writers_never_make_a_tailing_reader_skip(store: EventStore) -> None:
    """Writers append concurrently while a reader tails read_all: it sees each event once, in
    order, even though positions are drawn before the transactions that hold them commit."""
    writers, appends_each = 8, 25
    total = sum(1 + (i % 3) for i in range(appends_each)) * writers
    errors: list[BaseException] = []
    start = threading.Barrier(writers + 1)

    def write(w: int) -> None:
        try:
            start.wait()
            for i in range(appends_each):
                batch = [Deposited(f"w{w}", i) for _ in range(1 + (i % 3))]
                store.append(f"writer-{w}-{i % 4}", batch)
        except BaseException as exc:
            errors.append(exc)

    seen: list[int] = []
    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    for t in threads:
        t.start()
    start.wait()
    after = 0
    while True:
        # Checked before the pass: the pass after the last writer stopped reads its last commit.
        done = not any(t.is_alive() for t in threads)
        for event in store.read_all(after=after, page_size=5):
            seen.append(event.position)
            after = event.position
        if done:
            break
    for t in threads:
        t.join()
    assert not errors
    everything = [e.position for e in store.read_all()]
    assert len(everything) == total
    assert seen == everything  # exactly once each, in order, none skipped
    assert len(set(seen)) == len(seen)


def test_a_later_writer_cannot_commit_before_an_earlier_one(store: EventStore) -> None:
    """The ordering rule itself: while one append's transaction is open, another waits, so no
    reader can ever see a higher position committed before a lower one. (Waiting is proved by
    the second writer not finishing within a second; without the rule it finishes at once.)"""
    store.append("warm-up", [Deposited("a", 0)])
    second_done = threading.Event()

    def second_writer() -> None:
        store.append("w2", [Deposited("b", 2)])
        second_done.set()

    with store.transaction() as tx:
        tx.append("w1", [Deposited("a", 1)])
        worker = threading.Thread(target=second_writer)
        worker.start()
        assert not second_done.wait(timeout=1.0), "a later writer committed before an earlier one"
        assert "w2" not in {e.stream_id for e in store.read_all()}
    worker.join(timeout=60)
    assert second_done.is_set()
    positions = {e.stream_id: e.position for e in store.read_all()}
    assert positions["w1"] < positions["w2"]
