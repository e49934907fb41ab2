"""Rendering a reconciliation: JSON and CSV for machines, HTML and a terminal table for people.

Every renderer streams the categories out of the reconciliation item by item, so a day of
100,000 matched payouts is written without holding it in memory. The content is deterministic
(sorted items, times from events only), so the same events always render the same bytes.
"""

from __future__ import annotations

import contextlib
import csv
import html
import itertools
import json
from collections.abc import Iterable
from typing import IO, Any

from rich.console import Console
from rich.table import Table

from projections.reconciliation import (
    CRITICAL,
    EXCEPTION_ORDER,
    ITEM_FIELDS,
    Category,
    Reconciliation,
)

#: Items of one category a person is shown in the terminal table before "... and N more".
TABLE_LIMIT = 50

_TITLES = {
    Category.MATCHED: "Matched",
    Category.AMOUNT_MISMATCH: "Amount mismatch",
    Category.MISSING_FROM_STATEMENT: "Missing from statement",
    Category.CARRIED_OVER: "Carried over",
    Category.UNKNOWN_TO_LEDGER: "Unknown to the ledger",
    Category.RESOLVED_PENDING: "Resolved pending (by statement)",
    Category.PENDING: "Pending",
    Category.FAILED_NOT_PAID: "Failed, not paid",
    Category.FAILED_BUT_PAID: "Failed but paid",
    Category.PAID_TWICE: "Paid twice",
}


def report_header(rec: Reconciliation) -> dict[str, Any]:
    """What the report is of: the account, the day and the rules it was made with."""
    return {
        "shortcode": rec.shortcode,
        "day": rec.day.isoformat(),
        "timezone": str(rec.start.strftime("%z")),
        "carry_over_seconds": int(rec.carry_over.total_seconds()),
        "match_window_seconds": int(rec.match_window.total_seconds()),
        "critical": rec.critical,
        "exit_status": rec.exit_status,
    }


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _write_list(out: IO[str], items: Iterable[dict[str, Any]]) -> None:
    out.write("[")
    first = True
    for item in items:
        out.write("\n    " if first else ",\n    ")
        out.write(_dump(item))
        first = False
    out.write("\n  ]" if not first else "]")


def render_json(rec: Reconciliation, out: IO[str]) -> None:
    """The whole report as one JSON object, written item by item.

    Keys: ``report`` (what it is of), ``totals``, ``categories`` (every category, each a list of
    every item), ``balance_breaks`` and ``utility_funds_mismatches``. Money is decimal strings.
    """
    tz = rec.tz
    out.write("{\n")
    out.write(f'  "report": {_dump(report_header(rec))},\n')
    out.write(f'  "totals": {_dump(rec.totals.to_dict())},\n')
    out.write('  "categories": {')
    for n, (category, items) in enumerate(rec.all_items()):
        out.write("\n  " if n == 0 else ",\n  ")
        out.write(f"{_dump(category.value)}: ")
        _write_list(out, (i.to_dict(tz) for i in items))
    out.write("\n  },\n")
    out.write('  "balance_breaks": ')
    _write_list(out, (b.to_dict(tz) for b in rec.balance_breaks()))
    out.write(',\n  "utility_funds_mismatches": ')
    _write_list(out, (m.to_dict(tz) for m in rec.utility_funds_mismatches()))
    out.write(',\n  "callback_exceptions": ')
    _write_list(out, (c.to_dict(tz) for c in rec.callback_exceptions()))
    out.write("\n}\n")


