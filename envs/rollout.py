"""Run many episodes with a policy, crash-safely, and summarise them (`webtwin rollout`).

```python
from webtwin.envs.rollout import PolicyConfig, RolloutConfig, run_rollout

config = RolloutConfig(["webtwin/mail-text-v0"], 40, PolicyConfig("oracle"), k=2)
result = run_rollout(config, Path("runs/x"))
print(result.summary["all"]["success"])
```

The parts live in `webtwin.envs.launcher`: the plan (episodes → world seed and task), the
episode runner, the output store, the summary and the backends. See `launcher.store` for
the output format.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TextIO

from .launcher.backends import Backend, make_backend
from .launcher.errors import RolloutError
from .launcher.plan import EpisodeSpec, plan_episodes
from .launcher.progress import Progress
from .launcher.runner import EpisodeOutcome
from .launcher.store import CommitQueue, RunStore
from .launcher.summary import format_table, summarise
from .policies import PolicyConfig, load_policy

BROWSER_ENTRY_POINT = "webtwin.envs.browser_env:WebtwinBrowserEnv"

__all__ = ["EpisodeSpec", "PolicyConfig", "RolloutConfig", "RolloutError", "RolloutResult",
           "format_table", "plan_episodes", "run_rollout", "summarise"]


@dataclass(frozen=True)
class RolloutConfig:
    """What to run: the episodes (envs, count, seeds, task, repeats), the policy, the budget."""

    env_ids: Sequence[str]
    episodes: int
    policy: PolicyConfig = field(default_factory=lambda: PolicyConfig("oracle"))
    seed: int = 0
    split: str = "train"
    task: str | None = None
    k: int = 1
    max_steps: int = 50
    num_envs: int = 2
    backend: str = "local"
    address: str | None = None
    contexts: int = 1

    def plan(self) -> list[EpisodeSpec]:
        return plan_episodes(self.env_ids, self.episodes, self.seed, self.split, self.task,
                             self.k)

    def params(self) -> dict[str, Any]:
        """The parameters recorded in `run.json` (and compared on `--resume`)."""
        return {"envs": list(self.env_ids), "episodes": self.episodes, "seed": self.seed,
                "split": self.split, "task": self.task, "k": self.k,
                "max_steps": self.max_steps, "num_envs": self.num_envs,
                "backend": self.backend, "address": self.address, "contexts": self.contexts,
                **{key: value for key, value in asdict(self.policy).items()
                   if key != "spec"}, "policy": self.policy.spec}


@dataclass
class RolloutResult:
    """The run's records (all planned episodes that are finished), summary and throughput."""

    records: list[dict[str, Any]]
    summary: dict[str, Any]
    ran: int
    skipped: int
    steps: int
    seconds: float


def run_rollout(config: RolloutConfig, out: Path, resume: bool = False,
                overwrite: bool = False, progress: TextIO | None = None) -> RolloutResult:
    """Run the planned episodes not yet in `out`; write records, steps and `summary.json`."""
    specs = _prepare(config)
    backend = make_backend(config.policy, config.max_steps, config.num_envs, config.backend,
                           config.address, config.contexts)
    store = RunStore(out, config.params(), resume=resume, overwrite=overwrite)
    try:
        todo = [spec for spec in specs if spec.episode_id not in store.finished]
        done = store.records(spec.episode_id for spec in specs)
        bar = Progress(len(specs), len(done), sum(bool(r["success"]) for r in done), progress)
        started = time.perf_counter()  # allow-nondeterminism: throughput, reported only
        steps = _drive(backend, todo, store, bar)
        seconds = time.perf_counter() - started  # allow-nondeterminism: reported only
        records = store.records(spec.episode_id for spec in specs)
        summary = {"policy": config.policy.spec, **summarise(records, config.k)}
        store.write_summary(summary)
    finally:
        store.close()
    return RolloutResult(records, summary, len(todo), len(specs) - len(todo), steps, seconds)


def _drive(backend: Backend, todo: list[EpisodeSpec], store: RunStore,
           bar: Progress) -> int:
    """Run `todo` on the backend, committing each episode as it finishes (on the commit
    thread, while the next ones run)."""
    steps = 0
    commits = CommitQueue(store)
    try:
        for outcome in backend.run(todo):
            commits.put(outcome)
            steps += _count(outcome, bar)
    finally:
        try:
            commits.close()
        finally:
            bar.close()
    return steps


def _count(outcome: EpisodeOutcome, bar: Progress) -> int:
    steps: int = outcome.record["steps"]
    bar.update(bool(outcome.record["success"]), steps)
    return steps


def _prepare(config: RolloutConfig) -> list[EpisodeSpec]:
    """The plan, after checking the arguments and the policy (a clear error here rather than
    a broken worker pool later)."""
    if config.num_envs < 1 or config.max_steps < 1 or config.contexts < 1:
        raise RolloutError("--num-envs, --contexts and --max-steps must be at least 1")
    if config.contexts > 1:
        _check_concurrent(config.env_ids)
    try:
        specs = config.plan()
        built = load_policy(config.policy)
    except (ValueError, TypeError) as error:
        raise RolloutError(str(error)) from error
    close = getattr(built, "close", None)
    if close is not None:
        close()
    return specs


def _check_concurrent(env_ids: Sequence[str]) -> None:
    """Concurrent episodes in one worker are for browser envs: they share the worker's
    Chromium and reach their worlds on its event loop; text envs would only contend for the
    interpreter (use more --num-envs for them)."""
    import gymnasium as gym

    import webtwin.envs  # noqa: F401  (registers the ids)

    for env_id in env_ids:
        try:
            entry = gym.spec(env_id).entry_point
        except gym.error.Error as error:
            raise RolloutError(str(error)) from error
        if entry != BROWSER_ENTRY_POINT:
            raise RolloutError(f"--contexts > 1 needs browser env ids (webtwin/<site>-"
                               f"browser-v0), not {env_id!r}; use --num-envs for text envs")
