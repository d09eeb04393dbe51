"""Shop task families, one per module; every public module's `TaskFamily` subclasses are found
here, so adding a family is adding its file."""

from __future__ import annotations

from webtwin.simulators.core.tasks import TaskFamily, discover_families

FAMILIES: list[type[TaskFamily]] = discover_families(__name__)
