"""The cluster benchmark's report: what the clients saw in the calm phase (the reference) and the
eventful one, each event's timings, the replicas' state at the end, and the recorded turns
against the replies the clients received."""

from __future__ import annotations

import argparse
import re
from collections import Counter
from typing import TYPE_CHECKING, Any

from bench.cluster_load import SLOW_S, Load
from bench.load import percentile

if TYPE_CHECKING:
    from bench.cluster import Cluster


def describe(load: Load) -> dict[str, object]:
    return {"requests": load.requests, "failed": len(load.failures),
            "failures": [f"{at:.1f} s: {what}" for at, what in load.failures],
            "per_second": round(len(load.latencies) / max(load.seconds, 0.001), 1),
            "p50_ms": round(percentile(load.latencies, 0.50) * 1000, 1),
            "p99_ms": round(percentile(load.latencies, 0.99) * 1000, 1),
            "max_ms": round(max(load.latencies, default=float("nan")) * 1000, 1),
            "slow": [f"{at:.1f} s: {latency * 1000:.0f} ms" for at, latency in load.slow]}


def upstream_errors(nginx_log: str) -> dict[str, int]:
    """nginx's error log lines about a replica, by what went wrong (each is a request nginx sent on
    to the next replica, or answered 502 with when none was left)."""
    kinds: Counter[str] = Counter()
    for line in nginx_log.splitlines():
        if "[error]" in line and "upstream" in line:
            match = re.search(r"\*\d+ (.*?) while", line)
            kinds[match.group(1) if match else line[-80:]] += 1
    return dict(kinds)


def events_recorded(calm: Load, eventful: Load, recorded: set[str], killed_process: str) -> dict[str, object]:
    """Replies the clients received against turns in the store; what is missing, by process."""
    sent = set(calm.turn_ids) | set(eventful.turn_ids)
    missing = sent - recorded
    by_process = Counter(turn[:12] for turn in missing)
    return {"sent": len(sent), "recorded": len(sent & recorded), "missing": len(missing),
            "missing_from_killed_replica": by_process.get(killed_process, 0),
            "missing_from_other_processes": len(missing) - by_process.get(killed_process, 0)}


def slow_by_replica(cluster: Cluster, since: float, slow_s: float = SLOW_S) -> dict[str, object]:
    """The eventful phase's replies over `slow_s` in nginx's access log, by the replica(s) nginx
    tried, and how many of them spent most of that time inside a replica (not waiting in nginx)."""
    if cluster.nginx is None:
        return {}
    names = {f"127.0.0.1:{r.port}": f"replica {n + 1}" + (" (killed)" if n == 1 else "")
             for n, r in enumerate(cluster.replicas)}
    by: Counter[str] = Counter()
    inside = 0
    for at, _status, total, tried, times in cluster.nginx.access_log():
        if at < since or total <= slow_s:
            continue
        by[" then ".join(names.get(a.strip(), a.strip()) for a in tried.split(","))] += 1
        upstream = [float(t) for t in re.split(r"[,:]", times) if t.strip() not in ("", "-")]
        inside += sum(upstream) >= 0.8 * total
    return {"by_replica": dict(by), "mostly_inside_a_replica": inside}


def replicas_at_end(cluster: Cluster) -> list[dict[str, Any]]:
    states = []
    for replica in cluster.replicas:
        health = replica.health() or {}
        recording = health.get("recording") or {}
        states.append({"port": replica.port, "starts": replica.starts, "index_version": health.get("index_version"),
                       "written": recording.get("written"), "dropped": recording.get("dropped"),
                       "retries": recording.get("retries"), "tracebacks": replica.tracebacks()})
    return states


