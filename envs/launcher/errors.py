"""The launcher's user-facing error."""

from __future__ import annotations

__all__ = ["RolloutError"]


class RolloutError(RuntimeError):
    """A rollout cannot start as asked (bad arguments, policy or output directory)."""
