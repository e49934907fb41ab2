"""The simulator's state and behaviour, independent of HTTP: tokens, requests, outcomes, money."""

from __future__ import annotations

import base64
import binascii
import random
import string
import threading
from datetime import date, datetime, timedelta
from decimal import Decimal
from types import TracebackType
from typing import TYPE_CHECKING, Any

import attrs

from . import _json
from ._bank import Bank, BankTransaction, StatementEntry
from ._callbacks import failure_result, success_result, timeout_result
from ._config import KENYA_TZ, SimulatorConfig
from ._delivery import CallbackSender, DeliveryAttempt
from ._errors import InsufficientFunds
from ._requests import COMMAND_IDS, InvalidField, PaymentRequest, parse_payment_request
from ._scenarios import (
    FAILURE_DESCRIPTIONS,
    Match,
    Outcome,
    ResultCode,
    Scenario,
    ScenarioBook,
    make_scenario,
)
from ._statement import render_statement

if TYPE_CHECKING:
    from starlette.applications import Starlette

__all__ = ["PaymentRecord", "Reply", "Simulator"]

ACCEPTED_DESCRIPTION = "Accept the service request successfully."
_PAYING = frozenset(
    {
        Outcome.SUCCESS,
        Outcome.TIMEOUT_THEN_RESULT,
        Outcome.TIMEOUT_ONLY_PAID,
        Outcome.DUPLICATE_DELIVERY,
        Outcome.NO_CALLBACK,
        Outcome.REPLY_LOST,
        Outcome.SLOW_REPLY,
        Outcome.AMOUNT_CHANGED,
    }
)


@attrs.frozen
class Reply:
    """The synchronous HTTP answer to give: a JSON body, maybe late, maybe never (`drop`)."""

    status: int
    body: str
    delay: float = 0.0
    drop: bool = False


@attrs.frozen
class PaymentRecord:
    """What the simulator decided for an accepted payment request.

    `result_code` is None when no result was decided (a timeout-only or no-callback outcome
    leaves the ledger to find out); `receipt` is set when money moved.
    """

    originator_conversation_id: str
    conversation_id: str
    outcome: Outcome
    result_code: ResultCode | None
    requested_amount: Decimal
    paid_amount: Decimal | None
    receipt: str | None


