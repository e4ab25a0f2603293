"""The least-privilege Redis user documented in docs/operations.md is enough to run pressroom.

The ACL is read from the document itself, so the two cannot drift apart: a command that
pressroom, RQ or redis-py sends and the list lacks shows up as a denial in ``ACL LOG``.
"""

from __future__ import annotations

import contextlib
import shlex
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from redis import Redis
from redis.exceptions import ResponseError

from tests.daemons import EXPECTED, environment, pressroom, write_site_feeds
from tests.sites import Site
from workers import constants as names

OPERATIONS = Path(__file__).resolve().parent.parent / "docs" / "operations.md"
PASSWORD = "acl-test-password"


def _blocks() -> list[str]:
    """The code blocks of operations.md that start with ``ACL SETUSER pressroom``."""
    text = OPERATIONS.read_text(encoding="utf-8")
    blocks = [part.split("```", 1)[0] for part in text.split("```\n")[1:]]
    return [b for b in blocks if b.startswith("ACL SETUSER pressroom ")]


def documented_acl_rules() -> list[str]:
    """The arguments of the ``ACL SETUSER pressroom ...`` line, the password swapped in."""
    line = _blocks()[0].removeprefix("ACL SETUSER pressroom ")
    return [PASSWORD.join(rule.split("CHANGE-ME")) for rule in shlex.split(line)]


def documented_optional_rules() -> list[str]:
    """The rules the page says to add where the server has the subcommand."""
    return [line.split()[-1] for line in _blocks()[1].splitlines() if line.strip()]


@pytest.fixture
def acl_user(redis: Redis) -> Iterator[str]:
    redis.execute_command("ACL", "SETUSER", "pressroom", "reset", *documented_acl_rules())
    for rule in documented_optional_rules():  # as the page says: where the server has it
        with contextlib.suppress(ResponseError):
            redis.execute_command("ACL", "SETUSER", "pressroom", rule)
    redis.execute_command("ACL", "LOG", "RESET")
    try:
        yield "pressroom"
    finally:
        redis.execute_command("ACL", "DELUSER", "pressroom")


def test_documented_acl_rules_are_read() -> None:
    rules = documented_acl_rules()
    assert rules[:2] == ["on", f">{PASSWORD}"]
    assert {"~pressroom:*", "~rq:*", "+evalsha", "+blmove", "+blpop", "+xadd"} <= set(rules)
    assert documented_optional_rules() == ["+client|setinfo", "+client|maint_notifications"]


@pytest.mark.timeout(180)
def test_pressroom_runs_with_only_the_documented_acl(
    tmp_path: Path, site: Site, redis_url: str, redis: Redis, acl_user: str
) -> None:
    server = urlsplit(redis_url)
    limited = f"redis://{acl_user}:{PASSWORD}@{server.hostname}:{server.port}{server.path}"
    env = environment(tmp_path, limited)
    feeds = write_site_feeds(tmp_path, site)

    run = pressroom("run", "--once", "--feeds", str(feeds), "--workers", "2", env=env)
    status = pressroom("status", "--json", "--feeds", str(feeds), env=env)

    denials = redis.execute_command("ACL", "LOG")
    assert denials == [], [(d[b"object"], d[b"username"], d[b"count"]) for d in denials]
    assert run.returncode == 0, run.stderr[-3000:]
    assert status.returncode == 0, status.stderr[-3000:]
    assert redis.xlen(names.ITEMS_STREAM) == len(EXPECTED)
