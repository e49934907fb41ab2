"""The `payouts` command line: thin entry points over the ledger, the adapters and projections.

Exit statuses: 0 success; 1 an error (one line on stderr); 2 a usage error; 3 reconciliation
found critical exceptions (see `payouts reconcile --help`).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from adapters.config import ConfigError, Settings, load_settings
from adapters.daraja import DarajaError
from adapters.reconcile_cli import reconcile_command
from ledger import (
    BatchRowError,
    EventStore,
    LedgerError,
    Payout,
    PayoutInstruction,
    PayoutStatus,
    migrate,
)
from ledger.engine import create_engine, display_url, normalise_url

F = TypeVar("F", bound=Callable[..., Any])

# Tables stay readable when output goes to a file or a CI log (rich would assume 80 columns);
# messages are never wrapped (soft_wrap), so each stays one line for grep and for logs.
console = Console(width=None if sys.stdout.isatty() else 140, soft_wrap=True)
err_console = Console(stderr=True, width=None if sys.stderr.isatty() else 140, soft_wrap=True)


def one_line_errors(fn: F) -> F:
    """Show an error a user can act on as one clear line and exit 1, never as a stack trace."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (LedgerError, ConfigError, DarajaError, OSError) as exc:
            raise click.ClickException(str(exc)) from None

    return wrapper  # type: ignore[return-value]


def settings_of(ctx: click.Context) -> Settings:
    settings: Settings = ctx.obj["settings"]
    return settings


@contextmanager
def opened_store(ctx: click.Context) -> Iterator[EventStore]:
    from adapters.wiring import open_store
    from projections.catalogue import catch_up_all

    store = open_store(settings_of(ctx))
    try:
        catch_up_all(store)  # a command's effect is visible to the next command at once
        yield store
    finally:
        store.close()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    "db_url",
    envvar="PAYOUTS_DB",
    default=None,
    help="Ledger database URL: sqlite:///path.db (default sqlite:///payouts.db in the working "
    "directory) or postgresql+psycopg://user:pw@host/db. Env: PAYOUTS_DB.",
)
@click.option(
    "--config",
    "config_file",
    envvar="PAYOUTS_CONFIG",
    type=click.Path(dir_okay=False),
    default=None,
    help="TOML file with settings (see README, Configuration). Env: PAYOUTS_CONFIG.",
)
@click.pass_context
def cli(ctx: click.Context, db_url: str | None, config_file: str | None) -> None:
    """M-Pesa B2C payouts ledger: send payouts, receive callbacks, reconcile, audit.

    Start with `payouts demo`: it runs everything against a local Daraja simulator.
    """
    ctx.ensure_object(dict)
    try:
        settings = load_settings(config_file=config_file, overrides={"db": db_url})
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    ctx.obj["settings"] = settings
    ctx.obj["db_url"] = settings.db


# -- database -----------------------------------------------------------------------------------


@cli.group()
def db() -> None:
    """Create, upgrade and inspect the ledger database schema."""


@db.command("upgrade")
@click.pass_context
@one_line_errors
def db_upgrade(ctx: click.Context) -> None:
    """Create the ledger schema, or migrate it to this program's version."""
    engine = create_engine(ctx.obj["db_url"])
    try:
        before, after = migrate.upgrade(engine)
    except LedgerError:
        raise
    except Exception as exc:
        raise click.ClickException(
            f"cannot upgrade {display_url(engine.url)}: {type(exc).__name__}: {exc}"
        ) from None
    finally:
        engine.dispose()
    where = display_url(normalise_url(ctx.obj["db_url"]))
    if before == after:
        click.echo(f"{where}: schema already at revision {after}")
    else:
        click.echo(f"{where}: schema upgraded from {before or 'nothing'} to revision {after}")


@db.command("status")
@click.pass_context
@one_line_errors
def db_status(ctx: click.Context) -> None:
    """Show the schema revision of the database and of this program."""
    engine = create_engine(ctx.obj["db_url"])
    try:
        current = migrate.current_revision(engine)
    finally:
        engine.dispose()
    head = migrate.head_revision()
    state = "up to date" if current == head else "needs `payouts db upgrade`"
    click.echo(f"database revision: {current or 'none'}; program revision: {head} ({state})")


# -- servers ------------------------------------------------------------------------------------


