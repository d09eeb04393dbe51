"""Workday: task families that cross sites in one world (mail and shop together).

## Description
A world holding every site, where their events cross: the shop's order confirmations and
shipping notices land in the mailbox, newsletters carry promo codes that work in the shop,
colleagues email what to buy. The families here need several sites; each site's own
families stay with the site.

## Registered ids
`webtwin/workday-text-v0`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from webtwin.simulators.core.site import TaskPack

if TYPE_CHECKING:
    from webtwin.simulators.core.tasks import TaskFamily


def _task_families() -> Sequence[type[TaskFamily]]:
    from .tasks import FAMILIES

    return FAMILIES


PACK = TaskPack(name="workday", sites=("mail", "shop"), task_families=_task_families)

__all__ = ["PACK"]
