"""Where episodes run. A backend turns specs into outcomes, in any order, as they finish.

- `InProcessBackend`: one runner in this process (`--num-envs 1`; also the cheapest start).
- `ProcessPoolBackend`: `workers` spawned processes, each with its own runner (envs and
  policy kept for the whole run); at most `2 * workers` episodes are in flight, so a crash
  loses at most those.
- `RayBackend` (`launcher.ray_backend`, `--backend ray`): Ray actors that each own an
  `EpisodeRunner`, on a cluster or a local Ray; `ray` is imported only for it.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Protocol

from ..policies import PolicyConfig
from .errors import RolloutError
from .plan import EpisodeSpec
from .runner import EpisodeOutcome, EpisodeRunner

__all__ = ["BACKENDS", "Backend", "InProcessBackend", "ProcessPoolBackend", "make_backend"]


class Backend(Protocol):
    def run(self, specs: Sequence[EpisodeSpec]) -> Iterator[EpisodeOutcome]:
        """Run every spec once; yield each outcome as soon as it is finished."""


class InProcessBackend:
    """Runs the episodes one after another in this process."""

    def __init__(self, policy: PolicyConfig, max_steps: int):
        self.policy, self.max_steps = policy, max_steps

    def run(self, specs: Sequence[EpisodeSpec]) -> Iterator[EpisodeOutcome]:
        runner = EpisodeRunner(self.policy, self.max_steps)
        try:
            for spec in specs:
                yield runner.run(spec)
        finally:
            runner.close()


class ProcessPoolBackend:
    """Runs the episodes over `workers` spawned processes."""

    def __init__(self, policy: PolicyConfig, max_steps: int, workers: int):
        self.policy, self.max_steps, self.workers = policy, max_steps, workers

    def run(self, specs: Sequence[EpisodeSpec]) -> Iterator[EpisodeOutcome]:
        context = multiprocessing.get_context("spawn")
        pending = list(reversed(specs))
        with ProcessPoolExecutor(self.workers, mp_context=context, initializer=_init_worker,
                                 initargs=(self.policy, self.max_steps, os.getpid())) as pool:
            running: set[Future[EpisodeOutcome]] = set()
            try:
                while pending or running:
                    while pending and len(running) < 2 * self.workers:
                        running.add(pool.submit(_run_one, pending.pop()))
                    finished, running = wait(running, return_when=FIRST_COMPLETED)
                    for future in finished:
                        yield future.result()
            finally:
                for future in running:
                    future.cancel()


BACKENDS = ("local", "ray")


def make_backend(policy: PolicyConfig, max_steps: int, num_envs: int, backend: str = "local",
                 address: str | None = None) -> Backend:
    """`local`: in this process for one env, else a pool of `num_envs` worker processes;
    `ray`: `num_envs` Ray actors, on the cluster at `address` (default: a local Ray)."""
    if backend == "ray":
        try:
            from .ray_backend import RayBackend
        except ImportError as error:
            raise RolloutError("--backend ray needs Ray: pip install 'webtwin[ray]' (or "
                               f"'ray>=2.9') ({error})") from error
        return RayBackend(policy, max_steps, num_envs, address)
    if backend != "local":
        raise RolloutError(f"unknown backend {backend!r} (one of {', '.join(BACKENDS)})")
    if address is not None:
        raise RolloutError("--address needs --backend ray")
    if num_envs <= 1:
        return InProcessBackend(policy, max_steps)
    return ProcessPoolBackend(policy, max_steps, num_envs)


_RUNNER: EpisodeRunner | None = None  # one per worker process, set by its initializer


def _init_worker(policy: PolicyConfig, max_steps: int, parent: int) -> None:
    global _RUNNER
    _RUNNER = EpisodeRunner(policy, max_steps)
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()


def _run_one(spec: EpisodeSpec) -> EpisodeOutcome:
    assert _RUNNER is not None, "the worker initializer has not run"
    return _RUNNER.run(spec)


def _exit_with_parent(parent: int) -> None:
    """A killed launcher must not leave workers behind (they would wait forever)."""
    while os.getppid() == parent:
        time.sleep(1.0)  # a liveness poll, not a wait for a result
    os._exit(1)
