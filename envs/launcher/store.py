"""The output directory of a rollout: crash-safe, resumable, one writer at a time.

Layout of `--out DIR`:
- `run.json`: the command's parameters that define the episodes (checked on `--resume`);
- `episodes.jsonl`: one JSON record per finished episode, appended, flushed and fsynced
  after its files — the commit point (`CommitQueue` commits on a thread of its own, the
  records that finished meanwhile with one fsync); a torn last line (a crash mid-write) is
  dropped on resume and its episode runs again;
- `steps/<episode>.jsonl.gz`: the episode's per-step observations, written (and fsynced)
  before its record, so a committed record always has its steps;
- `steps/<episode>/NNNN.png` (browser envs): the episode's screenshots, written to a
  temporary folder that is renamed into place before the steps file, so a committed record
  always has all of them (a crash leaves at most a folder of an uncommitted episode, which
  its rerun replaces);
- `summary.json`: the summary, rewritten at the end of every run;
- `.lock`: held (flock) while a run writes, so two runs never share a directory.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO, Any

from .errors import RolloutError
from .runner import STEPS_DIR, EpisodeOutcome

__all__ = ["CommitQueue", "RunStore", "RunStoreError", "read_episodes", "RESUME_IGNORED"]

EPISODES, RUN, SUMMARY, LOCK = "episodes.jsonl", "run.json", "summary.json", ".lock"
OURS = (EPISODES, RUN, SUMMARY, STEPS_DIR)
RESUME_IGNORED = frozenset({"episodes", "num_envs", "contexts", "backend", "address", "base_url",
                            "timeout", "retries"})
"""Parameters a resumed run may change: how many episodes and how (and where) they are run."""


class RunStoreError(RolloutError):
    """The output directory cannot be used as asked; the message says what to do."""


class RunStore:
    """Appends finished episodes to `DIR/episodes.jsonl`; knows which ones are done."""

    def __init__(self, out: Path, params: dict[str, Any], resume: bool = False,
                 overwrite: bool = False):
        self.out = out
        if out.exists() and not out.is_dir():
            raise RunStoreError(f"--out {out} is a file, not a directory")
        out.mkdir(parents=True, exist_ok=True)
        self._lock = _acquire_lock(out)
        try:
            _prepare(out, resume, overwrite)
            _check_params(out, params, resume)
            (out / STEPS_DIR).mkdir(exist_ok=True)
            self.finished: dict[str, dict[str, Any]] = read_episodes(out / EPISODES, True)
            self._log: IO[bytes] = (out / EPISODES).open("ab")
        except BaseException:
            self._lock.close()
            raise
        _fsync_dir(out)

    def commit(self, outcome: EpisodeOutcome) -> None:
        """Store a finished episode durably: screenshots, steps file, then its record line."""
        self.commit_many([outcome])

    def commit_many(self, outcomes: Sequence[EpisodeOutcome]) -> None:
        """Store finished episodes durably: each one's screenshots and steps file, then their
        record lines with one fsync (a group commit)."""
        lines = []
        for outcome in outcomes:
            if outcome.episode_id in self.finished:
                raise RunStoreError(f"episode {outcome.episode_id!r} is already in {EPISODES}")
            if outcome.images_dir is not None:
                _write_folder_atomic(self.out / outcome.images_dir, outcome.images)
            _write_atomic(self.out / outcome.record["steps_file"], outcome.steps_gz)
            lines.append(json.dumps(outcome.record, ensure_ascii=False, sort_keys=True) + "\n")
        self._log.write("".join(lines).encode("utf-8"))
        self._log.flush()
        os.fsync(self._log.fileno())
        for outcome in outcomes:
            self.finished[outcome.episode_id] = outcome.record

    def records(self, ids: Iterable[str]) -> list[dict[str, Any]]:
        """The finished records among `ids`, in that order."""
        return [self.finished[i] for i in ids if i in self.finished]

    def write_summary(self, summary: dict[str, Any]) -> None:
        text = json.dumps(summary, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
        _write_atomic(self.out / SUMMARY, text.encode("utf-8"))

    def close(self) -> None:
        self._log.close()
        self._lock.close()


class CommitQueue:
    """Commits finished episodes to a store on a thread of its own, in the order given, so
    the next episodes run while the disk syncs (the fsyncs of a short episode can take longer
    than the episode). At most `depth` episodes wait: like the ones still running, a crash
    loses them and `--resume` runs them again. A failed commit is raised by the next `put`
    or by `close`."""

    def __init__(self, store: RunStore, depth: int = 8):
        self.store = store
        self._waiting: queue.Queue[EpisodeOutcome | None] = queue.Queue(depth)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._work, name="webtwin-commit", daemon=True)
        self._thread.start()

    def put(self, outcome: EpisodeOutcome) -> None:
        self._raise()
        self._waiting.put(outcome)

    def close(self) -> None:
        """Commit everything put so far, then stop; raises a commit's error."""
        self._waiting.put(None)
        self._thread.join()
        self._raise()

    def _work(self) -> None:
        stopping = False
        while not stopping:
            batch = [self._waiting.get()]
            while not self._waiting.empty():  # whatever else is waiting: one log fsync
                batch.append(self._waiting.get())
            stopping = batch[-1] is None
            outcomes = [outcome for outcome in batch if outcome is not None]
            if outcomes and self._error is None:  # after a failure, only drain
                try:
                    self.store.commit_many(outcomes)
                except BaseException as error:  # noqa: BLE001  (raised in the caller)
                    self._error = error

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error


