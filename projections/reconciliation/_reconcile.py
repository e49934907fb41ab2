"""The daily reconciliation: every payout of the day and every payout line of its statement in
exactly one category, with totals, computed in SQL over the projection tables.

A payout belongs to the day of its completion (TransactionCompletedDateTime), else of its
request; a statement line to the day of its completion. A line matched by receipt belongs to its
payout's day. Categories stream out of SQL cursors (one query for the payouts, one for the
unclaimed lines), so memory does not grow with the number of matched items: only the exceptions
that need a decision in Python (an unclaimed line fitting a paid payout) are held.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Generator, Iterator
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from decimal import Decimal
from typing import Any

import attrs
import sqlalchemy as sa

from ledger import EventStore
from projections.callback_exceptions import CallbackException, callback_exceptions_between
from projections.catalogue import catch_up_all
from projections.payouts import payout_state
from projections.reconciliation._items import (
    CATEGORIES,
    CRITICAL,
    RANK,
    BalanceBreak,
    BalanceRollForward,
    Category,
    CategoryTotal,
    Item,
    MoneyCount,
    Totals,
    UtilityFundsMismatch,
    money,
)
from projections.reconciliation._resolve import (
    FAILED_STATUSES,
    day_lines,
    resolve_from_statement,
    unconsumed,
)
from projections.reconciliation._tables import (
    payout_receipts,
    statement_lines,
)

NAIROBI = timezone(timedelta(hours=3), "EAT")
DEFAULT_CARRY_OVER = timedelta(minutes=30)
DEFAULT_MATCH_WINDOW = timedelta(minutes=30)
_STREAM = {"yield_per": 1000}  # server-side cursor on PostgreSQL, fetchmany on SQLite

#: Exit status of a report with critical exceptions (see the CLI's --help).
EXIT_CRITICAL = 3


class ReconciliationError(Exception):
    """The reconciliation cannot run as asked (no shortcode, no statement for the day)."""


def day_bounds(day: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """[start, end) of the business day in ``tz``, as aware datetimes."""
    start = datetime.combine(day, time(0), tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
    return start, end


def shortcodes_of_day(store: EventStore, day: date, tz: tzinfo = NAIROBI) -> list[str]:
    """The accounts with statement lines imported for the day."""
    start, end = day_bounds(day, tz)
    l = statement_lines.c  # noqa: E741
    with store.engine.connect() as conn:
        return [
            str(s)
            for (s,) in conn.execute(
                sa.select(l.shortcode)
                .where(l.completed_at >= start, l.completed_at < end)
                .distinct()
                .order_by(l.shortcode)
            )
        ]


# -- the payouts' side -----------------------------------------------------------------------


class _PayoutQuery:
    """The SQL that puts each payout of the day in its category, with its statement line."""

    def __init__(
        self, shortcode: str, start: datetime, end: datetime, carry_over: timedelta
    ) -> None:
        p, l = payout_state.c, statement_lines.c  # noqa: E741
        r = payout_receipts.alias("r_ev")
        r2 = payout_receipts.alias("r_n")
        l2 = statement_lines.alias("l2")
        evidence = (
            sa.select(sa.func.min(r.c.evidence_key))
            .where(r.c.ocid == p.ocid, r.c.source == "statement", r.c.outcome == "succeeded")
            .scalar_subquery()
        )
        note = (
            sa.select(sa.func.min(r.c.note))
            .where(r.c.ocid == p.ocid, r.c.source == "statement", r.c.outcome == "succeeded")
            .scalar_subquery()
        )
        receipts = (
            sa.select(sa.func.count(sa.distinct(r2.c.receipt)))
            .where(r2.c.ocid == p.ocid, r2.c.outcome == "succeeded")
            .scalar_subquery()
        )
        # The payout's own line: its receipt on the statement (the first by key, should a
        # statement ever show two payout rows with one receipt).
        # (min over key || '': SQLite would otherwise walk the primary key for the min instead
        # of looking the receipt up in its index)
        first_line = (
            sa.select(sa.func.min(l2.c.key.op("||")("")))
            .where(l2.c.shortcode == shortcode, l2.c.kind == "payout", l2.c.receipt == p.receipt)
            .scalar_subquery()
        )
        joined = payout_state.outerjoin(
            statement_lines,
            sa.and_(
                l.shortcode == shortcode,
                l.kind == "payout",
                l.receipt == p.receipt,
                l.key == first_line,
            ),
        )
        succeeded = p.status == "succeeded"
        in_day = sa.or_(
            sa.and_(p.completed_at >= start, p.completed_at < end),
            sa.and_(p.completed_at.is_(None), p.requested_at >= start, p.requested_at < end),
        )
        # Yesterday's carried-over payouts that are still on no statement: missing now.
        self.carried_in = sa.and_(
            succeeded,
            p.completed_at >= start - carry_over,
            p.completed_at < start,
            l.key.is_(None),
            evidence.is_(None),
            receipts < 2,
        )
        rank = sa.case(
            (
                sa.and_(succeeded, evidence.is_not(None), p.flags.like("%failure_overturned%")),
                RANK[Category.FAILED_BUT_PAID],
            ),
            (sa.and_(succeeded, evidence.is_not(None)), RANK[Category.RESOLVED_PENDING]),
            (sa.and_(succeeded, receipts >= 2), RANK[Category.PAID_TWICE]),
            (
                sa.and_(succeeded, l.key.is_not(None), l.withdrawn_cents == p.amount * 100),
                RANK[Category.MATCHED],
            ),
            (sa.and_(succeeded, l.key.is_not(None)), RANK[Category.AMOUNT_MISMATCH]),
            (
                sa.and_(succeeded, p.completed_at >= end - carry_over, p.completed_at < end),
                RANK[Category.CARRIED_OVER],
            ),
            (succeeded, RANK[Category.MISSING_FROM_STATEMENT]),
            (p.status.in_(FAILED_STATUSES), RANK[Category.FAILED_NOT_PAID]),
            else_=RANK[Category.PENDING],
        ).label("rank")
        self.rank = rank
        self.joined = joined
        self.where = sa.and_(p.party_a == shortcode, sa.or_(in_day, self.carried_in))
        self.evidence_note = note
        self.value_cents = sa.func.coalesce(l.withdrawn_cents, p.amount * 100)

    def items(self, category: Category | None = None) -> sa.Select[Any]:
        p, l = payout_state.c, statement_lines.c  # noqa: E741
        query = (
            sa.select(
                self.rank,
                p.ocid,
                p.status,
                p.command_id,
                p.amount,
                p.party_b,
                p.receipt,
                p.completed_at,
                p.requested_at,
                l.key,
                l.withdrawn_cents,
                l.completed_at.label("line_completed_at"),
                self.evidence_note.label("evidence_note"),
                sa.case((self.carried_in, True), else_=False).label("carried_in"),
            )
            .select_from(self.joined)
            .where(self.where)
        )
        if category is not None:
            query = query.where(self.rank == RANK[category])
        return query.order_by(self.rank, p.ocid)

    def totals(self) -> sa.Select[Any]:
        subquery = (
            sa.select(self.rank, self.value_cents.label("cents"))
            .select_from(self.joined)
            .where(self.where)
            .subquery()
        )
        return sa.select(
            subquery.c.rank, sa.func.count(), sa.func.coalesce(sa.func.sum(subquery.c.cents), 0)
        ).group_by(subquery.c.rank)


# -- the reconciliation ------------------------------------------------------------------------


@attrs.define
class Reconciliation:
    """One day of one account, reconciled. Iterate a category with ``items(category)``; every
    iteration reads the projections again, streaming (so a large day never sits in memory)."""

    store: EventStore
    shortcode: str
    day: date
    tz: tzinfo
    carry_over: timedelta
    match_window: timedelta
    totals: Totals
    _paid_twice_lines: list[Item]
    _payouts: _PayoutQuery

    @property
    def start(self) -> datetime:
        return day_bounds(self.day, self.tz)[0]

    @property
    def end(self) -> datetime:
        return day_bounds(self.day, self.tz)[1]

    def count(self, category: Category) -> int:
        return self.totals.category(category).count

    @property
    def critical(self) -> int:
        """How many items are in critical categories."""
        return sum(self.count(c) for c in CRITICAL)

    @property
    def exit_status(self) -> int:
        """0 when clean, EXIT_CRITICAL (3) when there are critical exceptions."""
        return EXIT_CRITICAL if self.critical else 0

    def items(self, category: Category) -> Generator[Item, None, None]:
        """The category's items, sorted by payout id then line key, streamed from SQL."""
        if category is Category.UNKNOWN_TO_LEDGER:
            yield from (i for i in _line_side(self) if i.category is category)
            return
        payouts = self._payout_items(category)
        if category is Category.PAID_TWICE:
            yield from heapq.merge(payouts, iter(self._paid_twice_lines), key=lambda i: i.sort_key)
            return
        yield from payouts

    def all_items(self) -> Iterator[tuple[Category, Iterator[Item]]]:
        """Every category in report order with its items, from one pass over the payouts.

        Consume each category's items before asking for the next category (as a renderer
        writing them out does): the payouts come from a single sorted SQL cursor.
        """
        with self.store.engine.connect() as conn:
            rows = conn.execution_options(**_STREAM).execute(self._payouts.items())
            items = (_payout_item(conn, CATEGORIES[int(r.rank)], r, self.day) for r in rows)
            groups = itertools.groupby(items, key=lambda i: i.category)
            current = next(groups, None)
            for category in CATEGORIES:
                payout_items: Iterator[Item] = iter(())
                if current is not None and current[0] is category:
                    payout_items = current[1]
                    current = None
                if category is Category.UNKNOWN_TO_LEDGER:
                    yield category, (i for i in _line_side(self) if i.category is category)
                elif category is Category.PAID_TWICE:
                    merged = heapq.merge(
                        payout_items, iter(self._paid_twice_lines), key=lambda i: i.sort_key
                    )
                    yield category, merged
                else:
                    yield category, payout_items
                if current is None:
                    for _ in payout_items:  # whatever the consumer left of this category
                        pass
                    current = next(groups, None)

    def _payout_items(self, category: Category) -> Iterator[Item]:
        with self.store.engine.connect() as conn:
            rows = conn.execution_options(**_STREAM).execute(self._payouts.items(category))
            for row in rows:
                yield _payout_item(conn, category, row, self.day)

    def callback_exceptions(self) -> Iterator[CallbackException]:
        """Callbacks received this day that changed no payout: orphans, unreadable, refused.

        Callbacks carry no shortcode: these are the ledger's, whichever account they concern.
        """
        yield from callback_exceptions_between(self.store, self.start, self.end)

    def balance_breaks(self) -> Iterator[BalanceBreak]:
        walk = _BalanceWalk(self.store, self.shortcode, self.start, self.end)
        yield from walk.breaks()

    def utility_funds_mismatches(self) -> Iterator[UtilityFundsMismatch]:
        with self.store.engine.connect() as conn:
            rows = conn.execution_options(**_STREAM).execute(
                _utility_query(self.shortcode, self.start, self.end)
            )
            for row in rows:
                yield UtilityFundsMismatch(
                    receipt=row.receipt,
                    ocid=row.ocid,
                    line_key=row.key,
                    statement_balance=_money(row.balance_cents),
                    callback_utility_funds=_money(row.utility_funds_cents),
                )


