"""Every Redis key, stream, queue and group name pressroom uses, in one place.

Operators grep for these; renaming one is a data migration, so treat them as public.
"""

from __future__ import annotations

PREFIX = "pressroom"

# Output streams (consumers read these).
ITEMS_STREAM = f"{PREFIX}:items"
LABEL_STREAM_PREFIX = f"{PREFIX}:items:"  # + label, when stream.per_label is on
DEAD_STREAM = f"{PREFIX}:dead"
STREAM_SCHEMA_VERSION = "1"

# The RQ queue for poll and item jobs. One queue on purpose: RQ moves a job it takes into
# an intermediate list in the same command (BLMOVE) only when a worker listens on a single
# queue; with several it uses BLPOP, and a worker killed between taking a job and
# registering it loses the job. Polls are cheap and time-sensitive, so they go in front.
JOBS_QUEUE = f"{PREFIX}-jobs"

# Items waiting for a batch (workers.staging): a LIST of entry JSON per host, and the
# hosts with staged items in rotation order (ZSET host -> when it was last served/staged).
STAGED_PREFIX = f"{PREFIX}:staged:"  # + host
STAGED_HOSTS_KEY = f"{PREFIX}:staged-hosts"

# Scheduler state.
SCHEDULE_KEY = f"{PREFIX}:schedule"  # ZSET feed name -> next due time (epoch seconds)
FEED_STATE_PREFIX = f"{PREFIX}:feed:"  # HASH per feed: etag, last poll, errors, ...
SCHEDULER_HEARTBEAT_KEY = f"{PREFIX}:scheduler:heartbeat"
SCHEDULER_ALIVE_PREFIX = f"{PREFIX}:scheduler:alive:"  # + RQ scheduler name: STRING with a short TTL
REAPER_LOCK_KEY = f"{PREFIX}:reaper:lock"  # one abandoned-job sweep at a time

# Identity and idempotence.
SEEN_KEY = f"{PREFIX}:seen"  # HASH item id -> first-seen epoch: queued for processing
SEEN_URLS_KEY = f"{PREFIX}:seen-urls"  # HASH canonical url -> item id (cross-feed dedup)
EMITTED_KEY = f"{PREFIX}:emitted"  # HASH item id -> stream entry id: written exactly once
EMITTED_URLS_KEY = f"{PREFIX}:emitted-urls"  # HASH canonical url -> item id

# Sitemap sources: the URLs a source has listed (SET of canonical URLs per source, with a TTL),
# so a later poll can tell a new URL from an old one it did not take, whatever its lastmod says.
SITEMAP_KNOWN_PREFIX = f"{PREFIX}:sitemap-known:"  # + source name

# Politeness and outage detection (shared by every worker on every host).
HOST_PREFIX = f"{PREFIX}:host:"  # + host + ":slots" (ZSET token -> lease end), ":queue", ":alive", ":next",
# ":wake:" + waiter token (LIST: a releasing holder's nudge to a waiter it leaves a slot to)
ROBOTS_PREFIX = f"{PREFIX}:robots:"  # + origin: STRING cached robots.txt verdict/body, with a TTL
OUTAGE_DOWN_KEY = f"{PREFIX}:outage:down"  # ZSET host -> time of its last connection-level failure
OUTAGE_UP_KEY = f"{PREFIX}:outage:up"  # ZSET host -> time of its last poll that got an answer
OUTAGE_KEY = f"{PREFIX}:outage"  # STRING epoch the current network outage was recognised
COSTLY_PAGES_KEY = f"{PREFIX}:costly-pages"  # STREAM of parses that were costly, refused or stopped
# (workers.costs: what, feed, parser, cpu, outcome, at), about 1000 kept; status shows the last hour's


def host_key(host: str, part: str) -> str:
    return f"{HOST_PREFIX}{host}:{part}"


def scheduler_alive_key(scheduler_name: str) -> str:
    return f"{SCHEDULER_ALIVE_PREFIX}{scheduler_name}"


def staged_key(host: str) -> str:
    return f"{STAGED_PREFIX}{host}"


def robots_key(origin: str) -> str:
    return f"{ROBOTS_PREFIX}{origin}"


def feed_state_key(feed_name: str) -> str:
    return f"{FEED_STATE_PREFIX}{feed_name}"


def sitemap_known_key(source_name: str) -> str:
    return f"{SITEMAP_KNOWN_PREFIX}{source_name}"


def label_stream(label: str) -> str:
    return f"{LABEL_STREAM_PREFIX}{label}"
