"""`payouts demo`: the whole product on one machine, checked against what its scenario expects.

A local Daraja simulator and the webhook receiver run as threads on free loopback ports; a batch
file of payouts goes through the real CLI path (file -> ledger -> SDK -> HTTP -> simulator ->
callbacks -> receiver -> ledger), then the day's statement is exported by the simulator,
imported and reconciled. Every payout must reach the state its scenario expects, and every
reconciliation category must hold exactly the items the scenario injected.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.table import Table

from adapters.batch_file import read_batch
from adapters.daraja import MpesaClient, generate_security_credential
from adapters.demo_scenarios import BAD_ROWS, UNKNOWN_PAYOUT, Fate, plan, recipient
from adapters.gateway import DarajaGateway
from adapters.receiver import ReceiverConfig, create_receiver_app
from adapters.serving import serve_in_thread
from adapters.simulator import Outcome, Simulator, SimulatorConfig, quiet_dropped_replies
from ledger import CallbackUrlBuilder, EventStore, Payout, PayoutService
from projections import list_payouts, status_counts
from projections.catalogue import catch_up_all

KENYA = timezone(timedelta(hours=3))
SUCCESS_AMOUNTS = (65000, 2500, 750, 3200, 25000, 10, 4800, 1500, 250000, 12000)
COMMANDS = ("SalaryPayment", "SalaryPayment", "BusinessPayment", "PromotionPayment")


def business_clock() -> Callable[[], datetime]:
    """Today in Kenya from 10:00, moving with real time: every payout falls on one business day
    however close to midnight the demo runs."""
    start = datetime.now(KENYA).replace(hour=10, minute=0, second=0, microsecond=0)
    t0 = time.monotonic()
    return lambda: (start + timedelta(seconds=time.monotonic() - t0)).astimezone(UTC)


def _self_signed_certificate() -> bytes:
    """A throwaway RSA certificate standing in for Safaricom's, to make a real credential."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "demo.simulator.local")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM)


def _batch_csv(fates: list[Fate]) -> tuple[str, dict[int, Fate]]:
    """The batch file's text, and the fate of the payout on each of its lines."""
    lines = ["party_b,amount,command_id,remarks,occasion"]
    by_line: dict[int, Fate] = {}
    for i, fate in enumerate(fates):
        if fate.outcome == "success":
            amount = SUCCESS_AMOUNTS[i % len(SUCCESS_AMOUNTS)]
            command = COMMANDS[i % len(COMMANDS)]
        else:
            amount, command = fate.amount, fate.command_id
        number = recipient(i)
        written = f"0{number[3:6]} {number[6:9]} {number[9:]}" if i % 3 == 0 else number
        remarks = "July salary" if command == "SalaryPayment" else "Commission July"
        lines.append(f"{written},{amount},{command},{remarks},JulySalary")
        by_line[len(lines)] = fate
    for row, _ in BAD_ROWS:
        lines.append(row)
    return "\n".join(lines) + "\n", by_line


def _script(sim: Simulator, fates: list[Fate]) -> None:
    for i, fate in enumerate(fates):
        if fate.outcome == "success":
            continue
        options: dict[str, Any] = {"party_b": recipient(i)}
        if fate.result_code is not None:
            options["result_code"] = fate.result_code
        options.update(fate.extra)
        sim.script(Outcome(fate.outcome), **options)


def _orphan_callback(receiver_url: str) -> None:
    body = {
        "Result": {
            "ResultType": 0,
            "ResultCode": 0,
            "ResultDesc": "The service request is processed successfully.",
            "OriginatorConversationID": "ocid-from-another-system",
            "ConversationID": "AG_20240706_orphan",
            "TransactionID": "SGORPHAN01",
        }
    }
    reply = httpx.post(f"{receiver_url}/webhooks/b2c/result", json=body, timeout=10)
    reply.raise_for_status()


def _check_payouts(
    payouts: list[Payout], by_line: dict[int, Fate]
) -> tuple[list[str], dict[str, list[str]]]:
    """Problems found, and the expected reconciliation category of each payout."""
    problems: list[str] = []
    expected_categories: dict[str, list[str]] = {}
    seen = {p.batch_line: p for p in payouts if p.batch_line is not None}
    for line, fate in sorted(by_line.items()):
        p = seen.get(line)
        if p is None:
            problems.append(f"line {line} ({fate.name}): no payout recorded")
            continue
        expected_categories.setdefault(fate.category, []).append(p.originator_conversation_id)
        if p.status is not fate.status:
            problems.append(
                f"{p.originator_conversation_id} ({fate.name}): {p.status.value}, "
                f"expected {fate.status.value}"
            )
        missing = [f for f in fate.flags if f not in p.flags]
        if missing:
            problems.append(f"{p.originator_conversation_id} ({fate.name}): lacks flags {missing}")
        if fate.outcome == "duplicate_delivery" and p.deliveries != 3:
            problems.append(
                f"{p.originator_conversation_id}: {p.deliveries} deliveries, expected 3"
            )
    return problems, expected_categories


