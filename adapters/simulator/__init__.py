"""A local Daraja (M-Pesa B2C) simulator: a real HTTP server that pays, calls back and exports.

It plays the external system: it validates wire requests itself, keeps the truth of what it
paid (`Simulator.bank`), and can be scripted to misbehave the ways Daraja does.
"""

from ._app import create_simulator_app, quiet_dropped_replies
from ._bank import Bank, BankTransaction, EntryKind, StatementEntry
from ._config import KENYA_TZ, SimulatorConfig, system_clock
from ._delivery import DeliveryAttempt
from ._errors import InsufficientFunds, ScenarioError, SimulatorError, SimulatorTimeout
from ._requests import PaymentRequest
from ._scenarios import FAILURE_DESCRIPTIONS, Match, Outcome, ResultCode, Scenario
from ._simulator import PaymentRecord, Reply, Simulator
from ._statement import STATEMENT_HEADER
from ._tariff import DEFAULT_TARIFF, Tariff, TariffBand

__all__ = [
    "DEFAULT_TARIFF",
    "FAILURE_DESCRIPTIONS",
    "KENYA_TZ",
    "STATEMENT_HEADER",
    "Bank",
    "BankTransaction",
    "DeliveryAttempt",
    "EntryKind",
    "InsufficientFunds",
    "Match",
    "Outcome",
    "PaymentRecord",
    "PaymentRequest",
    "Reply",
    "ResultCode",
    "Scenario",
    "ScenarioError",
    "Simulator",
    "SimulatorConfig",
    "SimulatorError",
    "SimulatorTimeout",
    "StatementEntry",
    "Tariff",
    "TariffBand",
    "create_simulator_app",
    "quiet_dropped_replies",
    "system_clock",
]