def _money(cents: int | None) -> Decimal:
    value = money(cents)
    return value if value is not None else Decimal("0.00")


def _payout_item(conn: sa.Connection, category: Category, row: Any, day: date) -> Item:
    note = ""
    if category in (Category.RESOLVED_PENDING, Category.FAILED_BUT_PAID):
        note = row.evidence_note or ""
    elif category is Category.PAID_TWICE:
        r = payout_receipts.c
        receipts = sorted(
            str(x)
            for (x,) in conn.execute(
                sa.select(r.receipt)
                .where(r.ocid == row.ocid, r.outcome == "succeeded", r.receipt.is_not(None))
                .distinct()
            )
        )
        note = "two receipts reported for one payout: " + ", ".join(receipts)
    elif category is Category.AMOUNT_MISMATCH:
        note = f"ledger {row.amount}.00, statement {_money(row.withdrawn_cents)}"
    elif category is Category.CARRIED_OVER:
        note = "completed late in the day: expected on the next day's statement"
    elif category is Category.MISSING_FROM_STATEMENT and row.carried_in:
        note = f"carried over from {(day - timedelta(days=1)).isoformat()}: still on no statement"
    return Item(
        category=category,
        ocid=row.ocid,
        receipt=row.receipt,
        line_key=row.key,
        command_id=row.command_id,
        recipient=row.party_b,
        ledger_status=row.status,
        ledger_amount=row.amount,
        statement_amount=money(row.withdrawn_cents),
        requested_at=row.requested_at,
        completed_at=row.completed_at,
        statement_completed_at=row.line_completed_at,
        note=note,
    )


