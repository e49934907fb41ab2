"""The demo's last step: import the simulator's statement of the day, reconcile, write the
reports, and check that every category holds exactly the items the scenario injected."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from rich.console import Console

from adapters.demo_scenarios import UNKNOWN_PAYOUT
from adapters.report_render import render_html, render_json, render_table
from adapters.statement_import import import_statement
from ledger import EventStore
from projections.reconciliation import CATEGORIES, NAIROBI, reconcile_day


def reconcile_demo_day(
    store: EventStore,
    statement: Path,
    day: date,
    shortcode: str,
    expected: dict[str, list[str]],
    out_dir: Path,
    console: Console,
) -> list[str]:
    """Reconcile the demo's day; return the differences from what the scenario expects."""
    report = import_statement(store, statement)
    console.print(f"statement {statement}: {report.summary()}")
    problems: list[str] = []
    if report.rows_refused:
        problems.append(f"the simulator's statement had {report.rows_refused} unreadable rows")
    rec = reconcile_day(store, day, shortcode=shortcode, tz=NAIROBI)
    render_table(rec, console, limit=5)
    json_path, html_path = out_dir / "reconciliation.json", out_dir / "reconciliation.html"
    with json_path.open("w", encoding="utf-8") as out:
        render_json(rec, out)
    with html_path.open("w", encoding="utf-8") as out:
        render_html(rec, out)
    console.print(f"reports: {json_path}, {html_path}")

    orphans = [c.ocid for c in rec.callback_exceptions()]
    if orphans != ["ocid-from-another-system"]:
        problems.append(f"callbacks that changed no payout: {orphans}, expected the one orphan")
    for category in CATEGORIES:
        items = list(rec.items(category))
        if category.value == "unknown_to_ledger":
            got = [(i.recipient, i.statement_amount) for i in items]
            want = [(UNKNOWN_PAYOUT[0], UNKNOWN_PAYOUT[1])]
            if len(got) != 1 or got[0][0] != want[0][0] or got[0][1] != want[0][1]:
                problems.append(f"unknown_to_ledger holds {got}, expected {want}")
            continue
        found = sorted(i.ocid or f"line {i.line_key}" for i in items)
        wanted = sorted(expected.get(category.value, []))
        if found != wanted:
            extra = sorted(set(found) - set(wanted))
            missing = sorted(set(wanted) - set(found))
            problems.append(
                f"{category.value}: {len(found)} items, expected {len(wanted)}"
                + (f"; unexpected {extra[:5]}" if extra else "")
                + (f"; missing {missing[:5]}" if missing else "")
            )
    return problems
