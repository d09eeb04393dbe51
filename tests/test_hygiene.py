"""Simulator code never reads the wall clock, global randomness, uuid4 or salted hash(), and
never uses an SQL table-valued function on a world's connection."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BANNED = re.compile(r"datetime\.(now|utcnow|today)\(|time\.time\(\)|uuid\.uuid4|uuid4\(|"
                    r"^import random|^from random import|[^_.a-z]hash\(")
SOURCES = sorted((ROOT / "simulators").rglob("*.py")) + sorted((ROOT / "envs").rglob("*.py"))


def offending(path: Path, pattern: re.Pattern[str], allowed: str | None = None) -> str:
    """The lines of `path` that `pattern` finds (but for those marked `allowed`)."""
    return "\n".join(f"{path.name}:{number}: {line.strip()}"
                     for number, line in enumerate(path.read_text().splitlines(), 1)
                     if pattern.search(line) and (allowed is None or allowed not in line))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_nondeterminism(path: Path) -> None:
    found = offending(path, BANNED, allowed="allow-nondeterminism")
    assert not found, found


# `json_each(...)`, `json_tree(...)`, `pragma_table_info(...)`, `generate_series(...)`: SQLite
# keeps such an eponymous virtual table's pointer to the schema that `World.restore` frees
# when it deserializes into the same connection, and the next statement that uses it
# crashes the process. Lists go to SQL as `placeholders(...)` instead.
TABLE_VALUED = re.compile(r"\b(json_each|json_tree|pragma_\w+|generate_series)\s*\(", re.I)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_table_valued_functions(path: Path) -> None:
    found = offending(path, TABLE_VALUED)
    assert not found, found
