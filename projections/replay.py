"""Replay: rebuild projections from position 0 and compare with what was built incrementally.

This is the auditor's check that the read models are exactly what the events say: the rows
before and after a rebuild must be identical.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs
import sqlalchemy as sa

from ledger import EventStore
from projections.runner import Projection, catch_up, rebuild


def _snapshot(store: EventStore, projection: Projection) -> dict[str, list[tuple[object, ...]]]:
    tables: dict[str, list[tuple[object, ...]]] = {}
    with store.engine.connect() as conn:
        for table in projection.metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            tables[table.name] = [tuple(r) for r in conn.execute(sa.select(table).order_by(*order))]
    return tables


@attrs.frozen
class ProjectionReplay:
    name: str
    events: int
    rows: int
    differences: tuple[str, ...]


@attrs.frozen
class ReplayReport:
    projections: tuple[ProjectionReplay, ...]

    @property
    def identical(self) -> bool:
        return all(not p.differences for p in self.projections)

    def lines(self) -> list[str]:
        out = []
        for p in self.projections:
            verdict = "identical" if not p.differences else f"{len(p.differences)} differences"
            out.append(f"{p.name}: replayed {p.events} events into {p.rows} rows: {verdict}")
            out.extend(f"  {d}" for d in p.differences[:20])
        out.append(
            "replay matches the incrementally built state"
            if self.identical
            else "REPLAY DIFFERS from the incrementally built state"
        )
        return out


def replay_and_compare(store: EventStore, projections: Sequence[Projection]) -> ReplayReport:
    results = []
    for projection in projections:
        catch_up(store, projection)
        before = _snapshot(store, projection)
        events = rebuild(store, projection)
        after = _snapshot(store, projection)
        differences: list[str] = []
        for table in sorted(set(before) | set(after)):
            b, a = before.get(table, []), after.get(table, [])
            if b != a:
                only_b = [r for r in b if r not in a]
                only_a = [r for r in a if r not in b]
                differences.append(
                    f"{table}: {len(only_b)} rows only before the replay, {len(only_a)} only after"
                )
        results.append(
            ProjectionReplay(
                projection.name, events, sum(len(v) for v in after.values()), tuple(differences)
            )
        )
    return ReplayReport(tuple(results))
