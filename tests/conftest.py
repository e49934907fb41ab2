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