@cli.command(short_help="Run the webhook receiver (result, timeout, /healthz).")
@click.option(
    "--host", default=None, help="Address to listen on (PAYOUTS_HOST, default 127.0.0.1)."
)
@click.option("--port", type=int, default=None, help="Port (PAYOUTS_PORT, default 8000; 0 = any).")
@click.pass_context
@one_line_errors
def serve(ctx: click.Context, host: str | None, port: int | None) -> None:
    """Run the webhook receiver (result and timeout callbacks, /healthz).

    Callers are checked against PAYOUTS_ALLOWED_IPS (default: Safaricom's published addresses);
    X-Forwarded-For is believed only from PAYOUTS_TRUSTED_PROXIES.
    """
    import uvicorn

    from adapters.receiver import create_receiver_app
    from adapters.wiring import open_store, receiver_config

    settings = settings_of(ctx)
    store = open_store(settings)
    app = create_receiver_app(store, receiver_config(settings))
    proxies = ", ".join(settings.trusted_proxies) or "none"
    err_console.print(
        f"receiver for {store!r}: callers allowed {', '.join(settings.allowed_ips) or 'none'}; "
        f"trusted proxies {proxies}"
    )
    # proxy_headers off: uvicorn would otherwise trust X-Forwarded-For from 127.0.0.1.
    uvicorn.run(
        app,
        host=host or settings.host,
        port=settings.port if port is None else port,
        proxy_headers=False,
        forwarded_allow_ips="",
        access_log=False,  # access lines would show callback paths, which may carry tokens
        log_level="info",
    )


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=int, default=8001, show_default=True, help="0 picks a free port.")
@click.option(
    "--shortcode", default=None, help="Organisation shortcode (default PAYOUTS_SHORTCODE)."
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed for receipts and names.")
def simulator(host: str, port: int, shortcode: str | None, seed: int) -> None:
    """Run a local Daraja: OAuth, B2C v3, callbacks, statements.

    Point the ledger at it with PAYOUTS_DARAJA_BASE_URL=http://HOST:PORT and the consumer key
    and secret sim-consumer-key / sim-consumer-secret (any security credential will do).
    Every payout succeeds unless scripted: POST /simulator/scenarios with JSON like
    {"match": {"party_b": "254712345678"}, "outcome": "fail", "result_code": 1} (outcomes:
    success, fail, timeout_then_result, timeout_only_paid, timeout_only_unpaid,
    duplicate_delivery, no_callback, reply_lost, slow_reply, expired_token, duplicate_ocid,
    amount_changed). The day's statement: GET /simulator/statement?date=YYYY-MM-DD.
    """
    import uvicorn

    from adapters.simulator import Simulator, SimulatorConfig, quiet_dropped_replies

    settings = load_settings()
    config = SimulatorConfig(shortcode=shortcode or settings.shortcode, seed=seed)
    sim = Simulator(config)
    quiet_dropped_replies()
    click.echo(f"simulator for shortcode {config.shortcode} on http://{host}:{port}")
    try:
        uvicorn.run(sim.app, host=host, port=port, proxy_headers=False, log_level="warning")
    finally:
        sim.close()


# -- payouts ------------------------------------------------------------------------------------


def _payout_row(p: Payout) -> list[str]:
    return [
        p.originator_conversation_id,
        p.status.value,
        p.command_id,
        str(p.amount),
        p.party_b,
        p.receipt or "",
        ",".join(p.flags),
    ]


def _payout_json(p: Payout) -> dict[str, Any]:
    from ledger import converter

    data: dict[str, Any] = converter.unstructure(p)
    return data


def _payout_table(payouts: list[Payout], title: str | None = None) -> Table:
    table = Table(title=title)
    for col in (
        "OriginatorConversationID",
        "status",
        "CommandID",
        "KES",
        "recipient",
        "receipt",
        "flags",
    ):
        table.add_column(col, justify="right" if col == "KES" else "left")
    for p in payouts:
        style = (
            "red"
            if p.critical or p.status in (PayoutStatus.FAILED, PayoutStatus.REJECTED)
            else None
        )
        table.add_row(*_payout_row(p), style=style)
    return table


@cli.command()
@click.option(
    "--id", "ocid", required=True, help="OriginatorConversationID: the payout's idempotency key."
)
@click.option(
    "--to", "party_b", required=True, help="Recipient's phone number (07.., +2547.., ...)."
)
@click.option("--amount", required=True, help="Whole shillings.")
@click.option(
    "--command",
    "command_id",
    default="BusinessPayment",
    show_default=True,
    type=click.Choice(["SalaryPayment", "BusinessPayment", "PromotionPayment"]),
)
@click.option("--remarks", required=True, help="2 to 100 characters.")
@click.option("--occasion", default=None, help="At most 100 characters.")
@click.pass_context
@one_line_errors
def send(
    ctx: click.Context,
    ocid: str,
    party_b: str,
    amount: str,
    command_id: str,
    remarks: str,
    occasion: str | None,
) -> None:
    """Send one payout. Running it again with the same --id sends nothing twice."""
    from adapters.wiring import make_service
    from projections.catalogue import catch_up_all

    with opened_store(ctx) as store:
        service = make_service(settings_of(ctx), store)
        result = service.send(
            PayoutInstruction(ocid, command_id, amount, party_b, remarks, occasion)
        )
        catch_up_all(store)
    payout = result.payout
    console.print(_payout_table([payout]))
    if not result.sent:
        err_console.print(f"{ocid} is already known: nothing was sent")
    if payout.status is PayoutStatus.REQUESTED:
        err_console.print(
            f"[red]{ocid} was not sent (Daraja could not be reached): run the same command "
            "again; the same id is reused, so it cannot be paid twice[/red]"
        )
        ctx.exit(1)


@cli.command("send-batch")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--batch-id",
    default=None,
    help="The batch's name (default: the file's name without .csv). Row ids derive from it and "
    "from each row's content: give every new payroll a new name.",
)
@click.pass_context
@one_line_errors
def send_batch(ctx: click.Context, file: Path, batch_id: str | None) -> None:
    """Send a CSV file of payouts; bad rows are reported by line.

    The header is party_b,amount,command_id,remarks,occasion and optionally
    originator_conversation_id. Valid rows go through even when others are refused (the exit
    status is then 1). Re-running the same batch sends only what was never sent, even after you
    fix a refused row or re-save the file: a row without an id gets one from the batch's name
    and its content."""
    from adapters.batch_file import BatchFileError, read_batch
    from adapters.wiring import make_service
    from projections.catalogue import catch_up_all

    try:
        batch = read_batch(file.read_bytes(), name=file.name, batch_id=batch_id)
    except BatchFileError as exc:
        raise click.ClickException(str(exc)) from None
    with opened_store(ctx) as store:
        service = make_service(settings_of(ctx), store)
        with Progress(
            TextColumn("sending"), BarColumn(), MofNCompleteColumn(), console=err_console
        ) as progress:
            task = progress.add_task("send", total=len(batch.rows))
            result = service.send_batch(
                batch.rows, batch.batch_id, on_row=lambda _line, _r: progress.advance(task)
            )
        catch_up_all(store)
    errors: list[BatchRowError] = sorted([*batch.errors, *result.errors], key=lambda e: e.line)
    earlier = {p.batch_id for p in result.already_known if p.batch_id != batch.batch_id}
    if result.already_known:
        err_console.print(
            f"[yellow]{len(result.already_known)} rows were sent before and were not sent again"
            + (
                f" (first sent in batch {', '.join(sorted(str(b) for b in earlier))})"
                if earlier
                else ""
            )
            + ": if this is a new payroll, run it with a new --batch-id[/yellow]"
        )
    for e in errors:
        err_console.print(f"[red]{file.name}: {e.message}[/red]")
    counts: dict[str, int] = {}
    for p in (*result.sent, *result.already_known):
        counts[p.status.value] = counts.get(p.status.value, 0) + 1
    console.print(
        f"batch {batch.batch_id}: {len(batch.rows) + len(batch.errors)} rows; sent "
        f"{len(result.sent)}, already known {len(result.already_known)}, refused {len(errors)}; "
        + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
    )
    if errors:
        ctx.exit(1)


