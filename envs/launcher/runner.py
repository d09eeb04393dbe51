"""One episode from reset to verdict: the unit every backend runs (processes, Ray actors).

`EpisodeRunner` keeps its envs and policies for the life of its worker (no relaunch per
reset) and turns an `EpisodeSpec` into an `EpisodeOutcome`: a JSON-ready record for
`episodes.jsonl`, the episode's step log (`launcher.steplog`: gzip-compressed JSON lines, a
field written only when it changed since the step before) and, for browser envs, each step's
screenshot as the PNG file Chromium encoded. A runner has `contexts` lanes (an env per env
id and a policy each), so up to that many episodes run at once from as many threads: browser
envs are then contexts of one Chromium, stepped concurrently. Everything in an outcome is a
deterministic function of the spec and the policy, except `record["durations"]` (wall-clock
seconds, reported and never compared).
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import gymnasium as gym

from ..heap import settle_heap
from ..policies import Policy, PolicyConfig, load_policy
from .plan import EpisodeSpec, safe_name
from .steplog import StepLog, compress

__all__ = ["EpisodeOutcome", "EpisodeRunner", "PolicyConfig", "Screenshots", "StepLog",
           "run_episode", "STEPS_DIR"]

STEPS_DIR = "steps"


@dataclass
class EpisodeOutcome:
    """A finished episode: its `episodes.jsonl` record, its step log and, for browser envs,
    its screenshots (PNG bytes by file name, in the folder `images_dir`).

    The step log is compressed when `steps_gz` is first read: in the process that ran the
    episode, by the commit thread, so zlib (which releases the GIL) runs beside the next
    episode rather than in its way; an outcome sent to another process is compressed on the
    way, by the worker that ran it, and arrives without its `steps_text`."""

    record: dict[str, Any]
    steps_text: bytes
    images: dict[str, bytes] = field(default_factory=dict)
    images_dir: str | None = None
    _steps_gz: bytes | None = field(default=None, repr=False, compare=False)

    @property
    def episode_id(self) -> str:
        episode_id: str = self.record["id"]
        return episode_id

    @property
    def steps_gz(self) -> bytes:
        """The step log as stored (`steplog.compress`)."""
        if self._steps_gz is None:
            self._steps_gz = compress(self.steps_text)
        return self._steps_gz

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "steps_text": b"", "_steps_gz": self.steps_gz}


@dataclass
class Screenshots:
    """An episode's screenshots as Chromium encoded them, one PNG file per step in `folder`
    (relative to the run directory); a step that shows the same image as the step before
    refers to that step's file rather than storing a copy."""

    folder: str
    source: Callable[[], bytes]
    files: dict[str, bytes] = field(default_factory=dict)
    _last: tuple[bytes, str] | None = None

    def take(self, step: int) -> str:
        """Keep the env's current screenshot as step `step`'s; returns the path to log."""
        png = self.source()
        if self._last is not None and self._last[0] == png:
            return self._last[1]
        name = f"{step:04d}.png"
        self.files[name] = png
        self._last = (png, f"{self.folder}/{name}")
        return self._last[1]


class EpisodeRunner:
    """Runs episodes for one worker: `contexts` lanes, each with one env per env id and its
    own policy, reused across episodes. `run` may be called from up to `contexts` threads at
    once; each call takes a free lane, so a policy only ever sees its own env."""

    def __init__(self, policy: PolicyConfig, max_steps: int, contexts: int = 1):
        import webtwin.envs  # noqa: F401  (registers the ids in this process)

        if contexts < 1:
            raise ValueError(f"contexts must be at least 1, got {contexts}")
        self.policy_config, self.max_steps, self.contexts = policy, max_steps, contexts
        self._lanes = [_Lane(load_policy(policy)) for _ in range(contexts)]
        self._free: queue.SimpleQueue[_Lane] = queue.SimpleQueue()
        for lane in self._lanes:
            self._free.put(lane)
        self._making = threading.Lock()  # envs are made one at a time (first use only)

    def run(self, spec: EpisodeSpec) -> EpisodeOutcome:
        lane = self._free.get()
        try:
            outcome = run_episode(self._env(lane, spec.env_id), lane.policy, spec)
        finally:
            self._free.put(lane)
        settle_heap()  # after the first episode the worker's long-lived caches exist
        return outcome

    def close(self) -> None:
        for lane in self._lanes:
            lane.close()

    def _env(self, lane: _Lane, env_id: str) -> gym.Env[Any, Any]:
        if env_id not in lane.envs:
            with self._making:
                lane.envs[env_id] = gym.make(env_id, max_episode_steps=self.max_steps)
        return lane.envs[env_id]


