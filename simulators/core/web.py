"""Shared web plumbing for sites: world binding, forms, templates, redirects."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import parse_qs, urlsplit

from fastapi import Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape

from .store import HostedWorld, UnknownWorld, WorldStore
from .world import World

__all__ = [
    "WORLD_COOKIE", "Form", "FormDep", "HostedDep", "WorldDep", "format_time", "make_templates",
    "read_form", "render", "resolve_world", "safe_back", "see_other",
]

WORLD_COOKIE = "webtwin_world"
MAX_FORM_BYTES = 256 * 1024
CORE_TEMPLATES = Path(__file__).parent / "templates"


def _store(request: Request) -> WorldStore:
    store: WorldStore = request.app.state.store
    return store


def resolve_world(request: Request) -> HostedWorld:
    """The world selected by the request's cookie, or the demo world without one."""
    store = _store(request)
    world_id = request.cookies.get(WORLD_COOKIE)
    if world_id is None:
        return store.demo()
    try:
        hosted = store.get(world_id)
    except UnknownWorld:
        raise HTTPException(
            404, "This world no longer exists; clear the webtwin_world cookie.") from None
    site: str = request.app.state.site
    if site not in hosted.world.sites:
        raise HTTPException(404, f"This world has no {site} site.")
    return hosted


async def hosted_world(request: Request) -> HostedWorld:
    """Dependency form of `resolve_world`; `async` although it never awaits, because FastAPI
    runs sync dependencies in a thread pool, which costs more than the lookup itself."""
    return resolve_world(request)


async def current_world(hosted: Annotated[HostedWorld, Depends(hosted_world)]) -> World:
    return hosted.world


HostedDep = Annotated[HostedWorld, Depends(hosted_world)]
WorldDep = Annotated[World, Depends(current_world)]


class Form:
    """Submitted form fields; the last value wins for single fields, `all()` for lists."""

    def __init__(self, fields: dict[str, list[str]]):
        self.fields = fields

    def get(self, name: str, default: str = "") -> str:
        values = self.fields.get(name)
        return values[-1] if values else default

    def all(self, name: str) -> list[str]:
        return list(self.fields.get(name, []))

    def flag(self, name: str) -> bool:
        return self.get(name) in {"on", "1", "true", "yes"}

    def integers(self, name: str) -> list[int]:
        try:
            return [int(value) for value in self.all(name)]
        except ValueError:
            raise HTTPException(400, f"field {name!r} must hold whole numbers") from None


async def read_form(request: Request) -> Form:
    """Parse an urlencoded body ourselves: no multipart dependency, and a size limit."""
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        raise HTTPException(413, f"form larger than {MAX_FORM_BYTES // 1024} KiB")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise HTTPException(400, "form is not valid UTF-8") from None
    return Form(parse_qs(text, keep_blank_values=True))


FormDep = Annotated[Form, Depends(read_form)]


def make_templates(site_templates: Path) -> Environment:
    """A Jinja environment over the site's templates, falling back to the core's layouts."""
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(site_templates), FileSystemLoader(CORE_TEMPLATES)]),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters["when"] = format_time
    return env


def render(env: Environment, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    return HTMLResponse(env.get_template(name).render(**context), status_code=status_code)


def safe_back(url: str, default: str) -> str:
    """A local path to return to, without an old `notice=`; `default` for anything else.

    `back=` fields come from the page, so from the agent: they must never lead off the site.
    """
    parts = urlsplit(url.strip())
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or "\\" in url:
        return default
    if parts.path.startswith("//"):
        return default
    query = "&".join(p for p in parts.query.split("&") if p and not p.startswith("notice="))
    return parts.path + (f"?{query}" if query else "")


def see_other(url: str) -> RedirectResponse:
    """Post/redirect/get: every state change answers with a 303 to the page to show."""
    return RedirectResponse(url, status_code=303)


def format_time(epoch: int, now: int | None = None, style: str = "short") -> str:
    """Deterministic, locale-free time formatting in UTC ("10:32", "Mar 4", "2026-03-04")."""
    moment = dt.datetime.fromtimestamp(epoch, dt.UTC)
    if style == "iso":
        return moment.strftime("%Y-%m-%d %H:%M")
    if style == "long":
        return moment.strftime("%a, %b %-d, %Y, %H:%M")
    if now is not None and dt.datetime.fromtimestamp(now, dt.UTC).date() == moment.date():
        return moment.strftime("%H:%M")
    if now is not None and dt.datetime.fromtimestamp(now, dt.UTC).year == moment.year:
        return moment.strftime("%b %-d")
    return moment.strftime("%Y-%m-%d")