@cli.command("list")
@click.option("--status", type=click.Choice([s.value for s in PayoutStatus]), default=None)
@click.option("--batch", "batch_id", default=None, help="Only this batch's payouts.")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.pass_context
@one_line_errors
def list_command(ctx: click.Context, status: str | None, batch_id: str | None, fmt: str) -> None:
    """List payouts with their current state."""
    from projections import list_payouts

    with opened_store(ctx) as store:
        payouts = list(
            list_payouts(store, status=PayoutStatus(status) if status else None, batch_id=batch_id)
        )
    if fmt == "json":
        click.echo(json.dumps([_payout_json(p) for p in payouts], indent=2))
    else:
        noun = "payout" if len(payouts) == 1 else "payouts"
        console.print(_payout_table(payouts, title=f"{len(payouts)} {noun}"))


@cli.command()
@click.argument("ocid")
@click.pass_context
@one_line_errors
def show(ctx: click.Context, ocid: str) -> None:
    """Show one payout's current state."""
    from ledger import PayoutNotFoundError
    from projections import get_payout

    with opened_store(ctx) as store, store.engine.connect() as conn:
        payout = get_payout(conn, ocid)
    if payout is None:
        raise PayoutNotFoundError(ocid)
    table = Table(show_header=False, title=f"payout {ocid}")
    for key, value in _payout_json(payout).items():
        table.add_row(key, "" if value is None else str(value))
    console.print(table)


