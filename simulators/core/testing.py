"""Test support for site authors: task families against real worlds, and an in-process client.

A new site's task tests need only a few lines. Two fixtures: a module-scoped
`WorldFactory(capacity=64)` named `factory` (so each seed's world is generated once), and a
`tasks` fixture that yields `TaskHarness([SITE], factory)` inside its `with` block (so the
worlds a test opens are closed after it); `simulators/shop/tests/conftest.py` has both. Then
one `Effect` per family, the intended change made through the site's services, and:

    @pytest.mark.parametrize("family_cls", FAMILIES, ids=[f.id for f in FAMILIES])
    def test_family(tasks: TaskHarness, family_cls: type[TaskFamily]) -> None:
        family = family_cls()
        assert_documented(family)
        for world, instance in tasks.sampled(family, range(6)):  # deterministic, filled in
            assert instance.params  # ... and whatever else the site promises
        for seed in range(6):
            instance, verdict = tasks.outcome(family, seed, EFFECTS[family.id])
            assert verdict.passed, (seed, verdict.to_json())

`outcome` also takes several effects (each on the clock) and a `then` effect off the clock
(collateral damage); `start`, `fork`, `idle`, `act_out` and `verify` are its parts, for tests
that need them apart. `play_oracle` plays a family's oracle through a text env; `SiteClient`
talks to a site's pages in-process.

Nothing here imports pytest: a failed check raises `AssertionError`, which pytest reports.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from fastapi import FastAPI

from .generation import WorldFactory
from .rng import substream
from .site import SiteSpec
from .store import WorldStore
from .tasks import TaskFamily, TaskInstance, Verdict, judge
from .web import WORLD_COOKIE
from .world import World

if TYPE_CHECKING:  # httpx comes with the `dev` extra; only `SiteClient` needs it
    import httpx

__all__ = [
    "DOC_SECTIONS", "Effect", "SiteClient", "TaskHarness", "assert_documented", "bids",
    "play_oracle",
]

DOC_SECTIONS = ("## Description", "## Goal", "## Parameters", "## Success criteria")
BID = re.compile(r'data-bid="([^"]+)"')

Effect = Callable[[World, dict[str, Any]], str | None]
"""A change made from a task's parameters (usually through the services); returns the answer
the agent would give, or None."""


def assert_documented(family: TaskFamily | type[TaskFamily]) -> None:
    """`family`'s docstring has every section a task family's must have."""
    doc = family.__doc__ or ""
    missing = [section for section in DOC_SECTIONS if section not in doc]
    if missing:
        raise AssertionError(f"{family.id} docstring lacks {', '.join(missing)}")


class TaskHarness:
    """Starts episodes of task families, acts in them, verifies them; closes what it opened.

    ## Parameters
    - `specs`: the sites of every world.
    - `factory`: where start worlds come from; share one across a module, generation is slow.
    - `step`: seconds the env's clock moves per step (the envs' default is 60).
    """

    def __init__(self, specs: Sequence[SiteSpec], factory: WorldFactory, step: int = 60):
        self.specs, self.factory, self.step = list(specs), factory, step
        self._opened: list[World] = []

    def __enter__(self) -> TaskHarness:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close every world this harness opened."""
        opened, self._opened = self._opened, []
        for world in opened:
            world.close()

    def start(self, family: TaskFamily, seed: int) -> tuple[World, TaskInstance]:
        """A fresh world of `seed`, prepared by the family exactly as an episode would be."""
        world = self._track(World.from_bytes(self.specs, self.factory.template(self.specs, seed)))
        return world, family.sample(world, substream(seed, "task", family.id))

    def fork(self, world: World) -> World:
        """An independent copy of `world`, closed with the harness."""
        return self._track(world.fork())

    def idle(self, world: World, steps: int = 5) -> World:
        """A copy of `world` after `steps` steps of doing nothing."""
        end = self.fork(world)
        end.advance(steps * self.step)
        return end

    def act_out(self, family: TaskFamily, world: World, instance: TaskInstance,
                effect: Effect) -> str | None:
        """Apply `effect` to `world` on the clock as the oracle would spend it; its answer."""
        world.advance(self.step)
        answer = effect(world, instance.params)
        world.advance(self.step * max(0, len(family.solve(instance)) - 1))
        return answer

    def verify(self, family: TaskFamily, start: World, instance: TaskInstance, end: World,
               answer: str | None = None) -> Verdict:
        """The family's verdict on `end`, judged against `start` as the envs judge it."""
        return judge(family, instance, start.snapshot(), end, answer)

    def outcome(self, family: TaskFamily, seed: int, *effects: Effect,
                then: Effect | None = None) -> tuple[TaskInstance, Verdict]:
        """Start `seed`, act out `effects` in turn on a copy, apply `then` off the clock, and
        verify with the last effect's answer."""
        world, instance = self.start(family, seed)
        end = self.fork(world)
        answer = None
        for effect in effects:
            answer = self.act_out(family, end, instance, effect)
        if then is not None:
            then(end, instance.params)
        return instance, self.verify(family, world, instance, end, answer)

    def sampled(self, family: TaskFamily,
                seeds: Iterable[int]) -> list[tuple[World, TaskInstance]]:
        """Each seed's start world and instance, once sampling it twice has given the same
        instance and world, and an instruction of this family with no placeholder left."""
        return [self._sample_twice(family, seed) for seed in seeds]

    def _sample_twice(self, family: TaskFamily, seed: int) -> tuple[World, TaskInstance]:
        world, instance = self.start(family, seed)
        second, again = self.start(family, seed)
        if instance != again or world.digest() != second.digest():
            raise AssertionError(f"{family.id}: sampling seed {seed} is not deterministic")
        text = instance.instruction
        if instance.family != family.id or not text.strip() or "{" in text:
            raise AssertionError(f"{family.id}, seed {seed}: bad instance {instance}")
        return world, instance

    def _track(self, world: World) -> World:
        self._opened.append(world)
        return world


def play_oracle(env: Any, seed: int) -> tuple[float, dict[str, Any], list[tuple[str, str]]]:
    """Reset a text env (made by `gymnasium.make` or directly) to `seed` and play its oracle.

    Returns the last reward and info, and each action the env reported an error for.
    """
    env.reset(seed=seed)
    reward, info, errors = 0.0, {}, []
    for action in env.unwrapped.oracle():
        obs, reward, terminated, truncated, info = env.step(action)
        if obs["last_action_error"]:
            errors.append((action, obs["last_action_error"]))
        if terminated or truncated:
            break
    return reward, info, errors


class SiteClient:
    """A synchronous, cookie-bound client of one hosted world (no redirects followed by default).

    Subclasses name the site's host, e.g. `base_url = "http://mail.localhost"`.
    """

    base_url: ClassVar[str] = "http://localhost"

    def __init__(self, app: FastAPI, store: WorldStore, world_id: str):
        self.app, self.store, self.world_id = app, store, world_id

    @property
    def world(self) -> World:
        return self.store.get(self.world_id).world

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        import httpx

        async def go() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url=self.base_url,
                                         cookies={WORLD_COOKIE: self.world_id}) as client:
                return await client.request(method, url, **kwargs)
        return asyncio.run(go())

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, data: Any = None, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, data=data, **kwargs)

    def page(self, url: str) -> str:
        """A page's HTML, asserting it rendered."""
        response = self.get(url)
        if response.status_code != 200:
            raise AssertionError((url, response.status_code, response.text[-500:]))
        return response.text


def bids(html: str) -> list[str]:
    """Every data-bid of a page, in order."""
    return BID.findall(html)
