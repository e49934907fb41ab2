"""The `payouts` command line: thin entry points over the ledger, the adapters and projections."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click

from ledger import LedgerError, migrate
from ledger.engine import create_engine, display_url, normalise_url

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_DB = "sqlite:///payouts.db"


def one_line_errors(fn: F) -> F:
    """Show a ledger error as one clear line and exit 2, never as a stack trace."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except LedgerError as exc:
            raise click.ClickException(str(exc)) from None

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    "db_url",
    envvar="PAYOUTS_DB",
    default=DEFAULT_DB,
    show_default=True,
    help="Ledger database URL: sqlite:///path.db or postgresql+psycopg://user:pw@host/db "
    "(env PAYOUTS_DB).",
)
@click.pass_context
def cli(ctx: click.Context, db_url: str) -> None:
    """M-Pesa B2C payouts ledger: send payouts, receive callbacks, reconcile, audit."""
    ctx.ensure_object(dict)
    ctx.obj["db_url"] = db_url


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
    except Exception as exc:
        if isinstance(exc, LedgerError):
            raise
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


def main() -> None:
    """Console-script entry point."""
    cli(obj={})


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
