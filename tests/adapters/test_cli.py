"""The `payouts` CLI, driven as a user would, against the simulator and a receiver over HTTP."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner, Result

from adapters.cli import cli
from adapters.receiver import ReceiverConfig, create_receiver_app
from adapters.serving import serve_in_thread
from adapters.simulator import Outcome, Simulator, SimulatorConfig
from ledger import EventStore


@attrs.define
class Env:
    db_url: str
    sim: Simulator
    env: dict[str, str]

    def run(self, *args: str) -> Result:
        return CliRunner().invoke(cli, ["--db", self.db_url, *args], env=self.env, obj={})


@pytest.fixture
def env(db_url: str) -> Iterator[Env]:
    store = EventStore.from_url(db_url)
    sim = Simulator(SimulatorConfig(callback_delay=0, late_result_delay=0, redelivery_backoff=0.01))
    receiver_app = create_receiver_app(store, ReceiverConfig(allowed_ips=("127.0.0.1",)))
    with serve_in_thread(sim.app) as sim_server, serve_in_thread(receiver_app) as receiver:
        yield Env(
            db_url,
            sim,
            {
                "PAYOUTS_DARAJA_BASE_URL": sim_server.url,
                "PAYOUTS_CONSUMER_KEY": sim.config.consumer_key,
                "PAYOUTS_CONSUMER_SECRET": sim.config.consumer_secret,
                "PAYOUTS_SECURITY_CREDENTIAL": "c2VjcmV0LWNyZWRlbnRpYWw=",
                "PAYOUTS_CALLBACK_BASE_URL": receiver.url,
                "PAYOUTS_CALLBACK_SECRET": "callback-secret-for-tests",
                "PAYOUTS_SHORTCODE": "600999",
                "COLUMNS": "200",
            },
        )
    sim.close()
    store.close()


def test_send_list_show_history(env: Env) -> None:
    args = ["send", "--id", "cli-1", "--to", "0700 000 001", "--amount", "1500", "--remarks", "Pay"]
    first = env.run(*args)
    assert first.exit_code == 0, first.output
    env.sim.wait_idle(30)
    again = env.run(*args)  # the same command twice sends once
    assert again.exit_code == 0
    assert [p.originator_conversation_id for p in env.sim.payments] == ["cli-1"]
    listed = env.run("list", "--format", "json")
    assert listed.exit_code == 0
    (row,) = json.loads(listed.output)
    assert row["status"] == "succeeded" and row["party_b"] == "254700000001"
    shown = env.run("show", "cli-1")
    assert "succeeded" in shown.output
    hist = env.run("history", "cli-1", "--format", "json")
    kinds = [e["event_type"] for e in json.loads(hist.output)]
    assert kinds[0] == "payout.requested" and "payout.result_received" in kinds
    assert "callback-secret" not in hist.output and "c2VjcmV0" not in hist.output


def test_send_batch_reports_bad_rows_and_reruns_safely(env: Env, fixtures_dir: Path) -> None:
    batch = fixtures_dir / "batches" / "salaries_2024-07.csv"
    result = env.run("send-batch", str(batch))
    assert result.exit_code == 1  # some rows refused
    refused = [line for line in result.output.splitlines() if "salaries_2024-07.csv: line" in line]
    assert len(refused) == 6, result.output
    assert "sent 48" in result.output
    env.sim.wait_idle(30)
    again = env.run("send-batch", str(batch))
    assert "sent 0, already known 48" in again.output
    assert len(env.sim.payments) == 48


def test_retry_after_a_final_failure(env: Env) -> None:
    env.sim.script(Outcome.FAIL, party_b="254700000009", result_code=1, times=1)
    sent = env.run(
        "send", "--id", "r-1", "--to", "254700000009", "--amount", "500", "--remarks", "Pay"
    )
    assert sent.exit_code == 0
    env.sim.wait_idle(30)
    refused = env.run("retry", "r-1-r1")
    assert refused.exit_code == 1 and "no payout" in refused.output
    retried = env.run("retry", "r-1")
    assert retried.exit_code == 0 and "r-1-r1" in retried.output
    env.sim.wait_idle(30)
    twice = env.run("retry", "r-1")  # the same retry again: shows the paid retry, sends nothing
    assert twice.exit_code == 0 and "r-1-r1" in twice.output and "succeeded" in twice.output
    assert [p.originator_conversation_id for p in env.sim.payments] == ["r-1", "r-1-r1"]


def test_replay_matches(env: Env) -> None:
    env.run("send", "--id", "rp-1", "--to", "254700000001", "--amount", "100", "--remarks", "Pay")
    env.sim.wait_idle(30)
    result = env.run("replay")
    assert result.exit_code == 0, result.output
    assert "replay matches" in result.output


def test_errors_are_one_line(tmp_path: Path) -> None:
    runner = CliRunner()
    bad = runner.invoke(cli, ["--db", "mysql://x/y", "list"], obj={})
    assert bad.exit_code == 1
    assert bad.output.strip().count("\n") == 0 and "unsupported database URL scheme" in bad.output
    no_creds = runner.invoke(
        cli,
        [
            "--db",
            f"sqlite:///{tmp_path}/l.db",
            "send",
            "--id",
            "x",
            "--to",
            "0700000001",
            "--amount",
            "100",
            "--remarks",
            "Pay",
        ],
        env={"PAYOUTS_CONSUMER_KEY": "", "PAYOUTS_CONSUMER_SECRET": ""},
        obj={},
    )
    assert no_creds.exit_code == 1 and "PAYOUTS_CONSUMER_KEY" in no_creds.output
    invalid = runner.invoke(
        cli,
        [
            "--db",
            f"sqlite:///{tmp_path}/l.db",
            "send",
            "--id",
            "x",
            "--to",
            "020 123 4567",
            "--amount",
            "100",
            "--remarks",
            "Pay",
        ],
        env={
            "PAYOUTS_CONSUMER_KEY": "k",
            "PAYOUTS_CONSUMER_SECRET": "s",
            "PAYOUTS_SECURITY_CREDENTIAL": "c",
        },
        obj={},
    )
    assert invalid.exit_code == 1 and "PartyB" in invalid.output
    upgraded = runner.invoke(cli, ["--db", f"sqlite:///{tmp_path}/new.db", "db", "upgrade"], obj={})
    assert upgraded.exit_code == 0 and "upgraded from nothing" in upgraded.output


def test_send_that_cannot_reach_daraja_says_so_and_fails(tmp_path: Path) -> None:
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        "PAYOUTS_DARAJA_BASE_URL": f"http://127.0.0.1:{port}",
        "PAYOUTS_CONSUMER_KEY": "k",
        "PAYOUTS_CONSUMER_SECRET": "s",
        "PAYOUTS_SECURITY_CREDENTIAL": "c",
    }
    args = ["--db", f"sqlite:///{tmp_path}/l.db", "send", "--id", "ns-1", "--to", "0700000001"]
    result = CliRunner().invoke(
        cli, [*args, "--amount", "100", "--remarks", "Pay"], env=env, obj={}
    )
    assert result.exit_code == 1 and "was not sent" in result.output


def test_reconcile_of_a_day_without_statement_lines_is_an_error(
    env: Env, fixtures_dir: Path
) -> None:
    statement = fixtures_dir / "statements" / "org_portal_2024-07-06.csv"
    wrong_day = env.run("reconcile", "--date", "2024-07-07", "--statement", str(statement))
    assert wrong_day.exit_code == 1 and "no statement lines" in wrong_day.output
    right_day = env.run("reconcile", "--date", "2024-07-06", "--format", "json")
    assert right_day.exit_code == 3  # SG60000AB1, AB2 and AB9 are unknown to this empty ledger


def test_demo_refuses_a_ledger_with_other_payouts(env: Env, tmp_path: Path) -> None:
    env.run("send", "--id", "mine-1", "--to", "254700000001", "--amount", "100", "--remarks", "Pay")
    result = env.run("demo", "--db", env.db_url, "--out", str(tmp_path / "out"))
    assert result.exit_code == 1 and "refusing to run the demo" in result.output
