"""The simulator's errors: a small hierarchy, each with a message a user can act on."""

from __future__ import annotations

__all__ = ["InsufficientFunds", "ScenarioError", "SimulatorError", "SimulatorTimeout"]


class SimulatorError(Exception):
    """Base class of every error the simulator raises."""


class ScenarioError(SimulatorError, ValueError):
    """A scripted scenario is malformed (unknown outcome, bad match, bad parameter)."""


class SimulatorTimeout(SimulatorError, TimeoutError):
    """`wait_idle` gave up: callbacks are still queued or in flight."""


class InsufficientFunds(SimulatorError):
    """The utility account cannot cover a payout and its charge (Daraja result code 1)."""