# -- the lines' side ---------------------------------------------------------------------------


def _line_query(shortcode: str, start: datetime, end: datetime) -> sa.Select[Any]:
    """Unclaimed payout lines of the day, each with the paid payouts its recipient and amount
    fit (a second debit of a payout already matched), ordered by line."""
    l, p = statement_lines.c, payout_state.c  # noqa: E741
    own = statement_lines.alias("own")
    has_line = sa.exists().where(
        own.c.shortcode == shortcode, own.c.kind == "payout", own.c.receipt == p.receipt
    )
    joined = statement_lines.outerjoin(
        payout_state,
        sa.and_(
            p.party_a == shortcode,
            p.party_b == l.msisdn,
            p.amount * 100 == l.withdrawn_cents,
            # status || '': look payouts up by recipient, not by status (SQLite would otherwise
            # scan every paid payout for each unclaimed line)
            p.status.op("||")("") == "succeeded",
            has_line,
        ),
    )
    return (
        sa.select(
            l.key,
            l.receipt,
            l.command_id,
            l.msisdn,
            l.withdrawn_cents,
            l.completed_at,
            p.ocid,
            p.status,
            p.amount,
            p.requested_at,
            p.completed_at.label("payout_completed_at"),
        )
        .select_from(joined)
        .where(day_lines(shortcode, start, end), unconsumed())
        .order_by(l.key, p.ocid)
    )


