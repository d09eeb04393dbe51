"""Site-agnostic core: worlds, clock, events, digests, the multi-tenant app, task contracts."""

from __future__ import annotations

from .app import create_app
from .generation import EpisodeStart, WorldFactory
from .rng import derive_seed, substream
from .site import SiteSpec
from .state import TableDiff, WorldDiff
from .store import HostedWorld, UnknownWorld, WorldStore
from .tasks import (
    Check,
    TaskFamily,
    TaskInstance,
    TaskUnavailable,
    Verdict,
    agent_changes,
    normalize_answer,
    only_expected_changes,
)
from .world import WORLD_EPOCH, UserError, World

__all__ = [
    "Check", "EpisodeStart", "HostedWorld", "SiteSpec", "TableDiff", "TaskFamily",
    "TaskInstance", "TaskUnavailable", "UnknownWorld", "UserError", "Verdict", "WORLD_EPOCH",
    "World", "WorldDiff", "WorldFactory", "WorldStore", "agent_changes", "create_app",
    "derive_seed", "normalize_answer", "only_expected_changes", "substream",
]
