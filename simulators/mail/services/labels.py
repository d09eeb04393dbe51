"""User labels. Nesting is by name, Gmail-style: "Clients/Northwind" is a child of "Clients"."""

from __future__ import annotations

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from webtwin.simulators.core.world import World

from ..models import Filter, Label, ThreadLabel
from .errors import MailError

__all__ = ["MAX_LABEL_NAME", "create_label", "delete_label", "rename_label"]

MAX_LABEL_NAME = 100
_MAX_FULL_NAME = 200  # the column's size: a nested name may exceed one level's limit


def create_label(s: Session, world: World, name: str, parent_id: int | None = None) -> Label:
    """A new label; with `parent_id` its full name is "<parent>/<name>"."""
    leaf = _clean(name)
    full = f"{_get(s, parent_id).name}/{leaf}" if parent_id is not None else leaf
    _check_full(full)
    _check_free(s, [full], exclude=[])
    label = Label(id=World.next_id(s, Label.__tablename__), name=full)
    s.add(label)
    s.flush()
    return label


def rename_label(s: Session, label_id: int, name: str) -> Label:
    """Give a label a new full name ("Customers", "Projects/Atlas"); children follow it."""
    label = _get(s, label_id)
    new = _clean(name)
    family = [label, *_children(s, label)]
    renamed = [new + child.name[len(label.name):] for child in family]
    for full in renamed:
        _check_full(full)
    _check_free(s, renamed, exclude=[item.id for item in family])
    for item, full in zip(family, renamed, strict=True):
        item.name = full
    s.flush()
    return label


def delete_label(s: Session, label_id: int) -> None:
    """Delete a label and its children, unlabel their threads, and clear filters using them."""
    label = _get(s, label_id)
    ids = [label.id, *(child.id for child in _children(s, label))]
    s.flush()  # bulk statements below bypass the unit of work; expire_all would drop changes
    s.execute(update(Filter).where(Filter.label_id.in_(ids)).values(label_id=None))
    s.execute(delete(ThreadLabel).where(ThreadLabel.label_id.in_(ids)))
    s.execute(delete(Label).where(Label.id.in_(ids)))
    s.expire_all()


def _get(s: Session, label_id: int | None) -> Label:
    label = s.get(Label, int(label_id)) if label_id is not None else None
    if label is None:
        raise MailError(f"there is no label with id {label_id}")
    return label


def _clean(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise MailError("enter a label name")
    if len(name) > MAX_LABEL_NAME:
        raise MailError(f"a label name has at most {MAX_LABEL_NAME} characters")
    if name.startswith("/") or name.endswith("/"):
        raise MailError("a label name cannot start or end with \"/\"")
    return name


def _check_full(full: str) -> None:
    if len(full) > _MAX_FULL_NAME:
        raise MailError(f"the full label name {full!r} is too long")
    if any(not part.strip() for part in full.split("/")):
        raise MailError(f"{full!r} has an empty level between \"/\"")


def _check_free(s: Session, names: list[str], exclude: list[int]) -> None:
    """MailError when any name is taken (case-insensitively) by a label outside `exclude`."""
    lowered = [name.lower() for name in names]
    taken = s.scalars(select(Label.name).where(func.lower(Label.name).in_(lowered),
                                               Label.id.not_in(exclude))
                      .order_by(Label.name)).first()
    if taken is not None:
        raise MailError(f"a label named {taken!r} already exists")


def _children(s: Session, label: Label) -> list[Label]:
    prefix = f"{label.name}/"
    found = s.scalars(select(Label).order_by(Label.name)).all()
    return [item for item in found if item.name.startswith(prefix)]
