"""Cross-site task families (mail + shop), one per module, found automatically."""

from __future__ import annotations

from webtwin.simulators.core.tasks import TaskFamily, discover_families

FAMILIES: list[type[TaskFamily]] = discover_families(__name__)