def render_csv(rec: Reconciliation, out: IO[str]) -> None:
    """One row per item of every category (category order, then payout id and line key)."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(ITEM_FIELDS)
    for _, items in rec.all_items():
        for item in items:
            row = item.to_dict(rec.tz)
            writer.writerow(["" if row[f] is None else row[f] for f in ITEM_FIELDS])


# -- HTML ------------------------------------------------------------------------------------

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;
 background:#f5f6f8;color:#1d2330}
header{background:#1d2330;color:#fff;padding:20px 32px}
header h1{margin:0;font-size:22px}header p{margin:4px 0 0;color:#b8c0d0}
main{padding:24px 32px;max-width:1400px}
.verdict{padding:14px 18px;border-radius:8px;font-weight:600;margin-bottom:20px}
.verdict.bad{background:#fde8e8;color:#9b1c1c;border:1px solid #f5b5b5}
.verdict.ok{background:#e6f6ec;color:#14532d;border:1px solid #a7dcb9}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(180px,1fr));gap:12px}
.card{background:#fff;border-radius:8px;padding:12px 14px;border-left:5px solid #9aa3b5;
 box-shadow:0 1px 2px rgba(0,0,0,.06)}
.card.critical{border-left-color:#d92d20}.card.watch{border-left-color:#f79009}
.card.clean{border-left-color:#12b76a}
.card .n{font-size:24px;font-weight:700}.card .v{color:#5b6475;font-variant-numeric:tabular-nums}
.card .t{font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:#5b6475}
section{margin-top:28px}h2{font-size:17px;margin:0 0 8px}
table{border-collapse:collapse;width:100%;background:#fff;border-radius:8px;overflow:hidden;
 box-shadow:0 1px 2px rgba(0,0,0,.06);font-size:13px}
th{background:#eef0f4;text-align:left;padding:6px 8px;font-weight:600;white-space:nowrap}
td{padding:5px 8px;border-top:1px solid #eef0f4;vertical-align:top}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.crit td:first-child{border-left:4px solid #d92d20}
.muted{color:#8a93a6}details summary{cursor:pointer;font-weight:600;margin:8px 0}
"""

_HTML_COLUMNS = (
    ("ocid", "Payout"),
    ("receipt", "Receipt"),
    ("recipient", "Recipient"),
    ("command_id", "CommandID"),
    ("ledger_status", "Ledger status"),
    ("ledger_amount", "Ledger KES"),
    ("statement_amount", "Statement KES"),
    ("completed_at", "Completed (ledger)"),
    ("statement_completed_at", "Completed (statement)"),
    ("note", "Note"),
)


def _esc(value: object) -> str:
    return "" if value is None else html.escape(str(value))


def _card_class(category: Category, count: int) -> str:
    if count and category in CRITICAL:
        return "critical"
    if count and category in (Category.PENDING, Category.CARRIED_OVER, Category.RESOLVED_PENDING):
        return "watch"
    return "clean"


def render_html(rec: Reconciliation, out: IO[str]) -> None:
    """A standalone page (inline CSS, no external assets): verdict and summary first, then the
    exceptions, critical ones first, then the other categories; matched items folded away."""
    t = rec.totals
    head = report_header(rec)
    title = f"Reconciliation {head['day']} — shortcode {_esc(rec.shortcode)}"
    out.write(
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">\n<title>{title}'
        f"</title>\n<style>{_CSS}</style></head><body>\n"
    )
    out.write(
        f"<header><h1>{title}</h1><p>Business day {head['day']} (UTC{head['timezone']}), "
        f"carry-over {head['carry_over_seconds'] // 60} min, match window "
        f"{head['match_window_seconds'] // 60} min</p></header>\n<main>\n"
    )
    if rec.critical:
        out.write(
            f'<div class="verdict bad">{rec.critical} critical exception(s) need a person: '
            "see the first tables below.</div>\n"
        )
    else:
        out.write(
            '<div class="verdict ok">Clean: every payout the ledger believes in is on the '
            "statement once, for the right amount, and nothing unknown left the account."
            "</div>\n"
        )
    out.write('<div class="cards">\n')
    for category in EXCEPTION_ORDER:
        total = t.category(category)
        out.write(
            f'<div class="card {_card_class(category, total.count)}"><div class="t">'
            f'{_TITLES[category]}</div><div class="n">{total.count}</div>'
            f'<div class="v">KES {total.value:,}</div></div>\n'
        )
    out.write("</div>\n")
    _html_totals(rec, out)
    for category in EXCEPTION_ORDER:
        total = t.category(category)
        if category is Category.MATCHED:
            continue
        _html_section(rec, out, category, total.count, folded=False)
    _html_extras(rec, out)
    _html_section(rec, out, Category.MATCHED, t.category(Category.MATCHED).count, folded=True)
    out.write("</main></body></html>\n")


