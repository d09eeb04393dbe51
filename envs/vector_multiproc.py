"""The text-mode vector env sharded over worker processes, for more cores than one.

Each worker process owns a contiguous shard of the worlds as a `WorldBatch` on its own
in-process app. The parent sends every worker its command, then collects the answers, so the
shards step in parallel; results are batched exactly as in `WebtwinTextVectorEnv`.
"""

from __future__ import annotations

import multiprocessing as mp
import traceback
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from gymnasium.vector import AutoresetMode

from .heap import collector_paused, settle_heap
from .text_env import DEFAULT_MAX_STEPS, DEFAULT_STEP_SECONDS
from .vector import TextVectorEnvBase, batch_config
from .vector_worlds import BatchConfig, ResetResult, StepResult, WorldBatch

__all__ = ["WebtwinTextMultiprocVectorEnv", "WorkerError"]

JOIN_TIMEOUT_S = 10.0


class WorkerError(RuntimeError):
    """A worker process failed or died; the message carries its traceback."""


def shard_bounds(num_envs: int, num_workers: int) -> list[tuple[int, int]]:
    """Contiguous [start, stop) shards, sizes differing by at most one."""
    base, extra = divmod(num_envs, num_workers)
    bounds, start = [], 0
    for w in range(num_workers):
        stop = start + base + (1 if w < extra else 0)
        bounds.append((start, stop))
        start = stop
    return bounds


def _run_command(batch: WorldBatch, command: str, payload: Any) -> Any:
    if command == "reset":
        return batch.reset(*payload)
    if command == "step":
        with collector_paused():  # a worker is ours: its shard's steps run as one batch
            return batch.step(payload)
    if command == "call":
        name, args, kwargs = payload
        return batch.call(name, *args, **kwargs)
    if command == "set_attr":
        return batch.set_attr(*payload)
    raise ValueError(f"unknown worker command {command!r}")


def _worker(conn: Connection, num_envs: int, config: BatchConfig) -> None:
    """Serve one shard until the parent says "close" or goes away."""
    batch: WorldBatch | None = None
    try:
        batch = WorldBatch(num_envs, config)
        conn.send(("ok", None))
        while True:
            command, payload = conn.recv()
            if command == "close":
                conn.send(("ok", None))
                return
            try:
                conn.send(("ok", _run_command(batch, command, payload)))
                if command == "reset":
                    settle_heap()  # the worker's caches and world templates now exist
            except Exception as error:  # the parent re-raises it; the worker stays usable
                conn.send(("error", f"{type(error).__name__}: {error}\n{traceback.format_exc()}"))
    except EOFError:
        return  # the parent closed its end or died: nothing left to serve
    except Exception as error:  # construction failed: report it instead of dying silently
        conn.send(("error", f"{type(error).__name__}: {error}\n{traceback.format_exc()}"))
    finally:
        if batch is not None:
            batch.close()
        conn.close()


