"""``payouts reconcile``: import a day's statement, reconcile the ledger against it, render it."""

from __future__ import annotations

import sys
from datetime import date, timedelta
from pathlib import Path
from typing import IO

import click
from rich.console import Console

from adapters.report_render import render_csv, render_html, render_json, render_table
from adapters.statement_import import StatementImportError, import_statement
from adapters.statements import StatementError
from ledger import EventStore, LedgerError
from projections.reconciliation import (
    DEFAULT_CARRY_OVER,
    DEFAULT_MATCH_WINDOW,
    EXIT_CRITICAL,
    NAIROBI,
    Reconciliation,
    ReconciliationError,
    catch_up_all,
    reconcile_day,
    shortcodes_of_day,
)

HELP = f"""Reconcile one business day of the ledger against the account's statement.

Imports the statement FILE (idempotently: lines already imported are skipped), catches up the
projections, matches every payout of the day and every payout line of the statement, records
the payouts the statement proves paid, and writes the report. Without --statement, the day is
reconciled against what is already imported.

\b
Exit status:
  0  clean: no critical exception
  1  error (unreadable statement, no shortcode, no statement lines for the day, database
     unavailable, ...)
  2  usage error (a bad option)
  {EXIT_CRITICAL}  critical exceptions: failed_but_paid, paid_twice, unknown_to_ledger,
     missing_from_statement or amount_mismatch has at least one item
"""


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


def _render(rec: Reconciliation, fmt: str, out: IO[str], to_terminal: bool) -> None:
    if fmt == "json":
        render_json(rec, out)
    elif fmt == "csv":
        render_csv(rec, out)
    elif fmt == "html":
        render_html(rec, out)
    else:
        console = Console(file=out, width=None if to_terminal else 160, soft_wrap=False)
        render_table(rec, console)


@click.command(
    "reconcile",
    help=HELP,
    short_help="Reconcile a business day against the provider's statement.",
)
@click.option(
    "--date",
    "day_text",
    required=True,
    metavar="YYYY-MM-DD",
    help="The business day (Africa/Nairobi).",
)
@click.option(
    "--statement",
    "statement",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The organisation-portal statement CSV to import first.",
)
@click.option("--shortcode", help="The account, when the statement states none.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json", "html"]),
    default="table",
    show_default=True,
)
@click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report here (default: standard output).",
)
@click.option(
    "--carry-over",
    "carry_minutes",
    type=click.IntRange(min=0),
    default=int(DEFAULT_CARRY_OVER.total_seconds() // 60),
    show_default=True,
    help="Minutes before midnight in which a payout may be on the next statement.",
)
@click.option(
    "--match-window",
    "window_minutes",
    type=click.IntRange(min=0),
    default=int(DEFAULT_MATCH_WINDOW.total_seconds() // 60),
    show_default=True,
    help="Minutes around a payout in which a line matches it by recipient and amount.",
)
@click.pass_context
def reconcile_command(
    ctx: click.Context,
    day_text: str,
    statement: Path | None,
    shortcode: str | None,
    fmt: str,
    out_path: Path | None,
    carry_minutes: int,
    window_minutes: int,
) -> None:
    day = _day(day_text)
    url = ctx.obj["db_url"]
    try:
        store = EventStore.from_url(url)
    except LedgerError as exc:
        raise click.ClickException(str(exc)) from None
    try:
        if statement is not None:
            report = import_statement(store, statement, shortcode=shortcode)
            shortcode = report.shortcode
            click.echo(report.summary(), err=True)
            for error in report.errors:
                click.echo(f"  refused {error.line_number}: {error.reason}", err=True)
        if not shortcode:
            catch_up_all(store)
            known = shortcodes_of_day(store, day, NAIROBI)
            if len(known) != 1:
                found = ", ".join(known) if known else "none"
                raise click.ClickException(
                    f"pass --shortcode: the statements imported for {day} are of {found}"
                )
            shortcode = known[0]
        rec = reconcile_day(
            store,
            day,
            shortcode=shortcode,
            tz=NAIROBI,
            carry_over=timedelta(minutes=carry_minutes),
            match_window=timedelta(minutes=window_minutes),
        )
        t = rec.totals
        if not (
            t.statement_payouts.count or t.charges.count or t.other_in.count or t.other_out.count
        ):
            raise click.ClickException(
                f"no statement lines of shortcode {shortcode} on {day}: check --date, or import "
                "that day's statement with --statement FILE (nothing to reconcile against)"
            )
        if rec.totals.resolutions_appended:
            click.echo(
                f"recorded {rec.totals.resolutions_appended} payout(s) resolved by the statement",
                err=True,
            )
        if out_path is None:
            _render(rec, fmt, sys.stdout, sys.stdout.isatty())
        else:
            with out_path.open("w", encoding="utf-8", newline="") as out:
                _render(rec, fmt, out, False)
    except (StatementImportError, StatementError, ReconciliationError, LedgerError) as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        store.close()
    ctx.exit(rec.exit_status)


__all__ = ["reconcile_command"]
