"""Task families: sample an instance from a world, verify a final state, solve (oracle)."""

from __future__ import annotations

import importlib
import pkgutil
import re
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar, TypeVar

from webtwin.simulators.core.rng import Random

from .state import Row, WorldDiff, diff_images
from .world import World

__all__ = [
    "Allow", "Check", "TaskFamily", "TaskInstance", "TaskUnavailable", "Verdict",
    "agent_changes", "allow_any", "answer_check", "changed", "discover_families", "inserted",
    "is_delete", "is_insert", "is_update", "judge", "normalize_answer", "only_expected_changes",
    "pick",
]

T = TypeVar("T")


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


def judge(family: TaskFamily, instance: TaskInstance, start: bytes, end: World,
          answer: str | None) -> Verdict:
    """`family`'s verdict on `end`, against the episode's start state `start` (an image),
    which the verifier reads as a read-only world (`World.read_only`)."""
    with World.read_only(list(end.sites.values()), start) as before:
        return family.verify(instance, before, end, answer)


def agent_changes(before: World, after: World) -> WorldDiff:
    """What the agent changed: `after` against `before` advanced to the same virtual time.

    Time alone delivers mail and fires other events; advancing a copy of the start state
    to the final time and diffing against it leaves only the agent's doing. When no event
    falls due by then, advancing would only move the clock (bookkeeping, not diffed), so the
    start state itself is the baseline.
    """
    tables = [t for t in after.tables() if not t.info.get("bookkeeping")]
    if not before.events_due(after.now):
        return diff_images(before.snapshot(), after.snapshot(), tables)
    baseline = before.fork()
    try:
        baseline.advance_to(after.now)
        return diff_images(baseline.snapshot(), after.snapshot(), tables)
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


# -- helpers every site's families use ---------------------------------------------------------
Allow = ChangeFilter


def pick(rng: Random, items: Sequence[T], what: str) -> T:
    """One of `items` (already in a deterministic order), or TaskUnavailable if there is none."""
    if not items:
        raise TaskUnavailable(f"this world has no {what}")
    return items[rng.randrange(len(items))]


def changed(old: Row | None, new: Row | None) -> set[str]:
    """Names of the fields that differ between two versions of a row."""
    if old is None or new is None:
        return set()
    return {key for key in new if old.get(key) != new[key]}


def is_update(table: str, ids: Iterable[Any], fields: Iterable[str]) -> Allow:
    """Updates of rows `ids` of `table` that change only `fields`."""
    wanted, allowed = set(ids), set(fields)

    def allow(name: str, kind: str, old: Row | None, new: Row | None) -> bool:
        return (name == table and kind == "updated" and old is not None
                and old.get("id") in wanted and changed(old, new) <= allowed)
    return allow


def is_insert(table: str, predicate: Callable[[Row], bool] = lambda row: True) -> Allow:
    """Inserted rows of `table` that satisfy `predicate`."""
    def allow(name: str, kind: str, old: Row | None, new: Row | None) -> bool:
        return name == table and kind == "inserted" and new is not None and predicate(new)
    return allow


def is_delete(table: str, predicate: Callable[[Row], bool] = lambda row: True) -> Allow:
    """Deleted rows of `table` that satisfy `predicate`."""
    def allow(name: str, kind: str, old: Row | None, new: Row | None) -> bool:
        return name == table and kind == "deleted" and old is not None and predicate(old)
    return allow


def allow_any(*allows: Allow) -> Allow:
    """A change any of `allows` accepts."""
    def allow(name: str, kind: str, old: Row | None, new: Row | None) -> bool:
        return any(rule(name, kind, old, new) for rule in allows)
    return allow


def inserted(diff: WorldDiff, table: str) -> list[Row]:
    """Rows of `table` the agent inserted, by id."""
    return sorted(diff.table(table).inserted, key=lambda row: row.get("id") or 0)


def answer_check(answer: str | None, expected: str) -> Check:
    """The answer equals `expected` up to case, spacing, quotes and final punctuation."""
    got, want = normalize_answer(answer), normalize_answer(expected)
    return Check("answer", bool(want) and got == want, f"expected {expected!r}, got {answer!r}")


def discover_families(package: str) -> list[type[TaskFamily]]:
    """The task families defined in the public modules of `package`, sorted by id.

    One family per module; modules whose names start with `_` hold shared helpers.
    """
    found: dict[str, type[TaskFamily]] = {}
    path = importlib.import_module(package).__path__
    for info in sorted(pkgutil.iter_modules(path), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package}.{info.name}")
        for value in vars(module).values():
            if (isinstance(value, type) and issubclass(value, TaskFamily)
                    and value.__module__ == module.__name__ and hasattr(value, "id")):
                found[value.id] = value
    return [found[key] for key in sorted(found)]
