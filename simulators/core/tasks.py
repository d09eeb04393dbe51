"""Task families: sample an instance from a world, verify a final state, solve (oracle)."""

from __future__ import annotations

import re
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar

from webtwin.simulators.core.rng import Random

from .state import Row, WorldDiff, diff_connections
from .world import World

__all__ = [
    "Check", "TaskFamily", "TaskInstance", "Verdict", "agent_changes", "normalize_answer",
    "only_expected_changes", "TaskUnavailable",
]


class TaskUnavailable(LookupError):
    """The world has no entities this family needs; the caller tries another world or family."""


@dataclass(frozen=True)
class TaskInstance:
    """One concrete task: the instruction the agent reads and the parameters verifiers use."""

    family: str
    instruction: str
    params: dict[str, Any] = field(default_factory=dict)
    start_url: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Check:
    """One verified condition of a verdict."""

    name: str
    passed: bool
    detail: str = ""


@dataclass(frozen=True)
class Verdict:
    """All checks of a verification; the reward is 1.0 only if every check passed."""

    checks: tuple[Check, ...]

    @property
    def passed(self) -> bool:
        return bool(self.checks) and all(check.passed for check in self.checks)

    @property
    def reward(self) -> float:
        return 1.0 if self.passed else 0.0

    def to_json(self) -> dict[str, Any]:
        return {"passed": self.passed, "reward": self.reward,
                "checks": [asdict(check) for check in self.checks]}


class TaskFamily(ABC):
    """Base class of every task family.

    ## Description
    Subclasses set the class attributes and implement `sample`, `verify` and `solve`. `sample`
    may prepare the world through the site's services (e.g. plant a message); that prepared
    state is the episode's start state.

    ## Parameters
    - `id`: `"<site>/<family>"`, unique in the registry.
    - `difficulty`: `"easy"`, `"medium"` or `"hard"`.
    - `sites`: the sites the family needs in the world.

    ## Success criteria
    `verify` returns a verdict whose reward is 1.0 only if every required change is in the
    final state and nothing else changed (compared with the start state advanced to the same
    virtual time, so background events are not blamed on the agent).
    """

    id: ClassVar[str]
    difficulty: ClassVar[str] = "easy"
    sites: ClassVar[tuple[str, ...]] = ()

    @abstractmethod
    def sample(self, world: World, rng: Random) -> TaskInstance:
        """Pick entities in `world` and return an instance (raise TaskUnavailable if none)."""

    @abstractmethod
    def verify(
        self, instance: TaskInstance, before: World, after: World, answer: str | None
    ) -> Verdict:
        """Compare the final state with the start state."""

    @abstractmethod
    def solve(self, instance: TaskInstance) -> list[str]:
        """Oracle: actions in the env's action language that solve `instance` from its start."""


def agent_changes(before: World, after: World) -> WorldDiff:
    """What the agent changed: `after` against `before` advanced to the same virtual time.

    Time alone delivers mail and fires other events; advancing a copy of the start state
    to the final time and diffing against it leaves only the agent's doing.
    """
    baseline = before.fork()
    try:
        baseline.advance_to(after.now)
        tables = [t for t in after.tables() if not t.info.get("bookkeeping")]
        return diff_connections(baseline.conn, after.conn, tables)
    finally:
        baseline.close()


ChangeFilter = Callable[[str, str, Row | None, Row | None], bool]


def only_expected_changes(diff: WorldDiff, expected: ChangeFilter) -> Check:
    """A check that every changed row is one `expected(table, kind, before, after)` allows."""
    stray: list[str] = []
    for name in diff.changed_tables():
        change = diff.table(name)
        stray += [f"{name}: inserted {row}" for row in change.inserted
                  if not expected(name, "inserted", None, row)]
        stray += [f"{name}: deleted {row}" for row in change.deleted
                  if not expected(name, "deleted", row, None)]
        stray += [f"{name}: updated {_changed_fields(old, new)}" for old, new in change.updated
                  if not expected(name, "updated", old, new)]
    detail = "; ".join(stray[:5]) + (f" (+{len(stray) - 5} more)" if len(stray) > 5 else "")
    return Check("nothing else changed", not stray, detail)


def _changed_fields(old: Row, new: Row) -> dict[str, Any]:
    return {"id": old.get("id"), **{k: (old[k], new[k]) for k in new if old.get(k) != new[k]}}


_SPACES = re.compile(r"\s+")


def normalize_answer(text: str | None) -> str:
    """Casefold, NFKC, collapse whitespace, and drop surrounding quotes and final punctuation."""
    if text is None:
        return ""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _SPACES.sub(" ", folded).strip().strip("\"'`").rstrip(".!").strip()
