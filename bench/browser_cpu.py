"""CPU per env-step of browser mode, by process: where the cost of a step goes.

    .venv/bin/python bench/browser_cpu.py                 # 4 envs, ~160 env-steps
    .venv/bin/python bench/browser_cpu.py --envs 1 --steps 80
    .venv/bin/python bench/browser_cpu.py --profile       # also cProfile the Python threads
    .venv/bin/python bench/browser_cpu.py --chromium-arg=--disable-gpu   # try a switch
    .venv/bin/python bench/browser_cpu.py --disable-feature=RenderDocument   # try a feature

A vector env of `--envs` mail worlds replays oracle episodes (a finished env is reset to the
next world of a fixed pool, as in `bench/browser.py`) until `--steps` env-steps reached a
page. Before and after, and every 0.5 s in between (a process that exits would take its CPU
time with it), this reads utime + stime from /proc/<pid>/stat of this Python process (split
by thread: the runtime's loop thread, which also runs the uvicorn server; the env threads,
which decode screenshots and render page text; the rest), the Playwright node driver, and
every Chromium process, classified by its `--type=` switch (browser, renderer, gpu-process,
utility, zygote). Prints a table of CPU ms per env-step by process type. CPU time, not wall
time, is the figure: it holds on a busy machine, and throughput on N cores is bounded by
N / (CPU per step). `--profile` adds cProfile of the loop thread and the env threads (top
functions by own time). Timing is the point here, and only here.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import threading
import time  # allow-nondeterminism: benchmarks measure time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from procfs import CLOCK_TICKS, descendants, stat_ticks  # bench/ is on the path

from webtwin.envs import browser_runtime as runtime_module
from webtwin.envs.browser_runtime import browser_runtime
from webtwin.envs.browser_vector import WebtwinBrowserVectorEnv

SITE_SET = "mail"
FREE = ("stop", "send_msg_to_user")  # actions that never reach the page
POOL = list(range(100, 140))
SAMPLE_S = 0.5


def classify(pid: int) -> str:
    try:
        # Chromium rewrites its command line as one space-separated string (its title).
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").split()
    except OSError:
        return "gone"
    if not argv:
        return "gone"
    name = Path(argv[0].decode(errors="replace")).name
    kinds = [a[len(b"--type="):].decode() for a in argv if a.startswith(b"--type=")]
    if kinds:
        extra = [a.split(b"=", 1)[1].decode() for a in argv
                 if a.startswith(b"--utility-sub-type=")]
        if b"--top-chrome-webui" in argv:  # the browser's own UI, not a page
            extra.append("webui")
        return f"chromium {kinds[0]}" + (f" ({extra[0].rsplit('.', 1)[-1]})" if extra else "")
    if "chrom" in name or "headless_shell" in name:
        return "chromium browser"
    if name == "node" or "node" in name:
        return "playwright driver"
    return name


class CpuSampler:
    """utime + stime of this process's threads and all descendants, sampled in the background
    (the last value seen of a process that exits still counts)."""

    def __init__(self) -> None:
        self.me = os.getpid()
        self.kinds: dict[int, str] = {}
        self.ticks: dict[int, int] = {}
        self.threads: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="cpu-sampler")

    def sample(self) -> None:
        for pid in descendants(self.me):
            ticks = stat_ticks(pid)
            if ticks is None:
                continue
            if pid not in self.kinds:
                self.kinds[pid] = classify(pid)
            self.ticks[pid] = ticks
        for task in os.listdir(f"/proc/{self.me}/task"):
            ticks = stat_ticks(f"{self.me}/task/{task}")
            if ticks is not None:
                self.threads[int(task)] = ticks

    def snapshot(self) -> dict[str, float]:
        """CPU ms so far by process type (Python by thread role)."""
        self.sample()
        totals: dict[str, float] = {}
        for pid, ticks in self.ticks.items():
            kind = self.kinds[pid]
            totals[kind] = totals.get(kind, 0.0) + ticks * 1000 / CLOCK_TICKS
        roles = _thread_roles()
        if self._thread.native_id is not None:
            roles[self._thread.native_id] = "python (sampler)"
        for tid, ticks in self.threads.items():
            role = roles.get(tid, "python other")
            totals[role] = totals.get(role, 0.0) + ticks * 1000 / CLOCK_TICKS
        return totals

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(SAMPLE_S):
            self.sample()


def _thread_roles() -> dict[int, str]:
    roles = {}
    for thread in threading.enumerate():
        if thread.native_id is None:
            continue
        if thread.name == "webtwin-browser":
            roles[thread.native_id] = "python loop+server"
        elif thread.name.startswith("webtwin-env"):
            roles[thread.native_id] = "python env threads"
        elif thread is threading.main_thread():
            roles[thread.native_id] = "python main"
    return roles


def warm_worlds(envs: WebtwinBrowserVectorEnv) -> None:
    """Generate the pool's worlds once, untimed (world generation is text mode's cost)."""
    from webtwin.envs import WebtwinTextEnv

    env = WebtwinTextEnv(SITE_SET, server=envs.envs[0].runtime.server)
    for seed in POOL:
        env.reset(seed=seed)
    env.close()


class Driver:
    """Replays oracle episodes in every env of a vector env."""

    def __init__(self, envs: WebtwinBrowserVectorEnv):
        self.envs, self.n = envs, envs.num_envs
        self.pool = iter(POOL * 1000)
        envs.reset(seed=[next(self.pool) for _ in range(self.n)])
        self.plans = [env.oracle() for env in envs.envs]
        self.position = [0] * self.n
        self.navigating = 0

    def run(self, steps: int) -> int:
        performed = 0
        while performed < steps:
            batch = [plan[min(self.position[i], len(plan) - 1)]
                     for i, plan in enumerate(self.plans)]
            marks = [env._tab.marks() if env._tab else 0 for env in self.envs.envs]
            _, _, terminated, truncated, _ = self.envs.step(batch)
            performed += sum(not action.startswith(FREE) for action in batch)
            self.navigating += sum(env._tab is not None and env._tab.marks() > m
                                   for env, m in zip(self.envs.envs, marks, strict=True))
            self.position = [p + 1 for p in self.position]
            done = np.logical_or(terminated, truncated)
            if done.any():
                self.envs.reset(seed=[next(self.pool) for _ in range(self.n)],
                                options={"reset_mask": done})
                for i in np.flatnonzero(done):
                    self.plans[i], self.position[i] = self.envs.envs[i].oracle(), 0
        return performed


class Profiles:
    """cProfile of the loop thread and of every env thread (each thread needs its own)."""

    def __init__(self, envs: WebtwinBrowserVectorEnv):
        self.profiles: dict[int, cProfile.Profile] = {}
        self.lock = threading.Lock()
        for env in envs.envs:
            env.step = self._wrap(env.step)
            env.reset = self._wrap(env.reset)
        runtime = envs.envs[0].runtime
        runtime.run(self._enable_here())

    async def _enable_here(self) -> None:
        self._profile_this_thread()

    def _profile_this_thread(self) -> None:
        with self.lock:
            ident = threading.get_ident()
            if ident not in self.profiles:
                self.profiles[ident] = profile = cProfile.Profile()
                profile.enable()

    def _wrap(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            self._profile_this_thread()
            return fn(*args, **kwargs)
        return wrapped

    def report(self, top: int) -> str:
        stream = io.StringIO()
        stats = pstats.Stats(*self.profiles.values(), stream=stream)
        stats.sort_stats("tottime").print_stats(top)
        return stream.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--envs", type=int, default=4)
    parser.add_argument("--steps", type=int, default=160, help="env-steps to measure")
    parser.add_argument("--warm", type=int, default=24, help="env-steps before measuring")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--chromium-arg", action="append", default=[],
                        help="an extra Chromium switch to try (repeatable)")
    parser.add_argument("--disable-feature", action="append", default=[],
                        help="an extra Chromium feature to disable (repeatable)")
    args = parser.parse_args()
    # `BrowserRuntime` reads these when it launches, so extending them here tries them.
    runtime_module.CHROMIUM_ARGS = (*runtime_module.CHROMIUM_ARGS, *args.chromium_arg)
    runtime_module.DISABLED_FEATURES = (*runtime_module.DISABLED_FEATURES, *args.disable_feature)
    envs = WebtwinBrowserVectorEnv(args.envs, site_set=SITE_SET, max_episode_steps=80,
                                   autoreset_mode="Disabled", runtime=browser_runtime())
    warm_worlds(envs)
    driver = Driver(envs)
    driver.run(args.warm)
    profiles = Profiles(envs) if args.profile else None
    sampler = CpuSampler()
    before, navigating = sampler.snapshot(), driver.navigating
    sampler.start()
    started = time.perf_counter()
    steps = driver.run(args.steps)
    elapsed = time.perf_counter() - started
    sampler.stop()
    after = sampler.snapshot()
    envs.close()
    print(f"{args.envs} envs, {steps} env-steps ({driver.navigating - navigating} loaded a "
          f"page) in {elapsed:.1f} s: {steps / elapsed:.1f} env-steps/s; "
          f"load average {os.getloadavg()[0]:.1f}\n")
    print(table(before, after, steps))
    if profiles is not None:
        print(profiles.report(args.top))


def table(before: dict[str, float], after: dict[str, float], steps: int) -> str:
    rows = {k: after[k] - before.get(k, 0.0) for k in after}
    rows = {k: v for k, v in rows.items() if v > 0 and k != "python (sampler)"}
    total = sum(rows.values())
    lines = ["| process | CPU ms / env-step | share |", "|---|---|---|"]
    for kind, ms in sorted(rows.items(), key=lambda kv: -kv[1]):
        lines.append(f"| {kind} | {ms / steps:.1f} | {100 * ms / total:.0f}% |")
    lines.append(f"| **total** | **{total / steps:.1f}** | |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
