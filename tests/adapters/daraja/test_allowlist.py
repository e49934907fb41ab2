"""is_mpesa_ip_allowed: Safaricom by default; a caller list replaces it; never raises."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.daraja import SAFARICOM_CALLBACK_IPS, is_mpesa_ip_allowed


def test_published_addresses_are_the_default() -> None:
    assert len(SAFARICOM_CALLBACK_IPS) == 12
    for ip in SAFARICOM_CALLBACK_IPS:
        assert is_mpesa_ip_allowed(ip)
        assert is_mpesa_ip_allowed(f"  {ip} ")
    assert is_mpesa_ip_allowed("::ffff:196.201.214.200")
    assert not is_mpesa_ip_allowed("196.201.214.201")
    assert not is_mpesa_ip_allowed("127.0.0.1")


def test_caller_list_replaces_the_default() -> None:
    allowed = ["10.0.0.0/8", "192.168.1.5", "2001:db8::/32", "garbage", "", "1.2.3.4/99"]
    assert is_mpesa_ip_allowed("10.1.2.3", allowed)
    assert is_mpesa_ip_allowed("192.168.1.5", allowed)
    assert is_mpesa_ip_allowed("::ffff:10.9.9.9", allowed)
    assert is_mpesa_ip_allowed("2001:db8::1", allowed)
    assert not is_mpesa_ip_allowed("192.168.1.6", allowed)
    assert not is_mpesa_ip_allowed("196.201.214.200", allowed)
    assert not is_mpesa_ip_allowed("196.201.214.200", [])
    assert is_mpesa_ip_allowed("127.0.0.1", "127.0.0.1")
    assert is_mpesa_ip_allowed("127.0.0.1", ("::ffff:127.0.0.1",))


@pytest.mark.parametrize(
    "ip", ["", "   ", None, "garbage", "1.2.3", "196.201.214.200:443", 5, b"1.2.3.4", []]
)
def test_garbage_is_false(ip: object) -> None:
    assert is_mpesa_ip_allowed(ip) is False
    assert is_mpesa_ip_allowed(ip, ["0.0.0.0/0"]) is False


@given(
    ip=st.one_of(st.text(max_size=40), st.ip_addresses().map(str)),
    allowed=st.none() | st.lists(st.text(max_size=20), max_size=4),
)
def test_never_raises(ip: str, allowed: list[str] | None) -> None:
    assert isinstance(is_mpesa_ip_allowed(ip, allowed), bool)
