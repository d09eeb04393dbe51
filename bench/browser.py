"""Browser-mode benchmarks, against a BrowserGym-style baseline measured in the same run.

Ours: one Chromium and one uvicorn server for the process, one context per env, a reset
restores the world and sends the same page to the start URL. Baseline ("relaunch"): what
BrowserGym does on reset — close the browser, launch a new one, new context and page, load
the start page — and Playwright's high-level calls on steps (`locator.click()` etc.,
`wait_for_load_state`, `page.screenshot()`, `page.content()`), with no fixed sleeps. Both
serve the same worlds from the same server and replay the same oracle episodes of the mail
tasks (links, forms, checkboxes, drop-downs), so only the browser handling differs.

Measured: reset and step (with screenshot) latency, median and p95; env-steps/s with 1, 4 and
16 envs at once (ours: one browser, N contexts; baseline: N browsers), with ours' CPU time per
env-step summed over this process and all its children; memory per extra env
as the growth of PSS summed over this process and all its children (/proc/<pid>/smaps_rollup;
summed RSS would count shared pages N times). Run with `make bench-browser`; writes
`bench/results/browser.json` and prints the Markdown table of the README. Wall-clock timing
is the point here, and only here.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import time  # allow-nondeterminism: benchmarks measure wall time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from procfs import machine, tree_cpu_ms, tree_pss_mib  # bench/ is on the path

from webtwin.envs import list_tasks
from webtwin.envs.actions import parse_action
from webtwin.envs.browser_env import WebtwinBrowserEnv
from webtwin.envs.browser_runtime import CHROMIUM_ARGS, BrowserRuntime, browser_runtime
from webtwin.envs.browser_vector import WebtwinBrowserVectorEnv
from webtwin.envs.png import decode_png
from webtwin.simulators import task_families
from webtwin.simulators.core import HostedWorld, World

RESULTS = Path(__file__).parent / "results"
SITE_SET = "mail"
FREE = ("stop", "send_msg_to_user")  # actions that never reach the page
TARGETS = {"reset_ms": 150, "step_median_ms": 120, "steps_per_s": 40, "mib_per_extra_env": 80}


def summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {"median_ms": statistics.median(ordered) * 1e3,
            "p95_ms": ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1e3,
            "n": len(ordered)}


def episodes(count: int) -> list[tuple[str, int]]:
    """(task, seed) pairs cycling over the site set's families."""
    tasks = list_tasks(SITE_SET)
    return [(tasks[i % len(tasks)], 100 + i // len(tasks)) for i in range(count)]


POOL = list(range(100, 140))  # world seeds of the throughput runs (tasks drawn from them)


def warm_templates(runtime: BrowserRuntime) -> None:
    """Generate every world the runs use once, untimed: a new seed costs world generation
    (hundreds of ms, the same in text mode), which is not what is measured here."""
    from webtwin.envs import WebtwinTextEnv

    env = WebtwinTextEnv(SITE_SET, server=runtime.server)
    for task, seed in episodes(100):
        env.reset(seed=seed, options={"task": task})
    for seed in POOL:
        env.reset(seed=seed)
    env.close()


# -- ours -------------------------------------------------------------------------------------


def latency_ours(count: int) -> dict[str, Any]:
    env = WebtwinBrowserEnv(SITE_SET, max_steps=80)
    env.reset(seed=1)  # warm: browser, context, page, template cache
    resets, steps, navigating, in_page = [], [], [], []
    for task, seed in episodes(count):
        env.reset(seed=seed, options={"task": task})  # the world's template is now cached
        started = time.perf_counter()
        env.reset(seed=seed, options={"task": task})
        resets.append(time.perf_counter() - started)
        for action in env.oracle():
            if action.startswith(FREE):
                break
            commits = env._tab.marks() if env._tab else 0
            started = time.perf_counter()
            env.step(action)
            elapsed = time.perf_counter() - started
            steps.append(elapsed)
            moved = env._tab is not None and env._tab.marks() > commits
            (navigating if moved else in_page).append(elapsed)
    env.close()
    return {"reset": summary(resets), "step": summary(steps),
            "step_navigating": summary(navigating), "step_in_page": summary(in_page)}


def throughput_ours(num_envs: int, seconds: float) -> dict[str, float]:
    envs = WebtwinBrowserVectorEnv(num_envs, site_set=SITE_SET, max_episode_steps=80,
                                   autoreset_mode="Disabled")
    try:
        return _drive(envs, seconds)
    finally:
        envs.close()


def _drive(envs: WebtwinBrowserVectorEnv, seconds: float) -> dict[str, float]:
    """Replay oracle episodes in every env for `seconds` (a finished env is reset at once to
    the next world of the pool); count the steps that reached a page."""
    n, pool = envs.num_envs, iter(POOL * 1000)
    envs.reset(seed=[next(pool) for _ in range(n)])
    plans = [env.oracle() for env in envs.envs]
    position = [0] * n
    performed, started, cpu = 0, time.perf_counter(), tree_cpu_ms()
    while time.perf_counter() - started < seconds:
        batch = [plan[min(position[i], len(plan) - 1)] for i, plan in enumerate(plans)]
        _, _, terminated, truncated, _ = envs.step(batch)
        performed += sum(not action.startswith(FREE) for action in batch)
        position = [p + 1 for p in position]
        done = np.logical_or(terminated, truncated)
        if done.any():
            envs.reset(seed=[next(pool) for _ in range(n)], options={"reset_mask": done})
            for i in np.flatnonzero(done):
                plans[i], position[i] = envs.envs[i].oracle(), 0
    elapsed, cpu = time.perf_counter() - started, tree_cpu_ms() - cpu
    return {"envs": n, "steps_per_s": performed / elapsed, "steps": performed,
            "cpu_ms_per_step": cpu / max(performed, 1)}


def memory_ours(counts: list[int]) -> dict[str, Any]:
    runtime = browser_runtime()
    rows = []
    for count in counts:  # one world seed for all: the template cache does not grow
        envs = WebtwinBrowserVectorEnv(count, site_set=SITE_SET, runtime=runtime)
        envs.reset(seed=[POOL[0]] * count)
        envs.step(["noop()"] * count)
        rows.append({"envs": count, "pss_mib": tree_pss_mib()})
        envs.close()
    return _per_extra(rows)


def _per_extra(rows: list[dict[str, float]]) -> dict[str, Any]:
    first, last = rows[0], rows[-1]
    extra = (last["pss_mib"] - first["pss_mib"]) / (last["envs"] - first["envs"])
    return {"by_envs": rows, "mib_per_extra_env": extra}


# -- baseline: BrowserGym-style relaunch on reset ---------------------------------------------


class RelaunchEnv:
    """The baseline: a browser of its own, launched again on every reset."""

    def __init__(self, runtime: BrowserRuntime):
        self.runtime = runtime
        self.store = runtime.server.store
        self.families = task_families(SITE_SET)
        self.specs = self.store.specs([SITE_SET])
        self.hosted: HostedWorld | None = None
        self.world_id = ""
        self.browser: Any = None
        self.page: Any = None
        self.plan: list[str] = []

    async def reset(self, task: str, seed: int) -> None:
        family = self.families[task]()
        start = self.store.factory.episode(self.specs, seed, family)
        if self.hosted is None:
            self.hosted = HostedWorld(World.from_bytes(self.specs, start.state), seed,
                                      start.state, family, start.instance, (SITE_SET,))
            self.world_id = self.store.add(self.hosted)
        else:
            self.hosted.world.restore(start.state)
        assert start.instance is not None
        self.plan = family.solve(start.instance)
        if self.browser is not None:
            await self.browser.close()
        self.browser = await self.runtime._playwright.chromium.launch(  # type: ignore[union-attr]
            executable_path=self.runtime.executable, args=self._args(), headless=True)
        context = await self.browser.new_context(viewport={"width": 1280, "height": 720})
        await context.add_cookies([{"name": "webtwin_world", "value": self.world_id,
                                    "url": "http://mail.localhost/"}])
        self.page = await context.new_page()
        await self.page.goto(start.instance.start_url or "http://mail.localhost/inbox")
        await self._observe()

    def _args(self) -> list[str]:
        rules = f"MAP mail.localhost:80 127.0.0.1:{self.runtime.port}, MAP * ~NOTFOUND"
        return [*CHROMIUM_ARGS, f"--host-resolver-rules={rules}"]

    async def step(self, action: str) -> None:
        assert self.hosted is not None
        self.hosted.world.advance(60)
        parsed = parse_action(action)
        name, args = parsed.name, parsed.args
        if name in FREE:
            return
        if name == "noop":
            pass
        elif name == "goto":
            await self.page.goto(args[0])
        else:
            locator = self.page.locator(f'[data-bid="{args[0]}"]')
            call = {"click": locator.click, "fill": locator.fill, "check": locator.check,
                    "uncheck": locator.uncheck, "press": locator.press,
                    "select_option": locator.select_option}[name]  # a value or a label
            await call(*args[1:])
        await self.page.wait_for_load_state("load")
        await self._observe()

    async def _observe(self) -> None:
        png = await self.page.screenshot()
        await self.page.content()
        decode_png(png)

    async def close(self) -> None:
        if self.browser is not None:
            await self.browser.close()
        if self.world_id:
            self.store.delete(self.world_id)


def latency_baseline(runtime: BrowserRuntime, count: int) -> dict[str, Any]:
    env = RelaunchEnv(runtime)
    resets, steps = [], []
    for task, seed in episodes(count):
        started = time.perf_counter()
        runtime.run(env.reset(task, seed))
        resets.append(time.perf_counter() - started)
        for action in env.plan:
            if action.startswith(FREE):
                break
            started = time.perf_counter()
            runtime.run(env.step(action))
            steps.append(time.perf_counter() - started)
    runtime.run(env.close())
    return {"reset": summary(resets), "step": summary(steps)}


def throughput_baseline(runtime: BrowserRuntime, num_envs: int, seconds: float
                        ) -> dict[str, Any]:
    async def drive() -> dict[str, Any]:
        envs = [RelaunchEnv(runtime) for _ in range(num_envs)]
        tasks = episodes(100)
        performed, started, peak = 0, time.perf_counter(), 0.0

        async def run(i: int) -> None:
            nonlocal performed, peak
            n = i
            while time.perf_counter() - started < seconds:
                await envs[i].reset(*tasks[n % len(tasks)])
                n += num_envs
                for action in envs[i].plan:
                    if action.startswith(FREE) or time.perf_counter() - started >= seconds:
                        break
                    await envs[i].step(action)
                    performed += 1
                    if i == 0:
                        peak = max(peak, tree_pss_mib())

        await asyncio.gather(*(run(i) for i in range(num_envs)))
        elapsed = time.perf_counter() - started
        await asyncio.gather(*(env.close() for env in envs))
        return {"envs": num_envs, "steps_per_s": performed / elapsed, "steps": performed,
                "peak_pss_mib": peak}

    return runtime.run(drive())


def memory_baseline(runtime: BrowserRuntime, counts: list[int]) -> dict[str, Any]:
    rows = []
    for count in counts:
        envs = [RelaunchEnv(runtime) for _ in range(count)]
        for env in envs:
            runtime.run(env.reset(*episodes(1)[0]))  # one world for all, as above
        rows.append({"envs": count, "pss_mib": tree_pss_mib()})
        for env in envs:
            runtime.run(env.close())
    return _per_extra(rows)


# -- report -----------------------------------------------------------------------------------


def table(results: dict[str, Any]) -> str:
    ours, base = results["ours"], results["relaunch"]

    def row(name: str, get: Callable[[dict[str, Any]], float], unit: str, target: str) -> str:
        return f"| {name} | {get(ours):.0f} {unit} | {get(base):.0f} {unit} | {target} |"

    lines = ["| browser mode, 2 cores | webtwin | relaunch on reset (BrowserGym-style) | target |",
             "|---|---|---|---|",
             row("reset, median", lambda r: r["latency"]["reset"]["median_ms"], "ms", "< 150 ms"),
             row("reset, p95", lambda r: r["latency"]["reset"]["p95_ms"], "ms", ""),
             row("step incl. screenshot, median", lambda r: r["latency"]["step"]["median_ms"],
                 "ms", "< 120 ms"),
             row("step incl. screenshot, p95", lambda r: r["latency"]["step"]["p95_ms"], "ms",
                 "")]
    for i, count in enumerate(results["concurrency"]):
        lines.append(row(f"env-steps/s, {count} env{'s' if count > 1 else ''}",
                         lambda r, i=i: r["throughput"][i]["steps_per_s"], "",
                         "≥ 40" if count > 1 else ""))
    counts = " / ".join(str(count) for count in results["concurrency"])
    cpu = " / ".join(f"{run['cpu_ms_per_step']:.0f}" for run in ours["throughput"])
    lines.append(f"| CPU per env-step, all processes, {counts} envs | {cpu} ms | | |")
    lines.append(row("memory per extra env (PSS)",
                     lambda r: r["memory"]["mib_per_extra_env"], "MiB", "< 80 MB"))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=24)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--quick", action="store_true", help="a short run, to try the bench")
    args = parser.parse_args()
    if args.quick:
        args.episodes, args.seconds = 4, 5.0
    runtime = browser_runtime()
    warm_templates(runtime)
    load_before = os.getloadavg()
    ours = {"latency": latency_ours(args.episodes),
            "throughput": [throughput_ours(n, args.seconds) for n in args.concurrency],
            "memory": memory_ours([args.concurrency[0], args.concurrency[-1]])}
    base = {"latency": latency_baseline(runtime, max(4, args.episodes // 2)),
            "throughput": [throughput_baseline(runtime, n, args.seconds)
                           for n in args.concurrency],
            "memory": memory_baseline(runtime, [1, min(args.concurrency[-1], 8)])}
    results = {"machine": machine(), "load_average_before": load_before,
               "load_average_after": os.getloadavg(), "chromium": runtime.executable,
               "concurrency": args.concurrency, "targets": TARGETS,
               "ours": ours, "relaunch": base, "numpy": np.__version__}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "browser.json").write_text(json.dumps(results, indent=2) + "\n")
    print(f"{results['machine']}; load average {load_before[0]:.1f} before, "
          f"{results['load_average_after'][0]:.1f} after\n")
    print(table(results))


if __name__ == "__main__":
    main()
