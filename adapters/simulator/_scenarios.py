"""Scripted outcomes: what the simulator does with a payment request that matches a rule."""

from __future__ import annotations

import enum
import threading
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs

from ._errors import ScenarioError
from ._requests import PaymentRequest

__all__ = [
    "FAILURE_DESCRIPTIONS",
    "Match",
    "Outcome",
    "ResultCode",
    "Scenario",
    "ScenarioBook",
    "parse_scenario",
]

ResultCode = int | str


class Outcome(enum.Enum):
    """What happens to a matching payment request (the default is `SUCCESS`)."""

    SUCCESS = "success"
    FAIL = "fail"  # a failure result with `result_code`; nothing paid
    TIMEOUT_THEN_RESULT = "timeout_then_result"  # timeout callback, later a success; paid
    TIMEOUT_ONLY_PAID = "timeout_only_paid"  # timeout callback only, yet paid
    TIMEOUT_ONLY_UNPAID = "timeout_only_unpaid"  # timeout callback only; nothing paid
    DUPLICATE_DELIVERY = "duplicate_delivery"  # the success callback sent `deliveries` times
    NO_CALLBACK = "no_callback"  # paid, no callback ever
    REPLY_LOST = "reply_lost"  # paid, the connection closes before the reply; callback sent
    SLOW_REPLY = "slow_reply"  # paid, the reply waits `reply_delay` seconds
    EXPIRED_TOKEN = "expired_token"  # noqa: S105 - 404.001.03 and the token revoked; nothing accepted
    DUPLICATE_OCID = "duplicate_ocid"  # 500.002.1001; nothing accepted
    AMOUNT_CHANGED = "amount_changed"  # pays `paid_amount` (or asked + 1) and reports it


# Result codes documented for B2C, with the ResultDesc Daraja sends for each.
FAILURE_DESCRIPTIONS: Mapping[ResultCode, str] = {
    1: "The balance is insufficient for the transaction.",
    2: "Declined due to limit rule: less than the minimum transaction amount.",
    3: "Declined due to limit rule: greater than the maximum transaction amount.",
    4: "Declined due to limit rule: would exceed daily transfer limit.",
    8: "Declined due to limit rule: would exceed the maximum balance.",
    11: "The DebitParty is in an invalid state.",
    21: "The initiator is not allowed to initiate this request.",
    2001: "The initiator information is invalid.",
    2006: "Declined due to account rule: The account status does not allow this transaction.",
    2028: "The request is not permitted according to product assignment.",
    2040: (
        "Credit Party customer type (Unregistered or Registered Customer) "
        "can't be supported by the service."
    ),
    8006: "The security credential is locked.",
    "SFC_IC0003": "The operator does not exist.",
}


def _normalise_code(code: object) -> ResultCode:
    if isinstance(code, str) and code.isdigit():
        code = int(code)
    if (
        isinstance(code, bool)
        or not isinstance(code, int | str)
        or code not in FAILURE_DESCRIPTIONS
    ):
        known = ", ".join(str(c) for c in FAILURE_DESCRIPTIONS)
        raise ScenarioError(f"unknown failure result code {code!r}; known codes: {known}")
    return code


def _optional_amount(value: object, what: str) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise ScenarioError(f"{what} must be a number, got {value!r}")
    try:
        amount = Decimal(str(value))
    except InvalidOperation as exc:
        raise ScenarioError(f"{what} must be a number, got {value!r}") from exc
    if not amount.is_finite() or amount <= 0:
        raise ScenarioError(f"{what} must be positive, got {value!r}")
    return amount


def _match_amount(value: object) -> Decimal | None:
    return _optional_amount(value, "match amount")


@attrs.frozen
class Match:
    """Which requests a scenario applies to: every given criterion must hold; none means any."""

    party_b: str | None = None
    amount: Decimal | None = attrs.field(default=None, converter=_match_amount)
    originator_conversation_id: str | None = None

    def matches(self, request: PaymentRequest) -> bool:
        """Whether `request` meets every criterion."""
        return (
            (self.party_b is None or self.party_b == request.party_b)
            and (self.amount is None or self.amount == request.amount)
            and (
                self.originator_conversation_id is None
                or self.originator_conversation_id == request.originator_conversation_id
            )
        )


