"""Shared test configuration: hypothesis profiles and the paths to the shared fixtures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# CI (and scripts/test) run hypothesis derandomized with a bounded number of examples, so a run
# never depends on luck or on the machine's speed.
settings.register_profile(
    "ci",
    derandomize=True,
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    print_blob=True,
)
settings.register_profile("dev", max_examples=200, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

REPO_ROOT = Path(__file__).resolve().parent.parent


# A copy of ../shared/fixtures lives in the repo, so a fresh clone anywhere runs the tests.
FIXTURES_DIR = Path(os.environ.get("PAYOUTS_FIXTURES_DIR", REPO_ROOT / "tests" / "fixtures"))


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    """The wire samples (Daraja payloads, statements, batches), copied from ../shared/fixtures."""
    if not FIXTURES_DIR.is_dir():
        pytest.fail(f"shared fixtures not found at {FIXTURES_DIR} (set PAYOUTS_FIXTURES_DIR)")
    return FIXTURES_DIR


# -- databases ---------------------------------------------------------------------------------
# Every store test runs on SQLite and on PostgreSQL. PostgreSQL tests use the server named by
# PAYOUTS_TEST_POSTGRES_URL, each test in a schema of its own (cheap to create, dropped after).
# Without the variable they are skipped, unless PAYOUTS_REQUIRE_POSTGRES=1 (CI), where they fail.

POSTGRES_URL = os.environ.get("PAYOUTS_TEST_POSTGRES_URL", "")
REQUIRE_POSTGRES = os.environ.get("PAYOUTS_REQUIRE_POSTGRES", "") == "1"
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def _postgres_or_skip() -> str:
    if POSTGRES_URL:
        return POSTGRES_URL
    message = "PostgreSQL tests skipped: PAYOUTS_TEST_POSTGRES_URL is not set"
    if REQUIRE_POSTGRES:
        pytest.fail(message + " but PAYOUTS_REQUIRE_POSTGRES=1 requires them")
    pytest.skip(message)


class DatabaseFactory:
    """Hands out fresh, empty databases of one backend; cleans them up at the end of the test."""

    def __init__(self, backend: str, tmp_path: Path) -> None:
        self.backend = backend
        self._tmp = tmp_path
        self._schemas: list[str] = []
        self._count = 0

    def new_url(self) -> str:
        self._count += 1
        if self.backend == "sqlite":
            return f"sqlite:///{self._tmp / f'ledger-{self._count}.db'}"
        import uuid

        import sqlalchemy as sa

        base = sa.engine.make_url(_postgres_or_skip())
        schema = f"t_{uuid.uuid4().hex[:16]}"
        engine = sa.create_engine(base)
        with engine.begin() as conn:
            conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
        engine.dispose()
        self._schemas.append(schema)
        url = base.update_query_dict({"options": f"-csearch_path={schema}"})
        return url.render_as_string(hide_password=False)

    def cleanup(self) -> None:
        if not self._schemas:
            return
        import sqlalchemy as sa

        engine = sa.create_engine(sa.engine.make_url(POSTGRES_URL))
        with engine.begin() as conn:
            for schema in self._schemas:
                conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        engine.dispose()


@pytest.fixture(params=BACKENDS)
def databases(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A factory of fresh database URLs, once for SQLite and once for PostgreSQL."""
    factory = DatabaseFactory(request.param, tmp_path)
    if factory.backend == "postgres":
        _postgres_or_skip()
    yield factory
    factory.cleanup()


@pytest.fixture
def db_url(databases: DatabaseFactory) -> str:
    """A fresh, empty database URL (SQLite and PostgreSQL)."""
    return databases.new_url()


@pytest.fixture
def store(db_url: str):  # type: ignore[no-untyped-def]
    """A fresh event store on each backend."""
    from ledger import EventStore

    s = EventStore.from_url(db_url)
    yield s
    s.close()


@pytest.hookimpl(trylast=True)
def pytest_terminal_summary(terminalreporter, exitstatus, config):  # type: ignore[no-untyped-def]
    """Say at the very end, plainly, when the PostgreSQL half of the suite did not run."""
    if POSTGRES_URL:
        return
    skipped = [
        r
        for r in terminalreporter.stats.get("skipped", [])
        if "postgres" in getattr(r, "nodeid", "")
    ]
    terminalreporter.write_line(
        f"NOTE: {len(skipped)} PostgreSQL tests were skipped because PAYOUTS_TEST_POSTGRES_URL is "
        "not set; .ci/run starts a server and runs them (or set it to a server of yours).",
        yellow=True,
        bold=True,
    )
