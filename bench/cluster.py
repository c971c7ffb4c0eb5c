"""Several replicas behind nginx on a shared PostgreSQL store, through what goes wrong in operation.

Starts PostgreSQL (tests/postgres.py: Debian's binaries, a throwaway data folder), three real
`guidebot serve` replicas set up from deploy/ (bench/replicas.py: the environment file, a port
and an index file each, one shared database and secret) and Debian's nginx running the shipped
deploy/nginx/guidebot.conf in front (bench/nginx.py). Clients are people: each conversation (a
gold-set question or follow-up thread, every message distinct) on its own connection from its own
loopback address (127.x.y.z, so nginx's per-address limit sees each student apart), with a short
pause between turns; follow-ups carry the history the previous replies gave.

After a few seconds of warm-up, two phases with the same load: a calm one (the reference), then
`--duration` seconds during which
(a) the corpus (a copy in a temporary folder) changes and the new index is rolled across the
replicas one by one, (b) one replica is killed with SIGKILL and restarted a second later (as
systemd's Restart=always, RestartSec=1), (c) PostgreSQL is stopped and started again.

Reports requests, requests that failed as the client saw them (any non-200 or transport error;
target 0: nginx retries the stateless chat on the next replica), p50/p99 in both phases, the
time from the start of the rollout until each replica served the new `index_version`, and the
chat turns recorded in the store against the replies the clients received (matched by the turn
id inside each `reply_id`; what is missing, and whether it all came from the killed process).
Exits 1 when a client saw a failure.

    .venv/bin/python -m bench.cluster                 # 20 s calm, 60 s with the events
    .venv/bin/python -m bench.cluster --quick --json  # 4 s and 15 s (tests/test_cluster_quick.py)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import shutil
import tempfile
import time
from pathlib import Path

from bench.cluster_load import Load, distinct_conversations, run_load, turn_id
from bench.cluster_report import print_report, summary
from bench.load import free_port
from bench.nginx import Nginx
from bench.replicas import ROOT, Replica, build_index, index_version, replica_env, roll_out
from tests.postgres import PostgresServer, find_bin_dir

REPLICAS = 3
NEW_NOTE = ("---\nid: cluster-rollout-note\ntitle: Rollout note\nkind: topic\n---\n\n"
            "This note is added by bench/cluster.py so that the rolled-out index differs from the first one.\n")


class Cluster:
    """PostgreSQL, the replicas and nginx, in `workdir`."""

    def __init__(self, workdir: Path) -> None:
        bin_dir = find_bin_dir()
        if bin_dir is None:
            raise SystemExit("PostgreSQL's binaries are not installed (.ci/run installs them)")
        self.workdir = workdir
        self.postgres = PostgresServer(bin_dir, free_port())
        self.release = workdir / "releases" / "1"
        shutil.copytree(ROOT / "corpus", self.release)
        self.built = workdir / "releases" / "1.gbi"
        self.replicas: list[Replica] = []
        self.nginx: Nginx | None = None
        self.events: dict[str, object] = {}
        self.phase_began = 0.0  # when the eventful phase began (time.time())

    def start(self) -> None:
        self.postgres.start()
        env = replica_env({"GUIDEBOT_DATABASE_URL": self.postgres.new_database(),
                           "GUIDEBOT_SECRET": secrets.token_hex(32), "GUIDEBOT_PUBLIC_URL": "",
                           "GUIDEBOT_CORPUS_DIR": "(each replica's corpus symlink)"})
        build_index(self.release, self.built)
        for n in range(REPLICAS):
            replica = Replica(self.workdir / f"replica-{n + 1}", free_port(), env)
            replica.corpus.symlink_to(self.release)
            shutil.copyfile(self.built, replica.index_path)  # as a rollout leaves it; else it builds its own
            self.replicas.append(replica)
            replica.start()
        for replica in self.replicas:
            replica.wait_until_up()
        nginx_folder = self.workdir / "nginx"
        nginx_folder.mkdir()
        self.nginx = Nginx(nginx_folder, [r.port for r in self.replicas], free_port(), access_log=True).start()

    def stop(self) -> None:
        if self.nginx is not None:
            self.nginx.stop()
        for replica in self.replicas:
            replica.stop()
        self.postgres.destroy()

    # ----------------------------------------------------------------------------- the events

    def change_and_roll_out(self) -> dict[str, object]:
        release = self.workdir / "releases" / "2"
        shutil.copytree(self.release, release)
        (release / "topics" / "cluster-rollout-note.md").write_text(NEW_NOTE, encoding="utf-8")
        built = self.workdir / "releases" / "2.gbi"
        build_seconds = build_index(release, built)
        version = index_version(built)
        served = roll_out(release, built, self.replicas, version)
        return {"version": version, "build_s": round(build_seconds, 2),
                "served_after_s": [round(s, 2) for s in served], "all_served_s": round(max(served), 2),
                "from_change_s": round(build_seconds + max(served), 2)}

    def kill_and_restart(self, victim: Replica, restart_after: float) -> dict[str, object]:
        killed = time.perf_counter()
        victim.kill()
        time.sleep(restart_after)
        victim.start()
        victim.wait_until_up()
        return {"replica": victim.port, "down_s": round(time.perf_counter() - killed, 2)}

    def restart_postgres(self, down_for: float) -> dict[str, object]:
        stopped = time.perf_counter()
        self.postgres.stop("fast")
        time.sleep(down_for)
        self.postgres.start()
        return {"down_s": round(time.perf_counter() - stopped, 2)}


def turn_prefix(reply_id: str) -> str:
    """The per-process part of the turn id inside a reply id (service/replyids.py's layout)."""
    return turn_id(reply_id)[:12]


async def timeline(cluster: Cluster, args: argparse.Namespace, started: float) -> None:
    """The three events, each begun at a fixed share of the eventful phase (the replica's restart
    and the rollout are waited for in their own tasks, so one slow event does not delay the next)."""
    events = cluster.events

    async def at(share: float) -> None:
        await asyncio.sleep(max(0.0, started + share * args.duration - time.monotonic()))

    async def rollout() -> None:
        await at(0.10)
        events["rollout"] = {"at_s": round(time.monotonic() - started, 1),
                             **await asyncio.to_thread(cluster.change_and_roll_out)}

    async def kill() -> None:
        await at(0.40)
        victim = cluster.replicas[1]
        process = turn_prefix(await asyncio.to_thread(probe_reply_id, victim))
        events["kill"] = {"at_s": round(time.monotonic() - started, 1), "process": process,
                          **await asyncio.to_thread(cluster.kill_and_restart, victim, 1.0)}

    async def postgres() -> None:
        await at(0.65)
        events["postgres"] = {"at_s": round(time.monotonic() - started, 1),
                              **await asyncio.to_thread(cluster.restart_postgres, args.pg_down)}

    await asyncio.gather(rollout(), kill(), postgres())


def probe_reply_id(replica: Replica) -> str:
    """One chat straight to `replica` (not through nginx), to learn its process's turn-id prefix."""
    import httpx

    return str(httpx.post(replica.base + "/api/chat", json={"message": "Where is CMU?"}, timeout=15).json()["reply_id"])


async def run(args: argparse.Namespace, workdir: Path) -> dict[str, object]:
    cluster = Cluster(workdir)
    try:
        await asyncio.to_thread(cluster.start)
        assert cluster.nginx is not None
        calm, eventful, conversations = Load(), Load(), distinct_conversations()
        await run_load(cluster.nginx.port, conversations, args.clients, args.pause, args.warm_up, Load())
        await run_load(cluster.nginx.port, conversations, args.clients, args.pause, args.calm, calm)
        started = time.monotonic()
        cluster.phase_began = time.time()  # wall clock, as nginx's access log has it
        await asyncio.gather(run_load(cluster.nginx.port, conversations, args.clients, args.pause, args.duration,
                                      eventful),
                             timeline(cluster, args, started))
        recorded = await asyncio.to_thread(recorded_turns, cluster)
        return summary(args, cluster, calm, eventful, recorded)
    finally:
        await asyncio.to_thread(cluster.stop)


def recorded_turns(cluster: Cluster, timeout: float = 60.0) -> set[str]:
    """The turn ids in the store once every replica's recording queue is empty."""
    import psycopg

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        queued = [((r.health() or {}).get("recording") or {}).get("queued", 1) for r in cluster.replicas]
        if not any(queued):
            break
        time.sleep(0.2)
    url = str(cluster.replicas[0].env["GUIDEBOT_DATABASE_URL"])
    with psycopg.connect(url) as conn:
        return {row[0] for row in conn.execute("SELECT id FROM guidebot_turns")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=60.0, help="seconds with the events (default 60)")
    parser.add_argument("--calm", type=float, default=20.0, help="seconds of the reference phase (default 20)")
    parser.add_argument("--warm-up", type=float, default=3.0, help="seconds of load not measured, first")
    parser.add_argument("--clients", type=int, default=12, help="concurrent conversations (default 12)")
    parser.add_argument("--pause", type=float, default=0.05, help="pause between a client's turns, s")
    parser.add_argument("--pg-down", type=float, default=5.0, help="seconds PostgreSQL stays down (default 5)")
    parser.add_argument("--quick", action="store_true", help="4 s calm, 15 s with the events, 6 clients")
    parser.add_argument("--json", action="store_true", help="print the report as one JSON line")
    args = parser.parse_args(argv)
    if args.quick:
        args.duration, args.calm, args.clients, args.pg_down, args.warm_up = 15.0, 4.0, 6, 2.0, 3.0
    with tempfile.TemporaryDirectory(prefix="guidebot-cluster-") as workdir:
        report = asyncio.run(run(args, Path(workdir)))
    print(json.dumps(report) if args.json else "", end="\n" if args.json else "")
    if not args.json:
        print_report(report)
    return 1 if report["failed"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
