"""Callback delivery: redelivery of unacknowledged callbacks, the attempt log, wait_idle."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from adapters.simulator import SimulatorTimeout

from .conftest import RunningSimulator


def test_redelivers_after_a_500_until_acknowledged(daraja: RunningSimulator) -> None:
    daraja.receiver.answer("/result", 500)
    daraja.pay()
    daraja.sim.wait_idle()
    attempts = daraja.sim.deliveries
    assert [(a.attempt, a.status_code) for a in attempts] == [(1, 500), (2, 200)]
    assert [a.acknowledged for a in attempts] == [False, True]
    assert len({a.delivery_id for a in attempts}) == 1
    assert attempts[0].body == attempts[1].body
    assert attempts[0].url == f"{daraja.receiver.url}/result"
    assert len(daraja.receiver.received("/result")) == 2


@pytest.mark.parametrize("redeliveries", [0, 1, 3])
def test_gives_up_after_the_configured_redeliveries(
    make_simulator: Callable[..., RunningSimulator], redeliveries: int
) -> None:
    daraja = make_simulator(redelivery_attempts=redeliveries)
    daraja.receiver.answer("/result", *([503] * 10))
    daraja.pay()
    daraja.sim.wait_idle()
    assert [a.attempt for a in daraja.sim.deliveries] == list(range(1, redeliveries + 2))
    assert len(daraja.receiver.received("/result")) == redeliveries + 1


def test_an_unreachable_receiver_is_recorded_as_an_error(daraja: RunningSimulator) -> None:
    daraja.pay(ResultURL="http://127.0.0.1:1/result")
    daraja.sim.wait_idle()
    attempts = daraja.sim.deliveries
    assert len(attempts) == 1 + daraja.sim.config.redelivery_attempts
    assert all(a.status_code is None and a.error for a in attempts)
    assert all("ConnectError" in (a.error or "") for a in attempts)


def test_redelivery_backoff_is_scheduled_in_the_worker(
    make_simulator: Callable[..., RunningSimulator],
) -> None:
    daraja = make_simulator(redelivery_backoff=60.0)
    daraja.receiver.answer("/result", 500)
    daraja.pay()
    with pytest.raises(SimulatorTimeout, match="1 queued"):
        daraja.sim.wait_idle(timeout=0.2)
    assert [a.status_code for a in daraja.sim.deliveries] == [500]


def test_close_stops_the_worker(make_simulator: Callable[..., RunningSimulator]) -> None:
    daraja = make_simulator(callback_delay=60.0)
    daraja.pay()
    daraja.sim.close()
    daraja.sim.wait_idle(timeout=0.1)  # closed: nothing more will be sent
    assert daraja.sim.deliveries == ()
    daraja.sim.close()  # idempotent
