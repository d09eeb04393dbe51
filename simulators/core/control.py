"""The control API: create, reset, snapshot, restore, fork and delete worlds; state; verify.

It lives under `/__control__` and every route needs `Authorization: Bearer <token>`. The token
is given to the process that starts the server (the env, the rollout launcher, a person's
console) and never to pages, so an agent's browser cannot reset or inspect its world.
"""

from __future__ import annotations

import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException, Request, Response
from pydantic import BaseModel, Field

from .state import diff_images
from .store import HostedWorld, UnknownWorld, WorldStore
from .tasks import judge
from .world import World

__all__ = ["CONTROL_PREFIX", "build_control_router"]

CONTROL_PREFIX = "/__control__"
MAX_SNAPSHOT_BYTES = 64 * 1024 * 1024


class CreateWorld(BaseModel):
    sites: list[str] = Field(min_length=1, examples=[["mail"]])
    seed: int = Field(ge=0, lt=2**63)
    task: str | None = Field(default=None, examples=["mail/star_thread"])


class Advance(BaseModel):
    seconds: int = Field(ge=0, le=365 * 86400)


class VerifyRequest(BaseModel):
    answer: str | None = None


def _require_token(request: Request, authorization: Annotated[str, Header()] = "") -> None:
    expected = f"Bearer {request.app.state.control_token}"
    if not secrets.compare_digest(authorization.encode(), expected.encode()):
        raise HTTPException(401, "control API: missing or wrong bearer token")


def _hosted(request: Request, world_id: str) -> HostedWorld:
    try:
        store: WorldStore = request.app.state.store
        return store.get(world_id)
    except UnknownWorld:
        raise HTTPException(404, f"no world {world_id!r}") from None


def build_control_router() -> APIRouter:
    """Routes of the control API (mounted by `create_app`)."""
    router = APIRouter(prefix=CONTROL_PREFIX, tags=["control"],
                       dependencies=[Depends(_require_token)])

    @router.get("/worlds")
    async def list_worlds(request: Request) -> dict[str, Any]:
        """Ids of the hosted worlds."""
        return {"worlds": request.app.state.store.ids()}

    @router.post("/worlds", status_code=201)
    async def create_world(request: Request, body: CreateWorld) -> dict[str, Any]:
        """Generate a world (optionally with a task) and host it."""
        store: WorldStore = request.app.state.store
        family = _family(request, body.task)
        try:
            world_id = store.create(body.sites, body.seed, family)
        except ValueError as error:
            raise HTTPException(422, str(error)) from None
        instance = store.get(world_id).instance
        return {"world_id": world_id, "task": instance.to_json() if instance else None}

    @router.post("/worlds/{world_id}/reset")
    async def reset_world(request: Request, world_id: str) -> dict[str, str]:
        """Restore the world's start state."""
        hosted = _hosted(request, world_id)
        hosted.world.restore(hosted.start)
        return {"digest": hosted.world.digest()}

    @router.get("/worlds/{world_id}/snapshot")
    async def snapshot_world(request: Request, world_id: str) -> Response:
        """The world's state as a SQLite image."""
        data = _hosted(request, world_id).world.snapshot()
        return Response(data, media_type="application/vnd.sqlite3")

    @router.post("/worlds/{world_id}/restore")
    async def restore_world(request: Request, world_id: str) -> dict[str, str]:
        """Replace the world's state with a snapshot (request body)."""
        hosted = _hosted(request, world_id)
        data = await request.body()
        if not data.startswith(b"SQLite format 3\0") or len(data) > MAX_SNAPSHOT_BYTES:
            raise HTTPException(422, "body is not a world snapshot")
        hosted.world.restore(data, trusted=False)
        return {"digest": hosted.world.digest()}

    @router.post("/worlds/{world_id}/fork", status_code=201)
    async def fork_world(request: Request, world_id: str) -> dict[str, str]:
        """A new world starting from this one's current state."""
        hosted = _hosted(request, world_id)
        copy = HostedWorld(hosted.world.fork(), hosted.seed, hosted.start, hosted.family,
                           hosted.instance, hosted.sites)
        return {"world_id": request.app.state.store.add(copy)}

    @router.delete("/worlds/{world_id}", status_code=204)
    async def delete_world(request: Request, world_id: str) -> Response:
        """Stop hosting the world."""
        _hosted(request, world_id)
        request.app.state.store.delete(world_id)
        return Response(status_code=204)

    @router.get("/worlds/{world_id}/digest")
    async def world_digest(request: Request, world_id: str) -> dict[str, Any]:
        """Canonical hash of the state and the virtual time."""
        world = _hosted(request, world_id).world
        return {"digest": world.digest(), "now": world.now}

    @router.get("/worlds/{world_id}/state")
    async def world_state(request: Request, world_id: str) -> dict[str, Any]:
        """Every row of every table."""
        return _state(_hosted(request, world_id).world)

    @router.get("/worlds/{world_id}/diff")
    async def world_diff(request: Request, world_id: str) -> dict[str, Any]:
        """Row-level changes since the world's start state."""
        hosted = _hosted(request, world_id)
        world = hosted.world
        return diff_images(hosted.start, world.snapshot(), world.tables()).to_json()

    @router.post("/worlds/{world_id}/advance")
    async def advance_world(request: Request, world_id: str, body: Advance) -> dict[str, int]:
        """Move the virtual clock forward, firing due events."""
        world = _hosted(request, world_id).world
        return {"fired": world.advance(body.seconds), "now": world.now}

    @router.post("/worlds/{world_id}/verify")
    async def verify_world(request: Request, world_id: str, body: VerifyRequest) -> dict[str, Any]:
        """Run the task's verifier on the current state."""
        hosted = _hosted(request, world_id)
        if hosted.family is None or hosted.instance is None:
            raise HTTPException(409, "this world was created without a task")
        return judge(hosted.family, hosted.instance, hosted.start, hosted.world,
                     body.answer).to_json()

    return router


def _family(request: Request, task_id: str | None) -> Any:
    if task_id is None:
        return None
    families = request.app.state.task_families
    if task_id not in families:
        raise HTTPException(422, f"unknown task {task_id!r}; see webtwin.envs.list_tasks()")
    return families[task_id]()


def _state(world: World) -> dict[str, Any]:
    from .state import read_rows

    return {"now": world.now,
            "tables": {t.name: list(read_rows(world.conn, t).values()) for t in world.tables()}}
