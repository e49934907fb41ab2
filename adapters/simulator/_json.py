"""A small JSON writer that keeps money exact: a Decimal is written as the number it holds.

`json.dumps` would need floats (8959269.6, losing the cents' trailing zero) or strings; Daraja
sends numbers with cents, so the simulator writes them itself.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from decimal import Decimal

__all__ = ["JsonValue", "dumps"]

JsonValue = (
    Mapping[str, "JsonValue"] | Sequence["JsonValue"] | str | int | float | Decimal | bool | None
)


def dumps(value: JsonValue) -> str:
    """Serialise `value`; Decimals appear as plain numbers with all their digits."""
    parts: list[str] = []
    _write(value, parts)
    return "".join(parts)


def _write(value: JsonValue, out: list[str]) -> None:
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"cannot write {value} as JSON")
        out.append(format(value, "f"))
    elif isinstance(value, str | bool | int | float) or value is None:
        out.append(json.dumps(value))
    elif isinstance(value, Mapping):
        out.append("{")
        for index, (key, item) in enumerate(value.items()):
            if index:
                out.append(", ")
            out.append(json.dumps(str(key)))
            out.append(": ")
            _write(item, out)
        out.append("}")
    else:
        out.append("[")
        for index, item in enumerate(value):
            if index:
                out.append(", ")
            _write(item, out)
        out.append("]")