def _line_side(rec: Reconciliation) -> Iterator[Item]:
    """Each unclaimed line of the day: paid_twice when it fits a paid payout, else unknown."""
    window = rec.match_window
    with rec.store.engine.connect() as conn:
        rows = conn.execution_options(**_STREAM).execute(
            _line_query(rec.shortcode, rec.start, rec.end)
        )
        for _, group in itertools.groupby(rows, key=lambda row: row.key):
            fits = []
            first = None
            for row in group:
                first = first or row
                if row.ocid is not None and row.payout_completed_at is not None:
                    distance = abs(row.completed_at - row.payout_completed_at)
                    if distance <= window:
                        fits.append((distance, row.ocid, row))
            assert first is not None
            base = {
                "receipt": first.receipt,
                "line_key": first.key,
                "command_id": first.command_id,
                "recipient": first.msisdn,
                "statement_amount": money(first.withdrawn_cents),
                "statement_completed_at": first.completed_at,
            }
            if not fits:
                yield Item(
                    category=Category.UNKNOWN_TO_LEDGER,
                    note="no payout of the ledger has this receipt, recipient and amount",
                    **base,
                )
                continue
            fits.sort(key=lambda f: (f[0], f[1]))
            distance, ocid, row = fits[0]
            note = (
                f"a second debit: recipient and amount fit payout {ocid}, already matched "
                f"({int(distance.total_seconds())} s apart)"
            )
            ties = [o for d, o, _ in fits[1:] if d == distance]
            if ties:
                note += "; tie: also fits payout " + ", ".join(ties)
            yield Item(
                category=Category.PAID_TWICE,
                ocid=ocid,
                ledger_status=row.status,
                ledger_amount=row.amount,
                requested_at=row.requested_at,
                completed_at=row.payout_completed_at,
                note=note,
                **base,
            )