@dataclass
class _Lane:
    """What one concurrent episode owns: a policy and one env per env id."""

    policy: Policy
    envs: dict[str, gym.Env[Any, Any]] = field(default_factory=dict)

    def close(self) -> None:
        for env in self.envs.values():
            env.close()
        self.envs.clear()
        close = getattr(self.policy, "close", None)
        if close is not None:
            close()


def run_episode(env: gym.Env[Any, Any], policy: Policy, spec: EpisodeSpec) -> EpisodeOutcome:
    """Reset `env` to the spec's world and task, let `policy` act until the episode ends.

    The loop runs once per env step and text-mode steps are cheap (~0.1 ms), so it keeps its
    bookkeeping in locals: the record's lists, the step log's `add` and the phase times."""
    started = time.perf_counter()  # allow-nondeterminism: reported durations only
    options = {"task": spec.task} if spec.task else None
    observation, info = env.reset(seed=spec.seed, options=options)
    policy.begin(env, spec.seed)
    reset = time.perf_counter()  # allow-nondeterminism: reported durations only
    record = _start_record(spec, observation, info)
    actions, rewards, errors = record["actions"], record["rewards"], record["errors"]
    shots = _screenshots(env, spec)
    log = StepLog(spec.episode_id)
    log.add(0, observation, screenshot=shots.take(0) if shots else None)
    act, step, add = policy.act, env.step, log.add
    clock = time.perf_counter  # allow-nondeterminism: reported durations only
    acting = stepping = 0.0
    terminated = truncated = False
    while not (terminated or truncated):
        before = clock()  # allow-nondeterminism: reported durations only
        action = act(observation, info)
        acted = clock()  # allow-nondeterminism: reported durations only
        observation, reward, terminated, truncated, info = step(action)
        stepped = clock()  # allow-nondeterminism: reported durations only
        acting, stepping = acting + acted - before, stepping + stepped - acted
        reward = float(reward)
        actions.append(action)
        rewards.append(reward)
        errors.append(observation["last_action_error"])
        add(len(actions), observation, action, reward, shots.take(len(actions)) if shots else None)
    record["steps"] = len(actions)
    _finish_record(record, policy, info, terminated, truncated)
    record["durations"] = _durations(started, reset, acting, stepping)
    if shots is None:
        return EpisodeOutcome(record, log.text())
    return EpisodeOutcome(record, log.text(), shots.files, shots.folder)


def _screenshots(env: gym.Env[Any, Any], spec: EpisodeSpec) -> Screenshots | None:
    """Where the episode's screenshots go, if the env has any (browser mode: its
    `screenshot_png()` gives the PNG bytes Chromium produced)."""
    source: Callable[[], bytes] | None = getattr(env.unwrapped, "screenshot_png", None)
    if source is None:
        return None
    return Screenshots(f"{STEPS_DIR}/{safe_name(spec.episode_id)}", source)


def _start_record(spec: EpisodeSpec, observation: dict[str, str], info: dict[str, Any]
                  ) -> dict[str, Any]:
    return {"id": spec.episode_id, "index": spec.index, "env_id": spec.env_id,
            "seed": spec.seed, "task": spec.task, "task_id": info["task_id"],
            "instance": spec.instance_key, "repeat": spec.repeat,
            "instruction": observation["goal"], "actions": [], "rewards": [], "errors": [],
            "steps": 0}


def _finish_record(record: dict[str, Any], policy: Policy, info: dict[str, Any],
                   terminated: bool, truncated: bool) -> None:
    record["reward"] = record["rewards"][-1] if record["rewards"] else 0.0
    record["success"] = record["reward"] >= 1.0
    record["terminated"], record["truncated"] = bool(terminated), bool(truncated)
    record["verdict"] = info.get("verdict", {})
    report = getattr(policy, "report", None)
    record["policy"] = report() if report is not None else {}


def _durations(started: float, reset: float, acting: float, stepping: float
               ) -> dict[str, float]:
    """Wall-clock seconds per phase, for reporting only (never in compared results)."""
    total = time.perf_counter() - started  # allow-nondeterminism: reported duration
    return {"reset": round(reset - started, 6), "policy": round(acting, 6),
            "env": round(stepping, 6), "total": round(total, 6)}