def run_demo(*, db_url: str | None, out_dir: Path, count: int, console: Console) -> bool:
    out_dir.mkdir(parents=True, exist_ok=True)
    if db_url is None:
        path = out_dir / "demo-ledger.db"
        for leftover in (
            path,
            path.with_name(path.name + "-wal"),
            path.with_name(path.name + "-shm"),
        ):
            leftover.unlink(missing_ok=True)
        db_url = f"sqlite:///{path}"
    # A shortcode of this run's own keeps runs apart in a shared (PostgreSQL) ledger.
    shortcode = f"6{secrets.randbelow(10**5):05d}"
    clock = business_clock()
    day = clock().astimezone(KENYA).date()
    fates = plan(count)
    started = time.monotonic()

    store = EventStore.from_url(db_url)
    foreign = _foreign_payouts(store)
    if foreign:
        store.close()
        console.print(
            f"[red]refusing to run the demo on {db_url}: it holds {foreign} payouts that are not "
            "the demo's; give `payouts demo --db` an empty database[/red]"
        )
        return False
    quiet_dropped_replies()  # the "reply lost" scenario drops a reply on purpose
    sim = Simulator(
        SimulatorConfig(
            shortcode=shortcode,
            clock=clock,
            callback_delay=0.02,
            late_result_delay=0.3,
            redelivery_backoff=0.05,
            seed=int(shortcode),
        )
    )
    # The demo's callers are on loopback: allow exactly that, trust no proxy.
    receiver_app = create_receiver_app(
        store, ReceiverConfig(allowed_ips=("127.0.0.1", "::1")), clock=clock
    )
    with (
        serve_in_thread(sim.app, name="simulator") as sim_server,
        serve_in_thread(receiver_app, name="receiver") as receiver,
    ):
        console.print(
            f"[bold]payouts demo[/bold]: ledger {store!r}, simulator {sim_server.url}, "
            f"receiver {receiver.url}, shortcode {shortcode}, business day {day}"
        )
        client = MpesaClient(
            consumer_key=sim.config.consumer_key,
            consumer_secret=sim.config.consumer_secret,
            environment="sandbox",
            base_url=sim_server.url,
        )
        credential = generate_security_credential(
            "demo-initiator-password", _self_signed_certificate()
        )
        gateway = DarajaGateway(
            client,
            initiator_name="api_initiator",
            security_credential=credential,
            shortcode=shortcode,
        )
        urls = CallbackUrlBuilder(receiver.url, secret=secrets.token_bytes(32))
        service = PayoutService(store, gateway, urls, clock=clock)
        _script(sim, fates)

        text, by_line = _batch_csv(fates)
        batch_path = out_dir / "batch.csv"
        batch_path.write_text(text, encoding="utf-8")
        batch = read_batch(
            batch_path.read_bytes(), name=batch_path.name, batch_id=f"demo-{shortcode}"
        )
        result = service.send_batch(batch.rows, batch.batch_id)
        console.print(
            f"sent batch {batch.batch_id} from {batch_path}: {len(result.sent)} sent, "
            f"{len(result.errors)} rows refused"
        )
        for error in result.errors:
            console.print(f"  [yellow]refused[/yellow] {error.message}")
        _orphan_callback(receiver.url)
        sim.wait_idle(timeout=60)
        catch_up_all(store)
        payouts = [p for p in list_payouts(store, batch_id=batch.batch_id)]
        problems, expected_categories = _check_payouts(payouts, by_line)
        refused_fields = sorted(e.field for e in result.errors)
        if refused_fields != sorted(f for _, f in BAD_ROWS):
            problems.append(
                f"refused rows named {refused_fields}, expected {[f for _, f in BAD_ROWS]}"
            )
        orphans = [e for e in store.read_stream("orphan-ocid-from-another-system")]
        if not orphans:
            problems.append("the orphan callback was not recorded")

        _print_payouts(console, payouts, by_line)
        console.print(
            "states: " + ", ".join(f"{k} {v}" for k, v in sorted(status_counts(store).items()))
        )

        from adapters.demo_reconcile import reconcile_demo_day

        sim.inject_unknown_payout(UNKNOWN_PAYOUT[0], UNKNOWN_PAYOUT[1], at=clock())
        statement_path = out_dir / f"statement-{shortcode}-{day}.csv"
        statement_path.write_text(sim.statement_csv(day), encoding="utf-8")
        problems += reconcile_demo_day(
            store, statement_path, day, shortcode, expected_categories, out_dir, console
        )
    client.close()
    sim.close()
    store.close()
    elapsed = time.monotonic() - started
    if problems:
        console.print(f"[red bold]demo FAILED[/red bold] after {elapsed:.1f} s:")
        for p in problems:
            console.print(f"  [red]{p}[/red]")
        return False
    console.print(
        f"[green bold]demo OK[/green bold] in {elapsed:.1f} s: every payout and every "
        f"reconciliation category is what the scenario expects; outputs in {out_dir}/"
    )
    return True


def _foreign_payouts(store: EventStore) -> int:
    """How many payouts of this ledger were not made by a demo run."""
    import sqlalchemy as sa

    from projections.payouts import payout_state

    catch_up_all(store)
    c = payout_state.c
    with store.engine.connect() as conn:
        query = sa.select(sa.func.count()).where(
            sa.or_(c.batch_id.is_(None), sa.not_(c.batch_id.startswith("demo-")))
        )
        return int(conn.execute(query).scalar() or 0)


def _print_payouts(console: Console, payouts: list[Payout], by_line: dict[int, Fate]) -> None:
    table = Table(title="scripted payouts (the other successes are not shown)")
    for col in (
        "line",
        "OriginatorConversationID",
        "scenario",
        "status",
        "KES",
        "receipt",
        "flags",
    ):
        table.add_column(col)
    for p in sorted(payouts, key=lambda p: p.batch_line or 0):
        fate = by_line.get(p.batch_line or 0)
        if fate is None or fate.outcome == "success":
            continue
        ok = p.status is fate.status
        table.add_row(
            str(p.batch_line),
            p.originator_conversation_id,
            fate.name,
            f"[{'green' if ok else 'red'}]{p.status.value}[/]",
            str(p.amount),
            p.receipt or "",
            ",".join(p.flags),
        )
    console.print(table)
