"""One FastAPI app for every site and every world of a process, routed by Host header."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from html import escape

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from starlette.routing import Host

from .control import build_control_router
from .site import SiteSpec
from .store import WorldStore
from .tasks import TaskFamily

__all__ = ["create_app"]


def create_app(
    sites: Sequence[SiteSpec],
    store: WorldStore | None = None,
    control_token: str | None = None,
    task_families: Mapping[str, type[TaskFamily]] | None = None,
) -> FastAPI:
    """Build the multi-site, multi-world app.

    ## Parameters
    - `sites`: sites to serve; each answers on `<name>.localhost` (any port).
    - `store`: the worlds hosted by this process (a new store by default).
    - `control_token`: bearer token of the control API (random by default; read it from
      `app.state.control_token`, never put it in a page).
    - `task_families`: task id → family class, for the control API's `verify`.
    """
    app = FastAPI(title="webtwin", docs_url="/__control__/docs",
                  openapi_url="/__control__/openapi.json", redoc_url=None)
    app.state.store = store or WorldStore(sites)
    app.state.control_token = control_token or secrets.token_urlsafe(24)
    app.state.task_families = dict(task_families or {})
    app.include_router(build_control_router())
    for site in sites:
        sub = site.build_app()
        sub.state.store = app.state.store
        sub.state.site = site.name
        app.router.routes.append(Host(site.host, app=sub, name=site.name))

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def index(request: Request) -> str:
        """Links to every site of this server."""
        port = f":{request.url.port}" if request.url.port else ""
        items = "".join(
            f'<li><a data-bid="site-{escape(s.name)}" href="http://{escape(s.host)}{port}/">'
            f"{escape(s.title)}</a></li>" for s in sites)
        return f"<!doctype html><title>webtwin</title><h1>webtwin</h1><ul>{items}</ul>"

    return app
