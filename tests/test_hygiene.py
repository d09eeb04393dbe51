"""Simulator code never reads the wall clock, global randomness, uuid4 or salted hash()."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BANNED = re.compile(r"datetime\.(now|utcnow|today)\(|time\.time\(\)|uuid\.uuid4|uuid4\(|"
                    r"^import random|^from random import|[^_.a-z]hash\(")
SOURCES = sorted((ROOT / "simulators").rglob("*.py")) + sorted((ROOT / "envs").rglob("*.py"))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_nondeterminism(path: Path) -> None:
    offending = [f"{path.name}:{number}: {line.strip()}"
                 for number, line in enumerate(path.read_text().splitlines(), 1)
                 if BANNED.search(line) and "allow-nondeterminism" not in line]
    assert not offending, "\n".join(offending)
