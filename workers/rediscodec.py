"""Decoding Redis replies: clients here run without decode_responses (stream text is UTF-8
bytes and RQ needs raw bytes), so replies are turned into str at the edge, in one place.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def text_map(raw: Mapping[Any, Any] | None) -> dict[str, str]:
    return {text(k): text(v) for k, v in (raw or {}).items()}
