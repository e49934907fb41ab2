"""Errors of the statement adapter: a file we cannot read as a statement at all."""

from __future__ import annotations


class StatementError(Exception):
    """Base class of every error raised by `adapters.statements`."""


class StatementFormatError(StatementError, ValueError):
    """The file as a whole is not a readable statement (no header row, bad preamble, encoding).

    Row-level problems are never raised: they are reported as `RowError` values.
    """