def read_episodes(path: Path, repair: bool = False) -> dict[str, dict[str, Any]]:
    """Records by episode id; a torn last line is ignored (and cut off when `repair`)."""
    if not path.exists():
        return {}
    data = path.read_bytes()
    complete = data[: data.rfind(b"\n") + 1]
    if repair and len(complete) < len(data):
        with path.open("r+b") as handle:
            handle.truncate(len(complete))
            os.fsync(handle.fileno())
    records: dict[str, dict[str, Any]] = {}
    for number, line in enumerate(complete.decode("utf-8").splitlines(), 1):
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise RunStoreError(f"{path}:{number} is not a JSON record ({error}); fix or "
                                "remove that line, then --resume") from error
        records[record["id"]] = record
    return records


def _prepare(out: Path, resume: bool, overwrite: bool) -> None:
    present = sorted(name for name in OURS if (out / name).exists())
    if overwrite:
        for name in present:
            target = out / name
            shutil.rmtree(target) if target.is_dir() else target.unlink()
    elif present and not resume:
        raise RunStoreError(f"{out} already holds a rollout ({', '.join(present)}); pass "
                            "--resume to continue it or --overwrite to start over")


def _check_params(out: Path, params: dict[str, Any], resume: bool) -> None:
    path = out / RUN
    if resume and path.exists():
        before = json.loads(path.read_text(encoding="utf-8"))
        changed = sorted(key for key in set(before) | set(params)
                         if key not in RESUME_IGNORED and before.get(key) != params.get(key))
        if changed:
            detail = ", ".join(f"{k}: {before.get(k)!r} -> {params.get(k)!r}" for k in changed)
            raise RunStoreError(f"--resume with different parameters than the run in {out} "
                                f"({detail}); use the same command, or a new --out")
    text = json.dumps(params, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    _write_atomic(path, text.encode("utf-8"))


def _acquire_lock(out: Path) -> IO[bytes]:
    handle = (out / LOCK).open("ab")
    try:
        import fcntl

        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except ImportError:  # not POSIX: no lock, one writer is the user's job
        pass
    except BlockingIOError as error:
        handle.close()
        raise RunStoreError(f"another rollout is writing to {out}") from error
    return handle


def _write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary name, fsync, rename: a reader sees all of it or none."""
    temporary = path.with_name(path.name + ".tmp")
    with temporary.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def _write_folder_atomic(folder: Path, files: dict[str, bytes]) -> None:
    """Write `files` into a temporary folder, fsync, rename it to `folder` (replacing what a
    crashed attempt at the same episode left there)."""
    temporary = folder.with_name(folder.name + ".tmp")
    for leftover in (temporary, folder):
        if leftover.exists():
            shutil.rmtree(leftover)
    temporary.mkdir()
    for name in sorted(files):
        with (temporary / name).open("wb") as handle:
            handle.write(files[name])
            handle.flush()
            os.fsync(handle.fileno())
    _fsync_dir(temporary)
    os.replace(temporary, folder)
    _fsync_dir(folder.parent)


def _fsync_dir(path: Path) -> None:
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except OSError:  # directories cannot be opened on some platforms
        return
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
