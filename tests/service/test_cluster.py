"""Several replicas behind the shipped nginx, set up from deploy/ as bench.cluster sets them up:
one client spreading its requests over the replicas is still rate-limited as one client (nginx's
limit_req, in shared memory, counts every request whatever replica serves it), another client
is not held back by it, and a chat reaches an answer while one replica is dead (nginx sends it on
to the next). Also checks that deploy/'s files say only what guidebot reads."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from bench.nginx import CONF, NGINX, Nginx
from bench.replicas import ENV_EXAMPLE, Replica, build_index, read_env_file, replica_env
from guidebot.settings import Settings

from ..conftest import CORPUS, ROOT, free_port

needs_nginx = pytest.mark.skipif(not NGINX.exists() and os.environ.get("CI") != "true",
                                 reason="Debian's nginx (/usr/sbin/nginx) is not installed")
UNITS = ROOT / "deploy" / "systemd"
BURST = 120  # the shipped `limit_req zone=guidebot_api burst=120`
RATE_PER_S = 2  # the shipped `rate=2r/s`


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Nginx, list[Replica]]]:
    folder = tmp_path_factory.mktemp("cluster")
    built = folder / "index.gbi"
    build_index(CORPUS, built)
    env = replica_env({"GUIDEBOT_DATABASE_URL": "none", "GUIDEBOT_SECRET": "a-secret-the-replicas-share"})
    replicas = [Replica(folder / f"replica-{n}", free_port(), env) for n in range(3)]
    (folder / "nginx").mkdir()
    nginx = Nginx(folder / "nginx", [r.port for r in replicas], free_port())
    try:
        for replica in replicas:
            replica.corpus.symlink_to(CORPUS)
            shutil.copyfile(built, replica.index_path)
            replica.start()
        for replica in replicas:
            replica.wait_until_up()
        nginx.start()
        yield nginx, replicas
    finally:
        nginx.stop()
        for replica in replicas:
            replica.stop()


def client_from(address: str) -> httpx.Client:
    """An HTTP client whose connections come from `address` (any 127.x.y.z is this machine)."""
    return httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=30)


@needs_nginx
def test_a_client_spread_over_the_replicas_is_limited_as_one(cluster: tuple[Nginx, list[Replica]]) -> None:
    nginx, replicas = cluster
    requests = 3 * BURST
    with client_from("127.0.9.1") as http, ThreadPoolExecutor(8) as pool:
        started = time.monotonic()
        replies = list(pool.map(lambda _n: http.get(nginx.base + "/api/health"), range(requests)))
        elapsed = time.monotonic() - started
    served = [r for r in replies if r.status_code == 200]
    refused = [r for r in replies if r.status_code == 429]
    assert len(served) + len(refused) == requests
    # Every replica served some of this client's requests, and together no more than one
    # client's allowance: the burst, plus what the rate refilled meanwhile.
    assert len(Counter(r.json()["worker"] for r in served)) == len(replicas)
    assert BURST <= len(served) <= BURST + 1 + RATE_PER_S * elapsed
    assert refused and all("nginx" in r.text for r in refused)  # refused by the proxy, not a replica
    with client_from("127.0.9.2") as other:
        assert other.get(nginx.base + "/api/health").status_code == 200  # per client, not for everyone


@needs_nginx
def test_chat_is_answered_while_a_replica_is_dead(cluster: tuple[Nginx, list[Replica]]) -> None:
    nginx, replicas = cluster
    victim = replicas[2]
    victim.kill()
    try:
        with client_from("127.0.9.3") as http:
            replies = [http.post(nginx.base + "/api/chat", json={"message": f"Where is CMU? ({n})"})
                       for n in range(12)]
        assert [r.status_code for r in replies] == [200] * 12
        assert "connect() failed" in nginx.error_log(100_000)  # nginx met the dead one and went on
    finally:
        victim.start()
        victim.wait_until_up()


def test_the_environment_file_names_only_settings_guidebot_reads() -> None:
    names = {f"GUIDEBOT_{field.upper()}" for field in Settings.__dataclass_fields__}
    example = read_env_file(ENV_EXAMPLE)
    assert set(example) <= names, set(example) - names
    for needed in ("GUIDEBOT_DATABASE_URL", "GUIDEBOT_SECRET", "GUIDEBOT_CORPUS_DIR", "GUIDEBOT_FORWARDED_ALLOW_IPS"):
        assert needed in example
    unit = (UNITS / "guidebot@.service").read_text(encoding="utf-8")
    assert "EnvironmentFile=/etc/guidebot/guidebot.env" in unit
    assert "--port %i --index /var/lib/guidebot/%i/index.gbi" in unit  # per replica: the port and the index


def test_the_units_and_the_upstream_list_the_same_replicas() -> None:
    wanted = re.findall(r"guidebot@(\d+)\.service", (UNITS / "guidebot.target").read_text(encoding="utf-8"))
    upstream = re.findall(r"server 127\.0\.0\.1:(\d+)", CONF.read_text(encoding="utf-8"))
    assert wanted and wanted == upstream


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_the_units_are_valid_for_systemd(tmp_path: Path) -> None:
    """systemd-analyze verify, with ExecStart pointed at this checkout's `guidebot` (it checks the
    command exists)."""
    guidebot = Path(sys.executable).with_name("guidebot")
    for name in ("guidebot@.service", "guidebot.target"):
        text = (UNITS / name).read_text(encoding="utf-8").replace("/opt/guidebot/.venv/bin/guidebot", str(guidebot))
        (tmp_path / name).write_text(text, encoding="utf-8")
    shutil.copyfile(tmp_path / "guidebot@.service", tmp_path / "guidebot@8001.service")
    result = subprocess.run(["systemd-analyze", "verify", str(tmp_path / "guidebot@8001.service")],
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "guidebot@8001.service" not in result.stderr, result.stderr
