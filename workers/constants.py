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

# RQ queues. Polls are cheap and time-sensitive, so workers take them first.
FEEDS_QUEUE = f"{PREFIX}-feeds"
ITEMS_QUEUE = f"{PREFIX}-items"
WORKER_QUEUES = (FEEDS_QUEUE, ITEMS_QUEUE)

# Scheduler state.
SCHEDULE_KEY = f"{PREFIX}:schedule"  # ZSET feed name -> next due time (epoch seconds)
FEED_STATE_PREFIX = f"{PREFIX}:feed:"  # HASH per feed: etag, last poll, errors, ...
SCHEDULER_HEARTBEAT_KEY = f"{PREFIX}:scheduler:heartbeat"

# Identity and idempotence.
SEEN_KEY = f"{PREFIX}:seen"  # HASH item id -> first-seen epoch: queued for processing
SEEN_URLS_KEY = f"{PREFIX}:seen-urls"  # HASH canonical url -> item id (cross-feed dedup)
EMITTED_KEY = f"{PREFIX}:emitted"  # HASH item id -> stream entry id: written exactly once
EMITTED_URLS_KEY = f"{PREFIX}:emitted-urls"  # HASH canonical url -> item id


def feed_state_key(feed_name: str) -> str:
    return f"{FEED_STATE_PREFIX}{feed_name}"


def label_stream(label: str) -> str:
    return f"{LABEL_STREAM_PREFIX}{label}"
