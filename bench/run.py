"""Text-mode benchmarks: restore, reset, step, throughput with many live worlds, memory.

Run with `make bench`. Prints a Markdown table (pasted into the README) and writes
`bench/results/text.json`. Wall-clock timing is the point here, and only here.
"""

from __future__ import annotations

import argparse
import gc
import json
import multiprocessing
import sqlite3
import statistics
import time  # allow-nondeterminism: benchmarks measure wall time
from pathlib import Path
from typing import Any

from procfs import machine, pss_mib  # bench/ is on the path

from webtwin.envs import WebtwinTextEnv, list_tasks
from webtwin.simulators import SITES, site_sets
from webtwin.simulators.core import World

RESULTS = Path(__file__).parent / "results"
SEEDS = list(range(10))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def bench_restore(site_set: str) -> dict[str, float]:
    env = WebtwinTextEnv(site_set)
    env.reset(seed=0)
    template = env._server.store.factory.template(env._specs, 0)
    world = World.from_bytes(env._specs, template)
    samples = []
    for _ in range(2000):
        started = time.perf_counter()
        world.restore(template)
        samples.append(time.perf_counter() - started)
    env.close()
    return {"restore_ms": statistics.median(samples) * 1e3, "world_kib": len(template) / 1024}


def bench_reset_and_step(site_set: str) -> dict[str, float]:
    env = WebtwinTextEnv(site_set, max_steps=200)
    resets, steps = [], []
    for task in list_tasks(site_set):
        for seed in SEEDS:
            env.reset(seed=seed, options={"task": task})  # warm the template cache
            started = time.perf_counter()
            env.reset(seed=seed, options={"task": task})
            resets.append(time.perf_counter() - started)
            for action in env.oracle():
                started = time.perf_counter()
                _, _, terminated, truncated, _ = env.step(action)
                steps.append(time.perf_counter() - started)
                if terminated or truncated:
                    break
    env.close()
    return {"reset_ms": statistics.median(resets) * 1e3,
            "step_median_ms": statistics.median(steps) * 1e3,
            "step_p95_ms": percentile(steps, 0.95) * 1e3, "steps_measured": len(steps)}


def bench_throughput(site_set: str, live: int, total_steps: int) -> dict[str, float]:
    """Round-robin over `live` envs, each replaying oracle episodes (so pages change)."""
    gc.collect()
    base = pss_mib()
    tasks = list_tasks(site_set)
    envs = [WebtwinTextEnv(site_set, max_steps=200) for _ in range(live)]
    plans: list[list[str]] = []
    for i, env in enumerate(envs):
        env.reset(seed=SEEDS[i % len(SEEDS)], options={"task": tasks[i % len(tasks)]})
        plans.append(env.oracle())
    done_steps, cursor, started = 0, [0] * live, time.perf_counter()
    while done_steps < total_steps:
        for i, env in enumerate(envs):
            if cursor[i] >= len(plans[i]):
                env.reset(seed=SEEDS[i % len(SEEDS)], options={"task": tasks[i % len(tasks)]})
                cursor[i] = 0
            env.step(plans[i][cursor[i]])
            cursor[i] += 1
            done_steps += 1
    elapsed = time.perf_counter() - started
    gc.collect()
    per_world = (pss_mib() - base) / live  # after stepping: worlds hold pages and state
    for env in envs:
        env.close()
    return {"live_worlds": live, "steps_per_s": done_steps / elapsed,
            "pss_mib_per_world": per_world}


def bench_shared_data() -> dict[str, dict[str, float]]:
    """Build time and size of each site's shared read-only database (once per process)."""
    found: dict[str, dict[str, float]] = {}
    for name, site in sorted(SITES.items()):
        if site.shared is None:
            continue
        connection = sqlite3.connect(":memory:")
        connection.execute(f"ATTACH DATABASE ':memory:' AS {site.shared.schema}")
        started = time.perf_counter()
        site.shared.build(connection)
        elapsed = time.perf_counter() - started
        pages = connection.execute(f"PRAGMA {site.shared.schema}.page_count").fetchone()[0]
        size = connection.execute(f"PRAGMA {site.shared.schema}.page_size").fetchone()[0]
        found[name] = {"build_s": elapsed, "mib": pages * size / 2**20}
        connection.close()
    return found


def in_fresh_process(function: Any, *args: Any) -> Any:
    """Run one measurement in a new process: memory freed by an earlier measurement would
    otherwise be reused by the next one and hide what its worlds cost."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(function, args)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="smaller counts (smoke run)")
    parser.add_argument("--env", action="append", help="site set(s) to measure (default: all)")
    args = parser.parse_args()
    counts = [1, 100] if args.quick else [1, 100, 1000]
    report: dict[str, Any] = {"machine": machine(), "sites": {}, "shared": bench_shared_data()}
    for site_set in args.env or sorted(site_sets()):
        row: dict[str, Any] = {**bench_restore(site_set), **bench_reset_and_step(site_set)}
        row["throughput"] = [in_fresh_process(bench_throughput, site_set, n,
                                              2000 if args.quick else 5000) for n in counts]
        report["sites"][site_set] = row
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "text.json").write_text(json.dumps(report, indent=2))
    print(markdown(report))


def markdown(report: dict[str, Any]) -> str:
    lines = [f"Measured on: {report['machine']}", "",
             "| env | world size | restore | reset + first obs | step median | step p95 | "
             "steps/s (1 / 100 / 1,000 live worlds) | memory per live world |",
             "|---|---|---|---|---|---|---|---|"]
    for name, row in report["sites"].items():
        rates = " / ".join(f"{t['steps_per_s']:,.0f}" for t in row["throughput"])
        memory = row["throughput"][-1]["pss_mib_per_world"]
        lines.append(f"| {name}-text | {row['world_kib']:.0f} KiB | {row['restore_ms']:.3f} ms "
                     f"| {row['reset_ms']:.2f} ms | {row['step_median_ms']:.2f} ms "
                     f"| {row['step_p95_ms']:.2f} ms | {rates} | {memory:.2f} MiB |")
    for name, shared in report.get("shared", {}).items():
        lines += ["", f"Shared read-only data of `{name}` (built once per process, attached by "
                  f"every world, not in its snapshot): {shared['mib']:.1f} MiB, built in "
                  f"{shared['build_s']:.2f} s."]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
