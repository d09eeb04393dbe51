"""Text-mode vector env benchmarks: env-steps/s, CPU and memory with 1 to 5,000 worlds.

Run with `python bench/vector.py [--quick]`; each configuration runs in a fresh interpreter.
Every world replays its oracle trajectory and is reset (to the same seed) when its episode
ends; all runs use autoreset DISABLED plus `reset_mask`, so every configuration does the same
work. The timing starts after ten batch steps (every world into its second episode). Ten
distinct seeds keep world generation (~150 ms each, cached per process) out of the timings.
"Env-steps per CPU-s" (CPU time of the parent and its workers) is the figure to compare when
other jobs share the machine; "PSS per world" is (PSS of all processes - the parent's PSS
before building the env) / worlds, so it includes each process's app and template cache.
Prints a Markdown table and writes `bench/results/vector.json`. Wall-clock timing is the
point here, and only here.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import time  # allow-nondeterminism: benchmarks measure wall time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium.vector import AutoresetMode, SyncVectorEnv, VectorEnv
from procfs import cpu_seconds, pss_mib  # bench/ is on the path

import webtwin.envs  # noqa: F401  (registers the ids)
from webtwin.envs.vector import WebtwinTextVectorEnv
from webtwin.envs.vector_multiproc import WebtwinTextMultiprocVectorEnv

RESULTS = Path(__file__).parent / "results"
SEEDS = list(range(10))
MAX_STEPS = 200


def pids_of(envs: VectorEnv) -> list[int | str]:
    return ["self", *getattr(envs, "worker_pids", [])]


def world_seeds(n: int) -> list[int]:
    return [SEEDS[i % len(SEEDS)] for i in range(n)]


def make_sync(n: int) -> VectorEnv:
    """Gymnasium's SyncVectorEnv over `gym.make` envs (with their usual wrappers)."""
    return SyncVectorEnv([lambda: gym.make("webtwin/mail-text-v0", max_episode_steps=MAX_STEPS)
                          for _ in range(n)], autoreset_mode=AutoresetMode.DISABLED)


def make_native(n: int) -> VectorEnv:
    return WebtwinTextVectorEnv(n, max_episode_steps=MAX_STEPS,
                                autoreset_mode=AutoresetMode.DISABLED)


def make_multiproc(n: int, workers: int) -> VectorEnv:
    return WebtwinTextMultiprocVectorEnv(n, max_episode_steps=MAX_STEPS, num_workers=workers,
                                         autoreset_mode=AutoresetMode.DISABLED)


def replay(envs: VectorEnv, total_steps: int, warmup_steps: int = 0,
           on_warm: Callable[[], None] | None = None) -> tuple[int, int, float]:
    """Step oracle actions, `warmup_steps` env-steps untimed, then `total_steps` timed; reset
    finished worlds to their seed. The warm-up takes every world into its second episode:
    the worlds all start together, so a timing from the first step would see every episode
    begin in the same few steps and none end.

    Returns the timed env-steps, the episodes finished in them and seconds; `on_warm` is
    called when the timing starts."""
    n = envs.num_envs
    seeds = world_seeds(n)
    plans = list(envs.call("oracle"))
    lengths = np.array([len(p) for p in plans])
    cursor = np.zeros(n, dtype=np.int64)
    done_steps = episodes = counted = 0
    started: float | None = None
    while done_steps < warmup_steps + total_steps:
        if started is None and done_steps >= warmup_steps:
            if on_warm is not None:
                on_warm()
            started, counted, episodes = time.perf_counter(), done_steps, 0
        actions = [plans[i][min(cursor[i], len(plans[i]) - 1)] for i in range(n)]
        _, _, terminated, truncated, _ = envs.step(actions)
        done_steps += n
        cursor += 1
        finished = terminated | truncated | (cursor >= lengths)
        if finished.any():
            episodes += int(finished.sum())
            envs.reset(seed=list(seeds), options={"reset_mask": finished})
            cursor[finished] = 0
    assert started is not None
    return done_steps - counted, episodes, time.perf_counter() - started


