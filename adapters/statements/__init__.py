"""M-Pesa organisation-portal statement CSV: parsed into lines the ledger imports as events.

Pure parsing: no database, no events. Every data row becomes a `StatementLine` or a `RowError`;
nothing is dropped or merged (the ledger deduplicates by `StatementLine.key`).
"""

from ._classify import CommandId, Kind
from ._errors import StatementError, StatementFormatError
from ._model import RowError, StatementHeader, StatementLine, StatementParse
from ._parse import StatementStream, iter_statement, parse_statement, parse_statement_file
from ._times import KENYA_TIME

__all__ = [
    "KENYA_TIME",
    "CommandId",
    "Kind",
    "RowError",
    "StatementError",
    "StatementFormatError",
    "StatementHeader",
    "StatementLine",
    "StatementParse",
    "StatementStream",
    "iter_statement",
    "parse_statement",
    "parse_statement_file",
]
