"""Opening, creating, upgrading and crashing: the store's life outside single appends."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import attrs
import pytest
import sqlalchemy as sa
from alembic import command

from ledger import (
    EventRegistry,
    EventStore,
    SchemaOutdatedError,
    StoreConfigurationError,
    StoreUnavailableError,
    migrate,
)
from tests.conftest import REPO_ROOT, DatabaseFactory


def test_new_database_is_created_on_first_use(db_url: str) -> None:
    store = EventStore.from_url(db_url)
    assert migrate.current_revision(store.engine) == migrate.head_revision()
    tables = set(sa.inspect(store.engine).get_table_names())
    assert {"events", "tracking"} <= tables
    store.close()
    EventStore.from_url(db_url).close()  # opening again is fine


def test_older_schema_is_refused_with_the_command_that_fixes_it(databases: DatabaseFactory) -> None:
    url = databases.new_url()
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        cfg = migrate._config(conn)
        command.upgrade(cfg, "0001")
    engine.dispose()
    with pytest.raises(SchemaOutdatedError, match=r"payouts --db .* db upgrade"):
        EventStore.from_url(url)
    from ledger.engine import create_engine

    engine = create_engine(url)
    before, after = migrate.upgrade(engine)
    engine.dispose()
    assert (before, after) == ("0001", migrate.head_revision())
    EventStore.from_url(url).close()


def test_bad_urls_get_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(StoreConfigurationError, match="unsupported database URL scheme 'mysql'"):
        EventStore.from_url("mysql://u:p@localhost/db")
    with pytest.raises(StoreConfigurationError, match="cannot parse"):
        EventStore.from_url("not a url")
    with pytest.raises(StoreConfigurationError, match="does not exist"):
        EventStore.from_url(f"sqlite:///{tmp_path}/missing/dir/ledger.db")


def test_unreachable_database_names_itself_without_the_password() -> None:
    with pytest.raises(StoreUnavailableError) as err:
        EventStore.from_url("postgresql+psycopg://u:s3cret@127.0.0.1:1/db")
    assert "unavailable" in str(err.value) and "s3cret" not in str(err.value)
    assert "127.0.0.1:1" in str(err.value)


def test_sqlite_runs_in_wal_mode_with_full_sync(tmp_path: Path) -> None:
    store = EventStore.from_url(f"sqlite:///{tmp_path}/l.db")
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    store.close()


def test_old_event_shapes_are_upcast_on_read(db_url: str) -> None:
    old = EventRegistry()

    @old.register("test.paid", schema_version=1)
    @attrs.frozen
    class PaidV1:
        amount: int

    EventStore.from_url(db_url, registry=old).append("p", [PaidV1(1500)])

    new = EventRegistry()

    @new.register("test.paid", schema_version=3)
    @attrs.frozen
    class Paid:
        amount: int
        currency: str
        channel: str

    @new.upcaster("test.paid", from_version=1)
    def _add_currency(data: dict[str, object]) -> dict[str, object]:
        return {**data, "currency": "KES"}

    @new.upcaster("test.paid", from_version=2)
    def _add_channel(data: dict[str, object]) -> dict[str, object]:
        return {**data, "channel": "b2c"}

    store = EventStore.from_url(db_url, registry=new)
    store.append("p", [Paid(10, "KES", "b2c")])
    assert [e.event for e in store.read_stream("p")] == [
        Paid(1500, "KES", "b2c"),
        Paid(10, "KES", "b2c"),
    ]
    assert [e.metadata.schema_version for e in store.read_stream("p")] == [1, 3]
    store.close()


_CHILD = textwrap.dedent(
    """
    import sys, sqlalchemy as sa
    sys.path.insert(0, {root!r})
    from ledger import EventStore
    from tests.ledger.sample_events import Deposited
    store = EventStore.from_url({url!r})
    stage = {stage!r}

    @sa.event.listens_for(store.engine, "after_cursor_execute")
    def pause(conn, cursor, statement, params, context, executemany):
        if stage == "before_commit" and statement.lstrip().upper().startswith("INSERT INTO EVENTS"):
            print("inserted", flush=True)
            sys.stdin.readline()  # wait here, inside the open transaction, to be killed

    store.append("batch", [Deposited("a", i) for i in range(50)])
    print("committed", flush=True)
    sys.stdin.readline()
    """
)


@pytest.mark.parametrize("stage", ["before_commit", "after_commit"])
def test_a_killed_writer_leaves_all_or_none_of_its_batch(db_url: str, stage: str) -> None:
    EventStore.from_url(db_url).close()
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD.format(root=str(REPO_ROOT), url=db_url, stage=stage)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    line = child.stdout.readline().strip()
    assert line == ("inserted" if stage == "before_commit" else "committed")
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    store = EventStore.from_url(db_url)
    stored = [e.event.amount for e in store.read_all()]
    assert stored == ([] if stage == "before_commit" else list(range(50)))
    store.close()
