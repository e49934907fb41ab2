"""The callback sender: a worker thread that POSTs callbacks when due and redelivers failures.

Callbacks never go out from the request handler, so the synchronous reply is never held up by a
slow or broken receiver, just as with Daraja.
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections.abc import Callable
from datetime import datetime

import attrs
import httpx

from ._errors import SimulatorTimeout

__all__ = ["CallbackSender", "DeliveryAttempt"]


@attrs.frozen
class DeliveryAttempt:
    """One POST of a callback: `delivery_id` is shared by the redeliveries of one callback."""

    delivery_id: int
    attempt: int
    kind: str  # "result" or "timeout"
    url: str
    body: str
    originator_conversation_id: str
    status_code: int | None
    error: str | None
    at: datetime

    @property
    def acknowledged(self) -> bool:
        """Whether the receiver answered with a 2xx status."""
        return self.status_code is not None and 200 <= self.status_code < 300


@attrs.frozen
class _Job:
    delivery_id: int
    attempt: int
    kind: str
    url: str
    body: str
    originator_conversation_id: str


class CallbackSender:
    """Delivers callbacks in due-time order from one thread; `wait_idle` waits for all of them.

    A callback not answered with a 2xx is sent again up to `redelivery_attempts` more times,
    waiting `redelivery_backoff * 2**(n-1)` seconds before the n-th redelivery.
    """

    def __init__(
        self,
        *,
        redelivery_attempts: int,
        redelivery_backoff: float,
        timeout: float,
        clock: Callable[[], datetime],
        name: str = "simulator-callbacks",
    ) -> None:
        self._redelivery_attempts = redelivery_attempts
        self._redelivery_backoff = redelivery_backoff
        self._timeout = timeout
        self._clock = clock
        # One condition guards the heap, the in-flight count and the log: `wait_idle` must never
        # see the gap between a failed attempt finishing and its redelivery being queued.
        self._condition = threading.Condition()
        self._heap: list[tuple[float, int, _Job]] = []
        self._sequence = itertools.count()
        self._delivery_ids = itertools.count(1)
        self._in_flight = 0
        self._closed = False
        self._attempts: list[DeliveryAttempt] = []
        self._client = httpx.Client(timeout=timeout)
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    @property
    def attempts(self) -> tuple[DeliveryAttempt, ...]:
        """Every delivery attempt so far, in the order they finished."""
        with self._condition:
            return tuple(self._attempts)

    def schedule(
        self, *, kind: str, url: str, body: str, originator_conversation_id: str, delay: float
    ) -> int:
        """Queue a callback to be sent `delay` seconds from now; return its delivery id."""
        with self._condition:
            if self._closed:
                raise RuntimeError("the callback sender is closed")
            delivery_id = next(self._delivery_ids)
            job = _Job(delivery_id, 1, kind, url, body, originator_conversation_id)
            self._push(job, delay)
            return delivery_id

    def _push(self, job: _Job, delay: float) -> None:
        heapq.heappush(self._heap, (time.monotonic() + delay, next(self._sequence), job))
        self._condition.notify_all()

    def wait_idle(self, timeout: float = 10.0) -> None:
        """Block until nothing is queued (delayed callbacks included) and nothing is in flight."""
        with self._condition:
            idle = self._condition.wait_for(
                lambda: self._closed or (not self._heap and self._in_flight == 0), timeout
            )
            if not idle:
                raise SimulatorTimeout(
                    f"callbacks still pending after {timeout}s: {len(self._heap)} queued, "
                    f"{self._in_flight} in flight"
                )

    def close(self) -> None:
        """Stop the worker, dropping callbacks not yet sent; idempotent."""
        with self._condition:
            if self._closed:
                return
            self._closed = True
            self._condition.notify_all()
        self._thread.join(self._timeout + 5.0)
        self._client.close()

    def _next_job(self) -> _Job | None:
        with self._condition:
            while not self._closed:
                if self._heap:
                    due = self._heap[0][0]
                    now = time.monotonic()
                    if due <= now:
                        job = heapq.heappop(self._heap)[2]
                        self._in_flight += 1
                        return job
                    self._condition.wait(due - now)
                else:
                    self._condition.wait()
            return None

    def _run(self) -> None:
        while (job := self._next_job()) is not None:
            status_code: int | None = None
            error: str | None = None
            try:
                response = self._client.post(
                    job.url,
                    content=job.body.encode("utf-8"),
                    headers={"Content-Type": "application/json"},
                )
                status_code = response.status_code
            except Exception as exc:  # a broken receiver must not kill the worker
                error = f"{type(exc).__name__}: {exc}"
            attempt = DeliveryAttempt(
                delivery_id=job.delivery_id,
                attempt=job.attempt,
                kind=job.kind,
                url=job.url,
                body=job.body,
                originator_conversation_id=job.originator_conversation_id,
                status_code=status_code,
                error=error,
                at=self._clock(),
            )
            with self._condition:
                self._attempts.append(attempt)
                if not attempt.acknowledged and job.attempt <= self._redelivery_attempts:
                    backoff = self._redelivery_backoff * 2 ** (job.attempt - 1)
                    self._push(attrs.evolve(job, attempt=job.attempt + 1), backoff)
                self._in_flight -= 1
                self._condition.notify_all()
