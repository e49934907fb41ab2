"""The main job runs green on both engines and leaves its reports behind."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from adapters.cli import cli


def test_demo_passes_and_writes_its_outputs(db_url: str, tmp_path: Path) -> None:
    out = tmp_path / "demo-output"
    result = CliRunner().invoke(cli, ["--db", db_url, "demo", "--out", str(out)], obj={})
    assert result.exit_code == 0, result.output
    assert "demo OK" in result.output
    report = json.loads((out / "reconciliation.json").read_text(encoding="utf-8"))
    counts = {name: len(items) for name, items in report["categories"].items()}
    assert counts["unknown_to_ledger"] == 1 and counts["amount_mismatch"] == 1
    assert counts["resolved_pending"] == 1 and counts["failed_not_paid"] == 3
    assert (
        counts["failed_but_paid"] == counts["paid_twice"] == counts["missing_from_statement"] == 0
    )
    (orphan,) = report["callback_exceptions"]  # the orphan callback is surfaced, not dropped
    assert orphan["ocid"] == "ocid-from-another-system" and orphan["verdict"] == "orphan"
    html = (out / "reconciliation.html").read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert (out / "batch.csv").is_file()
    assert list(out.glob("statement-*.csv"))
