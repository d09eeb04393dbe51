"""Where episodes run. A backend turns specs into outcomes, in any order, as they finish.

- `InProcessBackend`: one runner in this process (`--num-envs 1`; also the cheapest start).
- `ProcessPoolBackend` (`launcher.workers`): `workers` spawned processes, each with its own
  runner (envs and policies kept for the whole run).
- `RayBackend` (`launcher.ray_backend`, `--backend ray`): Ray actors that each own an
  `EpisodeRunner`, on a cluster or a local Ray; `ray` is imported only for it.

Every backend runs `contexts` episodes at once per worker (`--contexts`): one thread per
lane of the worker's runner; with browser envs, contexts of the worker's one Chromium. At
most `2 * contexts` episodes are in flight per worker, so a crash loses at most those.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Protocol

from ..policies import PolicyConfig
from .errors import RolloutError
from .plan import EpisodeSpec
from .runner import EpisodeOutcome, EpisodeRunner
from .workers import ProcessPoolBackend

__all__ = ["BACKENDS", "Backend", "InProcessBackend", "ProcessPoolBackend", "make_backend"]


class Backend(Protocol):
    def run(self, specs: Sequence[EpisodeSpec]) -> Iterator[EpisodeOutcome]:
        """Run every spec once; yield each outcome as soon as it is finished."""


class InProcessBackend:
    """Runs the episodes in this process: one after another, or `contexts` at once."""

    def __init__(self, policy: PolicyConfig, max_steps: int, contexts: int = 1):
        self.policy, self.max_steps, self.contexts = policy, max_steps, contexts

    def run(self, specs: Sequence[EpisodeSpec]) -> Iterator[EpisodeOutcome]:
        runner = EpisodeRunner(self.policy, self.max_steps, self.contexts)
        try:
            if self.contexts == 1:  # no threads: the cheapest path
                for spec in specs:
                    yield runner.run(spec)
            else:
                yield from _threaded(runner, specs)
        finally:
            runner.close()


def _threaded(runner: EpisodeRunner, specs: Sequence[EpisodeSpec]) -> Iterator[EpisodeOutcome]:
    """`runner.contexts` episodes at once on as many threads, `2 * contexts` in flight."""
    pending = list(reversed(specs))
    with ThreadPoolExecutor(runner.contexts, thread_name_prefix="webtwin-episode") as pool:
        running: set[Future[EpisodeOutcome]] = set()
        try:
            while pending or running:
                while pending and len(running) < 2 * runner.contexts:
                    running.add(pool.submit(runner.run, pending.pop()))
                finished, running = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    yield future.result()
        finally:
            for future in running:
                future.cancel()


BACKENDS = ("local", "ray")


def make_backend(policy: PolicyConfig, max_steps: int, num_envs: int, backend: str = "local",
                 address: str | None = None, contexts: int = 1) -> Backend:
    """`local`: in this process for one env, else a pool of `num_envs` worker processes;
    `ray`: `num_envs` Ray actors, on the cluster at `address` (default: a local Ray); each
    worker runs `contexts` episodes at once."""
    if backend == "ray":
        try:
            from .ray_backend import RayBackend
        except ImportError as error:
            raise RolloutError("--backend ray needs Ray: pip install 'webtwin[ray]' (or "
                               f"'ray>=2.9') ({error})") from error
        return RayBackend(policy, max_steps, num_envs, address, contexts=contexts)
    if backend != "local":
        raise RolloutError(f"unknown backend {backend!r} (one of {', '.join(BACKENDS)})")
    if address is not None:
        raise RolloutError("--address needs --backend ray")
    if num_envs <= 1:
        return InProcessBackend(policy, max_steps, contexts)
    return ProcessPoolBackend(policy, max_steps, num_envs, contexts)
