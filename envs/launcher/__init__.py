"""The rollout launcher's parts, shared by every backend (local processes, Ray actors).

- `plan`: which episodes a command means (deterministic, stable ids);
- `runner`: one episode from reset to verdict, with its compressed per-step log;
- `steplog`: the step log's format, written by the runner and read back by `parse_steps`;
- `store`: the output directory (crash-safe `episodes.jsonl`, step log parts, resume;
  `read_steps(out, record)` reads an episode's steps);
- `summary`: success rates, mean steps and pass^k per env and task family;
- `progress`: a small live progress bar on stderr;
- `backends`: where episodes run (in this process, a pool of worker processes, or Ray
  actors: `ray_backend`, imported only for `--backend ray`).
"""

from __future__ import annotations

from .errors import RolloutError
from .plan import EpisodeSpec, plan_episodes
from .runner import EpisodeOutcome, PolicyConfig, run_episode
from .steplog import parse_steps
from .store import RunStore, RunStoreError, read_steps
from .summary import format_table, pass_hat_k, summarise

__all__ = [
    "EpisodeOutcome", "EpisodeSpec", "PolicyConfig", "RolloutError", "RunStore", "RunStoreError",
    "format_table", "parse_steps", "pass_hat_k", "plan_episodes", "read_steps", "run_episode",
    "summarise",
]