WARMUP_BATCH_STEPS = 10  # oracle episodes here are 7-8 steps long


def run(label: str, build: Callable[[], VectorEnv], total_steps: int) -> dict[str, Any]:
    gc.collect()
    base = pss_mib()
    envs = build()
    envs.reset(seed=world_seeds(envs.num_envs))  # generates the 10 templates per process
    pids = pids_of(envs)
    cpu_before: list[float] = []
    steps, episodes, elapsed = replay(
        envs, total_steps, WARMUP_BATCH_STEPS * envs.num_envs,
        on_warm=lambda: cpu_before.append(sum(cpu_seconds(pid) for pid in pids)))
    cpu = sum(cpu_seconds(pid) for pid in pids) - cpu_before[0]
    gc.collect()
    total_pss = sum(pss_mib(pid) for pid in pids)
    envs.close()
    return {"config": label, "worlds": envs.num_envs, "processes": len(pids),
            "env_steps": steps, "episodes": episodes, "seconds": elapsed,
            "steps_per_s": steps / elapsed, "episodes_per_s": episodes / elapsed,
            "cpu_cores_busy": cpu / elapsed,
            "steps_per_cpu_s": steps / cpu, "pss_mib_total": total_pss,
            "pss_mib_per_world": (total_pss - base) / envs.num_envs}


# name -> (label, builder, env-steps to time)
CONFIGS: dict[str, tuple[str, Callable[[], VectorEnv], int]] = {
    "native-1": ("native, in-process", lambda: make_native(1), 600),
    "sync-100": ("SyncVectorEnv", lambda: make_sync(100), 5000),
    "native-100": ("native, in-process", lambda: make_native(100), 5000),
    "sync-1000": ("SyncVectorEnv", lambda: make_sync(1000), 15000),
    "native-1000": ("native, in-process", lambda: make_native(1000), 15000),
    "multiproc-100": ("native, 2 workers", lambda: make_multiproc(100, 2), 5000),
    "multiproc-1000": ("native, 2 workers", lambda: make_multiproc(1000, 2), 20000),
    "multiproc-5000": ("native, 2 workers", lambda: make_multiproc(5000, 2), 40000),
}


def run_isolated(name: str, scale: float) -> dict[str, Any]:
    """One configuration in a fresh interpreter, so no run inherits another's caches or heap."""
    command = [sys.executable, __file__, "--config", name, "--scale", str(scale)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    row: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    return row


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="fewer steps (smoke run)")
    parser.add_argument("--config", choices=sorted(CONFIGS), help="run one configuration")
    parser.add_argument("--scale", type=float, default=1.0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.config:
        label, build, total = CONFIGS[args.config]
        print(json.dumps(run(label, build, max(1, int(total * args.scale)))))
        return
    rows = [run_isolated(name, 0.2 if args.quick else 1.0) for name in CONFIGS]
    report = {"cpu_count": os.cpu_count(), "cpus_usable": len(os.sched_getaffinity(0)),
              "seeds": len(SEEDS), "rows": rows}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "vector.json").write_text(json.dumps(report, indent=2))
    print(markdown(report))


def markdown(report: dict[str, Any]) -> str:
    lines = [f"CPUs: {report['cpu_count']} ({report['cpus_usable']} usable); "
             f"{report['seeds']} distinct world seeds; oracle replay, reset on done", "",
             "| vector env | worlds | processes | env-steps/s | episodes/s | env-steps per CPU-s "
             "| CPU cores busy | PSS total | PSS per world |", "|---" * 9 + "|"]
    for row in report["rows"]:
        lines.append(f"| {row['config']} | {row['worlds']:,} | {row['processes']} "
                     f"| {row['steps_per_s']:,.0f} | {row['episodes_per_s']:,.1f} "
                     f"| {row['steps_per_cpu_s']:,.0f} "
                     f"| {row['cpu_cores_busy']:.2f} "
                     f"| {row['pss_mib_total']:,.0f} MiB | {row['pss_mib_per_world']:.2f} MiB |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