def summary(args: argparse.Namespace, cluster: Cluster, calm: Load, eventful: Load,
            recorded: set[str]) -> dict[str, object]:
    before, during = describe(calm), describe(eventful)
    events = cluster.events
    kill = events.get("kill") or {}
    nginx_log = cluster.nginx.error_log(10_000_000) if cluster.nginx is not None else ""
    rollout = events.get("rollout") or {}
    return {
        "replicas": len(cluster.replicas), "clients": args.clients, "calm_s": args.calm, "duration_s": args.duration,
        "calm": before, "eventful": during, "failed": int(before["failed"]) + int(during["failed"]),  # type: ignore[call-overload]
        "p50_ratio": round(float(during["p50_ms"]) / max(float(before["p50_ms"]), 0.001), 2),  # type: ignore[arg-type]
        "p99_ratio": round(float(during["p99_ms"]) / max(float(before["p99_ms"]), 0.001), 2),  # type: ignore[arg-type]
        "events": events,
        "all_on_new_version": bool(rollout) and all(
            state["index_version"] == rollout.get("version") for state in replicas_at_end(cluster)),
        "replicas_at_end": replicas_at_end(cluster),
        "turns": events_recorded(calm, eventful, recorded, str(kill.get("process", ""))),
        "nginx_upstream_errors": upstream_errors(nginx_log),
        "slow_in_nginx_log": slow_by_replica(cluster, cluster.phase_began),
    }


def print_report(report: dict[str, Any]) -> None:
    print(f"{report['replicas']} replicas behind nginx, PostgreSQL store, {report['clients']} concurrent "
          f"conversations; {report['calm_s']:g} s calm, then {report['duration_s']:g} s with a rollout, a SIGKILL "
          "and a PostgreSQL restart\n")
    print("| phase | requests | per s | failed (client) | p50 | p99 | max |")
    print("|---|---|---|---|---|---|---|")
    for name, phase in (("calm (reference)", report["calm"]), ("with the events", report["eventful"])):
        print(f"| {name} | {phase['requests']:,} | {phase['per_second']} | {phase['failed']} | {phase['p50_ms']} ms "
              f"| {phase['p99_ms']} ms | {phase['max_ms']} ms |")
    print(f"\nwith the events: p50 ×{report['p50_ratio']}, p99 ×{report['p99_ratio']} the calm phase")
    events = report["events"]
    rollout, kill, postgres = events.get("rollout", {}), events.get("kill", {}), events.get("postgres", {})
    print(f"events began at {rollout.get('at_s')} s (rollout), {kill.get('at_s')} s (SIGKILL), "
          f"{postgres.get('at_s')} s (PostgreSQL) into the phase")
    print(f"rollout: index built in {rollout.get('build_s')} s; replicas served the new index_version "
          f"{rollout.get('served_after_s')} s after it began (all: {rollout.get('all_served_s')} s; "
          f"{rollout.get('from_change_s')} s from the corpus change); "
          f"all on it at the end: {report['all_on_new_version']}")
    print(f"SIGKILL: replica {kill.get('replica')} back and ready {kill.get('down_s')} s after the kill "
          "(restarted after 1 s)")
    print(f"PostgreSQL: down {postgres.get('down_s')} s")
    turns = report["turns"]
    print(f"recorded turns: {turns['recorded']:,} of {turns['sent']:,} replies the clients received; "
          f"missing {turns['missing']} ({turns['missing_from_killed_replica']} from the killed process's queue, "
          f"{turns['missing_from_other_processes']} from the others)")
    print("nginx's upstream errors (each a request sent on to the next replica): " + (", ".join(
        f"{kind} × {count}" for kind, count in report["nginx_upstream_errors"].items()) or "none"))
    slow = report["slow_in_nginx_log"]
    if slow.get("by_replica"):
        print(f"replies over {SLOW_S} s by the replica nginx sent them to: " + ", ".join(
            f"{name} × {count}" for name, count in slow["by_replica"].items())
            + f"; {slow['mostly_inside_a_replica']} of them spent most of that time inside the replica")
    for state in report["replicas_at_end"]:
        print(f"replica {state['port']}: started {state['starts']}×, written {state['written']}, dropped "
              f"{state['dropped']}, retries {state['retries']}, tracebacks in its log {state['tracebacks']}")
    for name, phase in (("calm", report["calm"]), ("eventful", report["eventful"])):
        for failure in phase["failures"]:
            print(f"{name}: client saw a failure at {failure}")
        if phase["slow"]:
            print(f"{name}: replies over 0.5 s at " + ", ".join(phase["slow"]))
