"""Configuration in one typed object, from PAYOUTS_* environment variables or a TOML file.

Secrets (consumer secret, initiator password, security credential, callback secret) are kept out
of reprs and messages. Environment variables win over the file, so a deployment can keep secrets
out of the file entirely.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from adapters.daraja import SAFARICOM_CALLBACK_IPS


class ConfigError(ValueError):
    """A configuration value is missing or malformed (names the setting)."""


def _split(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, list | tuple):
        return tuple(str(v).strip() for v in value if str(v).strip())
    return tuple(v.strip() for v in str(value).split(",") if v.strip())


def _secret() -> Any:
    return attrs.field(default=None, repr=lambda v: "<set>" if v else "None")


@attrs.frozen(kw_only=True)
class Settings:
    """Everything the CLI, the receiver and the gateway need. See README, "Configuration"."""

    db: str = "sqlite:///payouts.db"
    environment: str = "sandbox"
    daraja_base_url: str | None = None
    consumer_key: str | None = None
    consumer_secret: str | None = _secret()
    shortcode: str = "600999"
    initiator_name: str = "api_initiator"
    security_credential: str | None = _secret()
    initiator_password: str | None = _secret()
    certificate: str | None = None
    callback_base_url: str = "http://127.0.0.1:8000"
    callback_secret: str | None = _secret()
    allowed_ips: tuple[str, ...] = SAFARICOM_CALLBACK_IPS
    trusted_proxies: tuple[str, ...] = ()
    max_body_bytes: int = 64 * 1024
    host: str = "127.0.0.1"
    port: int = 8000
    sqlite_synchronous: str = "FULL"
    timezone: str = "Africa/Nairobi"

    def credential(self) -> str:
        """The SecurityCredential: given as is, or made from the initiator password and cert."""
        if self.security_credential:
            return self.security_credential
        if self.initiator_password and self.certificate:
            from adapters.daraja import generate_security_credential

            return generate_security_credential(self.initiator_password, self.certificate)
        raise ConfigError(
            "no security credential: set PAYOUTS_SECURITY_CREDENTIAL, or "
            "PAYOUTS_INITIATOR_PASSWORD and PAYOUTS_CERTIFICATE (Safaricom's certificate file)"
        )

    def require_daraja_credentials(self) -> tuple[str, str]:
        if not self.consumer_key or not self.consumer_secret:
            raise ConfigError(
                "no Daraja app credentials: set PAYOUTS_CONSUMER_KEY and PAYOUTS_CONSUMER_SECRET"
            )
        return self.consumer_key, self.consumer_secret


_FIELDS = {f.name: f for f in attrs.fields(Settings)}
_TUPLES = {"allowed_ips", "trusted_proxies"}
_INTS = {"max_body_bytes", "port"}


def _coerce(name: str, value: object) -> object:
    if name in _TUPLES:
        return _split(value)
    if name in _INTS:
        try:
            return int(str(value))
        except ValueError:
            raise ConfigError(f"{name}: {value!r} is not a whole number") from None
    return None if value is None else str(value)


def load_settings(
    *,
    config_file: str | os.PathLike[str] | None = None,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, object] | None = None,
) -> Settings:
    """Defaults, then the TOML file (``[payouts]`` table or top level), then PAYOUTS_* variables,
    then explicit overrides (command-line options)."""
    env = os.environ if environ is None else environ
    values: dict[str, object] = {}
    path = config_file or env.get("PAYOUTS_CONFIG")
    if path:
        file = Path(path)
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"config file {str(file)!r} does not exist") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"config file {str(file)!r} is not valid TOML: {exc}") from None
        table = data.get("payouts", data)
        for key, value in table.items():
            name = key.replace("-", "_")
            if name not in _FIELDS:
                raise ConfigError(f"config file {str(file)!r}: unknown setting {key!r}")
            values[name] = _coerce(name, value)
    for name in _FIELDS:
        var = f"PAYOUTS_{name.upper()}"
        if var in env and env[var] != "":
            values[name] = _coerce(name, env[var])
    for name, value in (overrides or {}).items():
        if value is not None:
            values[name] = _coerce(name, value)
    return Settings(**values)  # type: ignore[arg-type]
