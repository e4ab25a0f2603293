"""robots.txt: rules parsed from real fetches, cached in Redis, applied to article pages."""

from __future__ import annotations

from collections.abc import Iterator
from ipaddress import ip_network

import pytest
from redis import Redis

from tests.sites import Site
from tests.workerctx import feed_dict, rss, run_item_jobs, worker_context
from workers import constants as names
from workers import robots, state, streams, tasks
from workers.errors import RobotsDisallowed, RobotsUnavailable
from workers.fetch import Fetcher, FetchPolicy
from workers.hosts import HostLimiter, Politeness

UA = "pressroom/0.1 (+https://example.org/contact)"
RULES = """
User-agent: *
Disallow: /private/

User-agent: pressroom
Allow: /no-bots/open.html
Disallow: /no-bots/
"""
ARTICLE = "/uni/news/2025/lru-photonics-institute-mou.html"


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(FetchPolicy(allow_networks=(ip_network("127.0.0.0/8"),), total_timeout=5.0)) as f:
        yield f


def check(redis: Redis, fetcher: Fetcher, url: str) -> None:
    limiter = HostLimiter(redis, Politeness(delay=0.0, max_wait=5))
    robots.check(redis, fetcher, limiter, url, user_agent=UA)


def test_rules_match_our_user_agent() -> None:
    body = RULES.encode()
    assert robots.allowed_by(body, "http://h/news/a.html", UA)
    assert not robots.allowed_by(body, "http://h/no-bots/a.html", UA)
    assert robots.allowed_by(body, "http://h/no-bots/open.html", UA)
    # our own group replaces the * group (RFC 9309), so /private/ is not ours to avoid
    assert robots.allowed_by(body, "http://h/private/a.html", UA)
    assert not robots.allowed_by(body, "http://h/private/a.html", "otherbot/1.0")
    assert robots.allowed_by(b"", "http://h/anything", UA)
    assert robots.allowed_by(b"\xff\xfe garbage \x00", "http://h/anything", UA)


def test_robots_url_is_per_origin() -> None:
    assert robots.robots_url("https://News.Example.org:8443/a/b?c#d") == (
        "https://news.example.org:8443",
        "https://news.example.org:8443/robots.txt",
    )
    assert robots.robots_url("http://user:pw@h.test/x")[1] == "http://h.test/robots.txt"


def test_disallowed_and_allowed_pages_and_one_fetch_per_origin(
    site: Site, redis: Redis, fetcher: Fetcher
) -> None:
    site.add("/robots.txt", RULES, content_type="text/plain")
    check(redis, fetcher, site.url("/news/a.html"))
    with pytest.raises(RobotsDisallowed, match=r"disallowed by robots\.txt") as info:
        check(redis, fetcher, site.url("/no-bots/secret.html"))
    assert not info.value.transient
    check(redis, fetcher, site.url("/no-bots/open.html"))
    assert site.requests["/robots.txt"] == 1  # cached in Redis, with a TTL
    ttl = redis.ttl(names.robots_key(site.base))
    assert 0 < ttl <= robots.CACHE_TTL


def test_missing_robots_txt_allows_everything(site: Site, redis: Redis, fetcher: Fetcher) -> None:
    check(redis, fetcher, site.url("/no-bots/secret.html"))  # 404: allow-all
    check(redis, fetcher, site.url("/private/x.html"))
    assert site.requests["/robots.txt"] == 1


def test_server_error_defers_the_page_and_is_cached_briefly(
    site: Site, redis: Redis, fetcher: Fetcher
) -> None:
    site.add("/robots.txt", "oops", status=503, content_type="text/plain")
    for _ in range(2):
        with pytest.raises(RobotsUnavailable) as info:
            check(redis, fetcher, site.url("/news/a.html"))
        assert info.value.transient and "HTTP 503" in str(info.value)
    assert site.requests["/robots.txt"] == 1
    assert 0 < redis.ttl(names.robots_key(site.base)) <= robots.ERROR_TTL


def test_robots_fetch_goes_through_the_network_guard(site: Site, redis: Redis) -> None:
    site.add("/robots.txt", "User-agent: *\nDisallow: /\n", content_type="text/plain")
    with Fetcher(FetchPolicy(total_timeout=5.0)) as guarded:  # loopback not allowed
        check(redis, guarded, site.url("/page.html"))  # refused for good: no rules, allow
    assert site.requests["/robots.txt"] == 0  # the guard refused before connecting


def test_disallowed_page_is_dead_lettered_and_never_fetched(site: Site, redis_url: str, redis: Redis) -> None:
    site.add("/robots.txt", "User-agent: *\nDisallow: /uni/news/\n", content_type="text/plain")
    site.add(
        "/robots-feed.xml",
        rss(site.base, [("g1", "Blocked", ARTICLE, None)]),
        content_type="application/rss+xml",
    )
    state.sync_schedule(redis, ["blocked"], now=0.0)
    with worker_context(redis_url, classify=True):
        tasks.poll_feed(feed_dict("blocked", site.url("/robots-feed.xml")))
        (result,) = run_item_jobs(redis)
    assert result["dead"] == 1 and result["emitted"] == 0 and result["retried"] == 0
    assert site.requests[ARTICLE] == 0
    (dead,) = [e.fields for e in streams.iterate(redis, names.DEAD_STREAM)]
    assert dead["error"].endswith("disallowed by robots.txt") and dead["attempts"] == "1"


def test_robots_txt_can_be_switched_off(site: Site, redis_url: str, redis: Redis) -> None:
    site.add("/robots.txt", "User-agent: *\nDisallow: /\n", content_type="text/plain")
    site.add(
        "/off-feed.xml",
        rss(site.base, [("g1", "Fetched", ARTICLE, None)]),
        content_type="application/rss+xml",
    )
    state.sync_schedule(redis, ["off"], now=0.0)
    with worker_context(redis_url, "  robots_txt: false", classify=True):
        tasks.poll_feed(feed_dict("off", site.url("/off-feed.xml")))
        (result,) = run_item_jobs(redis)
    assert result["emitted"] == 1
    assert site.requests["/robots.txt"] == 0 and site.requests[ARTICLE] == 1
