"""Address policy: every special-purpose form is refused unless an allow network covers it."""

from __future__ import annotations

from ipaddress import ip_network

import pytest

from workers.addresses import check_address, parse_networks

REFUSED = [
    # (address, words the reason must contain)
    ("127.0.0.1", "loopback"),
    ("127.255.255.254", "loopback"),
    ("::1", "loopback"),
    ("10.0.0.1", "private"),
    ("172.16.0.1", "private"),
    ("172.31.255.255", "private"),
    ("192.168.1.1", "private"),
    ("fc00::1", "private"),
    ("fd12:3456::1", "private"),
    ("169.254.169.254", "cloud metadata"),
    ("169.254.1.1", "link-local"),
    ("fe80::1", "link-local"),
    ("fe80::1%eth0", "link-local"),
    ("fec0::1", "site-local"),
    ("100.64.0.1", "carrier-grade NAT"),
    ("100.100.100.200", "carrier-grade NAT"),  # Alibaba metadata lives here
    ("224.0.0.1", "multicast"),
    ("239.255.255.250", "multicast"),
    ("ff02::1", "multicast"),
    ("0.0.0.0", "unspecified"),
    ("0.1.2.3", "unspecified"),
    ("::", "unspecified"),
    ("255.255.255.255", "broadcast"),
    ("240.0.0.1", "reserved"),
    ("198.18.0.1", "benchmarking"),
    ("198.19.255.255", "benchmarking"),
    ("2001:2::1", "benchmarking"),
    ("192.0.2.1", "documentation"),
    ("198.51.100.7", "documentation"),
    ("203.0.113.9", "documentation"),
    ("2001:db8::1", "documentation"),
    ("3fff::1", "documentation"),
    ("192.0.0.8", "IETF"),
    ("192.88.99.1", "6to4 relay"),
    ("::ffff:127.0.0.1", "IPv4-mapped"),
    ("::ffff:7f00:1", "loopback address 127.0.0.1"),
    ("::ffff:169.254.169.254", "cloud metadata"),
    ("::ffff:10.0.0.1", "private address 10.0.0.1"),
    ("::127.0.0.1", "IPv4-compatible"),
    ("::8.8.8.8", "IPv4-compatible"),
    ("64:ff9b::7f00:1", "NAT64"),
    ("64:ff9b::169.254.169.254", "cloud metadata"),
    ("64:ff9b:1::1", "local-use NAT64"),
    ("2002:7f00:1::", "6to4"),
    ("2002:a9fe:a9fe::1", "169.254.169.254"),
    ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo"),
    ("100::1", "discard"),
    ("2001:10::1", "ORCHID"),
    ("4000::1", "reserved"),  # outside 2000::/3 global unicast
    ("5f00::1", "reserved"),
    # Strings that are not plain IP addresses are refused rather than guessed at.
    ("127.1", "not an IP address"),
    ("2130706433", "not an IP address"),
    ("0x7f.0.0.1", "not an IP address"),
    ("0177.0.0.1", "not an IP address"),
    ("localhost", "not an IP address"),
    ("", "not an IP address"),
]

ALLOWED = [
    "8.8.8.8",
    "1.1.1.1",
    "93.184.215.14",
    "172.32.0.1",  # just outside 172.16/12
    "100.128.0.1",  # just outside 100.64/10
    "198.20.0.1",  # just outside 198.18/15
    "169.255.0.1",
    "2606:4700:4700::1111",
    "2a00:1450:4001:80b::200e",
    "::ffff:8.8.8.8",  # IPv4-mapped public address
    "64:ff9b::808:808",  # NAT64 of 8.8.8.8
    "2002:808:808::1",  # 6to4 of 8.8.8.8
]


@pytest.mark.parametrize(("address", "words"), REFUSED)
def test_refused(address: str, words: str) -> None:
    reason = check_address(address, ())
    assert reason is not None, address
    assert words in reason


@pytest.mark.parametrize("address", ALLOWED)
def test_allowed(address: str) -> None:
    assert check_address(address, ()) is None


def test_allow_networks_override() -> None:
    allow = parse_networks(["127.0.0.0/8", "10.1.0.0/16", "fd00::/8"])
    assert check_address("127.0.0.1", allow) is None
    assert check_address("10.1.2.3", allow) is None
    assert check_address("fd00::5", allow) is None
    assert check_address("::ffff:127.0.0.1", allow) is None  # same destination as 127.0.0.1
    assert check_address("10.2.0.1", allow) == "private address 10.2.0.1"
    assert check_address("169.254.169.254", allow) is not None
    assert check_address("::1", allow) is not None  # IPv4 loopback allowance does not leak to IPv6


def test_allow_single_metadata_host_only() -> None:
    allow = parse_networks(["169.254.169.254"])
    assert check_address("169.254.169.254", allow) is None
    assert check_address("169.254.169.253", allow) is not None


def test_parse_networks() -> None:
    assert parse_networks([" 127.0.0.0/8 ", "::1", "10.0.0.0/8"]) == (
        ip_network("127.0.0.0/8"),
        ip_network("::1/128"),
        ip_network("10.0.0.0/8"),
    )
    assert parse_networks([]) == ()


@pytest.mark.parametrize("bad", ["10.1.2.3/8", "300.0.0.0/8", "localhost", "", "10.0.0.0/33"])
def test_parse_networks_names_bad_entry(bad: str) -> None:
    with pytest.raises(ValueError, match="invalid network") as info:
        parse_networks(["127.0.0.0/8", bad])
    assert repr(bad) in str(info.value)
