"""The web apps and their registry: one line per site, one line per cross-site task pack.

Site sets name the worlds environments are made of: every site alone, and `workday`, a world
holding every site whose tasks cross them. Env ids, the server and the conformance tests
derive from these.
"""

from __future__ import annotations

from webtwin.simulators.core.site import SiteSpec, TaskPack
from webtwin.simulators.core.tasks import TaskFamily
from webtwin.simulators.mail import SITE as MAIL
from webtwin.simulators.shop import SITE as SHOP
from webtwin.simulators.workday import PACK as WORKDAY

SITES: dict[str, SiteSpec] = {site.name: site for site in (MAIL, SHOP)}
PACKS: dict[str, TaskPack] = {pack.name: pack for pack in (WORKDAY,)}


def site_sets() -> dict[str, tuple[str, ...]]:
    """Site-set name → site names: each site alone, plus each cross-site pack's world."""
    sets: dict[str, tuple[str, ...]] = {name: (name,) for name in SITES}
    for pack in PACKS.values():
        if set(pack.sites) <= set(SITES):
            sets[pack.name] = tuple(sorted(pack.sites))
    return sets


def task_families(site_set: str | None = None) -> dict[str, type[TaskFamily]]:
    """Task id → family class: a site's own families, or a pack's cross-site ones; all of
    them when `site_set` is None. Each family runs in exactly one site set."""
    sets = site_sets()
    names = [site_set] if site_set else sorted(sets)
    found: dict[str, type[TaskFamily]] = {}
    for name in names:
        loaders = [PACKS[name].task_families] if name in PACKS else [SITES[name].task_families]
        for load in loaders:
            for family in load():
                if set(family.sites or sets[name]) <= set(sets[name]):
                    found[family.id] = family
    return dict(sorted(found.items()))


__all__ = ["PACKS", "SITES", "site_sets", "task_families"]
