"""Benchmark of the daily reconciliation: one day of N payouts against N statement lines.

    .venv/bin/python scripts/bench_reconcile.py [--payouts 100000] [--db URL] [--keep]

Builds the ledger state fast (PayoutRequested, PayoutAccepted and a result or a timeout per
payout, inserted as events in big transactions through the store's own encoder), writes the
day's statement CSV, imports it (timed: the import's rate in lines/s, next to the bare CSV
parse of the same file), catches up the projections (timed, reported apart), then times the
reconciliation itself: ``reconcile_day`` plus streaming every item of every category out as
JSON (to /dev/null). References measured in the same run: a bare ``SELECT count(*)`` join of
proj_payout_state and proj_statement_lines on the receipt, and the raw CSV parse.

Memory: the Python-heap peak (tracemalloc) of the reconciliation, measured in a second pass so
that tracing does not distort the timing, at N and at N/10 payouts in the same database (the
small day is another day): it must not grow with the number of matched lines. The process's
peak RSS (getrusage ru_maxrss) is printed at the end. SQLite (a temporary file) by default;
PostgreSQL with --db postgresql+psycopg://...
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from adapters.report_render import render_json
from adapters.statement_import import import_statement
from adapters.statements import iter_statement
from ledger import (
    EventStore,
    PayoutAccepted,
    PayoutRequested,
    ResultReceived,
    TimeoutReceived,
    uuid7,
)
from ledger.schema import events
from projections.payouts import payout_state
from projections.reconciliation import (
    NAIROBI,
    Category,
    catch_up_all,
    reconcile_day,
    statement_lines,
)

SHORTCODE = "600999"
HEADER = (
    "Receipt No.,Completion Time,Initiation Time,Details,Transaction Status,Paid In,Withdrawn,"
    "Balance,Balance Confirmed,Reason Type,Other Party Info,Linked Transaction ID,A/C No."
)


def _payouts(n: int, day: date, tag: str) -> Iterator[dict[str, Any]]:
    """A day of payouts: mostly paid and on the statement, a sprinkle of every exception."""
    start = datetime(day.year, day.month, day.day, tzinfo=NAIROBI)
    step = 23 * 3600 / max(n, 1)  # spread over 00:00-23:00, clear of the carry-over window
    for i in range(n):
        requested = start + timedelta(seconds=i * step)
        kind = "paid"
        if i % 200 == 1:
            kind = "timed_out_paid"  # resolved by the statement
        elif i % 200 == 2:
            kind = "missing"
        elif i % 200 == 3:
            kind = "mismatch"
        elif i % 200 == 4:
            kind = "pending"
        yield {
            "ocid": f"{tag}-{i:08d}",
            "receipt": f"{tag[0].upper()}{i:09d}",
            "amount": 100 + i % 5000,
            "msisdn": f"2547{i % 100_000_000:08d}",
            "requested": requested,
            "completed": requested + timedelta(seconds=3),
            "kind": kind,
        }


def _row(registry: Any, stream: str, version: int, event: object, now: datetime) -> dict[str, Any]:
    name, schema_version, data = registry.encode(event)
    return {
        "stream_id": stream,
        "version": version,
        "event_type": name,
        "data": data,
        "metadata": {"schema_version": schema_version},
        "event_id": uuid7(),
        "recorded_at": now,
        "idempotency_key": None,
    }


def build_ledger(store: EventStore, n: int, day: date, tag: str) -> None:
    now = datetime.now(UTC)
    batch: list[dict[str, Any]] = []

    def flush() -> None:
        if batch:
            with store.transaction() as tx:
                tx._lock_for_append()
                tx.connection.execute(events.insert(), batch)
            batch.clear()

    for p in _payouts(n, day, tag):
        stream = f"payout-{p['ocid']}"
        batch.append(
            _row(
                store.registry,
                stream,
                1,
                PayoutRequested(
                    originator_conversation_id=p["ocid"],
                    command_id="BusinessPayment",
                    amount=p["amount"],
                    party_a=SHORTCODE,
                    party_b=p["msisdn"],
                    remarks="bench",
                    occasion=None,
                    initiator_name="api",
                    result_url="https://x/r",
                    queue_timeout_url="https://x/t",
                    requested_at=p["requested"],
                ),
                now,
            )
        )
        batch.append(
            _row(
                store.registry,
                stream,
                2,
                PayoutAccepted(f"AG_{p['ocid']}", "0", "Accepted", p["requested"]),
                now,
            )
        )
        if p["kind"] == "pending":
            pass
        elif p["kind"] == "timed_out_paid":
            batch.append(
                _row(
                    store.registry,
                    stream,
                    3,
                    TimeoutReceived(f"t-{p['ocid']}", "1", "timeout", f"AG_{p['ocid']}"),
                    now,
                )
            )
        else:
            batch.append(
                _row(
                    store.registry,
                    stream,
                    3,
                    ResultReceived(
                        delivery_id=f"d-{p['ocid']}",
                        result_code="0",
                        result_desc="ok",
                        conversation_id=f"AG_{p['ocid']}",
                        transaction_id=p["receipt"],
                        result_type=0,
                        receipt=p["receipt"],
                        amount=p["amount"],
                        completed_at=p["completed"],
                        receiver_msisdn=p["msisdn"],
                        utility_account_funds=None,
                    ),
                    now,
                )
            )
        if len(batch) >= 30_000:
            flush()
    flush()


def write_statement(path: Path, n: int, day: date, tag: str) -> int:
    balance = Decimal("900000000.00")
    lines = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(f"Organization Name,BENCH LTD\nOrganization Short Code,{SHORTCODE}\n,\n")
        out.write(HEADER + "\n")
        for p in _payouts(n, day, tag):
            if p["kind"] in ("missing", "pending"):
                continue
            amount = Decimal(p["amount"]) + (1 if p["kind"] == "mismatch" else 0)
            balance -= amount
            t = p["completed"].strftime("%d-%m-%Y %H:%M:%S")
            out.write(
                f"{p['receipt']},{t},{t},Business Payment to {p['msisdn']} - BENCH,Completed,,"
                f"-{amount:.2f},{balance:.2f},true,Business Payment to Customer via API,"
                f"{p['msisdn']} - BENCH,,Utility Account\n"
            )
            lines += 1
            if lines % 100 == 0:  # an unknown debit now and then
                balance -= 77
                out.write(
                    f"X{tag[0].upper()}{lines:08d},{t},{t},Business Payment to 254799999999 - X,"
                    f"Completed,,-77.00,{balance:.2f},true,Business Payment to Customer via API,"
                    "254799999999 - X,,Utility Account\n"
                )
                lines += 1
    return lines


def reconcile_and_stream(store: EventStore, day: date) -> tuple[Any, int]:
    rec = reconcile_day(store, day, shortcode=SHORTCODE, catch_up_first=False)
    with open(os.devnull, "w") as sink:
        render_json(rec, sink)
    return rec, sum(t.count for _, t in rec.totals.categories)


def traced(fn: Any, *args: Any) -> int:
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    fn(*args)
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    return peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--payouts", type=int, default=100_000)
    parser.add_argument("--db", default=None, help="a database URL (default: a temp SQLite file)")
    parser.add_argument("--no-small", action="store_true", help="skip the N/10 memory check")
    args = parser.parse_args()
    n = args.payouts
    tmp = Path(tempfile.mkdtemp(prefix="bench-reconcile-"))
    url = args.db or f"sqlite:///{tmp / 'ledger.db'}"
    store = EventStore.from_url(url)
    if store.last_position():
        sys.exit(f"{url} is not empty: give an empty database")
    big, small = date(2024, 7, 6), date(2024, 7, 7)
    sizes = [(big, n, "big")] + ([] if args.no_small else [(small, max(n // 10, 1), "small")])
    print(f"reconcile benchmark: {n} payouts, {store.dialect}, python {sys.version.split()[0]}")
    files: dict[date, tuple[Path, int]] = {}
    t = time.perf_counter()
    for day, size, tag in sizes:
        build_ledger(store, size, day, tag)
        path = tmp / f"statement-{day}.csv"
        files[day] = (path, write_statement(path, size, day, tag))
    print(f"  setup (ledger events + statement files): {time.perf_counter() - t:8.2f} s")

    path, nlines = files[big]
    t = time.perf_counter()
    with path.open("rb") as raw:
        parsed = sum(1 for _ in iter_statement(raw))
    parse_s = time.perf_counter() - t
    t = time.perf_counter()
    report = import_statement(store, path)
    import_s = time.perf_counter() - t
    assert report.rows_kept == nlines == parsed, (report, nlines, parsed)
    for day, _, _ in sizes[1:]:
        import_statement(store, files[day][0])
    t = time.perf_counter()
    reimport = import_statement(store, path)
    reimport_s = time.perf_counter() - t
    print(f"  statement lines (big day):                {nlines:>10}")
    print(
        f"  raw CSV parse (reference):               {parse_s:8.2f} s  "
        f"{nlines / parse_s:10.0f} lines/s"
    )
    print(
        f"  import (new lines):                      {import_s:8.2f} s  "
        f"{nlines / import_s:10.0f} lines/s  ({import_s / parse_s:.1f}x the parse)"
    )
    print(
        f"  re-import (all known):                   {reimport_s:8.2f} s  "
        f"{nlines / reimport_s:10.0f} lines/s  (kept {reimport.rows_kept})"
    )
    t = time.perf_counter()
    catch_up_all(store)
    print(
        f"  projections catch-up (all events):       {time.perf_counter() - t:8.2f} s  "
        f"({store.last_position()} events)"
    )

    # the first run appends the resolutions the statement proves; time the steady state too
    t = time.perf_counter()
    rec, items = reconcile_and_stream(store, big)
    first_s = time.perf_counter() - t
    resolved = rec.totals.resolutions_appended
    catch_up_all(store)
    p, l = payout_state.c, statement_lines.c  # noqa: E741
    t = time.perf_counter()
    with store.engine.connect() as conn:
        joined = conn.execute(
            sa.select(sa.func.count()).select_from(
                payout_state.join(statement_lines, l.receipt == p.receipt)
            )
        ).scalar_one()
    join_s = time.perf_counter() - t
    t = time.perf_counter()
    rec, items = reconcile_and_stream(store, big)
    steady_s = time.perf_counter() - t
    t = time.perf_counter()
    only = reconcile_day(store, big, shortcode=SHORTCODE, catch_up_first=False)
    totals_s = time.perf_counter() - t
    print(f"  bare SELECT count(*) join on receipt:    {join_s:8.2f} s  ({joined} rows, reference)")
    print(
        f"  reconcile + stream JSON, first run:      {first_s:8.2f} s  "
        f"({resolved} resolutions appended; {only.totals.resolutions_appended} on the last run)"
    )
    print(
        f"  reconcile + stream JSON, steady:         {steady_s:8.2f} s  ({items} items, "
        f"{steady_s / join_s:.1f}x the bare join)"
    )
    print(f"  reconcile_day alone (totals):            {totals_s:8.2f} s")
    counts = {c.value: t.count for c, t in rec.totals.categories if t.count}
    print(f"  categories: {counts}")
    assert rec.totals.category(Category.MATCHED).count > 0.9 * n

    peaks = []
    for day, size, _ in sizes:
        peak = traced(reconcile_and_stream, store, day)
        peaks.append((size, peak))
        print(f"  tracemalloc peak, reconcile {size:>7} payouts: {peak / 1e6:8.2f} MB")
    if len(peaks) == 2:
        ratio = peaks[0][1] / max(peaks[1][1], 1)
        print(f"  heap peak ratio for 10x the payouts:     {ratio:8.2f}x (flat = does not grow)")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"  process peak RSS (ru_maxrss):            {rss / 1024:8.1f} MB")
    verdict = "OK" if steady_s <= 10 else "OVER"
    print(f"  target: <= 10 s for the reconciliation: {verdict}")
    store.close()
    if args.db is None:
        for f in tmp.iterdir():
            f.unlink()
        tmp.rmdir()


if __name__ == "__main__":
    main()
