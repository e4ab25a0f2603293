"""The pipeline benchmark keeps working: `bench/pipeline_bench.py --smoke` completes and
delivers every item (no timing assertions: this machine's speed is not under test)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.timeout(120)
def test_pipeline_bench_smoke(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "pipeline_bench.py"), "--smoke", "--json", str(out)],
        capture_output=True, text=True, timeout=110, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    report = json.loads(out.read_text())
    for phase in ("daemon", "release", "baseline"):
        assert report[phase]["emitted"] == report[phase]["items"], phase
    assert report["daemon"]["unique"] == report["daemon"]["items"]
    assert report["daemon"]["exit_code"] == 0
    assert report["summary"]["all_items"] and report["summary"]["release_all_items"]
    assert report["compute"]["compute_limit"] > 0
    assert report["compute"]["every_core_busy_slowdown"] > 0
