"""User labels: Clients/<Company>, Receipts, Travel, Projects/<Topic>, and their threads."""

from __future__ import annotations

from sqlalchemy.orm import Session

from webtwin.simulators.core.rng import Random

from ..models import Label, ThreadLabel
from ..services import create_label
from .builder import Writer

__all__ = ["apply_labels", "topic_label"]

_COLORS = ("blue", "green", "orange", "purple", "red", "teal", "yellow", "pink")


def topic_label(topic: str) -> str:
    """"the API integration" -> "API Integration" (keeps acronyms as written)."""
    words = topic.removeprefix("the ").split()
    return " ".join(word[:1].upper() + word[1:] for word in words)


def apply_labels(s: Session, w: Writer, rng: Random, topics: list[str]) -> dict[str, int]:
    """Create the labels and label matching threads; returns full label name -> id."""
    world = w.box.world
    ids: dict[str, int] = {}
    for name in ("Clients", "Receipts", "Travel", "Projects"):
        ids[name] = create_label(s, world, name).id
    for company in sorted(w.cast.clients):
        ids[f"Clients/{company}"] = create_label(s, world, company, ids["Clients"]).id
    for topic in topics:
        ids[f"Projects/{topic_label(topic)}"] = \
            create_label(s, world, topic_label(topic), ids["Projects"]).id
    for label_id in sorted(ids.values()):
        label = s.get(Label, label_id)
        assert label is not None
        label.color = rng.choice(_COLORS)
    for thread_id, name in _assignments(w, topics):
        s.add(ThreadLabel(thread_id=thread_id, label_id=ids[name]))
    return ids


def _assignments(w: Writer, topics: list[str]) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for thread in w.box.threads:
        tags, meta = w.box.tags[thread.id], w.box.meta.get(thread.id, {})
        if "client" in tags:
            found.append((thread.id, f"Clients/{meta['partner'].company_name}"))
        if "work" in tags and meta["topic"] in topics:
            found.append((thread.id, f"Projects/{topic_label(meta['topic'])}"))
        if tags & {"invoice", "shipping"}:
            found.append((thread.id, "Receipts"))
        if "travel" in tags:
            found.append((thread.id, "Travel"))
    return found