@attrs.frozen(kw_only=True)
class Scenario:
    """A scripted rule: requests that `match` get `outcome`, at most `times` times (None: always).

    `result_code` is for `FAIL`, `deliveries` for `DUPLICATE_DELIVERY`, `reply_delay` for
    `SLOW_REPLY` (None: the configured default), `paid_amount` for `AMOUNT_CHANGED`
    (None: the asked amount plus one).
    """

    id: int
    match: Match
    outcome: Outcome
    result_code: ResultCode | None = None
    times: int | None = None
    deliveries: int = 2
    reply_delay: float | None = None
    paid_amount: Decimal | None = None

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready description (for the control endpoint and the state dump)."""
        return {
            "id": self.id,
            "match": {k: v for k, v in attrs.asdict(self.match).items() if v is not None},
            "outcome": self.outcome.value,
            "result_code": self.result_code,
            "times": self.times,
            "deliveries": self.deliveries,
            "reply_delay": self.reply_delay,
            "paid_amount": self.paid_amount,
        }


def make_scenario(
    scenario_id: int,
    outcome: Outcome | str,
    *,
    match: Match,
    result_code: object = None,
    times: int | None = None,
    deliveries: int = 2,
    reply_delay: float | None = None,
    paid_amount: object = None,
) -> Scenario:
    """Check the parameters against the outcome and build the scenario."""
    try:
        outcome = Outcome(outcome)
    except ValueError as exc:
        known = ", ".join(o.value for o in Outcome)
        raise ScenarioError(f"unknown outcome {outcome!r}; known outcomes: {known}") from exc
    code: ResultCode | None = None
    if outcome is Outcome.FAIL:
        if result_code is None:
            raise ScenarioError("outcome 'fail' needs a result_code")
        code = _normalise_code(result_code)
    elif result_code is not None:
        raise ScenarioError(f"result_code only applies to 'fail', not {outcome.value!r}")
    if times is not None and (isinstance(times, bool) or not isinstance(times, int) or times < 1):
        raise ScenarioError(f"times must be a positive integer or null, got {times!r}")
    if outcome is Outcome.EXPIRED_TOKEN and times is None:
        times = 1
    if isinstance(deliveries, bool) or not isinstance(deliveries, int) or deliveries < 1:
        raise ScenarioError(f"deliveries must be a positive integer, got {deliveries!r}")
    if reply_delay is not None and (
        isinstance(reply_delay, bool) or not isinstance(reply_delay, int | float) or reply_delay < 0
    ):
        raise ScenarioError(f"reply_delay must be a number >= 0, got {reply_delay!r}")
    return Scenario(
        id=scenario_id,
        match=match,
        outcome=outcome,
        result_code=code,
        times=times,
        deliveries=deliveries,
        reply_delay=None if reply_delay is None else float(reply_delay),
        paid_amount=_optional_amount(paid_amount, "paid_amount"),
    )


_SCENARIO_KEYS = frozenset(
    {"match", "outcome", "result_code", "times", "deliveries", "reply_delay", "paid_amount"}
)
_MATCH_KEYS = frozenset({"party_b", "amount", "originator_conversation_id"})


def parse_scenario(scenario_id: int, body: object) -> Scenario:
    """Build a scenario from the control endpoint's JSON; raise `ScenarioError` if malformed."""
    if not isinstance(body, dict):
        raise ScenarioError("a scenario must be a JSON object")
    unknown = set(body) - _SCENARIO_KEYS
    if unknown:
        raise ScenarioError(f"unknown scenario keys: {', '.join(sorted(unknown))}")
    raw_match = body.get("match", {})
    if not isinstance(raw_match, dict) or set(raw_match) - _MATCH_KEYS:
        raise ScenarioError(f"match must be an object with keys among {sorted(_MATCH_KEYS)}")
    party_b = raw_match.get("party_b")
    ocid = raw_match.get("originator_conversation_id")
    for name, value in (("party_b", party_b), ("originator_conversation_id", ocid)):
        if value is not None and not isinstance(value, str | int):
            raise ScenarioError(f"match.{name} must be a string, got {value!r}")
    match = Match(
        party_b=None if party_b is None else str(party_b),
        amount=raw_match.get("amount"),
        originator_conversation_id=None if ocid is None else str(ocid),
    )
    if "outcome" not in body:
        raise ScenarioError("a scenario needs an outcome")
    return make_scenario(
        scenario_id,
        body["outcome"],
        match=match,
        result_code=body.get("result_code"),
        times=body.get("times"),
        deliveries=body.get("deliveries", 2),
        reply_delay=body.get("reply_delay"),
        paid_amount=body.get("paid_amount"),
    )


class ScenarioBook:
    """The scripted scenarios; the newest matching one wins and uses up one of its `times`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._scenarios: list[Scenario] = []
        self._next_id = 1

    def next_id(self) -> int:
        """Reserve an id for a scenario about to be added."""
        with self._lock:
            scenario_id = self._next_id
            self._next_id += 1
            return scenario_id

    def add(self, scenario: Scenario) -> None:
        """Add a scenario; it takes precedence over older ones."""
        with self._lock:
            self._scenarios.append(scenario)

    def clear(self) -> None:
        """Forget every scenario: every request succeeds again."""
        with self._lock:
            self._scenarios.clear()

    @property
    def scenarios(self) -> tuple[Scenario, ...]:
        """The live scenarios, oldest first."""
        with self._lock:
            return tuple(self._scenarios)

    def take(self, request: PaymentRequest) -> Scenario | None:
        """The scenario for `request`, if any, counting one use of it."""
        with self._lock:
            for index in range(len(self._scenarios) - 1, -1, -1):
                scenario = self._scenarios[index]
                if not scenario.match.matches(request):
                    continue
                if scenario.times is not None:
                    if scenario.times <= 1:
                        del self._scenarios[index]
                    else:
                        self._scenarios[index] = attrs.evolve(scenario, times=scenario.times - 1)
                return scenario
            return None
