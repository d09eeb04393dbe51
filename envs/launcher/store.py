"""The output directory of a rollout: crash-safe, resumable, one writer at a time.

Layout of `--out DIR`:
- `run.json`: the command's parameters that define the episodes (checked on `--resume`);
- `episodes.jsonl`: one JSON record per finished episode, appended, flushed and fsynced
  after its files — the commit point; a torn last line (a crash mid-write) is dropped on
  resume and its episode runs again;
- `steps/<episode>.jsonl.gz`: the episode's step log (format: `launcher.steplog`), written
  and fsynced, with its folder, before its record, so a committed record always has its
  steps (a steps file without a record is from an episode a crash cut short: its rerun
  rewrites it);
- `steps/<episode>/NNNN.png` (browser envs): the episode's screenshots, written to a
  temporary folder that is renamed into place before the steps file, so a committed record
  always has all of them (a crash leaves at most a folder of an uncommitted episode, which
  its rerun replaces);
- `summary.json`: the summary, rewritten at the end of every run;
- `.lock`: held (flock) while a run writes, so two runs never share a directory.

Episodes are committed in groups (`CommitQueue`, on a thread of its own): the group's files
are all written, then each is fsynced, then their folder once, then the group's records are
appended with one fsync of `episodes.jsonl`. The folder and the log are synced once per group
rather than once per episode, and a crash still loses only episodes that have no record yet,
which `--resume` runs again.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
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
_RECORD = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode
"""A record as its `episodes.jsonl` line (`json.dumps` would build this encoder per call)."""


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
        """Store finished episodes durably as one group: every episode's screenshots and
        steps file (each fsynced, their folder once), then their record lines, one fsync."""
        for outcome in outcomes:
            if outcome.episode_id in self.finished:
                raise RunStoreError(f"episode {outcome.episode_id!r} is already in {EPISODES}")
        for outcome in outcomes:
            if outcome.images_dir is not None:
                _write_folder_atomic(self.out / outcome.images_dir, outcome.images)
        _write_durably([(self.out / o.record["steps_file"], o.steps_gz) for o in outcomes])
        lines = [_RECORD(o.record) + "\n" for o in outcomes]
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
    than the episode). Episodes are committed in groups of up to `group`: the thread waits at
    most `linger` seconds after the first of a group for more to finish, since each group
    costs a folder fsync, an `episodes.jsonl` fsync and two wake-ups of this thread (measured
    on noop episodes of 2.4 ms: groups of 16 halve the commit CPU of single commits, and
    larger ones gain little more). At most `depth` finished episodes wait (`put` blocks
    beyond that), so one group is committed while the next fills: like the ones still
    running, a crash loses them and `--resume` runs them again. A failed commit is raised by
    the next `put` or by `close`."""

    def __init__(self, store: RunStore, depth: int = 32, group: int = 16, linger: float = 0.05):
        if not 1 <= group <= depth:
            raise ValueError(f"need 1 <= group <= depth, got group={group}, depth={depth}")
        self.store, self.depth, self.group, self.linger = store, depth, group, linger
        self._changed = threading.Condition()  # guards the three fields below
        self._waiting: list[EpisodeOutcome] = []
        self._committing = 0  # episodes the thread has taken and not yet committed
        self._closing = False
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._work, name="webtwin-commit", daemon=True)
        self._thread.start()

    def put(self, outcome: EpisodeOutcome) -> None:
        self._raise()
        with self._changed:
            self._changed.wait_for(lambda: len(self._waiting) + self._committing < self.depth)
            self._waiting.append(outcome)
            # the thread waits for a first episode, then for a full group: wake it only then
            if len(self._waiting) in (1, self.group):
                self._changed.notify_all()

    def close(self) -> None:
        """Commit everything put so far, then stop; raises a commit's error."""
        with self._changed:
            self._closing = True
            self._changed.notify_all()
        self._thread.join()
        self._raise()

    def _work(self) -> None:
        while group := self._next_group():
            try:
                if self._error is None:  # after a failure, only drain
                    self.store.commit_many(group)
            except BaseException as error:  # noqa: BLE001  (raised in the caller)
                self._error = error
            finally:
                with self._changed:
                    self._committing = 0
                    self._changed.notify_all()

    def _next_group(self) -> list[EpisodeOutcome]:
        """The next group: once an episode waits, whatever else comes within `linger`
        seconds, up to `group` (at once when closing); empty when closed and drained."""
        with self._changed:
            self._changed.wait_for(lambda: self._waiting or self._closing)
            deadline = time.monotonic() + self.linger  # allow-nondeterminism: commit timing
            while len(self._waiting) < self.group and not self._closing:
                left = deadline - time.monotonic()  # allow-nondeterminism: commit timing
                if left <= 0:
                    break
                self._changed.wait(left)
            group, self._waiting = self._waiting[: self.group], self._waiting[self.group:]
            self._committing = len(group)
            return group

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


def _write_durably(files: Sequence[tuple[Path, bytes]]) -> None:
    """Write every file in place, then fsync each, then each folder once (a folder holds the
    new names: without its fsync a crash could lose a file whose data was synced). Not
    atomic: the callers commit a file (a record that names it) only after this returns."""
    descriptors: list[int] = []
    try:
        for path, data in files:
            descriptors.append(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644))
            _write_all(descriptors[-1], data)
        for descriptor in descriptors:
            os.fsync(descriptor)
    finally:
        for descriptor in descriptors:
            os.close(descriptor)
    for folder in sorted({path.parent for path, _ in files}):
        _fsync_dir(folder)


def _write_all(descriptor: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view):]


def _write_folder_atomic(folder: Path, files: dict[str, bytes]) -> None:
    """Write `files` into a temporary folder, fsync, rename it to `folder` (replacing what a
    crashed attempt at the same episode left there). The rename is durable once `folder`'s
    parent is fsynced, which `_write_durably` does for the steps file in the same folder."""
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
    os.replace(temporary, folder)  # made durable by the fsync of the steps folder after it


def _fsync_dir(path: Path) -> None:
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except OSError:  # directories cannot be opened on some platforms
        return
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
