"""What the benchmarks read from /proc: the machine, process trees, CPU time and PSS.

Imported by the scripts in `bench/` (run as `python bench/<name>.py`, so this folder is on
the path). PSS, not RSS: shared pages are split between the processes that map them, so a
sum over processes counts each page once.
"""

from __future__ import annotations

import os
import platform
from pathlib import Path

__all__ = ["CLOCK_TICKS", "cpu_seconds", "descendants", "machine", "pss_mib", "stat_ticks",
           "tree", "tree_cpu_ms", "tree_pss_mib"]

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def machine() -> str:
    """CPU model, core count and Python version, for the header of a results table."""
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo
                  if line.startswith("model name")), platform.processor())
    cores = sum(line.startswith("processor") for line in cpuinfo)
    return f"{model}, {cores} cores, Python {platform.python_version()}"


def descendants(pid: int) -> list[int]:
    """Every live descendant of `pid` (children of all its threads, recursively)."""
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                children = [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                continue
            found.extend(children)
            pending.extend(children)
    return found


def tree() -> list[int]:
    """This process and its descendants."""
    return [os.getpid(), *descendants(os.getpid())]


def stat_ticks(pid: int | str, reaped: bool = False) -> int | None:
    """utime + stime of a process in clock ticks (plus its reaped children's with `reaped`);
    None if it has exited."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return sum(int(value) for value in fields[11:15 if reaped else 13])


def cpu_seconds(pid: int | str = "self") -> float:
    """User + system CPU time of one process (0 if it has exited)."""
    return (stat_ticks(pid) or 0) / CLOCK_TICKS


def tree_cpu_ms() -> float:
    """CPU time so far of this process and every descendant, with the children each has
    reaped (Chromium's exited renderers), in ms."""
    return sum(stat_ticks(pid, reaped=True) or 0 for pid in tree()) * 1000 / CLOCK_TICKS


def pss_mib(pid: int | str = "self") -> float:
    """PSS of one process in MiB (0 if it has exited)."""
    try:
        lines = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
    except OSError:
        return 0.0
    return next((int(line.split()[1]) for line in lines if line.startswith("Pss:")), 0) / 1024


def tree_pss_mib() -> float:
    """PSS of this process and every descendant (server thread, Playwright driver, Chromium)."""
    return sum(pss_mib(pid) for pid in tree())
