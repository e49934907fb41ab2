"""Creating and upgrading the store's schema with Alembic, and refusing to run on an old one."""

from __future__ import annotations

import functools
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from ledger.engine import WRITE, display_url
from ledger.errors import SchemaError, SchemaOutdatedError

_SCRIPT_LOCATION = Path(__file__).resolve().parent / "migrations"
# Any constant will do: it only has to be the same for every process migrating this database.
_PG_MIGRATION_LOCK = 727_274_001


def _config(connection: sa.Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(_SCRIPT_LOCATION))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


@functools.cache
def head_revision() -> str:
    """The revision this code's schema is at."""
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


@functools.cache
def _known_revisions() -> frozenset[str]:
    return frozenset(s.revision for s in ScriptDirectory.from_config(_config()).walk_revisions())


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None when it has never been migrated."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Migrate the database to this code's schema. Returns (revision before, revision after)."""
    before = current_revision(engine)
    with engine.connect().execution_options(**{WRITE: True}) as conn, conn.begin():
        if conn.dialect.name == "postgresql":
            # Two processes starting on a new database at once must not both create tables.
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
        command.upgrade(_config(conn), "head")
    return before, head_revision()


def ensure_schema(engine: Engine, *, auto_create: bool = True) -> None:
    """Create a new, empty database; refuse one whose schema is older or newer than the code."""
    revision = current_revision(engine)
    head = head_revision()
    if revision == head:
        return
    where = display_url(engine.url)
    if revision is None:
        tables = set(sa.inspect(engine).get_table_names())
        if "events" in tables:
            raise SchemaError(
                f"{where} has an events table but no schema revision: it was not made by this "
                "program; point --db at another database"
            )
        if auto_create:
            upgrade(engine)
            return
        raise SchemaOutdatedError(
            f"{where} has no ledger schema yet: run `payouts --db {where} db upgrade`"
        )
    if revision in _known_revisions():
        raise SchemaOutdatedError(
            f"the ledger schema of {where} is at revision {revision}, older than this program's "
            f"{head}: run `payouts --db {where} db upgrade` first"
        )
    raise SchemaError(
        f"the ledger schema of {where} is at revision {revision}, which this program does not "
        "know: it was made by a newer version; upgrade the program"
    )