def _html_totals(rec: Reconciliation, out: IO[str]) -> None:
    t = rec.totals
    b = t.balance
    rows = [
        ("Statement payouts", t.statement_payouts.count, t.statement_payouts.amount),
        *((f"— {k or 'unknown'}", v.count, v.amount) for k, v in t.statement_by_command),
        ("Charges paid", t.charges.count, t.charges.amount),
        ("Other movements in", t.other_in.count, t.other_in.amount),
        ("Other movements out", t.other_out.count, t.other_out.amount),
        ("Ledger payouts of the day", t.ledger_payouts.count, t.ledger_payouts.amount),
        *((f"— {k}", v.count, v.amount) for k, v in t.ledger_by_command),
    ]
    out.write(
        '<section><h2>Totals</h2><table><tr><th>What</th><th class="num">Count</th>'
        '<th class="num">KES</th></tr>\n'
    )
    for label, n, amount in rows:
        out.write(
            f'<tr><td>{_esc(label)}</td><td class="num">{n}</td>'
            f'<td class="num">{amount:,}</td></tr>\n'
        )
    out.write("</table></section>\n")
    state = "consistent" if b.consistent else "NOT consistent"
    out.write(
        "<section><h2>Balance roll-forward</h2><table><tr><th>Opening</th><th>Paid in</th>"
        "<th>Withdrawn</th><th>Closing (computed)</th><th>Closing (stated)</th>"
        "<th>Row breaks</th><th>Callback funds mismatches</th></tr>\n"
    )
    out.write(
        "<tr>"
        + "".join(
            f'<td class="num">{_esc(v)}</td>'
            for v in (
                b.opening,
                b.paid_in,
                b.withdrawn,
                b.closing_computed,
                b.closing_stated,
                b.breaks,
                t.utility_funds_mismatches,
            )
        )
        + f'</tr></table><p class="muted">The statement is {state}.</p></section>\n'
    )


def _html_section(
    rec: Reconciliation, out: IO[str], category: Category, count: int, *, folded: bool
) -> None:
    crit = " crit" if category in CRITICAL else ""
    out.write(f'<section><h2>{_TITLES[category]} <span class="muted">({count})</span></h2>\n')
    if not count:
        out.write('<p class="muted">None.</p></section>\n')
        return
    if folded:
        out.write(f"<details><summary>Show all {count}</summary>\n")
    out.write("<table><tr>" + "".join(f"<th>{t}</th>" for _, t in _HTML_COLUMNS) + "</tr>\n")
    numeric = {"ledger_amount", "statement_amount"}
    for item in rec.items(category):
        row = item.to_dict(rec.tz)
        cells = "".join(
            f'<td class="num">{_esc(row[f])}</td>' if f in numeric else f"<td>{_esc(row[f])}</td>"
            for f, _ in _HTML_COLUMNS
        )
        out.write(f'<tr class="{crit.strip()}">{cells}</tr>\n')
    out.write("</table>")
    if folded:
        out.write("</details>")
    out.write("</section>\n")


def _html_callbacks(rec: Reconciliation, out: IO[str]) -> None:
    rows = list(itertools.islice(rec.callback_exceptions(), TABLE_LIMIT))
    if not rows:
        return
    out.write(
        "<section><h2>Callbacks that changed no payout</h2><p>Orphans name no payout of the "
        "ledger; the others could not be read or were refused. Each is kept in the ledger."
        "</p><table><tr><th>Received</th><th>Route</th><th>Verdict</th><th>Payout id named</th>"
        "<th>Receipt</th><th>KES</th><th>Caller</th><th>Detail</th></tr>\n"
    )
    for c in rows:
        d = c.to_dict(rec.tz)
        out.write(
            f"<tr><td>{_esc(d['received_at'])}</td><td>{_esc(c.route)}</td>"
            f"<td>{_esc(c.verdict)}</td><td>{_esc(c.ocid)}</td><td>{_esc(c.receipt)}</td>"
            f'<td class="num">{_esc(c.amount)}</td><td>{_esc(c.source_ip)}</td>'
            f"<td>{_esc(c.detail)}</td></tr>\n"
        )
    out.write("</table></section>\n")


