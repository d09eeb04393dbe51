"""Seeded random substreams.

Every random draw in a world comes from a substream named after what it generates, so that
adding a table or a draw in one place never shifts the draws of another.
"""

from __future__ import annotations

import hashlib
from random import Random  # allow-nondeterminism: seeded instances only, never global state

__all__ = ["Random", "derive_seed", "substream"]


def derive_seed(seed: int, *names: str | int) -> int:
    """A 64-bit seed derived from `seed` and a path of names (stable across processes)."""
    key = "/".join([str(seed), *map(str, names)]).encode()
    return int.from_bytes(hashlib.sha256(key).digest()[:8], "big")


def substream(seed: int, *names: str | int) -> Random:
    """An independent `Random` for the named purpose within the world of `seed`."""
    return Random(derive_seed(seed, *names))
