"""The demo's reconciliation step (filled in when reconciliation lands)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from rich.console import Console

from ledger import EventStore


def reconcile_demo_day(
    store: EventStore,
    statement: Path,
    day: date,
    shortcode: str,
    expected: dict[str, list[str]],
    out_dir: Path,
    console: Console,
) -> list[str]:
    console.print(f"statement exported to {statement} (reconciliation not wired yet)")
    return []
