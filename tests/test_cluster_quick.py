"""The cluster benchmark's quick mode runs to the end: three replicas behind the shipped nginx on a
real PostgreSQL, through an index rollout, a SIGKILL of one replica and a database restart. Counts
only (the latencies and times are in bench/RESULTS.md, not asserted)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from bench.nginx import NGINX

from .conftest import ROOT
from .postgres import find_bin_dir

pytestmark = pytest.mark.skipif((not NGINX.exists() or find_bin_dir() is None) and os.environ.get("CI") != "true",
                                reason="needs Debian's nginx and PostgreSQL (.ci/run installs both)")


def test_cluster_quick_loses_no_request_through_a_rollout_a_kill_and_a_database_restart() -> None:
    result = subprocess.run([sys.executable, "-m", "bench.cluster", "--quick", "--json"], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.stdout.strip(), result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(report["events"]) == {"rollout", "kill", "postgres"}, report["events"]
    assert report["eventful"]["requests"] > 0 and report["calm"]["requests"] > 0
    # What the clients saw: every request answered, nginx having sent some on past the dead replica.
    assert report["failed"] == 0, report["eventful"]["failures"] + report["calm"]["failures"]
    assert report["all_on_new_version"], report["replicas_at_end"]
    assert [state["starts"] for state in report["replicas_at_end"]] == [1, 2, 1]
    # What the store kept: every turn but those still queued in the killed process when it died.
    turns = report["turns"]
    assert turns["recorded"] > 0 and turns["missing_from_other_processes"] == 0, turns
    assert result.returncode == 0, result.stderr[-3000:]
