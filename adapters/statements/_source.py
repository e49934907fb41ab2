"""Turning a file, bytes or text into text lines, and saying which encoding was used."""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from typing import IO

from ._errors import StatementFormatError

UTF8 = "utf-8"
CP1252 = "cp1252"
_BOM = codecs.BOM_UTF8
_CHUNK = 1 << 16


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode a whole file as UTF-8 (BOM dropped), else as cp1252; return (text, encoding)."""
    try:
        return data.decode("utf-8-sig"), UTF8
    except UnicodeDecodeError:
        pass
    try:
        return data.removeprefix(_BOM).decode(CP1252), CP1252
    except UnicodeDecodeError as exc:
        raise StatementFormatError(_undecodable(exc)) from None


def detect_encoding(raw: IO[bytes]) -> str:
    """Scan a seekable binary stream to its end and seek back: "utf-8" if it all decodes, else
    "cp1252" (checked too), so a streamed file never switches encoding halfway."""
    start = raw.tell()
    try:
        for encoding in (UTF8, CP1252):
            decoder = codecs.getincrementaldecoder(encoding)()
            raw.seek(start)
            try:
                while chunk := raw.read(_CHUNK):
                    decoder.decode(chunk)
                decoder.decode(b"", True)
            except UnicodeDecodeError as exc:
                if encoding == CP1252:
                    raise StatementFormatError(_undecodable(exc)) from None
                continue
            return encoding
        raise AssertionError("unreachable")
    finally:
        raw.seek(start)


def text_lines(text: str) -> Iterator[str]:
    """Split text into lines ending in LF (so CRLF too), keeping the line ends for csv."""
    start = 0
    find = text.find
    while (end := find("\n", start)) >= 0:
        yield text[start : end + 1]
        start = end + 1
    if start < len(text):
        yield text[start:]


def binary_lines(raw: IO[bytes], encoding: str) -> Iterator[str]:
    """Decode a binary stream chunk by chunk in `encoding`, yielding lines as `text_lines`."""
    decoder = codecs.getincrementaldecoder("utf-8-sig" if encoding == UTF8 else encoding)()
    pending = ""
    first = True
    while True:
        chunk = raw.read(_CHUNK)
        if first and encoding != UTF8:
            chunk = chunk.removeprefix(_BOM)
        first = False
        try:
            text = pending + decoder.decode(chunk, not chunk)
        except UnicodeDecodeError as exc:
            raise StatementFormatError(_undecodable(exc)) from None
        parts = text.split("\n")
        pending = parts.pop()
        for part in parts:
            yield part + "\n"
        if not chunk:
            break
    if pending:
        yield pending


def _undecodable(exc: UnicodeDecodeError) -> str:
    return (
        "the file is neither UTF-8 nor Windows-1252 (cp1252) text: "
        f"{exc.reason} (byte 0x{exc.object[exc.start : exc.end].hex()})"
    )
