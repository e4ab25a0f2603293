"""Scratch: the grinding test with extraction back in the worker's own thread (the old way)."""
import pytest
from tests.test_budget import *  # noqa
from tests import test_budget as tb
from workers import tasks
from workers.extract import extract_article


def _old_extract(ctx, fetched, *, may_park):
    try:
        article = extract_article(fetched.response.body, fetched.response.url, fast=True, find_date=False)
    except Exception as exc:  # noqa
        return tasks._Failed(fetched.entry, exc)
    return tasks._Done(fetched.entry, article, fetched.at)


def test_old(site, redis_url, redis, monkeypatch):
    monkeypatch.setattr(tasks, "_extract", _old_extract)
    tb.test_a_job_grinding_past_its_lease_keeps_it_and_runs_once(site, redis_url, redis, monkeypatch)
