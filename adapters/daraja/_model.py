"""The small model protocol every schema shares: ``model_validate``, ``model_dump``, ``from_json``.

The names follow the product description (they read like pydantic's), but the schemas are frozen
attrs classes and all (un)structuring goes through the single converter in ``_converter``.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any, Literal, Self

from ._errors import DarajaValidationError

__all__ = ["Model"]

DumpMode = Literal["python", "json"]


class Model:
    """Mixin for the SDK's attrs schemas."""

    __slots__ = ()

    @classmethod
    def model_validate(cls, payload: object) -> Self:
        """Build the model from a parsed JSON payload; raise ``DarajaValidationError`` if invalid.

        Floats (from a plain ``json.loads``) are accepted and converted via ``Decimal(str(x))``;
        use ``from_json`` on the raw body to keep every cent exactly as sent.
        """
        from ._converter import structure

        return structure(payload, cls)

    @classmethod
    def from_json(cls, data: bytes | str) -> Self:
        """Parse a raw JSON body (numbers with a fraction become ``Decimal``) and validate it."""
        try:
            payload = json.loads(data, parse_float=Decimal)
        except (ValueError, UnicodeDecodeError) as exc:
            raise DarajaValidationError("<body>", f"is not valid JSON ({exc})") from None
        except RecursionError:
            raise DarajaValidationError("<body>", "is nested too deeply to read") from None
        return cls.model_validate(payload)

    def model_dump(self, mode: DumpMode = "python") -> dict[str, Any]:
        """The wire dict; ``mode="json"`` makes it JSON-ready (Decimals as strings)."""
        from ._converter import unstructure

        data: dict[str, Any] = unstructure(self)
        if mode == "json":
            converted = _jsonable(data)
            assert isinstance(converted, dict)
            return converted
        if mode != "python":
            raise DarajaValidationError("mode", f"must be 'python' or 'json' (got {mode!r})")
        return data


def _jsonable(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value