class WebtwinTextMultiprocVectorEnv(TextVectorEnvBase):
    """`WebtwinTextVectorEnv` with its worlds sharded over `num_workers` processes.

    ## Description
    Same API, spaces, autoreset semantics and results as `WebtwinTextVectorEnv` (same seeds
    and actions give the same outputs); world `i` lives in the worker whose contiguous shard
    holds `i`. Workers start with `start_method` ("spawn" by default, or "forkserver"; not
    "fork", which would copy the parent's app and event loop) and talk over pipes.

    ## Parameters
    - `num_envs`, `site_set`, `task`, `max_episode_steps`, `step_seconds`, `autoreset_mode`,
      `render_mode`: as for `WebtwinTextVectorEnv`.
    - `num_workers`: worker processes (at most `num_envs`); one per core is the usual choice.
    - `start_method`: "spawn" or "forkserver".

    ## Autoreset
    As `WebtwinTextVectorEnv`: NEXT_STEP (default), SAME_STEP or DISABLED.

    ## Registered ids
    `gym.make_vec("webtwin/<site_set>-text-vec-v0", num_envs=N, num_workers=W)`.
    """

    def __init__(self, num_envs: int = 1, site_set: str = "mail", task: str | None = None,
                 max_episode_steps: int = DEFAULT_MAX_STEPS,
                 step_seconds: int = DEFAULT_STEP_SECONDS,
                 autoreset_mode: str | AutoresetMode = AutoresetMode.NEXT_STEP,
                 render_mode: str | None = None, num_workers: int = 2,
                 start_method: str = "spawn"):
        if not 1 <= num_workers <= num_envs:
            raise ValueError(f"num_workers must be in 1..num_envs={num_envs}, got {num_workers}")
        if start_method not in ("spawn", "forkserver"):
            raise ValueError(f"start_method must be 'spawn' or 'forkserver', got {start_method!r}")
        config = batch_config(site_set, task, max_episode_steps, step_seconds, autoreset_mode,
                              render_mode)
        super().__init__(num_envs, config)
        self.bounds = shard_bounds(num_envs, num_workers)
        self._conns: list[Connection] = []
        self._processes: list[BaseProcess] = []
        self._start_workers(mp.get_context(start_method), config)

    @property
    def worker_pids(self) -> list[int]:
        """Process ids of the workers (for memory accounting)."""
        return [p.pid for p in self._processes if p.pid is not None]

    def close_extras(self, **kwargs: Any) -> None:
        """Ask every worker to stop, then join it (terminating one that hangs)."""
        for conn in self._conns:
            try:
                conn.send(("close", None))
            except (BrokenPipeError, OSError):
                pass  # that worker is already gone; joining below reaps it
        for conn, process in zip(self._conns, self._processes, strict=True):
            if conn.poll(JOIN_TIMEOUT_S):
                try:
                    conn.recv()
                except (EOFError, OSError):
                    pass  # exited (or died) without acknowledging; still joined below
            process.join(JOIN_TIMEOUT_S)
            if process.is_alive():
                process.terminate()
                process.join()
            conn.close()
        self._conns, self._processes = [], []

    # -- the batch, across workers --------------------------------------------------------
    def _reset_batch(self, seeds: list[int | None], options: dict[str, Any] | None,
                     mask: list[bool] | None) -> ResetResult:
        payloads = [(seeds[a:b], options, None if mask is None else mask[a:b])
                    for a, b in self.bounds]
        return ResetResult.concat(self._broadcast("reset", payloads))

    def _step_batch(self, actions: list[str]) -> StepResult:
        return StepResult.concat(self._broadcast("step", [actions[a:b] for a, b in self.bounds]))

    def _call_batch(self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]
                    ) -> list[Any]:
        parts = self._broadcast("call", [(name, args, kwargs)] * len(self.bounds))
        return [value for part in parts for value in part]

    def _set_attr_batch(self, name: str, values: list[Any]) -> None:
        self._broadcast("set_attr", [(name, values[a:b]) for a, b in self.bounds])

    def _broadcast(self, command: str, payloads: list[Any]) -> list[Any]:
        """Send each worker its payload first, then gather: the shards run concurrently."""
        if self.closed or not self._conns:
            raise WorkerError("the vector env is closed")
        for conn, payload in zip(self._conns, payloads, strict=True):
            conn.send((command, payload))
        return self._gather()

    def _gather(self) -> list[Any]:
        answers = []
        for w, conn in enumerate(self._conns):
            try:
                answers.append(conn.recv())
            except EOFError as error:
                raise WorkerError(f"worker {w} (pid {self._processes[w].pid}) died") from error
        for w, (status, value) in enumerate(answers):
            if status != "ok":
                raise WorkerError(f"worker {w} failed:\n{value}")
        return [value for _, value in answers]

    def _start_workers(self, context: Any, config: BatchConfig) -> None:
        for a, b in self.bounds:
            parent_end, child_end = context.Pipe()
            process = context.Process(target=_worker, args=(child_end, b - a, config),
                                      name=f"webtwin-vector-{a}-{b}", daemon=True)
            process.start()
            child_end.close()  # only the worker holds it, so its exit gives us EOF
            self._conns.append(parent_end)
            self._processes.append(process)
        try:
            self._gather()  # each worker answers once its worlds are built
        except WorkerError:
            self.close()
            raise
