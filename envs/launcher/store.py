"""The output directory of a rollout: crash-safe, resumable, one writer at a time.

Layout of `--out DIR`:
- `run.json`: the command's parameters that define the episodes (checked on `--resume`);
- `episodes.jsonl`: one JSON record per finished episode, appended, flushed and fsynced
  after its step log — the commit point; a torn last line (a crash mid-write) is dropped on
  resume and its episode runs again;
- `steps/part-NNNN.jsonl.gz`: the step logs (format: `launcher.steplog`), each a gzip member
  appended to the run's current part; a record names its part and the member's place in it
  (`steps_file`, `steps_offset`, `steps_length`), and `read_steps` reads it back. Parts are
  append-only, fsynced before their records, and a new one starts with every run (and after
  `PART_BYTES`). On resume, bytes past the last committed member of a part (episodes a crash
  cut short) are cut off, so a part holds exactly its committed episodes, in commit order;
- `steps/<episode>/NNNN.png` (browser envs): the episode's screenshots, written to a
  temporary folder that is renamed into place before its record, so a committed record
  always has all of them (a crash leaves at most a folder of an uncommitted episode, which
  its rerun replaces);
- `summary.json`: the summary, rewritten at the end of every run;
- `.lock`: held (flock) while a run writes, so two runs never share a directory.

Episodes are committed in groups (`CommitQueue`, on a thread of its own): the group's step
logs are appended to the part with one write and one fsync, then the group's records to
`episodes.jsonl` with one write and one fsync. Two fsyncs per group rather than a file, an
fsync and a folder entry per episode: on a 1 ms `noop()` episode (shop, in one process)
the launcher's overhead fell from 46% to 21% (see `bench/launcher.py`), and a run of a
million episodes is a few files rather than a million. A crash still loses only episodes that have no record yet, which
`--resume` runs again.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from .errors import RolloutError
from .runner import STEPS_DIR, EpisodeOutcome
from .steplog import parse_steps

__all__ = ["CommitQueue", "RunStore", "RunStoreError", "StepParts", "read_episodes",
           "read_steps", "steps_bytes", "RESUME_IGNORED", "PART_BYTES", "PER_RUN_FIELDS"]

EPISODES, RUN, SUMMARY, LOCK = "episodes.jsonl", "run.json", "summary.json", ".lock"
OURS = (EPISODES, RUN, SUMMARY, STEPS_DIR)
RESUME_IGNORED = frozenset({"episodes", "num_envs", "contexts", "backend", "address", "base_url",
                            "timeout", "retries"})
"""Parameters a resumed run may change: how many episodes and how (and where) they are run."""
PER_RUN_FIELDS = ("durations", "steps_file", "steps_offset", "steps_length")
"""The record fields that may differ between two runs of one command: wall-clock durations,
and where the step log landed (parts fill in commit order, which depends on which worker
finishes first). The rest of a record, and the step log's bytes, are the same every time."""
PART_BYTES = 256 << 20
"""A run starts a new part once its current one holds this many bytes: parts stay a size that
copies and tools handle, and a run of millions of episodes is still a handful of files."""
_PART = re.compile(r"part-(\d{4,})\.jsonl\.gz")
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
            self._parts = StepParts(out, self.finished.values())
            self._log: IO[bytes] = (out / EPISODES).open("ab")
        except BaseException:
            self._lock.close()
            raise
        _fsync_dir(out)

    def commit(self, outcome: EpisodeOutcome) -> None:
        """Store a finished episode durably: screenshots, steps file, then its record line."""
        self.commit_many([outcome])

    def commit_many(self, outcomes: Sequence[EpisodeOutcome]) -> None:
        """Store finished episodes durably as one group: their screenshots, their step logs
        (appended to the current part, one fsync), then their record lines (one fsync). Each
        record gets its step log's place (`steps_file`, `steps_offset`, `steps_length`)."""
        for outcome in outcomes:
            if outcome.episode_id in self.finished:
                raise RunStoreError(f"episode {outcome.episode_id!r} is already in {EPISODES}")
        images = [(o.images_dir, o.images) for o in outcomes if o.images_dir is not None]
        for folder, files in images:
            _write_folder_atomic(self.out / folder, files)
        if images:  # their renames are durable once their folder is synced
            _fsync_dir(self.out / STEPS_DIR)
        places = self._parts.append([o.steps_gz for o in outcomes])
        for outcome, (name, offset, length) in zip(outcomes, places, strict=True):
            outcome.record.update(steps_file=name, steps_offset=offset, steps_length=length)
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
        self._parts.close()
        self._log.close()
        self._lock.close()


