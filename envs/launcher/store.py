"""The output directory of a rollout: crash-safe, resumable, one writer at a time.

Layout of `--out DIR`:
- `run.json`: the command's parameters that define the episodes (checked on `--resume`);
- `episodes.jsonl`: one JSON record per finished episode, appended, flushed and fsynced
  when the episode ends — the commit point; a torn last line (a crash mid-write) is dropped
  on resume and its episode runs again;
- `steps/<episode>.jsonl.gz`: the episode's per-step observations, written (and fsynced)
  before its record, so a committed record always has its steps;
- `summary.json`: the summary, rewritten at the end of every run;
- `.lock`: held (flock) while a run writes, so two runs never share a directory.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from .errors import RolloutError
from .runner import STEPS_DIR, EpisodeOutcome

__all__ = ["RunStore", "RunStoreError", "read_episodes", "RESUME_IGNORED"]

EPISODES, RUN, SUMMARY, LOCK = "episodes.jsonl", "run.json", "summary.json", ".lock"
OURS = (EPISODES, RUN, SUMMARY, STEPS_DIR)
RESUME_IGNORED = frozenset({"episodes", "num_envs", "backend", "address", "base_url", "timeout",
                            "retries"})
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
        """Store a finished episode durably: steps file first, then its record line."""
        if outcome.episode_id in self.finished:
            raise RunStoreError(f"episode {outcome.episode_id!r} is already in {EPISODES}")
        _write_atomic(self.out / outcome.record["steps_file"], outcome.steps_gz)
        line = json.dumps(outcome.record, ensure_ascii=False, sort_keys=True) + "\n"
        self._log.write(line.encode("utf-8"))
        self._log.flush()
        os.fsync(self._log.fileno())
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


def _fsync_dir(path: Path) -> None:
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except OSError:  # directories cannot be opened on some platforms
        return
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
