"""An episode's step log: how it is written and read back (`launcher.store` says where).

One JSON object per line, step 0 (the reset) first, which also names the `episode` (so the
logs of a part, read with `zcat`, say whose steps follow). Every line has `step`; the lines
after the first also have the `action` taken and its `reward`. The observation fields `url`,
`last_action_error`, `page` and, for browser envs, `screenshot` (a PNG path relative to the
run directory) are written only when they differ from the previous line's: step 0 has all of
them, and a step that changes nothing (`noop()`, a refused action repeated, a wait) is just
`{"step": 7, "action": "noop()", "reward": 0.0}`. `parse_steps` carries the fields forward,
so a reader sees every step's full observation. Stored as one gzip member with a fixed header
(mtime 0), so the same episode gives the same bytes.
"""

from __future__ import annotations

import gzip
import json
import math
from dataclasses import dataclass, field
from typing import Any

__all__ = ["CARRIED", "COMPRESS_LEVEL", "StepLog", "compress", "parse_steps"]

CARRIED = ("url", "last_action_error", "screenshot", "page")
"""The fields a line holds only when they changed since the previous line."""

COMPRESS_LEVEL = 1
"""zlib's fastest. Measured on 30-step logs of the text envs: half the CPU of level 6 (0.08
against 0.14 ms for a noop episode, 0.5-0.7 against 1.2-1.9 ms for a random one), for files
5-8% (noop), 20-30% (oracle) and 35-55% (random) larger; level 9 saves under 2% over 6."""

# `json.dumps` of a small dict costs ten times the f-strings below (it builds an encoder per
# call), and a step log has a line per env step: the launcher's overhead on cheap steps.
_STRING = json.encoder.encode_basestring  # a str as JSON, as `ensure_ascii=False` writes it
_ENCODE = json.JSONEncoder(ensure_ascii=False).encode

# step, action, reward, then the `CARRIED` fields in that order (None: not in this env)
_Fields = tuple[str, str, str | None, str]
_Step = tuple[int, str | None, float | None, _Fields]
_UNSET: tuple[None, ...] = (None,) * len(CARRIED)


@dataclass
class StepLog:
    """An episode's steps as they happen; `compress` writes them as a step log. `add` runs
    every env step, so it only keeps the values; the lines are written once, at the end."""

    episode: str | None = None  # the episode's id, written in step 0's line
    steps: list[_Step] = field(default_factory=list)

    def add(self, step: int, observation: dict[str, Any], action: str | None = None,
            reward: float | None = None, screenshot: str | None = None) -> None:
        """Keep step `step` (0: the reset, with no action) and its observation."""
        self.steps.append((step, action, reward, (observation["url"],
                           observation["last_action_error"], screenshot, observation["page"])))

    def lines(self) -> list[str]:
        """Each step as the line `json.dumps` would write for `{"step", "action", "reward",
        <each CARRIED field that changed since the step before>}`. Most steps change none of
        them (one tuple comparison), and most repeat the step before's action and reward (the
        same objects: their text is reused)."""
        last: tuple[str | None, ...] = _UNSET
        lines = []
        acted: tuple[object, object, str] = (None, None, "")  # last action, reward, their text
        for step, action, reward, fields in self.steps:
            line = f'{{"step": {int(step)}'
            if step == 0 and self.episode is not None:
                line = f'{{"episode": {_STRING(self.episode)}, "step": 0'
            if action is not None:
                if action is not acted[0] or reward is not acted[1]:
                    acted = (action, reward,
                             f', "action": {_STRING(action)}, "reward": {_number(reward)}')
                line += acted[2]
            if fields != last:
                line += "".join(f', "{name}": {_STRING(value)}' for name, value, before
                                in zip(CARRIED, fields, last, strict=True)
                                if value is not None and value != before)
                last = tuple(before if value is None else value
                             for value, before in zip(fields, last, strict=True))
            lines.append(line + "}")
        return lines

    def text(self) -> bytes:
        """The step log, uncompressed (UTF-8 JSON lines)."""
        lines = self.lines()
        return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""

    def compress(self) -> bytes:
        """The step log as stored: `compress(self.text())`."""
        return compress(self.text())


def compress(text: bytes) -> bytes:
    """A step log's text as stored: gzip with mtime 0 (the same steps give the same bytes)."""
    return gzip.compress(text, COMPRESS_LEVEL, mtime=0)


def _number(value: float | None) -> str:
    """A reward as JSON: `repr` is what `json` writes for a finite float."""
    if type(value) is float and math.isfinite(value):
        return repr(value)
    return _ENCODE(value)  # NaN, Infinity, None (null) and anything else, as json writes it


def parse_steps(stored: bytes) -> list[dict[str, Any]]:
    """A stored step log's lines with every step's full observation (the fields a line left
    out because they were unchanged are filled in from the line before)."""
    carried: dict[str, Any] = {}
    steps = []
    for line in gzip.decompress(stored).decode("utf-8").splitlines():
        entry = json.loads(line)
        carried.update((name, entry[name]) for name in CARRIED if name in entry)
        steps.append({**entry, **carried})
    return steps
