"""Run many episodes with a policy, in parallel worker processes, and summarise them."""

from __future__ import annotations

import json
import multiprocessing
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import gymnasium as gym

from webtwin.seeds import seeds_for

from .policies import load_policy

__all__ = ["EpisodeSpec", "EpisodeResult", "plan_episodes", "run_rollout", "format_table"]


@dataclass(frozen=True)
class EpisodeSpec:
    """Which episode to run: env id and world seed (the task is drawn from the seed)."""

    index: int
    env_id: str
    seed: int
    task: str | None = None


@dataclass
class EpisodeResult:
    index: int
    env_id: str
    seed: int
    task_id: str
    reward: float
    steps: int
    actions: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    verdict: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0


def plan_episodes(env_ids: Sequence[str], episodes: int, seed: int = 0, split: str = "train",
                  task: str | None = None) -> list[EpisodeSpec]:
    """Episodes spread over the env ids; seeds come from the split, deterministically."""
    seeds = seeds_for(split, episodes, start=seed)
    return [EpisodeSpec(i, env_ids[i % len(env_ids)], seeds[i], task) for i in range(episodes)]


def run_episode(env: gym.Env[Any, Any], policy_spec: str, spec: EpisodeSpec
                ) -> EpisodeResult:
    """One episode from reset to the end (stop or step budget)."""
    started = time.perf_counter()  # allow-nondeterminism: duration is reported, never observed
    policy = load_policy(policy_spec)
    options = {"task": spec.task} if spec.task else None
    observation, info = env.reset(seed=spec.seed, options=options)
    policy.begin(env, spec.seed)
    result = EpisodeResult(spec.index, spec.env_id, spec.seed, info["task_id"], 0.0, 0)
    done = False
    while not done:
        action = policy.act(observation, info)
        observation, reward, terminated, truncated, info = env.step(action)
        result.actions.append(action)
        result.errors.append(observation["last_action_error"])
        result.steps += 1
        result.reward = float(reward)
        done = terminated or truncated
    result.verdict = info.get("verdict", {})
    result.seconds = time.perf_counter() - started  # allow-nondeterminism: reporting only
    return result


_ENVS: dict[tuple[str, int], gym.Env[Any, Any]] = {}


def _worker_run(policy_spec: str, max_steps: int, specs: list[EpisodeSpec]
                ) -> list[EpisodeResult]:
    """Runs a batch in a worker process, reusing one env per env id (no relaunch per reset)."""
    import webtwin.envs  # noqa: F401  (registers the ids in the worker)

    results = []
    for spec in specs:
        key = (spec.env_id, max_steps)
        if key not in _ENVS:
            _ENVS[key] = gym.make(spec.env_id, max_episode_steps=max_steps)
        results.append(run_episode(_ENVS[key], policy_spec, spec))
    return results


def run_rollout(specs: Sequence[EpisodeSpec], policy: str, num_workers: int = 2,
                max_steps: int = 50, out: Path | None = None, batch: int = 8
                ) -> list[EpisodeResult]:
    """Run `specs` over `num_workers` processes; writes `episodes.jsonl` and `summary.json`."""
    batches = [list(specs[i:i + batch]) for i in range(0, len(specs), batch)]
    results: list[EpisodeResult] = []
    writer = _open_log(out)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=num_workers, mp_context=context) as pool:
        futures = [pool.submit(_worker_run, policy, max_steps, chunk) for chunk in batches]
        for future in as_completed(futures):
            for result in future.result():
                results.append(result)
                if writer is not None:
                    writer.write(json.dumps(asdict(result), ensure_ascii=False) + "\n")
                    writer.flush()
    results.sort(key=lambda r: r.index)
    if writer is not None:
        writer.close()
        assert out is not None
        (out / "summary.json").write_text(json.dumps(summarise(results), indent=2))
    return results


def _open_log(out: Path | None) -> Any:
    if out is None:
        return None
    out.mkdir(parents=True, exist_ok=True)
    return (out / "episodes.jsonl").open("w", encoding="utf-8")


def summarise(results: Iterable[EpisodeResult]) -> dict[str, Any]:
    """Success rate and mean steps per (env id, task family)."""
    groups: dict[tuple[str, str], list[EpisodeResult]] = defaultdict(list)
    for result in results:
        groups[(result.env_id, result.task_id)].append(result)
    rows = []
    for (env_id, task_id), group in sorted(groups.items()):
        rows.append({"env": env_id, "task": task_id, "episodes": len(group),
                     "success": sum(r.reward for r in group) / len(group),
                     "mean_steps": sum(r.steps for r in group) / len(group)})
    return {"rows": rows}


def format_table(results: Sequence[EpisodeResult], policy: str) -> str:
    """A plain-text results table."""
    rows = summarise(results)["rows"]
    lines = [f"policy: {policy}", f"{'env':<24} {'task':<36} {'episodes':>8} {'success':>8} "
             f"{'steps':>6}"]
    for row in rows:
        lines.append(f"{row['env']:<24} {row['task']:<36} {row['episodes']:>8} "
                     f"{row['success']:>8.2f} {row['mean_steps']:>6.1f}")
    total = sum(r.reward for r in results) / max(1, len(results))
    lines.append(f"{'all':<24} {'':<36} {len(results):>8} {total:>8.2f}")
    return "\n".join(lines)
