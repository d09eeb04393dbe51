"""The Ray backend (`webtwin rollout --backend ray [--address ADDR]`).

Plain Ray actors (`RolloutWorker`), each owning an `EpisodeRunner` (its envs and policies for
the whole run; `contexts` episodes at once on as many actor threads), are fed episodes by the
driver, at most two per context in flight per actor; outcomes stream back as they finish
(`ray.wait`) and the driver writes them through the same store as every other backend, so
the output and resume are the same. A lost worker (its process died, its node went away)
fails its in-flight episodes with `RayActorError`: the driver starts a replacement actor and
resubmits them, at most `max_retries` times per episode.

This module imports `ray`; `backends.make_backend` imports it only for `--backend ray`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from typing import Any

import ray
from ray.exceptions import RayActorError

from ..policies import PolicyConfig
from .errors import RolloutError
from .plan import EpisodeSpec
from .runner import EpisodeOutcome, EpisodeRunner

__all__ = ["RayBackend", "RolloutWorker"]

IN_FLIGHT_PER_WORKER = 2


@ray.remote(num_cpus=1, max_restarts=0, max_task_retries=0)
class RolloutWorker:
    """One Ray worker: a runner (envs and policy) kept for the life of the actor."""

    def __init__(self, policy: PolicyConfig, max_steps: int, search_path: list[str],
                 contexts: int = 1):
        # The driver's import path (e.g. `./my_agent.py` for `--policy my_agent:act`), where
        # it exists on this node; appended, so it never shadows this node's packages.
        sys.path.extend(p for p in search_path if p not in sys.path and os.path.isdir(p))
        self._runner = EpisodeRunner(policy, max_steps, contexts)

    def run(self, spec: EpisodeSpec) -> EpisodeOutcome:
        return self._runner.run(spec)

    def close(self) -> None:
        self._runner.close()


class RayBackend:
    """Runs the episodes over `workers` Ray actors, on a cluster at `address` or locally."""

    def __init__(self, policy: PolicyConfig, max_steps: int, workers: int,
                 address: str | None = None, max_retries: int = 3, contexts: int = 1):
        self.policy, self.max_steps, self.workers = policy, max_steps, workers
        self.contexts = contexts
        self.address, self.max_retries = address, max_retries
        self.replacements = 0  # actors started to replace lost ones (for tests and logs)

    def run(self, specs: Sequence[EpisodeSpec]) -> Iterator[EpisodeOutcome]:
        started = self._init()
        try:
            yield from self._run(specs)
        finally:
            if started:
                ray.shutdown()

    def _init(self) -> bool:
        """Connect to (or start) Ray unless this process already did; True if we did."""
        if ray.is_initialized():
            return False
        try:
            if self.address:
                ray.init(address=self.address, log_to_driver=False)
            else:
                ray.init(num_cpus=self.workers, include_dashboard=False, log_to_driver=False)
        except (ConnectionError, RuntimeError, ValueError) as error:
            where = self.address or "a local Ray instance"
            raise RolloutError(f"cannot start Ray on {where}: {error}") from error
        return True

    def _run(self, specs: Sequence[EpisodeSpec]) -> Iterator[EpisodeOutcome]:
        pending = list(reversed(specs))
        tries: dict[str, int] = {}
        actors: list[Any] = []
        in_flight: dict[Any, tuple[Any, EpisodeSpec]] = {}  # ref -> (actor, spec)
        finished = False
        try:
            actors = [self._start() for _ in range(min(self.workers, len(specs)))]
            while pending or in_flight:
                self._feed(actors, pending, in_flight)
                done, _ = ray.wait(list(in_flight), num_returns=1)
                for ref in done:
                    actor, spec = in_flight.pop(ref)
                    try:
                        outcome: EpisodeOutcome = ray.get(ref)
                    except RayActorError as error:
                        self._retry(spec, tries, error)
                        pending.append(spec)
                        if actor in actors:  # the first of its lost episodes replaces it
                            actors[actors.index(actor)] = self._start()
                            self.replacements += 1
                            ray.kill(actor, no_restart=True)
                        continue
                    yield outcome
            finished = True
        finally:
            if finished:  # let each runner close its envs and policy
                ray.wait([actor.close.remote() for actor in actors],
                         num_returns=len(actors), timeout=30.0)
            for actor in actors:
                ray.kill(actor, no_restart=True)

    def _start(self) -> Any:
        # A threaded actor with one thread per lane of its runner (`--contexts`).
        options = RolloutWorker.options(max_concurrency=self.contexts)  # type: ignore[attr-defined]
        return options.remote(self.policy, self.max_steps, list(sys.path), self.contexts)

    def _feed(self, actors: list[Any], pending: list[EpisodeSpec],
              in_flight: dict[Any, tuple[Any, EpisodeSpec]]) -> None:
        """Give each actor episodes until it has `IN_FLIGHT_PER_WORKER` (least loaded first)."""
        load = {id(actor): 0 for actor in actors}
        for actor, _ in in_flight.values():
            if id(actor) in load:
                load[id(actor)] += 1
        while pending:
            actor = min(actors, key=lambda a: load[id(a)])
            if load[id(actor)] >= IN_FLIGHT_PER_WORKER * self.contexts:
                return
            spec = pending.pop()
            in_flight[actor.run.remote(spec)] = (actor, spec)
            load[id(actor)] += 1

    def _retry(self, spec: EpisodeSpec, tries: dict[str, int], error: Exception) -> None:
        tries[spec.episode_id] = tries.get(spec.episode_id, 0) + 1
        if tries[spec.episode_id] > self.max_retries:
            cause = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
            raise RolloutError(f"episode {spec.episode_id!r} lost its Ray worker "
                               f"{tries[spec.episode_id]} times; giving up ({cause})") from error