class Simulator:
    """A local Daraja: issues tokens, accepts B2C payments, pays, and calls back.

    Thread-safe: HTTP handlers run on the server's event loop while tests script scenarios and
    read the bank from their own thread. Close it (or use `with`) to stop the callback worker.
    """

    def __init__(self, config: SimulatorConfig | None = None) -> None:
        self.config = config if config is not None else SimulatorConfig()
        self.bank = Bank(self.config)
        self._scenarios = ScenarioBook()
        self._sender = CallbackSender(
            redelivery_attempts=self.config.redelivery_attempts,
            redelivery_backoff=self.config.redelivery_backoff,
            timeout=self.config.delivery_timeout,
            clock=self._now,
        )
        # Guards tokens, accepted ids, the payment log and the id generators.
        self._lock = threading.Lock()
        self._random = random.Random(f"ids:{self.config.seed}")
        self._tokens: dict[str, datetime] = {}
        self._accepted: set[str] = set()
        self._payments: list[PaymentRecord] = []
        self._request_counter = 0
        self._app: Starlette | None = None

    # ------------------------------------------------------------------ public API

    @property
    def app(self) -> Starlette:
        """The Starlette app speaking Daraja's wire format over this simulator's state."""
        from ._app import build_app  # _app imports this module: import on first use

        with self._lock:
            if self._app is None:
                self._app = build_app(self)
            return self._app

    @property
    def deliveries(self) -> tuple[DeliveryAttempt, ...]:
        """Every callback delivery attempt so far (redeliveries included)."""
        return self._sender.attempts

    @property
    def payments(self) -> tuple[PaymentRecord, ...]:
        """Every accepted payment request and what was decided for it, in arrival order."""
        with self._lock:
            return tuple(self._payments)

    @property
    def scenarios(self) -> tuple[Scenario, ...]:
        """The live scripted scenarios, oldest first."""
        return self._scenarios.scenarios

    def script(
        self,
        outcome: Outcome | str,
        *,
        party_b: str | None = None,
        amount: Decimal | int | str | None = None,
        originator_conversation_id: str | None = None,
        result_code: ResultCode | None = None,
        times: int | None = None,
        deliveries: int = 2,
        reply_delay: float | None = None,
        paid_amount: Decimal | int | str | None = None,
    ) -> Scenario:
        """Script `outcome` for requests matching every given criterion (none: every request).

        The newest matching scenario wins; `times` limits how often it applies (`expired_token`
        defaults to once, the others to always).
        """
        match = Match(
            party_b=party_b, amount=amount, originator_conversation_id=originator_conversation_id
        )
        scenario = make_scenario(
            self._scenarios.next_id(),
            outcome,
            match=match,
            result_code=result_code,
            times=times,
            deliveries=deliveries,
            reply_delay=reply_delay,
            paid_amount=paid_amount,
        )
        self._scenarios.add(scenario)
        return scenario

    def add_scenario(self, scenario: Scenario) -> None:
        """Add an already built scenario (the control endpoint's path)."""
        self._scenarios.add(scenario)

    def next_scenario_id(self) -> int:
        """Reserve an id for a scenario built outside `script`."""
        return self._scenarios.next_id()

    def clear_scenarios(self) -> None:
        """Forget every scripted scenario."""
        self._scenarios.clear()

    def top_up(self, amount: Decimal | int | str, at: datetime | None = None) -> StatementEntry:
        """Fund the utility account (a Paid In "Organization Funds Transfer" row)."""
        return self.bank.top_up(Decimal(amount), at if at is not None else self._now())

    def inject_unknown_payout(
        self,
        party_b: str,
        amount: Decimal | int | str,
        command_id: str = "BusinessPayment",
        at: datetime | None = None,
    ) -> BankTransaction:
        """Pay someone behind the ledger's back: it shows on the statement, no callback is sent.

        Raises `InsufficientFunds` when the utility account cannot cover it.
        """
        if command_id not in COMMAND_IDS:
            raise ValueError(f"unknown CommandID {command_id!r}; use one of {sorted(COMMAND_IDS)}")
        when = at if at is not None else self._now()
        return self.bank.pay(
            command_id=command_id,
            party_b=party_b,
            amount=Decimal(amount),
            initiated_at=when,
            completed_at=when,
        )

    def statement_csv(self, day: date) -> str:
        """The organisation-portal statement for a Kenyan business day, as CSV text."""
        return render_statement(
            organisation_name=self.config.organisation_name,
            shortcode=self.config.shortcode,
            day=day,
            entries=self.bank.entries_on(day),
        )

    def wait_idle(self, timeout: float = 10.0) -> None:
        """Block until every callback (delayed and redelivered ones too) has been attempted."""
        self._sender.wait_idle(timeout)

    def close(self) -> None:
        """Stop the callback worker; callbacks not yet sent are dropped. Idempotent."""
        self._sender.close()

    def __enter__(self) -> Simulator:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def state(self) -> dict[str, Any]:
        """A JSON-ready dump of balances, transactions, payments, scenarios and deliveries."""
        return {
            "shortcode": self.config.shortcode,
            "utility_balance": self.bank.balance,
            "transactions": [
                {
                    **attrs.asdict(t),
                    "initiated_at": t.initiated_at.isoformat(),
                    "completed_at": t.completed_at.isoformat(),
                }
                for t in self.bank.transactions
            ],
            "payments": [{**attrs.asdict(p), "outcome": p.outcome.value} for p in self.payments],
            "scenarios": [s.to_json() for s in self.scenarios],
            "deliveries": [
                {**attrs.asdict(d), "at": d.at.isoformat(), "acknowledged": d.acknowledged}
                for d in self.deliveries
            ],
        }

    # ------------------------------------------------------------------ the wire

    def handle_token(self, authorization: str | None, grant_type: str | None) -> Reply:
        """Answer ``GET /oauth/v1/generate``: a bearer token for the right Basic credentials."""
        if grant_type != "client_credentials":
            return self._error(400, "400.008.02", "Invalid grant type passed")
        if not self._credentials_ok(authorization):
            return self._error(400, "400.008.01", "Invalid Authentication passed")
        with self._lock:
            token = "".join(self._random.choices(string.ascii_letters + string.digits, k=28))
            self._tokens[token] = self._now() + timedelta(seconds=self.config.token_lifetime)
        return Reply(
            200, _json.dumps({"access_token": token, "expires_in": str(self.config.token_lifetime)})
        )

    def handle_payment(self, authorization: str | None, body: bytes) -> Reply:
        """Answer ``POST /mpesa/b2c/v3/paymentrequest`` and set the outcome in motion."""
        token = self._bearer_token(authorization)
        if token is None:
            return self._error(404, "404.001.03", "Invalid Access Token")
        try:
            request = parse_payment_request(body, self.config.shortcode)
        except InvalidField as exc:
            return self._error(400, "400.002.02", str(exc))
        initiated_at = self._now()
        conversation_id = ""
        scenario: Scenario | None = None
        with self._lock:
            # The duplicate check and the acceptance are one step, so two concurrent requests
            # with one OriginatorConversationID cannot both be paid.
            duplicate = request.originator_conversation_id in self._accepted
            if not duplicate:
                scenario = self._scenarios.take(request)
            outcome = scenario.outcome if scenario is not None else Outcome.SUCCESS
            if duplicate or outcome is Outcome.DUPLICATE_OCID:
                duplicate = True
            elif outcome is Outcome.EXPIRED_TOKEN:
                self._tokens.pop(token, None)
            else:
                self._accepted.add(request.originator_conversation_id)
                conversation_id = self._conversation_id(initiated_at)
        if duplicate:
            return self._duplicate_reply()
        if outcome is Outcome.EXPIRED_TOKEN:
            return self._error(404, "404.001.03", "Invalid Access Token")
        self._settle(request, scenario, outcome, conversation_id, initiated_at)
        ack = _json.dumps(
            {
                "ConversationID": conversation_id,
                "OriginatorConversationID": request.originator_conversation_id,
                "ResponseCode": "0",
                "ResponseDescription": ACCEPTED_DESCRIPTION,
            }
        )
        if outcome is Outcome.REPLY_LOST:
            return Reply(200, ack, drop=True)
        if outcome is Outcome.SLOW_REPLY:
            assert scenario is not None
            delay = scenario.reply_delay
            return Reply(200, ack, delay=self.config.slow_reply_delay if delay is None else delay)
        return Reply(200, ack)

    # ------------------------------------------------------------------ internals

    def _now(self) -> datetime:
        return self.config.clock().astimezone(KENYA_TZ)

    def _request_id(self) -> str:
        with self._lock:
            self._request_counter += 1
            return f"{self.config.seed % 90000 + 10000}-{self._request_counter}-1"

    def _error(self, status: int, code: str, message: str) -> Reply:
        body = {"requestId": self._request_id(), "errorCode": code, "errorMessage": message}
        return Reply(status, _json.dumps(body))

    def _duplicate_reply(self) -> Reply:
        return self._error(500, "500.002.1001", "Duplicate OriginatorConversationID.")

    def _credentials_ok(self, authorization: str | None) -> bool:
        if authorization is None:
            return False
        scheme, _, encoded = authorization.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return False
        key, sep, secret = decoded.partition(":")
        return bool(sep) and (key, secret) == (
            self.config.consumer_key,
            self.config.consumer_secret,
        )

    def _bearer_token(self, authorization: str | None) -> str | None:
        """The presented token if it is known and unexpired, else None."""
        if authorization is None:
            return None
        scheme, _, token = authorization.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            return None
        with self._lock:
            expires_at = self._tokens.get(token)
            if expires_at is None:
                return None
            if self._now() >= expires_at:
                del self._tokens[token]
                return None
            return token

    def _conversation_id(self, at: datetime) -> str:
        # Called under self._lock.
        return f"AG_{at:%Y%m%d}_{self._random.getrandbits(80):020x}"

    def _failure_code(
        self, request: PaymentRequest, scenario: Scenario | None, outcome: Outcome
    ) -> ResultCode | None:
        """The failure Daraja would report before moving money, or None to go ahead."""
        if self.config.initiator_name is not None and (
            request.initiator_name != self.config.initiator_name
        ):
            return 2001
        if request.amount < self.config.min_amount:
            return 2
        if request.amount > self.config.max_amount:
            return 3
        if outcome is Outcome.FAIL:
            assert scenario is not None and scenario.result_code is not None
            return scenario.result_code
        return None

    def _settle(
        self,
        request: PaymentRequest,
        scenario: Scenario | None,
        outcome: Outcome,
        conversation_id: str,
        initiated_at: datetime,
    ) -> None:
        """Move the money (or not) and queue the callbacks the outcome calls for."""
        ocid = request.originator_conversation_id
        code = self._failure_code(request, scenario, outcome)
        transaction: BankTransaction | None = None
        if code is None and outcome in _PAYING:
            paid = request.amount
            if outcome is Outcome.AMOUNT_CHANGED:
                assert scenario is not None
                paid = scenario.paid_amount if scenario.paid_amount is not None else paid + 1
            try:
                transaction = self.bank.pay(
                    command_id=request.command_id,
                    party_b=request.party_b,
                    amount=paid,
                    initiated_at=initiated_at,
                    completed_at=self._now(),
                    originator_conversation_id=ocid,
                    conversation_id=conversation_id,
                )
            except InsufficientFunds:
                code = 1
        delay = self.config.callback_delay
        if code is not None:
            # A failure replaces the outcome's callbacks with one failure result.
            body = failure_result(
                originator_conversation_id=ocid,
                conversation_id=conversation_id,
                transaction_id=self.bank.new_receipt(),
                code=code,
                description=FAILURE_DESCRIPTIONS[code],
            )
            self._send("result", request.result_url, body, ocid, delay)
        elif outcome in (Outcome.TIMEOUT_ONLY_PAID, Outcome.TIMEOUT_ONLY_UNPAID):
            body = timeout_result(originator_conversation_id=ocid, conversation_id=conversation_id)
            self._send("timeout", request.queue_timeout_url, body, ocid, delay)
        elif outcome is not Outcome.NO_CALLBACK:
            assert transaction is not None
            if outcome is Outcome.TIMEOUT_THEN_RESULT:
                body = timeout_result(
                    originator_conversation_id=ocid, conversation_id=conversation_id
                )
                self._send("timeout", request.queue_timeout_url, body, ocid, delay)
                delay += self.config.late_result_delay
            copies = (
                scenario.deliveries if outcome is Outcome.DUPLICATE_DELIVERY and scenario else 1
            )
            result = success_result(transaction, ocid)
            for _ in range(copies):
                self._send("result", request.result_url, result, ocid, delay)
        decided: ResultCode | None = code
        if code is None and outcome not in (
            Outcome.TIMEOUT_ONLY_PAID,
            Outcome.TIMEOUT_ONLY_UNPAID,
            Outcome.NO_CALLBACK,
        ):
            decided = 0
        with self._lock:
            self._payments.append(
                PaymentRecord(
                    originator_conversation_id=ocid,
                    conversation_id=conversation_id,
                    outcome=outcome,
                    result_code=decided,
                    requested_amount=request.amount,
                    paid_amount=transaction.amount if transaction else None,
                    receipt=transaction.receipt if transaction else None,
                )
            )

    def _send(self, kind: str, url: str, body: dict[str, Any], ocid: str, delay: float) -> None:
        self._sender.schedule(
            kind=kind, url=url, body=_json.dumps(body), originator_conversation_id=ocid, delay=delay
        )
