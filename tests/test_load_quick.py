"""The load script's short mode as part of the suite: concurrent chats against a real server while
the index is rebuilt three times must produce zero errors. Only counts are asserted, never timings
(figures belong in bench results, not in pass/fail)."""

from __future__ import annotations

import json
import subprocess
import sys

from .conftest import ROOT


def test_quick_load_with_rebuilds_has_zero_errors() -> None:
    result = subprocess.run([sys.executable, "-m", "bench.load", "--quick", "--json"], cwd=ROOT, capture_output=True,
                            text=True, timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["errors"] == 0, summary["error_samples"]
    assert summary["requests"] > 0
    assert [r["status"] for r in summary["reindexes"]] == [200, 200, 200]
    assert len({r["index_version"] for r in summary["reindexes"]}) == 2  # each rebuild really swapped the index
