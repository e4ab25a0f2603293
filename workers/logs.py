"""Log setup shared by every pressroom process: text for people, one JSON object per line for collectors.

Log lines about a feed or an item carry ``feed``, ``url``, ``item_id`` and ``job_id`` as
``extra=`` fields; in JSON mode they become keys, so a collector can filter on them
without parsing messages (text mode already has them in the message). Lines logged
while an RQ job runs get its ``job_id`` even when the caller did not pass one.
RQ's own loggers are pointed at the same handler, so JSON mode stays JSON.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from typing import Any, TextIO
from urllib.parse import urlsplit, urlunsplit

from rq import get_current_job

TEXT_FORMAT = "%(asctime)s %(levelname)s [%(process)d] %(name)s: %(message)s"
FORMATS = ("text", "json")
# RQ attaches its own stdout handler to these unless a handler is already in effect.
RQ_LOGGERS = ("rq.worker", "rq.job", "rq.scheduler", "rq.queue")
# Attributes every LogRecord has; anything else on a record came from ``extra=``.
_RECORD_ATTRS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JSONFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, process, extra fields, traceback."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.process,
        }
        for key, value in vars(record).items():
            if key not in _RECORD_ATTRS and not key.startswith("_"):
                out[key] = value
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            out["stack"] = self.formatStack(record.stack_info)
        return json.dumps(out, ensure_ascii=False, default=str)


class JobIdFilter(logging.Filter):
    """Stamps the running RQ job's id on records that do not carry one (fetch warnings, RQ's own)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "job_id"):
            job = get_current_job()
            if job is not None:
                record.job_id = job.id
        return True


def setup(level: str = "INFO", fmt: str = "text", stream: TextIO | None = None) -> None:
    """Configure the root logger (and RQ's) for this process and the workers it forks."""
    if fmt not in FORMATS:
        raise ValueError(f"log format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    handler = logging.StreamHandler(sys.stderr if stream is None else stream)
    handler.setFormatter(JSONFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    handler.addFilter(JobIdFilter())
    root = logging.getLogger()
    for old in root.handlers[:]:
        root.removeHandler(old)
        old.close()
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in RQ_LOGGERS:  # undo a handler RQ may have attached: everything goes through ours
        rq_logger = logging.getLogger(name)
        for old in rq_logger.handlers[:]:
            rq_logger.removeHandler(old)
        rq_logger.propagate = True


def redact_url(url: str) -> str:
    """The URL with its password replaced by ``***``, safe for logs and error messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rpartition("@")[2]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))
