"""Batch files: shape errors by line, and row ids that survive edits of other rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.batch_file import BatchFileError, read_batch

HEADER = "party_b,amount,command_id,remarks,occasion\n"
ROWS = [
    "0712345678,1500,SalaryPayment,July salary,JulySalary\n",
    "0712 345 679,abc,SalaryPayment,July salary,JulySalary\n",  # refused later: bad amount
    "+254712345680,2500,BusinessPayment,Commission,\n",
]


def ids(text: str, **kw: str) -> list[str]:
    return [r.instruction.originator_conversation_id for r in read_batch(text.encode(), **kw).rows]


def test_fixture_rows(fixtures_dir: Path) -> None:
    path = fixtures_dir / "batches" / "salaries_2024-07.csv"
    batch = read_batch(path.read_bytes(), name=path.name)
    assert batch.batch_id == "salaries_2024-07" and len(batch.rows) == 54 and not batch.errors
    assert batch.rows[0].line == 2 and batch.rows[-1].line == 55


def test_fixing_a_row_or_resaving_keeps_the_other_ids() -> None:
    before = ids(HEADER + "".join(ROWS))
    fixed = ids(HEADER + ROWS[0] + ROWS[1].replace("abc", "1500") + ROWS[2])
    assert fixed[0] == before[0] and fixed[2] == before[2] and fixed[1] != before[1]
    crlf = ids(("\ufeff" + HEADER + "".join(ROWS) + "\n\n").replace("\n", "\r\n"))
    assert crlf == before
    retyped = ids(HEADER + ROWS[0].replace("0712345678", "+254 712-345-678") + ROWS[1] + ROWS[2])
    assert retyped == before  # the same number typed another way is the same payout


def test_identical_rows_are_distinct_and_batches_are_apart() -> None:
    twice = ids(HEADER + ROWS[0] + ROWS[0])
    assert len(set(twice)) == 2
    assert ids(HEADER + ROWS[0], batch_id="august")[0] != ids(HEADER + ROWS[0], batch_id="july")[0]
    given = ids(
        "party_b,amount,command_id,remarks,originator_conversation_id\n0712345678,10,SalaryPayment,Pay,my-id\n"
    )
    assert given == ["my-id"]


def test_shape_errors() -> None:
    batch = read_batch((HEADER + "0712345678,1500,SalaryPayment\n" + ROWS[0]).encode())
    assert [(e.line, e.message) for e in batch.errors] == [
        (2, "line 2: has 3 cells, the header has 5")
    ]
    with pytest.raises(BatchFileError, match="header lacks amount"):
        read_batch(b"party_b,command_id,remarks\n")
    with pytest.raises(BatchFileError, match="unknown column"):
        read_batch(b"party_b,amount,command_id,remarks,colour\n")
    with pytest.raises(BatchFileError, match="no header"):
        read_batch(b"\n\n")
