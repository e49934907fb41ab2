"""Daraja environments and their base URLs."""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlsplit

from ._errors import DarajaValidationError

Environment = Literal["sandbox", "production"]

BASE_URLS: dict[str, str] = {
    "sandbox": "https://sandbox.safaricom.co.ke",
    "production": "https://api.safaricom.co.ke",
}


def check_environment(environment: str) -> Environment:
    """Return ``environment`` if it is known, else raise a validation error naming the choices."""
    if environment == "sandbox":
        return "sandbox"
    if environment == "production":
        return "production"
    raise DarajaValidationError(
        "environment", f"must be 'sandbox' or 'production' (got {environment!r})"
    )


def resolve_base_url(environment: str, base_url: str | None) -> str:
    """The base URL to use: the override when given (e.g. a loopback simulator), else the env's."""
    env = check_environment(environment)
    if base_url is None:
        return BASE_URLS[env]
    url = base_url.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise DarajaValidationError(
            "base_url", f"must be an absolute http(s) URL (got {base_url!r})"
        )
    return url