def _html_extras(rec: Reconciliation, out: IO[str]) -> None:
    _html_callbacks(rec, out)
    if rec.totals.balance.breaks:
        out.write(
            "<section><h2>Balance breaks</h2><table><tr><th>Line</th><th>Completed</th>"
            "<th>Expected</th><th>Stated</th></tr>\n"
        )
        for b in rec.balance_breaks():
            d = b.to_dict(rec.tz)
            out.write(
                f"<tr><td>{_esc(d['line_key'])}</td><td>{_esc(d['completed_at'])}</td>"
                f'<td class="num">{d["expected_balance"]}</td>'
                f'<td class="num">{d["stated_balance"]}</td></tr>\n'
            )
        out.write("</table></section>\n")
    if rec.totals.utility_funds_mismatches:
        out.write(
            "<section><h2>Statement balance vs callback utility funds</h2><table><tr>"
            "<th>Receipt</th><th>Payout</th><th>Statement balance</th>"
            "<th>Callback funds</th></tr>\n"
        )
        for m in rec.utility_funds_mismatches():
            out.write(
                f"<tr><td>{_esc(m.receipt)}</td><td>{_esc(m.ocid)}</td>"
                f'<td class="num">{m.statement_balance}</td>'
                f'<td class="num">{m.callback_utility_funds}</td></tr>\n'
            )
        out.write("</table></section>\n")


# -- terminal --------------------------------------------------------------------------------


def render_table(rec: Reconciliation, console: Console, *, limit: int = TABLE_LIMIT) -> None:
    """For a person at a terminal: the verdict and summary first, then the exceptions."""
    t = rec.totals
    b = t.balance
    console.print(
        f"[bold]Reconciliation {rec.day.isoformat()}[/bold] shortcode {rec.shortcode} "
        f"(UTC{rec.start.strftime('%z')})"
    )
    if rec.critical:
        console.print(f"[bold red]{rec.critical} critical exception(s)[/bold red]")
    else:
        console.print("[bold green]Clean[/bold green]")
    summary = Table(title="Categories")
    summary.add_column("Category")
    summary.add_column("Count", justify="right")
    summary.add_column("KES", justify="right")
    for category in EXCEPTION_ORDER:
        total = t.category(category)
        style = "red" if total.count and category in CRITICAL else None
        summary.add_row(_TITLES[category], str(total.count), f"{total.value:,}", style=style)
    console.print(summary)
    totals = Table(title="Totals")
    totals.add_column("What")
    totals.add_column("Count", justify="right")
    totals.add_column("KES", justify="right")
    totals.add_row(
        "Statement payouts", str(t.statement_payouts.count), f"{t.statement_payouts.amount:,}"
    )
    for k, v in t.statement_by_command:
        totals.add_row(f"  {k or 'unknown'}", str(v.count), f"{v.amount:,}")
    totals.add_row("Charges paid", str(t.charges.count), f"{t.charges.amount:,}")
    totals.add_row("Other in", str(t.other_in.count), f"{t.other_in.amount:,}")
    totals.add_row("Other out", str(t.other_out.count), f"{t.other_out.amount:,}")
    totals.add_row("Ledger payouts", str(t.ledger_payouts.count), f"{t.ledger_payouts.amount:,}")
    console.print(totals)
    state = "[green]consistent[/green]" if b.consistent else "[red]NOT consistent[/red]"
    console.print(
        f"Balance: opening {b.opening} + in {b.paid_in} - out {b.withdrawn} = "
        f"{b.closing_computed} (stated {b.closing_stated}): {state}, {b.breaks} row break(s), "
        f"{t.utility_funds_mismatches} callback funds mismatch(es)"
    )
    orphans = list(itertools.islice(rec.callback_exceptions(), limit + 1))
    if orphans:
        table = Table(title="Callbacks that changed no payout (orphans, unreadable, refused)")
        for title in ("Received", "Route", "Verdict", "Payout id named", "Receipt", "Caller"):
            table.add_column(title)
        for c in orphans[:limit]:
            table.add_row(
                c.received_at.astimezone(rec.tz).isoformat(),
                c.route,
                c.verdict,
                c.ocid or "",
                c.receipt or "",
                c.source_ip or "",
            )
        console.print(table)
    for category in EXCEPTION_ORDER:
        count = t.category(category).count
        if category is Category.MATCHED or not count:
            continue
        table = Table(title=f"{_TITLES[category]} ({count})")
        for _, title in _HTML_COLUMNS:
            table.add_column(title)
        with contextlib.closing(rec.items(category)) as items:
            for item in itertools.islice(items, limit):
                row = item.to_dict(rec.tz)
                table.add_row(*("" if row[f] is None else str(row[f]) for f, _ in _HTML_COLUMNS))
        console.print(table)
        if count > limit:
            console.print(f"... and {count - limit} more (use --format csv, json or html)")
