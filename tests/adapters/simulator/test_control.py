"""The /simulator control routes: scenarios over HTTP, the state dump, the statement."""

from __future__ import annotations

import json
from decimal import Decimal

from adapters.simulator import Outcome

from .conftest import RunningSimulator


def test_scenarios_over_http(daraja: RunningSimulator) -> None:
    created = daraja.http.post(
        "/simulator/scenarios",
        json={"match": {"party_b": "254110000002"}, "outcome": "fail", "result_code": 2040},
    )
    assert created.status_code == 201, created.text
    assert created.json()["outcome"] == "fail"
    daraja.http.post(
        "/simulator/scenarios", json={"match": {"amount": 4321}, "outcome": "no_callback"}
    )
    daraja.http.post(
        "/simulator/scenarios",
        json={
            "match": {"originator_conversation_id": "ocid-3"},
            "outcome": "duplicate_delivery",
            "deliveries": 2,
        },
    )
    assert len(daraja.http.get("/simulator/scenarios").json()) == 3

    daraja.pay("ocid-1", PartyB=254110000002)
    daraja.pay("ocid-2", Amount=4321)
    daraja.pay("ocid-3")
    daraja.sim.wait_idle()
    assert [p.outcome for p in daraja.sim.payments] == [
        Outcome.FAIL,
        Outcome.NO_CALLBACK,
        Outcome.DUPLICATE_DELIVERY,
    ]
    assert daraja.sim.payments[0].result_code == 2040

    assert daraja.http.delete("/simulator/scenarios").status_code == 204
    assert daraja.sim.scenarios == ()


def test_bad_scenarios_are_refused(daraja: RunningSimulator) -> None:
    bad = [
        {"outcome": "explode"},
        {"outcome": "fail"},
        {"outcome": "fail", "result_code": 9999},
        {"outcome": "success", "result_code": 1},
        {"outcome": "success", "match": {"colour": "red"}},
        {"outcome": "success", "times": 0},
        {"outcome": "amount_changed", "paid_amount": "lots"},
        {"match": {"party_b": "254700000001"}},
        [1, 2],
    ]
    for body in bad:
        reply = daraja.http.post("/simulator/scenarios", json=body)
        assert reply.status_code == 400, body
        assert reply.json()["error"]
    assert daraja.http.post("/simulator/scenarios", content=b"{").status_code == 400
    assert daraja.sim.scenarios == ()


def test_state_dump(daraja: RunningSimulator) -> None:
    daraja.pay()
    daraja.sim.wait_idle()
    reply = daraja.http.get("/simulator/state")
    assert reply.status_code == 200
    state = json.loads(reply.text, parse_float=Decimal)
    [transaction] = state["transactions"]
    assert transaction["amount"] == Decimal("1500.00")
    assert transaction["utility_balance"] == Decimal("9998500.00")
    assert state["utility_balance"] == Decimal("9998495.00")
    [delivery] = state["deliveries"]
    assert delivery["acknowledged"] is True
    assert delivery["status_code"] == 200
    assert state["payments"][0]["outcome"] == "success"


def test_top_up_over_http(daraja: RunningSimulator) -> None:
    reply = daraja.http.post("/simulator/top-up", json={"amount": 50000})
    assert reply.status_code == 201
    assert daraja.sim.bank.balance == Decimal("10050000.00")
    assert daraja.http.post("/simulator/top-up", json={"amount": -1}).status_code == 400


def test_statement_over_http(daraja: RunningSimulator) -> None:
    daraja.pay()
    reply = daraja.http.get("/simulator/statement", params={"date": "2024-07-06"})
    assert reply.status_code == 200
    assert reply.headers["content-type"].startswith("text/csv")
    assert reply.text == daraja.sim.statement_csv(daraja.sim.config.clock().date())
    assert daraja.http.get("/simulator/statement", params={"date": "06-07-2024"}).status_code == 400
    daraja.sim.wait_idle()
