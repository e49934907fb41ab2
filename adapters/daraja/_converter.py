"""The SDK's one cattrs converter: every schema is (un)structured here, and nowhere else.

Primitives are strict (cattrs would happily turn a dict into a str); attrs classes demand a JSON
object; ``ResultParameters``/``ReferenceData`` accept every shape Daraja and others send; cattrs'
own errors are turned into ``DarajaValidationError`` with the dotted path of the bad field.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.errors import (
    AttributeValidationNote,
    BaseValidationError,
    IterableValidationNote,
)
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn

from ._callbacks import (
    B2CResult,
    B2CTimeoutCallback,
    B2CTimeoutResult,
    ReferenceItem,
    ResultParameter,
)
from ._errors import DarajaValidationError
from ._requests import B2CRequest

__all__ = ["converter", "structure", "unstructure"]

T = TypeVar("T")

converter = cattrs.Converter(detailed_validation=True, forbid_extra_keys=False)


# --- strict primitives --------------------------------------------------------------------


def _structure_str(value: object, _: object) -> str:
    if isinstance(value, str):
        return value
    raise TypeError(f"expected a string, got {type(value).__name__}")


def _structure_int(value: object, _: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise TypeError(f"expected an integer, got {type(value).__name__}")


def _structure_code(value: object, _: object) -> int | str:
    # Result/response codes: numbers or strings (SFC_IC0003), kept exactly as received.
    if isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    raise TypeError(f"expected a number or a string, got {type(value).__name__}")


def _structure_optional_code(value: object, t: object) -> int | str | None:
    return None if value is None else _structure_code(value, t)


converter.register_structure_hook(str, _structure_str)
converter.register_structure_hook(int, _structure_int)
converter.register_structure_hook_func(lambda t: t == (int | str), _structure_code)
converter.register_structure_hook_func(lambda t: t == (int | str | None), _structure_optional_code)


# --- lenient Key/Value lists ----------------------------------------------------------------


def _value(value: object) -> object:
    # A plain json.loads gives floats: convert via their repr so 0.1 stays 0.1, never binary noise.
    if isinstance(value, float):
        return Decimal(str(value))
    return value


def _items(raw: object, wrapper_key: str) -> list[Mapping[str, object]]:
    """The Key/Value items of every shape seen: {"W": [...]}, {"W": {...}}, [...], {...}, None."""
    inner: object = raw
    if isinstance(raw, Mapping):
        if wrapper_key in raw:
            inner = raw[wrapper_key]
        elif "Key" not in raw:
            return []
    if isinstance(inner, Mapping):
        inner = [inner]
    if not isinstance(inner, list | tuple):
        return []
    return [i for i in inner if isinstance(i, Mapping) and isinstance(i.get("Key"), str)]


def _structure_parameters(raw: object, _: object) -> tuple[ResultParameter, ...]:
    return tuple(
        ResultParameter(Key=str(i["Key"]), Value=_value(i.get("Value")))
        for i in _items(raw, "ResultParameter")
    )


def _structure_reference(raw: object, _: object) -> tuple[ReferenceItem, ...]:
    return tuple(
        ReferenceItem(Key=str(i["Key"]), Value=_value(i.get("Value")))
        for i in _items(raw, "ReferenceItem")
    )


converter.register_structure_hook_func(
    lambda t: t == tuple[ResultParameter, ...], _structure_parameters
)
converter.register_structure_hook_func(
    lambda t: t == tuple[ReferenceItem, ...], _structure_reference
)
converter.register_unstructure_hook_func(
    lambda t: t == tuple[ResultParameter, ...],
    lambda items: {"ResultParameter": [{"Key": i.Key, "Value": i.Value} for i in items]},
)
converter.register_unstructure_hook_func(
    lambda t: t == tuple[ReferenceItem, ...],
    lambda items: {"ReferenceItem": [{"Key": i.Key, "Value": i.Value} for i in items]},
)


# --- attrs classes: a JSON object is required ---------------------------------------------


def _object_structure_factory(cl: type[Any]) -> Callable[[object, object], Any]:
    base = make_dict_structure_fn(cl, converter)

    def structure_object(value: object, _: object) -> Any:
        if not isinstance(value, Mapping):
            raise TypeError(f"expected a JSON object, got {type(value).__name__}")
        return base(value, cl)

    return structure_object


def _timeout_structure(value: object, t: object) -> B2CTimeoutCallback:
    # No published sample: a bare Result object (no envelope) is accepted too.
    if isinstance(value, Mapping) and "Result" not in value and "OriginatorConversationID" in value:
        value = {"Result": value}
    structured: B2CTimeoutCallback = _object_structure_factory(B2CTimeoutCallback)(value, t)
    return structured


converter.register_structure_hook_factory(attrs.has, _object_structure_factory)
converter.register_structure_hook(B2CTimeoutCallback, _timeout_structure)

# Callbacks are dumped as Daraja sends them: optional fields that are absent stay absent.
for _cls in (B2CResult, B2CTimeoutResult):
    converter.register_unstructure_hook(
        _cls, make_dict_unstructure_fn(_cls, converter, _cattrs_omit_if_default=True)
    )


def _request_to_wire(request: B2CRequest) -> dict[str, Any]:
    # Daraja's v3 body: numbers as JSON numbers, and the documented misspelling "Occassion".
    return {
        "OriginatorConversationID": request.OriginatorConversationID,
        "InitiatorName": request.InitiatorName,
        "SecurityCredential": request.SecurityCredential,
        "CommandID": request.CommandID.value,
        "Amount": request.Amount,
        "PartyA": int(request.PartyA),
        "PartyB": int(request.PartyB),
        "Remarks": request.Remarks,
        "QueueTimeOutURL": request.QueueTimeOutURL,
        "ResultURL": request.ResultURL,
        "Occassion": request.Occasion or "",
    }


converter.register_unstructure_hook(B2CRequest, _request_to_wire)


# --- entry points ----------------------------------------------------------------------------


def structure(payload: object, cls: type[T]) -> T:
    """Structure ``payload`` into ``cls``; any problem becomes a ``DarajaValidationError``."""
    try:
        return converter.structure(payload, cls)
    except DarajaValidationError:
        raise
    except (BaseValidationError, TypeError, ValueError, KeyError) as exc:
        problems = list(_walk(exc, ()))
        path, rule = problems[0] if problems else ("", str(exc))
        field = path or "<payload>"
        if len(problems) > 1:
            rule += (
                " (also: " + "; ".join(f"{p or '<payload>'}: {r}" for p, r in problems[1:]) + ")"
            )
        raise DarajaValidationError(field, rule) from None


def unstructure(obj: object) -> Any:
    """Unstructure ``obj`` to plain dicts/lists as they go on the wire."""
    return converter.unstructure(obj)


def _walk(exc: BaseException, path: tuple[str, ...]) -> list[tuple[str, str]]:
    """Flatten cattrs' exception groups into (dotted path, rule) pairs."""
    if isinstance(exc, BaseValidationError):
        found: list[tuple[str, str]] = []
        for sub in exc.exceptions:
            step = path
            for note in getattr(sub, "__notes__", []):
                if isinstance(note, AttributeValidationNote):
                    step = (*path, note.name)
                elif isinstance(note, IterableValidationNote):
                    step = (*path, f"[{note.index}]")
            found.extend(_walk(sub, step))
        return found
    if isinstance(exc, KeyError):
        return [(".".join(path), "is required")]
    if isinstance(exc, DarajaValidationError):
        return [(".".join((*path, exc.field)), exc.rule)]
    return [(".".join(path), str(exc))]