# -- balances ----------------------------------------------------------------------------------


class _BalanceWalk:
    """The statement's Balance column, row by row: each row's balance must be the previous one
    plus its own movement. Rows completed in the same second may be listed in either order
    (exports run newest first or oldest first), so such a group is chained in whichever order
    fits."""

    def __init__(self, store: EventStore, shortcode: str, start: datetime, end: datetime) -> None:
        self.store, self.shortcode, self.start, self.end = store, shortcode, start, end
        self.rows = 0
        self.without_balance = 0
        self.opening: int | None = None
        self.paid_in = 0
        self.withdrawn = 0
        self.closing: int | None = None
        self.current: int | None = None
        self.count = 0

    def breaks(self) -> Iterator[BalanceBreak]:
        l = statement_lines.c  # noqa: E741
        query = (
            sa.select(l.key, l.completed_at, l.paid_in_cents, l.withdrawn_cents, l.balance_cents)
            .where(
                l.shortcode == self.shortcode,
                l.completed_at >= self.start,
                l.completed_at < self.end,
            )
            .order_by(l.completed_at, l.position)
        )
        with self.store.engine.connect() as conn:
            rows = conn.execution_options(**_STREAM).execute(query)
            for _, group in itertools.groupby(rows, key=lambda row: row.completed_at):
                yield from self._group(list(group))

    @staticmethod
    def _chains_from(start: Any, others: list[Any]) -> bool:
        current, rest = start.balance_cents, list(others)
        while rest:
            nxt = next(
                (
                    r
                    for r in rest
                    if r.balance_cents is not None
                    and current + r.paid_in_cents - r.withdrawn_cents == r.balance_cents
                ),
                None,
            )
            if nxt is None:
                return False
            rest.remove(nxt)
            current = nxt.balance_cents
        return True

    def _group(self, group: list[Any]) -> Iterator[BalanceBreak]:
        pending = list(group)
        if self.current is None and len(pending) > 1:
            # The day's first rows: start from the one the others chain from.
            for i, row in enumerate(pending):
                others = pending[:i] + pending[i + 1 :]
                if row.balance_cents is not None and self._chains_from(row, others):
                    pending.insert(0, pending.pop(i))
                    break
        while pending:
            pick = 0
            if self.current is not None:
                for i, row in enumerate(pending):
                    if row.balance_cents is not None and (
                        self.current + row.paid_in_cents - row.withdrawn_cents == row.balance_cents
                    ):
                        pick = i
                        break
            row = pending.pop(pick)
            self.rows += 1
            signed = row.paid_in_cents - row.withdrawn_cents
            self.paid_in += row.paid_in_cents
            self.withdrawn += row.withdrawn_cents
            if row.balance_cents is None:
                self.without_balance += 1
                if self.current is not None:
                    self.current += signed
                continue
            if self.current is None:
                self.opening = row.balance_cents - signed
            elif self.current + signed != row.balance_cents:
                self.count += 1
                yield BalanceBreak(
                    line_key=row.key,
                    completed_at=row.completed_at,
                    expected=_money(self.current + signed),
                    stated=_money(row.balance_cents),
                )
            self.current = row.balance_cents
            self.closing = row.balance_cents

    def summary(self) -> BalanceRollForward:
        computed = None if self.opening is None else self.opening + self.paid_in - self.withdrawn
        return BalanceRollForward(
            rows=self.rows,
            rows_without_balance=self.without_balance,
            opening=money(self.opening),
            paid_in=_money(self.paid_in),
            withdrawn=_money(self.withdrawn),
            closing_computed=money(computed),
            closing_stated=money(self.closing),
            breaks=self.count,
        )