@cli.command(short_help="Every event and delivery of a payout, in order, with causes.")
@click.argument("ocid")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.pass_context
@one_line_errors
def history(ctx: click.Context, ocid: str, fmt: str) -> None:
    """Show every event and delivery of a payout (and of its retries), in order."""
    from ledger import PayoutNotFoundError, converter
    from projections import payout_history

    with opened_store(ctx) as store:
        entries = list(payout_history(store, ocid))
    if not entries:
        raise PayoutNotFoundError(ocid)
    if fmt == "json":
        click.echo(json.dumps([converter.unstructure(e) for e in entries], indent=2, default=str))
        return
    table = Table(title=f"history of {ocid}")
    for col in ("pos", "stream", "v", "recorded (UTC)", "event", "what", "caused by"):
        table.add_column(col)
    for e in entries:
        table.add_row(
            str(e.position),
            e.stream_id,
            str(e.version),
            e.recorded_at.strftime("%Y-%m-%d %H:%M:%S"),
            e.event_type.removeprefix("payout."),
            e.summary,
            e.caused_by or "",
        )
    console.print(table)


@cli.command()
@click.argument("ocid")
@click.pass_context
@one_line_errors
def retry(ctx: click.Context, ocid: str) -> None:
    """Re-send a payout whose failure is final, as OCID-r1, -r2, ...

    The retry is linked to the original. Refused while the outcome is unknown or timed out (the
    first attempt may still pay: reconcile it), and when a callback or the statement says money
    may have moved. Running the same retry twice sends once.
    """
    from adapters.wiring import make_service
    from projections.catalogue import catch_up_all

    with opened_store(ctx) as store:
        payout = make_service(settings_of(ctx), store).retry(ocid)
        catch_up_all(store)
    console.print(_payout_table([payout], title=f"retry of {ocid}"))


@cli.command()
@click.pass_context
@one_line_errors
def replay(ctx: click.Context) -> None:
    """Rebuild every projection from the events and check it matches.

    Every read model is rebuilt from position 0 and compared with what was built incrementally:
    an auditor's check that the state is exactly what the events say (exit 1 if not)."""
    from adapters.wiring import open_store
    from projections.catalogue import all_projections
    from projections.replay import replay_and_compare

    store = open_store(settings_of(ctx))
    try:
        report = replay_and_compare(store, all_projections())
    finally:
        store.close()
    for line in report.lines():
        console.print(line)
    if not report.identical:
        ctx.exit(1)


@cli.command(short_help="Run everything end to end against a local Daraja simulator.")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("demo-output"),
    show_default=True,
    help="Where the statement and the reports are written.",
)
@click.option(
    "--payouts",
    "count",
    type=click.IntRange(min=50),
    default=60,
    show_default=True,
    help="Batch size (at least 50).",
)
@click.option(
    "--db",
    "demo_db",
    default=None,
    help="A ledger for the demo (SQLite or PostgreSQL URL) that is empty or holds only earlier "
    "demo runs. Default: a fresh SQLite file in --out. The global --db and PAYOUTS_DB are "
    "ignored here, so the demo never writes into your working ledger.",
)
@click.pass_context
@one_line_errors
def demo(ctx: click.Context, out_dir: Path, count: int, demo_db: str | None) -> None:
    """Run the whole product end to end against a local Daraja simulator.

    The simulator and the webhook receiver run on free loopback ports; a realistic batch with
    failures, timeouts, duplicates, an orphan callback and a lost reply goes through, then the
    day's statement is reconciled. Exits 0 only if every payout and every reconciliation
    category is what its scenario expects (the two critical exceptions it reports, an unknown
    payout and a changed amount, are injected on purpose).
    """
    from adapters.demo import run_demo

    ok = run_demo(db_url=demo_db, out_dir=out_dir, count=count, console=console)
    if not ok:
        ctx.exit(1)


cli.add_command(reconcile_command)


def main() -> None:
    """Console-script entry point."""
    cli(obj={})


if __name__ == "__main__":  # pragma: no cover
    main()
