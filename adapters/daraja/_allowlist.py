"""Is a callback's source address one of Safaricom's? (A first filter, not authentication.)"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

__all__ = ["SAFARICOM_CALLBACK_IPS", "is_mpesa_ip_allowed"]

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Safaricom's published callback source addresses.
SAFARICOM_CALLBACK_IPS: tuple[str, ...] = (
    "196.201.214.200",
    "196.201.214.206",
    "196.201.213.114",
    "196.201.214.207",
    "196.201.214.208",
    "196.201.213.44",
    "196.201.212.127",
    "196.201.212.138",
    "196.201.212.129",
    "196.201.212.136",
    "196.201.212.74",
    "196.201.212.69",
)


def _address(value: object) -> IPAddress | None:
    if not isinstance(value, str):
        return None
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _networks(entries: Iterable[object]) -> list[IPNetwork]:
    networks: list[IPNetwork] = []
    for entry in entries:
        if not isinstance(entry, str):
            continue
        address = _address(entry)
        if address is not None:
            networks.append(ipaddress.ip_network(address))
            continue
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            continue  # garbage entries are ignored: they allow nothing
    return networks


_DEFAULT_NETWORKS = tuple(_networks(SAFARICOM_CALLBACK_IPS))


def is_mpesa_ip_allowed(ip: object, allowed_ips: Iterable[str] | str | None = None) -> bool:
    """True if ``ip`` is in ``allowed_ips`` (addresses or CIDR ranges).

    ``None`` means Safaricom's published addresses; any other value replaces them (an empty list
    allows nothing). IPv4-mapped IPv6 addresses match their IPv4 form. Garbage never raises: it
    gives False.
    """
    address = _address(ip)
    if address is None:
        return False
    if allowed_ips is None:
        networks: Iterable[IPNetwork] = _DEFAULT_NETWORKS
    elif isinstance(allowed_ips, str):
        networks = _networks([allowed_ips])
    else:
        try:
            networks = _networks(list(allowed_ips))
        except TypeError:
            return False
    return any(address.version == net.version and address in net for net in networks)
