"""Builders shared by the regression tests: payout instructions and callback bodies."""

from __future__ import annotations

import json

import httpx

from adapters.serving import RunningServer
from ledger import EventStore, PayoutInstruction, payout_stream
from ledger.events import RecordedEvent
from ledger.payout_events import CallbackDelivered


def instruction(ocid: str, amount: int = 1500) -> PayoutInstruction:
    return PayoutInstruction(ocid, "BusinessPayment", amount, "254700000001", "Salary")


def result_body(
    ocid: str,
    code: object = 0,
    *,
    receipt: str | None = "SG60000AB1",
    amount: object = 1500,
    transaction_id: str | None = None,
    extra: dict[str, object] | None = None,
) -> bytes:
    """A B2C result callback; ``TransactionID`` defaults to the receipt."""
    params: list[dict[str, object]] = [
        {"Key": "TransactionAmount", "Value": amount},
        {"Key": "ReceiverPartyPublicName", "Value": "254700000001 - JANE DOE"},
        {"Key": "TransactionCompletedDateTime", "Value": "06.07.2024 22:48:52"},
    ]
    if receipt is not None:
        params.append({"Key": "TransactionReceipt", "Value": receipt})
    result: dict[str, object] = {
        "ResultType": 0,
        "ResultCode": code,
        "ResultDesc": "desc",
        "OriginatorConversationID": ocid,
        "ConversationID": f"AG_{ocid}",
        "ResultParameters": {"ResultParameter": params},
    }
    tid = transaction_id if transaction_id is not None else receipt
    if tid is not None:
        result["TransactionID"] = tid
    result.update(extra or {})
    return json.dumps({"Result": result}).encode()


def post(
    receiver: RunningServer,
    body: bytes,
    route: str = "result",
    headers: list[tuple[str, str]] | None = None,
) -> httpx.Response:
    """One delivery to the receiver; it answers only after the delivery is committed."""
    return httpx.post(
        f"{receiver.url}/webhooks/b2c/{route}",
        content=body,
        headers=[("content-type", "application/json"), *(headers or [])],
        timeout=30,
    )


def event_types(store: EventStore, ocid: str) -> list[str]:
    return [e.event_type.removeprefix("payout.") for e in store.read_stream(payout_stream(ocid))]


def deliveries_since(store: EventStore, position: int) -> list[CallbackDelivered]:
    """The deliveries the receiver kept after ``position``, whatever stream they went to."""
    return [
        e.event for e in recorded_since(store, position) if isinstance(e.event, CallbackDelivered)
    ]


def recorded_since(store: EventStore, position: int) -> list[RecordedEvent]:
    """Every event stored after ``position`` (what one delivery or command wrote)."""
    return list(store.read_all(after=position))
