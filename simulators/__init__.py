"""The web apps and their registry: one line per site.

Site sets name the worlds environments are made of: every site alone, and `workday`, a world
holding every site. Env ids, the server and the conformance tests derive from these.
"""

from __future__ import annotations

from webtwin.simulators.core.site import SiteSpec
from webtwin.simulators.core.tasks import TaskFamily
from webtwin.simulators.mail import SITE as MAIL

SITES: dict[str, SiteSpec] = {site.name: site for site in (MAIL,)}


def site_sets() -> dict[str, tuple[str, ...]]:
    """Site-set name → site names: each site alone, plus `workday` once there are several."""
    sets: dict[str, tuple[str, ...]] = {name: (name,) for name in SITES}
    if len(SITES) > 1:
        sets["workday"] = tuple(sorted(SITES))
    return sets


def task_families(site_set: str | None = None) -> dict[str, type[TaskFamily]]:
    """Task id → family class, for the families a site set's world can host."""
    names = set(site_sets()[site_set]) if site_set else set(SITES)
    found: dict[str, type[TaskFamily]] = {}
    for site in sorted(names):
        for family in SITES[site].task_families():
            if set(family.sites or (site,)) <= names:
                found[family.id] = family
    return dict(sorted(found.items()))


__all__ = ["SITES", "site_sets", "task_families"]