def _utility_query(shortcode: str, start: datetime, end: datetime) -> sa.Select[Any]:
    l, r = statement_lines.c, payout_receipts.c  # noqa: E741
    return (
        sa.select(l.key, l.receipt, l.balance_cents, r.ocid, r.utility_funds_cents)
        .select_from(statement_lines.join(payout_receipts, r.receipt == l.receipt))
        .where(
            day_lines(shortcode, start, end),
            r.outcome == "succeeded",
            r.source == "callback",
            r.utility_funds_cents.is_not(None),
            l.balance_cents.is_not(None),
            r.utility_funds_cents != l.balance_cents,
        )
        .order_by(l.key, r.ocid)
    )


# -- totals ------------------------------------------------------------------------------------


def _statement_totals(
    conn: sa.Connection, shortcode: str, start: datetime, end: datetime
) -> dict[str, Any]:
    l = statement_lines.c  # noqa: E741
    rows = conn.execute(
        sa.select(
            l.kind,
            l.command_id,
            sa.func.count(),
            sa.func.coalesce(sa.func.sum(l.paid_in_cents), 0),
            sa.func.coalesce(sa.func.sum(l.withdrawn_cents), 0),
            sa.func.sum(sa.case((l.paid_in_cents > 0, 1), else_=0)),
        )
        .where(l.shortcode == shortcode, l.completed_at >= start, l.completed_at < end)
        .group_by(l.kind, l.command_id)
    ).all()
    by_command: dict[str, list[int]] = {}
    charges = [0, 0]
    payouts = [0, 0]
    other_in = [0, 0]
    other_out = [0, 0]
    for kind, command, n, paid_in, withdrawn, n_in in rows:
        n, paid_in, withdrawn, n_in = int(n), int(paid_in), int(withdrawn), int(n_in or 0)
        if kind == "payout":
            payouts[0] += n
            payouts[1] += withdrawn - paid_in
            slot = by_command.setdefault(command or "", [0, 0])
            slot[0] += n
            slot[1] += withdrawn - paid_in
        elif kind == "charge":
            charges[0] += n
            charges[1] += withdrawn - paid_in
        else:
            other_in[0] += n_in
            other_in[1] += paid_in
            other_out[0] += n - n_in
            other_out[1] += withdrawn
    return {
        "payouts": _mc(payouts),
        "by_command": tuple((k, _mc(v)) for k, v in sorted(by_command.items())),
        "charges": _mc(charges),
        "other_in": _mc(other_in),
        "other_out": _mc(other_out),
    }


def _mc(pair: list[int]) -> MoneyCount:
    return MoneyCount(count=pair[0], amount=_money(pair[1]))


def _ledger_totals(
    conn: sa.Connection, shortcode: str, start: datetime, end: datetime
) -> dict[str, Any]:
    p = payout_state.c
    in_day = sa.or_(
        sa.and_(p.completed_at >= start, p.completed_at < end),
        sa.and_(p.completed_at.is_(None), p.requested_at >= start, p.requested_at < end),
    )
    rows = conn.execute(
        sa.select(p.command_id, p.status, sa.func.count(), sa.func.sum(p.amount))
        .where(p.party_a == shortcode, in_day)
        .group_by(p.command_id, p.status)
    ).all()
    by_command: dict[str, list[int]] = {}
    by_status: dict[str, list[int]] = {}
    total = [0, 0]
    for command, status, n, amount in rows:
        for bucket in (
            by_command.setdefault(command, [0, 0]),
            by_status.setdefault(status, [0, 0]),
            total,
        ):
            bucket[0] += int(n)
            bucket[1] += int(amount or 0) * 100
    return {
        "payouts": _mc(total),
        "by_command": tuple((k, _mc(v)) for k, v in sorted(by_command.items())),
        "by_status": tuple((k, _mc(v)) for k, v in sorted(by_status.items())),
    }


