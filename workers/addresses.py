"""Which IP addresses pressroom may connect to (pure: values in, values out).

Feeds and article links come from the internet, so a hostile feed can point us at
``http://169.254.169.254/`` or at a name that resolves to ``10.0.0.1``. The fetcher
resolves every host, runs each address through :func:`check_address` and connects only
to the address it checked. The policy is an explicit table rather than
``ipaddress``'s ``is_global``/``is_private`` because those changed between Python
releases and a security boundary should not move with the interpreter.

IPv6 forms that embed an IPv4 address (IPv4-mapped, NAT64, 6to4) are judged by the
embedded address, since that is where the packets end up.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network

Network = IPv4Network | IPv6Network

_V4_BLOCKED: tuple[tuple[IPv4Network, str], ...] = tuple(
    (IPv4Network(cidr), label)
    for cidr, label in (
        ("0.0.0.0/8", "unspecified (this-network)"),
        ("10.0.0.0/8", "private"),
        ("100.64.0.0/10", "carrier-grade NAT"),
        ("127.0.0.0/8", "loopback"),
        ("169.254.169.254/32", "link-local (cloud metadata)"),
        ("169.254.0.0/16", "link-local"),
        ("172.16.0.0/12", "private"),
        ("192.0.0.0/24", "IETF protocol assignment"),
        ("192.0.2.0/24", "documentation"),
        ("192.88.99.0/24", "reserved (6to4 relay anycast)"),
        ("192.168.0.0/16", "private"),
        ("198.18.0.0/15", "benchmarking"),
        ("198.51.100.0/24", "documentation"),
        ("203.0.113.0/24", "documentation"),
        ("224.0.0.0/4", "multicast"),
        ("255.255.255.255/32", "broadcast"),
        ("240.0.0.0/4", "reserved"),
    )
)

_V6_BLOCKED: tuple[tuple[IPv6Network, str], ...] = tuple(
    (IPv6Network(cidr), label)
    for cidr, label in (
        ("::/128", "unspecified"),
        ("::1/128", "loopback"),
        ("::/96", "IPv4-compatible (deprecated)"),
        ("64:ff9b:1::/48", "local-use NAT64"),
        ("100::/64", "discard-only"),
        ("2001::/32", "Teredo"),
        ("2001:2::/48", "benchmarking"),
        ("2001:10::/28", "ORCHID"),
        ("2001:20::/28", "ORCHIDv2"),
        ("2001:db8::/32", "documentation"),
        ("3fff::/20", "documentation"),
        ("fc00::/7", "private (unique local)"),
        ("fe80::/10", "link-local"),
        ("fec0::/10", "site-local (deprecated)"),
        ("ff00::/8", "multicast"),
    )
)

_NAT64 = IPv6Network("64:ff9b::/96")
_SIX_TO_FOUR = IPv6Network("2002::/16")
_GLOBAL_UNICAST = IPv6Network("2000::/3")  # everything else in IPv6 is unassigned or special


def parse_networks(cidrs: Iterable[str]) -> tuple[Network, ...]:
    """Parse ``allow_networks`` entries; strict so ``10.1.2.3/8`` is a typo, not a guess."""
    networks: list[Network] = []
    for entry in cidrs:
        try:
            networks.append(ip_network(entry.strip(), strict=True))
        except ValueError as exc:
            raise ValueError(f"invalid network {entry!r}: {exc}") from None
    return tuple(networks)


def check_address(ip: str, allow: Sequence[Network]) -> str | None:
    """Return ``None`` if connecting to ``ip`` is allowed, else a short reason.

    ``allow`` wins over every rule (tests and intranet deployments need loopback or a
    private range); anything that does not parse as a plain IP address is refused.
    """
    try:
        addr = ip_address(ip.strip())
    except ValueError:
        return f"not an IP address {ip!r}"
    if isinstance(addr, IPv6Address) and addr.scope_id:
        addr = IPv6Address(str(addr).split("%", 1)[0])
    return _check(addr, allow)


def _check(addr: IPv4Address | IPv6Address, allow: Sequence[Network]) -> str | None:
    if any(addr.version == net.version and addr in net for net in allow):
        return None
    if isinstance(addr, IPv4Address):
        for net, label in _V4_BLOCKED:
            if addr in net:
                return f"{label} address {addr}"
        return None
    embedded, form = _embedded_v4(addr)
    if embedded is not None:
        inner = _check(embedded, allow)
        return f"{form} address {addr} embeds {inner}" if inner else None
    for net6, label in _V6_BLOCKED:
        if addr in net6:
            return f"{label} address {addr}"
    if addr not in _GLOBAL_UNICAST:
        return f"reserved address {addr}"
    return None


def _embedded_v4(addr: IPv6Address) -> tuple[IPv4Address | None, str]:
    """The IPv4 address that packets to ``addr`` are really sent to, if any."""
    if addr.ipv4_mapped is not None:
        return addr.ipv4_mapped, "IPv4-mapped"
    if addr in _NAT64:
        return IPv4Address(int(addr) & 0xFFFFFFFF), "NAT64"
    if addr.sixtofour is not None:
        return addr.sixtofour, "6to4"
    return None, ""
