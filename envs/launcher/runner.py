"""One episode from reset to verdict: the unit every backend runs (processes, Ray actors).

`EpisodeRunner` keeps one env per env id and one policy for the life of its worker (no
relaunch per reset) and turns an `EpisodeSpec` into an `EpisodeOutcome`: a JSON-ready record
for `episodes.jsonl` plus the episode's per-step observations as gzip-compressed JSON lines.
Everything in an outcome is a deterministic function of the spec and the policy, except
`record["durations"]` (wall-clock seconds, reported and never compared).
"""

from __future__ import annotations

import gzip
import json
import time
from dataclasses import dataclass, field
from typing import Any

import gymnasium as gym

from ..policies import Policy, PolicyConfig, load_policy
from .plan import EpisodeSpec, safe_name

__all__ = ["EpisodeOutcome", "EpisodeRunner", "PolicyConfig", "StepLog", "run_episode",
           "STEPS_DIR"]

STEPS_DIR = "steps"


@dataclass
class EpisodeOutcome:
    """A finished episode: its `episodes.jsonl` record and its compressed step log."""

    record: dict[str, Any]
    steps_gz: bytes

    @property
    def episode_id(self) -> str:
        episode_id: str = self.record["id"]
        return episode_id


@dataclass
class StepLog:
    """Per-step observations; a page is stored only when it differs from the previous one."""

    lines: list[str] = field(default_factory=list)
    _last_page: str | None = None

    def add(self, step: int, observation: dict[str, str], action: str | None = None,
            reward: float | None = None) -> None:
        entry: dict[str, Any] = {"step": step}
        if action is not None:
            entry["action"], entry["reward"] = action, reward
        entry["url"] = observation["url"]
        entry["last_action_error"] = observation["last_action_error"]
        if observation["page"] != self._last_page:
            entry["page"] = self._last_page = observation["page"]
        self.lines.append(json.dumps(entry, ensure_ascii=False))

    def compress(self) -> bytes:
        """gzip with mtime 0, so the same steps give the same bytes."""
        text = "".join(line + "\n" for line in self.lines)
        return gzip.compress(text.encode("utf-8"), mtime=0)


class EpisodeRunner:
    """Runs episodes for one worker: one env per env id, one policy, reused across episodes."""

    def __init__(self, policy: PolicyConfig, max_steps: int):
        import webtwin.envs  # noqa: F401  (registers the ids in this process)

        self.policy_config, self.max_steps = policy, max_steps
        self.policy: Policy = load_policy(policy)
        self._envs: dict[str, gym.Env[Any, Any]] = {}

    def env(self, env_id: str) -> gym.Env[Any, Any]:
        if env_id not in self._envs:
            self._envs[env_id] = gym.make(env_id, max_episode_steps=self.max_steps)
        return self._envs[env_id]

    def run(self, spec: EpisodeSpec) -> EpisodeOutcome:
        return run_episode(self.env(spec.env_id), self.policy, spec)

    def close(self) -> None:
        for env in self._envs.values():
            env.close()
        self._envs.clear()
        close = getattr(self.policy, "close", None)
        if close is not None:
            close()


def run_episode(env: gym.Env[Any, Any], policy: Policy, spec: EpisodeSpec) -> EpisodeOutcome:
    """Reset `env` to the spec's world and task, let `policy` act until the episode ends."""
    clock = _Clock()
    options = {"task": spec.task} if spec.task else None
    with clock.measure("reset"):
        observation, info = env.reset(seed=spec.seed, options=options)
        policy.begin(env, spec.seed)
    record = _start_record(spec, observation, info)
    log = StepLog()
    log.add(0, observation)
    terminated = truncated = False
    while not (terminated or truncated):
        with clock.measure("policy"):
            action = policy.act(observation, info)
        with clock.measure("env"):
            observation, reward, terminated, truncated, info = env.step(action)
        _append_step(record, action, float(reward), observation["last_action_error"])
        log.add(record["steps"], observation, action, float(reward))
    _finish_record(record, policy, info, terminated, truncated)
    record["durations"] = clock.totals()
    return EpisodeOutcome(record, log.compress())


def _start_record(spec: EpisodeSpec, observation: dict[str, str], info: dict[str, Any]
                  ) -> dict[str, Any]:
    return {"id": spec.episode_id, "index": spec.index, "env_id": spec.env_id,
            "seed": spec.seed, "task": spec.task, "task_id": info["task_id"],
            "instance": spec.instance_key, "repeat": spec.repeat,
            "instruction": observation["goal"], "actions": [], "rewards": [], "errors": [],
            "steps": 0, "steps_file": f"{STEPS_DIR}/{safe_name(spec.episode_id)}.jsonl.gz"}


def _append_step(record: dict[str, Any], action: str, reward: float, error: str) -> None:
    record["actions"].append(action)
    record["rewards"].append(reward)
    record["errors"].append(error)
    record["steps"] += 1


def _finish_record(record: dict[str, Any], policy: Policy, info: dict[str, Any],
                   terminated: bool, truncated: bool) -> None:
    record["reward"] = record["rewards"][-1] if record["rewards"] else 0.0
    record["success"] = record["reward"] >= 1.0
    record["terminated"], record["truncated"] = bool(terminated), bool(truncated)
    record["verdict"] = info.get("verdict", {})
    report = getattr(policy, "report", None)
    record["policy"] = report() if report is not None else {}


class _Clock:
    """Wall-clock seconds per phase, for reporting only (never in compared results)."""

    def __init__(self) -> None:
        self._started = time.perf_counter()  # allow-nondeterminism: reported duration
        self._totals: dict[str, float] = {"reset": 0.0, "policy": 0.0, "env": 0.0}

    def measure(self, phase: str) -> _Phase:
        return _Phase(self._totals, phase)

    def totals(self) -> dict[str, float]:
        total = time.perf_counter() - self._started  # allow-nondeterminism: reported duration
        return {**{k: round(v, 6) for k, v in self._totals.items()}, "total": round(total, 6)}


class _Phase:
    def __init__(self, totals: dict[str, float], phase: str):
        self._totals, self._phase, self._start = totals, phase, 0.0

    def __enter__(self) -> None:
        self._start = time.perf_counter()  # allow-nondeterminism: reported duration

    def __exit__(self, *exc: object) -> None:
        elapsed = time.perf_counter() - self._start  # allow-nondeterminism: reported duration
        self._totals[self._phase] += elapsed