# -- the entry point ---------------------------------------------------------------------------


def reconcile_day(
    store: EventStore,
    day: date,
    *,
    shortcode: str,
    tz: tzinfo = NAIROBI,
    carry_over: timedelta = DEFAULT_CARRY_OVER,
    match_window: timedelta = DEFAULT_MATCH_WINDOW,
    resolve: bool = True,
    catch_up_first: bool = True,
) -> Reconciliation:
    """Reconcile one business day of one account against the statement lines imported for it.

    Catches up the projections, appends the resolutions the statement proves (``resolve``), and
    computes the totals; the categories are then streamed by ``Reconciliation.items``. The same
    events always give the same report: resolutions are events, and everything else is derived.
    """
    if not shortcode:
        raise ReconciliationError("a shortcode is needed to reconcile a day")
    start, end = day_bounds(day, tz)
    if catch_up_first:
        catch_up_all(store)
    appended = 0
    if resolve:
        appended = resolve_from_statement(store, shortcode, start, end, match_window)
        if appended:
            catch_up_all(store)
    payouts = _PayoutQuery(shortcode, start, end, carry_over)
    counts: dict[Category, list[Any]] = {c: [0, 0] for c in CATEGORIES}
    with store.engine.connect() as conn:
        for rank, n, value in conn.execute(payouts.totals()):
            counts[CATEGORIES[int(rank)]] = [int(n), int(value)]
        statement = _statement_totals(conn, shortcode, start, end)
        ledger = _ledger_totals(conn, shortcode, start, end)
        utility = conn.execute(
            sa.select(sa.func.count()).select_from(_utility_query(shortcode, start, end).subquery())
        ).scalar_one()
    rec = Reconciliation(
        store=store,
        shortcode=shortcode,
        day=day,
        tz=tz,
        carry_over=carry_over,
        match_window=match_window,
        totals=_placeholder_totals(),
        paid_twice_lines=[],
        payouts=payouts,
    )
    paid_twice: list[Item] = []
    for item in _line_side(rec):
        counts[item.category][0] += 1
        counts[item.category][1] += int(item.value * 100)
        if item.category is Category.PAID_TWICE:
            paid_twice.append(item)  # critical exceptions only: few, and needed sorted
    paid_twice.sort(key=lambda i: i.sort_key)
    walk = _BalanceWalk(store, shortcode, start, end)
    for _ in walk.breaks():
        pass
    rec.totals = Totals(
        statement_payouts=statement["payouts"],
        statement_by_command=statement["by_command"],
        charges=statement["charges"],
        other_in=statement["other_in"],
        other_out=statement["other_out"],
        ledger_payouts=ledger["payouts"],
        ledger_by_command=ledger["by_command"],
        ledger_by_status=ledger["by_status"],
        categories=tuple(
            (c, CategoryTotal(count=counts[c][0], value=_money(counts[c][1]))) for c in CATEGORIES
        ),
        balance=walk.summary(),
        utility_funds_mismatches=int(utility),
        resolutions_appended=appended,
    )
    rec._paid_twice_lines = paid_twice
    return rec


def _placeholder_totals() -> Totals:
    zero = MoneyCount(count=0, amount=Decimal("0.00"))
    return Totals(
        statement_payouts=zero,
        statement_by_command=(),
        charges=zero,
        other_in=zero,
        other_out=zero,
        ledger_payouts=zero,
        ledger_by_command=(),
        ledger_by_status=(),
        categories=tuple((c, CategoryTotal(0, Decimal("0.00"))) for c in CATEGORIES),
        balance=BalanceRollForward(
            rows=0,
            rows_without_balance=0,
            opening=None,
            paid_in=Decimal("0.00"),
            withdrawn=Decimal("0.00"),
            closing_computed=None,
            closing_stated=None,
            breaks=0,
        ),
        utility_funds_mismatches=0,
        resolutions_appended=0,
    )
