"""Rollout launcher benchmarks: its overhead over raw env stepping, and browser-mode
throughput with concurrent contexts.

(a) Overhead, text mode, in this process (`--num-envs 1`): env-steps/s of episodes run
    through the launcher (`run_rollout`: runner, step log, store with its fsyncs, summary,
    progress) against a plain `reset`/`step` loop over the same env ids, seeds and actions,
    for two policies: one that plays `noop()` until the step budget ends the episode (the
    cheapest step there is; the `noop` policy of `webtwin rollout` stops at once, which
    would measure resets), and the oracle (the task's solution, then `stop()`: episodes of
    real pages and a verification). World templates are generated once beforehand, untimed,
    so both sides reset from the cache.
(b) Browser mode through the launcher with 1, 4 and 16 concurrent contexts (`--contexts`) of
    one Chromium, oracle policy: episodes/s, env-steps/s, CPU cores busy (user + system time
    of this process and all its descendants, from /proc, over the wall time) and the peak PSS
    of the process tree. Chromium is started and the worlds generated before timing.

Run with `.venv/bin/python bench/launcher.py` (about 4 minutes; `--seconds` sets the length
of each overhead figure). Writes `bench/results/launcher.json` and prints Markdown tables.
Wall-clock timing is the point here, and only here.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import tempfile
import threading
import time  # allow-nondeterminism: benchmarks measure wall time
from pathlib import Path
from typing import Any

import gymnasium as gym
from procfs import machine, tree, tree_pss_mib  # bench/ is on the path

import webtwin.envs
from webtwin.envs.launcher.plan import EpisodeSpec, safe_name
from webtwin.envs.rollout import PolicyConfig, RolloutConfig, run_rollout
from webtwin.simulators.core import actions

RESULTS = Path(__file__).parent / "results"
TEXT_IDS = webtwin.envs.env_ids("text")
BROWSER_ID = "webtwin/mail-browser-v0"
MAX_STEPS = 30
CONTEXTS = (1, 4, 16)
BROWSER_EPISODES = 16
INSTANCES = 20  # distinct worlds per overhead figure (episodes repeat them)
IDLE = "launcher:idle"  # this file, imported by name as the launcher imports policies


def idle(observation: dict[str, Any], info: dict[str, Any]) -> str:
    """A policy that does nothing until the step budget ends the episode."""
    return actions.noop()


# -- (a) launcher overhead -----------------------------------------------------------------


def raw_loop(env_id: str, specs: list[EpisodeSpec], policy: str = IDLE) -> int:
    """The same episodes as the launcher's, in a plain loop; returns env-steps."""
    env = gym.make(env_id, max_episode_steps=MAX_STEPS)
    steps = 0
    for spec in specs:
        env.reset(seed=spec.seed)
        # what the launcher's policies play: `idle` below, or the oracle's plan, then stop()
        plan = iter(env.unwrapped.oracle()) if policy == "oracle" else None
        done = False
        while not done:
            action = actions.noop() if plan is None else next(plan, actions.stop())
            _, _, terminated, truncated, _ = env.step(action)
            steps, done = steps + 1, terminated or truncated
    env.close()
    return steps


def launched(env_id: str, episodes: int, out: Path, contexts: int = 1, policy: str = IDLE,
             k: int = 1) -> tuple[int, float, float]:
    """Env-steps, wall seconds and CPU seconds (this process, all its threads) of
    `webtwin rollout` in this process, into `out` (a new directory, as in use)."""
    config = RolloutConfig([env_id], episodes, PolicyConfig(policy), k=k, max_steps=MAX_STEPS,
                           num_envs=1, contexts=contexts)
    started, cpu = time.perf_counter(), time.process_time()
    result = run_rollout(config, out, progress=io.StringIO())
    return result.steps, time.perf_counter() - started, time.process_time() - cpu


def overhead(env_id: str, policy: str, seconds: float, scratch: Path, rounds: int = 8
             ) -> dict[str, Any]:
    """Raw and launched env-steps/s over the same episodes, about `seconds` each, in
    alternating rounds; the fastest round of each side counts (the least disturbed by other
    work on the machine), by wall time and by CPU time of this process (all its threads: the
    commit thread's fsyncs count). Each launched round writes a new directory, as in use. The
    episodes repeat `INSTANCES` worlds (`--k`), so every reset finds its world cached."""
    warm(env_id, plan(env_id, INSTANCES))
    started = time.perf_counter()
    raw_loop(env_id, plan(env_id, INSTANCES), policy)
    per_episode = (time.perf_counter() - started) / INSTANCES
    k = max(1, round(seconds / rounds / per_episode / INSTANCES))
    specs = plan(env_id, INSTANCES * k, k)
    raw: list[tuple[float, float]] = []
    ours: list[tuple[float, float]] = []
    for round_ in range(rounds):
        wall, cpu = time.perf_counter(), time.process_time()
        raw_steps = raw_loop(env_id, specs, policy)
        raw.append((time.perf_counter() - wall, time.process_time() - cpu))
        # a new directory per round, deleted with `scratch` only at the end: deleting the
        # last round's files here would leave the file system busy during the next rounds
        out = scratch / f"overhead-{safe_name(env_id)}-{safe_name(policy)}-{round_}"
        steps, seconds_launched, cpu_launched = launched(env_id, len(specs), out,
                                                         policy=policy, k=k)
        ours.append((seconds_launched, cpu_launched))
        if steps != raw_steps:
            raise RuntimeError(f"the launcher ran {steps} steps, the raw loop {raw_steps}")
    best_raw, best_ours = [min(r[i] for r in raw) for i in (0, 1)], \
        [min(o[i] for o in ours) for i in (0, 1)]
    return {"env": env_id, "policy": policy, "episodes_per_round": len(specs),
            "steps_per_round": steps, "rounds": rounds,
            "raw_steps_per_s": round(steps / best_raw[0], 1),
            "launcher_steps_per_s": round(steps / best_ours[0], 1),
            "overhead_pct": round(100 * (best_ours[0] / best_raw[0] - 1), 1),
            # each round's launcher time over its own raw time, the median of the rounds:
            # less at the mercy of one lucky round than the fastest of each side
            "overhead_paired_median_pct": round(100 * (statistics.median(
                o[0] / r[0] for r, o in zip(raw, ours, strict=True)) - 1), 1),
            "cpu_overhead_pct": round(100 * (best_ours[1] / best_raw[1] - 1), 1),
            "wall_s_per_round": {"raw": [round(r[0], 3) for r in raw],
                                 "launcher": [round(o[0], 3) for o in ours]}}


