"""Shared web plumbing for sites: world binding, forms, templates, redirects."""

from __future__ import annotations

import datetime as dt
import functools
import sqlite3
from collections import namedtuple
from collections.abc import Mapping, Sequence, Sized
from pathlib import Path
from typing import Annotated, Any, cast
from urllib.parse import parse_qs, urlsplit

from fastapi import Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sqlalchemy import Boolean, ClauseElement, Float, Integer, String, inspect
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Mapper, Session
from sqlalchemy.sql.compiler import SQLCompiler

from .store import HostedWorld, UnknownWorld, WorldStore
from .world import World, per_image

__all__ = [
    "WORLD_COOKIE", "Form", "FormDep", "HostedDep", "PreparedRead", "WorldDep", "format_time",
    "make_templates", "placeholders", "plain_rows", "read_form", "render", "resolve_world",
    "safe_back", "see_other", "sql_rows", "sqlite_connection",
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


async def current_world(request: Request) -> World:
    """The request's world (`resolve_world`), as one dependency rather than two in a chain:
    every page solves it, and each level of dependencies costs FastAPI a solve."""
    return resolve_world(request).world


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


def sql_rows(s: Session, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> list[Any]:
    """The rows (plain tuples) of a read-only SQL statement, on the session's connection.

    For the reads every page makes (layout counts, list rows): SQLAlchemy's work around a
    statement (building it, its cache key, result objects, ORM instances) costs 0.1–0.3 ms,
    several times what SQLite takes to answer. The statement runs inside the session's
    transaction, after its pending changes are flushed, so it sees what an ORM query would.
    """
    return sqlite_connection(s).execute(sql, params).fetchall()


def sqlite_connection(s: Session) -> sqlite3.Connection:
    """The session's own sqlite3 connection, in its transaction, pending changes flushed
    (for a read that runs several plain statements; see `sql_rows`)."""
    if s.autoflush:
        s.flush()
    return cast(sqlite3.Connection, s.connection().connection.driver_connection)


def placeholders(values: Sized) -> str:
    """`?, ?, ?` for an `IN (...)` of `values` (SQLite accepts an empty list)."""
    return ", ".join("?" * len(values))


def plain_rows(s: Session, model: type, where: str = "",
               params: Sequence[Any] | Mapping[str, Any] = ()) -> list[Any]:
    """Rows of `model`'s table as named tuples holding the model's column attributes.

    For pages that only read and show rows: the values are those of the ORM objects (booleans
    as `bool`), without ORM instances. `where` is the SQL after `FROM <table>` (conditions and
    ORDER BY, on bare column names); relationships are not loaded.
    """
    row_type, select_sql, booleans = _plain_shape(model)
    rows = sql_rows(s, f"{select_sql} {where}", params)
    if not booleans:
        return [row_type._make(row) for row in rows]
    return [row_type._make(bool(v) if i in booleans else v for i, v in enumerate(row))
            for row in rows]


@functools.cache
def _plain_shape(model: type) -> tuple[Any, str, frozenset[int]]:
    table = model.__table__  # type: ignore[attr-defined]
    mapper: Mapper[Any] = inspect(model)
    columns = list(table.columns)
    unsupported = [c.name for c in columns if not isinstance(c.type, _PLAIN_TYPES)]
    if unsupported:
        raise TypeError(f"plain_rows reads only simple columns, not {unsupported}")
    names = [mapper.get_property_by_column(c).key for c in columns]
    row_type = namedtuple(f"{model.__name__}Row", names)  # type: ignore[misc]
    select_sql = f"SELECT {', '.join(f'{_quote(c.name)}' for c in columns)} FROM {table.fullname}"
    booleans = frozenset(i for i, c in enumerate(columns) if isinstance(c.type, Boolean))
    return row_type, select_sql, booleans


_PLAIN_TYPES = (Integer, String, Float, Boolean)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class PreparedRead:
    """A SQLAlchemy SELECT compiled once to SQL text, then run through `sql_rows`.

    For page reads whose shape never changes (a view's condition, with the clock as a bound
    parameter): one definition of the query, without building it again on every request.
    Values come by name (`bindparam("now")`); literal values inside the statement keep theirs.
    Columns come back as SQLite stores them (0/1 for booleans). A statement that names one of
    `virtual_tables` (a full-text index) is prepared for each image of the connection
    (`world.per_image`). With `render_lists`, an `IN`
    over a list of values is written out as one parameter per value; every bound parameter
    then needs a value when the statement is compiled (a value given to `rows` replaces it),
    and a list's length is fixed.
    """

    def __init__(self, statement: ClauseElement, render_lists: bool = False,
                 virtual_tables: Sequence[str] = ()):
        compiled = statement.compile(dialect=_SQLITE,
                                     compile_kwargs={"render_postcompile": render_lists})
        assert isinstance(compiled, SQLCompiler)
        if not render_lists and (compiled.literal_execute_params or
                                 compiled.post_compile_params):
            raise ValueError("a prepared read cannot hold an expanding IN (a list parameter) "
                             "unless it renders lists")
        self.sql = str(compiled)
        self.names = tuple(compiled.positiontup or ())
        self.defaults = compiled.params
        self.virtual = any(name in self.sql for name in virtual_tables)

    def rows(self, s: Session, **values: Any) -> list[Any]:
        params = {**self.defaults, **values}
        values_in_order = [params[name] for name in self.names]
        if not self.virtual:
            return sql_rows(s, self.sql, values_in_order)
        connection = sqlite_connection(s)
        return connection.execute(per_image(connection, self.sql), values_in_order).fetchall()


_SQLITE = sqlite.dialect()


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
    if now is not None and style not in ("iso", "long") and isinstance(epoch, int):
        # Relative to `now`, the time of every row of a list: UTC days are whole multiples of
        # 86400 s, so the clock is arithmetic and a day's text is made once.
        if epoch // _DAY == now // _DAY:
            return f"{epoch // 3600 % 24:02d}:{epoch // 60 % 60:02d}"
        return _day_text(epoch // _DAY, _year_of_day(now // _DAY))
    moment = dt.datetime.fromtimestamp(epoch, dt.UTC)
    if style == "iso":
        return moment.strftime("%Y-%m-%d %H:%M")
    if style == "long":
        return moment.strftime("%a, %b %-d, %Y, %H:%M")
    return moment.strftime("%Y-%m-%d")


_DAY = 86400


@functools.lru_cache(maxsize=4096)  # the rows of a mailbox fall on a few hundred days
def _day_text(day: int, this_year: int) -> str:
    """UTC day number `day` as "Mar 4" within `this_year`, else as "2026-03-04"."""
    moment = dt.datetime.fromtimestamp(day * _DAY, dt.UTC)
    return moment.strftime("%b %-d" if moment.year == this_year else "%Y-%m-%d")


@functools.lru_cache(maxsize=64)
def _year_of_day(day: int) -> int:
    return dt.datetime.fromtimestamp(day * _DAY, dt.UTC).year
