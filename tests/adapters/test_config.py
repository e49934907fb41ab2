"""Settings from defaults, a TOML file, PAYOUTS_* variables and options, in that order."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.config import ConfigError, load_settings
from adapters.daraja import SAFARICOM_CALLBACK_IPS


def test_defaults_file_env_and_overrides_in_order(tmp_path: Path) -> None:
    file = tmp_path / "payouts.toml"
    file.write_text(
        '[payouts]\nshortcode = "600111"\nallowed_ips = ["10.0.0.0/8"]\nport = 9000\n'
        'consumer_secret = "from-file"\n',
        encoding="utf-8",
    )
    s = load_settings(
        config_file=file,
        environ={"PAYOUTS_SHORTCODE": "600222"},
        overrides={"db": "sqlite:///x.db"},
    )
    assert s.shortcode == "600222"  # the environment wins over the file
    assert s.allowed_ips == ("10.0.0.0/8",) and s.port == 9000 and s.db == "sqlite:///x.db"
    assert load_settings(environ={}).allowed_ips == SAFARICOM_CALLBACK_IPS
    listed = load_settings(environ={"PAYOUTS_TRUSTED_PROXIES": "10.0.0.1, 10.0.0.2"})
    assert listed.trusted_proxies == ("10.0.0.1", "10.0.0.2")


def test_secrets_stay_out_of_the_repr() -> None:
    s = load_settings(
        environ={
            "PAYOUTS_CONSUMER_SECRET": "cs-very-secret",
            "PAYOUTS_SECURITY_CREDENTIAL": "cred-very-secret",
            "PAYOUTS_CALLBACK_SECRET": "cb-very-secret",
            "PAYOUTS_INITIATOR_PASSWORD": "pw-very-secret",
        }
    )
    assert "very-secret" not in repr(s) and "<set>" in repr(s)


def test_bad_values_name_the_setting(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="port"):
        load_settings(environ={"PAYOUTS_PORT": "eighty"})
    bad = tmp_path / "bad.toml"
    bad.write_text("colour = 'blue'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown setting 'colour'"):
        load_settings(config_file=bad, environ={})
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(config_file=tmp_path / "missing.toml", environ={})
    with pytest.raises(ConfigError, match="PAYOUTS_SECURITY_CREDENTIAL"):
        load_settings(environ={}).credential()