def plan(env_id: str, episodes: int, k: int = 1) -> list[EpisodeSpec]:
    return RolloutConfig([env_id], episodes, k=k, max_steps=MAX_STEPS).plan()


def warm(env_id: str, specs: list[EpisodeSpec]) -> None:
    """Generate (and cache) every world of `specs` once, untimed."""
    env = gym.make(env_id)
    for spec in specs:
        env.reset(seed=spec.seed)
    env.close()


# -- (b) browser mode with concurrent contexts ---------------------------------------------


class TreeMeter:
    """CPU seconds and peak PSS of this process and its descendants, sampled in a thread
    (a process that exits between two samples keeps its last reading)."""

    def __init__(self, every: float = 0.5):
        self.every, self._stop = every, threading.Event()
        self._cpu: dict[int, float] = {}
        self._base = self._read_cpu()
        self.peak_pss_mib = 0.0
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> TreeMeter:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample_once()

    def cpu_seconds(self) -> float:
        return sum(t - self._base.get(pid, 0.0) for pid, t in self._cpu.items())

    def _sample(self) -> None:
        while not self._stop.wait(self.every):
            self._sample_once()

    def _sample_once(self) -> None:
        self._cpu.update(self._read_cpu())
        self.peak_pss_mib = max(self.peak_pss_mib, tree_pss_mib())

    @staticmethod
    def _read_cpu() -> dict[int, float]:
        ticks = os.sysconf("SC_CLK_TCK")
        found = {}
        for pid in tree():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            found[pid] = (int(fields[11]) + int(fields[12])) / ticks  # utime + stime
        return found


def browser(contexts: int, scratch: Path) -> dict[str, Any]:
    with TreeMeter() as meter:
        steps, seconds, _ = launched(BROWSER_ID, BROWSER_EPISODES,
                                     scratch / f"browser{contexts}", contexts, policy="oracle")
    return {"contexts": contexts, "episodes": BROWSER_EPISODES, "steps": steps,
            "seconds": round(seconds, 1),
            "episodes_per_s": round(BROWSER_EPISODES / seconds, 2),
            "steps_per_s": round(steps / seconds, 1),
            "cpu_cores_busy": round(meter.cpu_seconds() / seconds, 2),
            "peak_pss_mib": round(meter.peak_pss_mib)}


# -- report ---------------------------------------------------------------------------------


def tables(results: dict[str, Any]) -> str:
    lines = ["| text env | policy | raw env-steps/s | through the launcher | "
             "overhead (wall) | overhead (CPU) | overhead (wall, median of rounds) |",
             "|---|---|---|---|---|---|---|"]
    for row in results["overhead"]:
        policy = "noop() x 30 steps" if row["policy"] == IDLE else row["policy"]
        lines.append(f"| {row['env']} | {policy} | {row['raw_steps_per_s']:.0f} | "
                     f"{row['launcher_steps_per_s']:.0f} | {row['overhead_pct']:.1f} % | "
                     f"{row['cpu_overhead_pct']:.1f} % | "
                     f"{row['overhead_paired_median_pct']:.1f} % |")
    lines += ["", f"| {BROWSER_ID}, oracle, {BROWSER_EPISODES} episodes | episodes/s | "
              "env-steps/s | CPU cores busy | peak PSS |", "|---|---|---|---|---|"]
    for row in results["browser"]:
        lines.append(f"| {row['contexts']} context{'s' if row['contexts'] > 1 else ''} | "
                     f"{row['episodes_per_s']:.2f} | {row['steps_per_s']:.1f} | "
                     f"{row['cpu_cores_busy']:.2f} | {row['peak_pss_mib']} MiB |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0,
                        help="length of each overhead figure (raw and launcher each)")
    parser.add_argument("--skip-browser", action="store_true")
    args = parser.parse_args()
    results: dict[str, Any] = {"machine": machine(), "max_steps": MAX_STEPS}
    with tempfile.TemporaryDirectory(prefix="webtwin-bench-") as directory:
        scratch = Path(directory)
        results["overhead"] = [overhead(env_id, policy, args.seconds, scratch)
                               for policy in (IDLE, "oracle") for env_id in TEXT_IDS]
        results["browser"] = []
        if not args.skip_browser:
            warm(BROWSER_ID, plan(BROWSER_ID, BROWSER_EPISODES))  # and starts Chromium
            results["browser"] = [browser(contexts, scratch) for contexts in CONTEXTS]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "launcher.json").write_text(json.dumps(results, indent=2) + "\n")
    print(tables(results))


if __name__ == "__main__":
    main()
