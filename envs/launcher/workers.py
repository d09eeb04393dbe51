"""Worker processes for the local backend: each runs `contexts` episodes at once.

A worker is a spawned process with one `EpisodeRunner` of `contexts` lanes and as many
threads; the launcher sends it episode specs over a pipe and keeps at most `2 * contexts` in
flight per worker (so a crash loses at most those), and the worker sends each outcome back as
soon as it is finished. With browser envs the lanes are contexts of the worker's one Chromium.
A worker whose process dies fails the run with a `RolloutError` (finished episodes are saved;
`--resume` continues); an exception in an episode is raised again in the launcher.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
import traceback
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any

from ..policies import PolicyConfig
from .errors import RolloutError
from .plan import EpisodeSpec
from .runner import EpisodeOutcome, EpisodeRunner

__all__ = ["ProcessPoolBackend", "RemoteTraceback"]

STOP_SECONDS = 60.0  # how long a worker may take to close its envs after the last episode


class RemoteTraceback(Exception):
    """The traceback of an exception raised in a worker process (its `__cause__`)."""

    def __str__(self) -> str:
        return f"\n\"\"\"\n{self.args[0]}\"\"\""


class ProcessPoolBackend:
    """Runs the episodes over `workers` spawned processes, `contexts` at once in each."""

    def __init__(self, policy: PolicyConfig, max_steps: int, workers: int, contexts: int = 1):
        self.policy, self.max_steps = policy, max_steps
        self.workers, self.contexts = workers, contexts

    def run(self, specs: Sequence[EpisodeSpec]) -> Iterator[EpisodeOutcome]:
        if not specs:
            return
        context = multiprocessing.get_context("spawn")
        workers: list[_Worker] = []
        finished = False
        try:
            for _ in range(min(self.workers, len(specs))):
                workers.append(_Worker(context, self.policy, self.max_steps, self.contexts))
            yield from _drive(workers, list(reversed(specs)), 2 * self.contexts)
            finished = True
        finally:
            for worker in workers:
                worker.stop(graceful=finished)


def _drive(workers: list[_Worker], pending: list[EpisodeSpec], limit: int
           ) -> Iterator[EpisodeOutcome]:
    """Feed each worker up to `limit` specs; yield outcomes as they arrive."""
    while pending or any(worker.in_flight for worker in workers):
        for worker in workers:
            while pending and len(worker.in_flight) < limit:
                worker.send(pending.pop())
        ready = set(wait([w.connection for w in workers] + [w.process.sentinel for w in workers]))
        for worker in workers:
            if worker.connection in ready or worker.process.sentinel in ready:
                yield from worker.receive()


class _Worker:
    """The launcher's side of one worker process."""

    def __init__(self, context: Any, policy: PolicyConfig, max_steps: int, contexts: int):
        self.connection, theirs = context.Pipe(duplex=True)
        self.process: BaseProcess = context.Process(
            target=_worker_main, args=(theirs, policy, max_steps, contexts, os.getpid()),
            daemon=True, name="webtwin-rollout-worker")
        self.process.start()
        theirs.close()
        self.in_flight: dict[int, EpisodeSpec] = {}

    def send(self, spec: EpisodeSpec) -> None:
        self.in_flight[spec.index] = spec
        try:
            self.connection.send(spec)
        except OSError as error:
            raise self._died() from error

    def receive(self) -> Iterator[EpisodeOutcome]:
        """The outcomes the worker has sent; raises if an episode failed or the worker died."""
        try:
            while self.connection.poll():
                kind, index, payload = self.connection.recv()
                self.in_flight.pop(index, None)
                if kind == "error":
                    error, text = payload
                    raise error from RemoteTraceback(text)
                yield payload
        except (EOFError, ConnectionError):
            pass  # the process is gone: said below
        if not self.process.is_alive():  # workers end only when told to, after the run
            raise self._died()

    def _died(self) -> RolloutError:
        self.process.join()
        return RolloutError(
            f"a rollout worker process died (exit code {self.process.exitcode}) with "
            f"{len(self.in_flight)} episodes in flight; the finished ones are saved: rerun "
            "the same command with --resume to continue")

    def stop(self, graceful: bool) -> None:
        """Graceful: let the worker close its envs and exit; else end it at once."""
        try:
            if graceful:
                self.connection.send(None)
        except (OSError, ValueError):
            pass  # already gone
        self.process.join(STOP_SECONDS if graceful else 0.0)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(5.0)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.connection.close()


def _worker_main(connection: Connection, policy: PolicyConfig, max_steps: int, contexts: int,
                 parent: int) -> None:
    """A worker process: run each spec it is sent on a free lane, send back the outcome."""
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()
    sending = threading.Lock()
    try:
        runner = EpisodeRunner(policy, max_steps, contexts)
    except BaseException as error:  # noqa: BLE001  (reported to the launcher, which raises it)
        _send(connection, sending, ("error", -1, _portable(error)))
        return
    try:
        with ThreadPoolExecutor(contexts, thread_name_prefix="webtwin-episode") as lanes:
            while (spec := _next_spec(connection)) is not None:
                lanes.submit(_run_and_send, runner, spec, connection, sending)
    finally:
        runner.close()


def _next_spec(connection: Connection) -> EpisodeSpec | None:
    try:
        spec: EpisodeSpec | None = connection.recv()
    except (EOFError, OSError):  # the launcher is gone
        return None
    return spec


def _run_and_send(runner: EpisodeRunner, spec: EpisodeSpec, connection: Connection,
                  sending: threading.Lock) -> None:
    try:
        message: tuple[str, int, Any] = ("done", spec.index, runner.run(spec))
    except BaseException as error:  # noqa: BLE001  (reported to the launcher, which raises it)
        message = ("error", spec.index, _portable(error))
    _send(connection, sending, message)


def _send(connection: Connection, sending: threading.Lock, message: tuple[str, int, Any]
          ) -> None:
    with sending:
        try:
            connection.send(message)
        except (OSError, EOFError):
            pass  # the launcher is gone; `_exit_with_parent` ends this process
        except Exception as error:  # noqa: BLE001  (an outcome that cannot be pickled)
            connection.send(("error", message[1], _portable(error)))


def _portable(error: BaseException) -> tuple[BaseException, str]:
    """The exception (or, if it cannot be pickled, a stand-in) and its traceback text."""
    import pickle

    text = "".join(traceback.format_exception(error))
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:  # noqa: BLE001  (any pickling failure: send a stand-in)
        return RuntimeError(f"{type(error).__name__}: {error}"), text
    return error, text


def _exit_with_parent(parent: int) -> None:
    """A killed launcher must not leave workers behind (they would wait forever)."""
    while os.getppid() == parent:
        time.sleep(1.0)  # a liveness poll, not a wait for a result
    os._exit(1)
