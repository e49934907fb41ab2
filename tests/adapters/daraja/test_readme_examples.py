"""The README snippet's python blocks run against loopback servers, so they cannot rot."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from .conftest import REPO_ROOT_SNIPPET, serve

SNIPPET = REPO_ROOT_SNIPPET


def python_blocks(path: Path) -> list[str]:
    """The ```python fenced blocks of a markdown file, in order."""
    return re.findall(r"^```python\n(.*?)^```", path.read_text(encoding="utf-8"), re.M | re.S)


def test_snippet_has_the_two_examples() -> None:
    blocks = python_blocks(SNIPPET)
    assert len(blocks) == 2
    assert "send_payment" in blocks[0] and "Starlette(" in blocks[1]


def test_quick_start_runs_against_a_loopback_daraja(
    loopback_daraja: tuple[str, dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    base_url, state = loopback_daraja
    monkeypatch.setenv("DARAJA_BASE_URL", base_url)
    monkeypatch.setenv("DARAJA_CONSUMER_KEY", "test-consumer-key")
    monkeypatch.setenv("DARAJA_CONSUMER_SECRET", "test-consumer-SECRET-do-not-leak")
    namespace: dict[str, Any] = {"__name__": "readme_quick_start"}
    exec(compile(python_blocks(SNIPPET)[0], str(SNIPPET), "exec"), namespace)
    assert namespace["resp"].is_successful()
    assert "B2C accepted:" in capsys.readouterr().out
    assert state["payments"][0]["body"]["OriginatorConversationID"] == "ocid-1234-5678"


def test_webhook_example_runs_on_loopback(
    raw: Callable[[str], bytes], load: Callable[[str], Any]
) -> None:
    namespace: dict[str, Any] = {"__name__": "readme_webhook"}
    exec(compile(python_blocks(SNIPPET)[1], str(SNIPPET), "exec"), namespace)
    with serve(namespace["app"]) as url, httpx.Client(base_url=url) as http:
        # Loopback is not a Safaricom address: refused by default.
        assert (
            http.post("/webhooks/b2c/result", content=raw("b2c_result_success")).status_code == 403
        )
        namespace["CALLBACK_ALLOWED_IPS"] = ["127.0.0.1"]
        for route, name in [
            ("result", "b2c_result_success"),
            ("result", "b2c_result_failure_initiator"),
            ("timeout", "b2c_timeout"),
        ]:
            reply = http.post(f"/webhooks/b2c/{route}", content=raw(name))
            assert reply.status_code == 200
            assert reply.json() == {"ResultCode": 0, "ResultDesc": "Accepted"}
        bad = http.post("/webhooks/b2c/result", content=json.dumps({"Result": []}))
        assert bad.status_code == 400
        assert bad.json()["ResultCode"] == 1
        assert "Result" in bad.json()["ResultDesc"]
        garbage = http.post("/webhooks/b2c/timeout", content=b"<html>")
        assert garbage.status_code == 400 and set(garbage.json()) == {"ResultCode", "ResultDesc"}
