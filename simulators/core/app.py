"""One FastAPI app for every site and every world of a process, routed by Host header."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from html import escape

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from starlette.datastructures import Headers
from starlette.routing import Host
from starlette.types import ASGIApp, Receive, Scope, Send

from .control import CONTROL_PREFIX, build_control_router
from .site import SiteSpec
from .store import WorldStore
from .tasks import TaskFamily

__all__ = ["SiteDispatch", "create_app"]


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
    hosts: dict[str, ASGIApp] = {}
    for site in sites:
        sub = hosts[site.host] = site.build_app()
        sub.state.store = app.state.store
        sub.state.site = site.name
        app.router.routes.append(Host(site.host, app=sub, name=site.name))
    app.add_middleware(SiteDispatch, hosts=hosts)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def index(request: Request) -> str:
        """Links to every site of this server."""
        port = f":{request.url.port}" if request.url.port else ""
        items = "".join(
            f'<li><a data-bid="site-{escape(s.name)}" href="http://{escape(s.host)}{port}/">'
            f"{escape(s.title)}</a></li>" for s in sites)
        return f"<!doctype html><title>webtwin</title><h1>webtwin</h1><ul>{items}</ul>"

    return app


class SiteDispatch:
    """Hands a site's requests straight to its sub-app, as its `Host` route would.

    Without it every page request first goes through this app's exception layer and tries
    each control route, then each `Host` route, before reaching the site's own app (which has
    the same layers again). The control API keeps its prefix on every host, as before.
    """

    def __init__(self, app: ASGIApp, hosts: dict[str, ASGIApp]):
        self.app = app
        self.hosts = hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        site = self._site(scope) if scope["type"] == "http" else None
        await (site or self.app)(scope, receive, send)

    def _site(self, scope: Scope) -> ASGIApp | None:
        if scope["path"].startswith(CONTROL_PREFIX):
            return None
        # `name[:port]` exactly; anything unusual takes the router's path (Starlette's parse)
        name, colon, port = Headers(scope=scope).get("host", "").partition(":")
        if colon and not (port.isascii() and port.isdigit()):
            return None
        return self.hosts.get(name.lower())
