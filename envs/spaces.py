"""Gymnasium spaces for text that may hold any Unicode (names, emoji, other scripts)."""

from __future__ import annotations

import string
from typing import Any

import numpy as np
from gymnasium import spaces

__all__ = ["UnicodeText"]

# Sampling draws from this set (it includes non-ASCII so samples exercise Unicode paths);
# membership accepts any character.
SAMPLE_CHARSET = string.ascii_letters + string.digits + string.punctuation + " éßøЖ中😀"


class UnicodeText(spaces.Text):
    """A `Text` space that contains every str of allowed length, whatever its characters.

    `gymnasium.spaces.Text` only contains strings over its charset; pages and actions hold
    arbitrary Unicode, so membership here checks the type and length only.
    """

    def __init__(self, max_length: int, *, min_length: int = 0,
                 seed: int | np.random.Generator | None = None):
        super().__init__(max_length, min_length=min_length, charset=SAMPLE_CHARSET, seed=seed)

    def contains(self, x: Any) -> bool:
        return isinstance(x, str) and self.min_length <= len(x) <= self.max_length

    def __repr__(self) -> str:
        return f"UnicodeText({self.min_length}, {self.max_length})"