class StepParts:
    """A run's step logs: gzip members appended to `steps/part-NNNN.jsonl.gz`, a new part
    per run (and after `PART_BYTES`). Opening one trims what earlier runs left: a part's
    bytes past its last committed member are cut off, and a part with none is removed."""

    def __init__(self, out: Path, records: Iterable[Mapping[str, Any]]):
        self.out, self.folder = out, out / STEPS_DIR
        self._number = _trim_parts(self.folder, records)  # the last part kept (-1: none)
        self._part: IO[bytes] | None = None
        self._name, self._size = "", 0

    def append(self, logs: Sequence[bytes]) -> list[tuple[str, int, int]]:
        """Append `logs` (compressed step logs) durably, in order; returns each one's
        (part file relative to the run directory, offset, length)."""
        if self._part is None or self._size >= PART_BYTES:
            self._start_part()
        assert self._part is not None
        places = []
        for log in logs:
            places.append((self._name, self._size, len(log)))
            self._size += len(log)
        self._part.write(b"".join(logs))
        self._part.flush()
        os.fsync(self._part.fileno())
        return places

    def close(self) -> None:
        if self._part is not None:
            self._part.close()

    def _start_part(self) -> None:
        self.close()
        self._number += 1
        path = self.folder / f"part-{self._number:04d}.jsonl.gz"
        self._part = path.open("xb")  # never an earlier run's part: they were trimmed
        self._name, self._size = path.relative_to(self.out).as_posix(), 0
        _fsync_dir(self.folder)  # the new name survives a crash before the next fsync


def _trim_parts(folder: Path, records: Iterable[Mapping[str, Any]]) -> int:
    """Cut each part down to its committed members (removing a part with none); returns the
    highest part number kept, -1 if none."""
    ends: dict[str, int] = {}
    for record in records:
        if "steps_offset" in record:
            name = Path(record["steps_file"]).name
            ends[name] = max(ends.get(name, 0), record["steps_offset"] + record["steps_length"])
    kept = -1
    for path in sorted(folder.glob("part-*.jsonl.gz")):
        match = _PART.fullmatch(path.name)
        if match is None:
            continue
        end, size = ends.get(path.name, 0), path.stat().st_size
        if end == 0:
            path.unlink()
            continue
        if size < end:
            raise RunStoreError(f"{path} has {size} bytes but its episodes' records end at "
                                f"{end}: it was changed outside the launcher")
        if size > end:
            with path.open("r+b") as handle:
                handle.truncate(end)
                os.fsync(handle.fileno())
        kept = max(kept, int(match.group(1)))
    return kept


def steps_bytes(out: Path, record: Mapping[str, Any]) -> bytes:
    """An episode's step log as stored (a gzip member) from the run directory `out`."""
    path = out / record["steps_file"]
    if "steps_offset" not in record:  # a run written before parts: one file per episode
        return path.read_bytes()
    with path.open("rb") as handle:
        handle.seek(record["steps_offset"])
        data = handle.read(record["steps_length"])
    if len(data) != record["steps_length"]:
        raise RunStoreError(f"{path} ends before episode {record['id']!r}'s step log")
    return data


def read_steps(out: Path, record: Mapping[str, Any]) -> list[dict[str, Any]]:
    """An episode's steps with every step's full observation (`steplog.parse_steps`), from
    the run directory `out` and the episode's record in `episodes.jsonl`."""
    return parse_steps(steps_bytes(out, record))


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


def _write_folder_atomic(folder: Path, files: dict[str, bytes]) -> None:
    """Write `files` into a temporary folder, fsync, rename it to `folder` (replacing what a
    crashed attempt at the same episode left there). The rename is durable once `folder`'s
    parent is fsynced, which `RunStore.commit_many` does before the episode's record."""
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
    os.replace(temporary, folder)  # made durable by the caller's fsync of the steps folder


def _fsync_dir(path: Path) -> None:
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except OSError:  # directories cannot be opened on some platforms
        return
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
