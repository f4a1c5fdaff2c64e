"""SSRF guard, schemes and Retry-After parsing."""

from __future__ import annotations

import time
from email.utils import formatdate

import pytest

from crawlers.safety import UnsafeURLError, check_url, retry_after_seconds


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://127.1/",
        "http://2130706433/",
        "http://0x7f000001/",
        "http://0177.0.0.1/",
        "http://10.0.0.5/admin",
        "http://172.16.0.1/",
        "http://172.31.255.254/",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:169.254.169.254]/",
        "http://[fd00::1]/",
        "http://[fe80::1]/",
        "http://0.0.0.0/",
        "http://224.0.0.1/",
        "http://localhost:8080/",
        "http://printer.local/",
        "http://metadata.google.internal/",
    ],
)
def test_private_and_local_addresses_are_refused(url: str) -> None:
    with pytest.raises(UnsafeURLError, match="refused"):
        check_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://example.org/x",
        "data:text/html,hi",
        "s3://bucket/key",
        "javascript:alert(1)",
        "gopher://example.org/",
    ],
)
def test_other_schemes_are_refused(url: str) -> None:
    with pytest.raises(UnsafeURLError, match="only http and https"):
        check_url(url)


def test_public_addresses_and_exemptions_pass() -> None:
    check_url("https://www.fsa.go.jp/en/news/")
    check_url("http://93.184.216.34/")
    check_url("http://127.0.0.1:8765/feed.xml", allowed_hosts=frozenset({"127.0.0.1:8765"}))
    with pytest.raises(UnsafeURLError):
        check_url("http://127.0.0.1:9999/", allowed_hosts=frozenset({"127.0.0.1:8765"}))
    check_url("http://10.1.2.3/", allow_private=True)


@pytest.mark.parametrize(
    "address", ["127.0.0.1", "10.0.0.1", "192.168.0.10", "::1", "169.254.169.254"]
)
def test_private_dns_answers_are_refused(address: str) -> None:  # case 2 (unit)
    from twisted.internet.error import DNSLookupError

    from crawlers.safety import check_resolved

    with pytest.raises(DNSLookupError, match="non-public"):
        check_resolved("innocent.example.org", address)
    assert check_resolved("www.fsa.go.jp", "93.184.216.34") == "93.184.216.34"


def test_retry_after_forms() -> None:
    assert retry_after_seconds(b"7") == 7.0
    assert retry_after_seconds("999999", cap=60) == 60.0
    in_five = retry_after_seconds(formatdate(time.time() + 5, usegmt=True))
    assert in_five is not None and 3 <= in_five <= 6
    assert retry_after_seconds(b"soon") is None
    assert retry_after_seconds(None) is None
