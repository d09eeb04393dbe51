"""Seed corpora and seed splits for webtwin world generators.

The corpora in ``data/`` (people, companies, mail templates) are hand-written and
committed. Generators read them through :func:`load_corpus`; nothing is generated
at run time. Seed splits (train/val/test) are defined once in ``splits.json`` and
exposed here as :data:`SPLITS`.
"""

from __future__ import annotations

import copy
import functools
import itertools
import json
import re
from pathlib import Path
from typing import Any

_HERE = Path(__file__).parent
_DATA_DIR = _HERE / "data"
_SPLITS_FILE = _HERE / "splits.json"
_NAME_RE = re.compile(r"[a-z_]+")


def _available() -> list[str]:
    return sorted(p.stem for p in _DATA_DIR.glob("*.json"))


@functools.lru_cache(maxsize=16)
def _read_corpus(name: str) -> Any:
    path = _DATA_DIR / f"{name}.json"
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)


def load_corpus(name: str) -> Any:
    """Return the parsed contents of ``data/<name>.json``.

    ``name`` must match ``[a-z_]+`` (no paths, no extension). The file is read
    once and cached; each call returns a deep copy so callers cannot corrupt the
    shared cache. Raises ``ValueError`` for malformed or unknown names.
    """
    if not isinstance(name, str) or not _NAME_RE.fullmatch(name):
        raise ValueError(
            f"invalid corpus name {name!r}: only lowercase letters and underscores are allowed"
        )
    if not (_DATA_DIR / f"{name}.json").is_file():
        raise ValueError(
            f"unknown corpus {name!r}; available corpora: {', '.join(_available()) or '(none)'}"
        )
    return copy.deepcopy(_read_corpus(name))


def _load_splits() -> dict[str, range]:
    with _SPLITS_FILE.open(encoding="utf-8") as fh:
        raw = json.load(fh)
    splits: dict[str, range] = {}
    for key, spec in raw.items():
        if key.startswith("_"):
            continue
        start, stop = spec["start"], spec["stop"]
        if not (isinstance(start, int) and isinstance(stop, int) and 0 <= start < stop):
            raise ValueError(f"splits.json: bad range for split {key!r}: {spec!r}")
        splits[key] = range(start, stop)
    ordered = sorted(splits.values(), key=lambda r: r.start)
    for a, b in itertools.pairwise(ordered):
        if a.stop > b.start:
            raise ValueError("splits.json: seed ranges overlap")
    return splits


SPLITS: dict[str, range] = _load_splits()
"""Split name -> half-open seed range, e.g. ``{"train": range(0, 100_000), ...}``."""


def split_of(seed: int) -> str:
    """Return the split (``"train"``, ``"val"`` or ``"test"``) that contains ``seed``."""
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed must be an int, got {type(seed).__name__}")
    for split, seeds in SPLITS.items():
        if seed in seeds:
            return split
    raise ValueError(f"seed {seed} is outside every split range")


def seeds_for(split: str, count: int, start: int = 0) -> list[int]:
    """Return ``count`` consecutive seeds of ``split``, skipping the first ``start``.

    Raises ``ValueError`` for an unknown split, negative arguments, or a request
    that runs past the end of the split.
    """
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; expected one of {sorted(SPLITS)}")
    if count < 0 or start < 0:
        raise ValueError("count and start must be non-negative")
    seeds = SPLITS[split]
    if start + count > len(seeds):
        raise ValueError(
            f"split {split!r} has {len(seeds)} seeds; "
            f"cannot take {count} starting at offset {start}"
        )
    return list(seeds[start : start + count])


__all__ = ["SPLITS", "load_corpus", "seeds_for", "split_of"]
