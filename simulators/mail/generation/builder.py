"""Writes historical mail rows: threads of messages with past timestamps.

Past mail cannot go through `services.send` (that stamps `world.now`), so the generator writes
rows directly, with ids from `World.next_id` like every service. Everything else (contacts,
labels, filters, drafts, scheduled mail) goes through the services.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from webtwin.simulators.core.rng import Random
from webtwin.simulators.core.world import World

from ..models import Attachment, Message, Thread
from ..services.replies import reply_subject
from .cast import Cast, Person, Sender
from .text import DAY, HOUR, fill, random_values

__all__ = ["Mail", "Mailbox", "Writer"]

Author = Person | Sender


@dataclass
class Mail:
    """One message to write: who, what, when, and whether it was read."""

    author: Author
    body: str
    at: int
    to: str = ""
    cc: str = ""
    read: bool = True
    attachments: list[tuple[str, str, str]] = field(default_factory=list)  # name, mime, text


class Mailbox:
    """Inserts threads and remembers what each is for (tags) so later passes can pick them."""

    def __init__(self, s: Session, world: World, owner: Person, now: int):
        self.s, self.world, self.owner, self.now = s, world, owner, now
        self.threads: list[Thread] = []
        self.tags: dict[int, set[str]] = {}
        self.meta: dict[int, dict[str, Any]] = {}
        self.messages: dict[int, list[Message]] = {}
        self._keys: set[tuple[str, str]] = set()

    def free(self, subject: str, senders: Iterable[str]) -> bool:
        """True when no thread has this subject from any of these senders yet."""
        return not any((email, subject) in self._keys for email in senders)

    def claim(self, subject: str, senders: Iterable[str]) -> None:
        self._keys.update((email, subject) for email in senders)

    def thread(self, subject: str, category: str, mails: list[Mail], tags: Iterable[str] = (),
               **flags: Any) -> Thread:
        """Insert a thread with `mails` (in order; each answers the previous one)."""
        thread = Thread(id=World.next_id(self.s, Thread.__tablename__), subject=subject,
                        category=category, last_message_at=max(m.at for m in mails), **flags)
        self.s.add(thread)
        previous: int | None = None
        self.messages[thread.id] = []
        for index, mail in enumerate(mails):
            message = self._message(thread, mail, subject if index == 0
                                    else reply_subject(subject), previous)
            self.messages[thread.id].append(message)
            previous = message.id
        self.threads.append(thread)
        self.tags[thread.id] = set(tags)
        self.claim(subject, [m.author.email for m in mails if m.author != self.owner])
        return thread

    def _message(self, thread: Thread, mail: Mail, subject: str,
                 previous: int | None) -> Message:
        mine = mail.author == self.owner
        message = Message(
            id=World.next_id(self.s, Message.__tablename__), thread_id=thread.id,
            sender_name=mail.author.name, sender_email=mail.author.email,
            to_addrs=mail.to or self.owner.email, cc_addrs=mail.cc, subject=subject,
            body=mail.body, sent_at=mail.at, status="sent" if mine else "received",
            is_read=mine or mail.read, in_reply_to=previous)
        self.s.add(message)
        for name, mime, content in mail.attachments:
            self.s.add(Attachment(id=World.next_id(self.s, Attachment.__tablename__),
                                  message_id=message.id, filename=name, mime_type=mime,
                                  content=content))
        return message

    def tagged(self, tag: str) -> list[Thread]:
        """Threads carrying `tag`, in creation (id) order."""
        return [t for t in self.threads if tag in self.tags[t.id]]


class Writer:
    """Template filling for one world: corpus, cast, clock and the mailbox being written."""

    def __init__(self, corpus: dict[str, Any], cast: Cast, box: Mailbox):
        self.corpus, self.cast, self.box = corpus, cast, box
        self.now = box.now

    def values(self, rng: Random, author: Author, reader: Person,
               **overrides: str) -> dict[str, str]:
        """Every placeholder's value for mail from `author` to `reader`."""
        owner = self.cast.owner
        voice = author if isinstance(author, Person) else rng.choice(self.cast.extras)
        company = author.company["name"] if author.company else ""
        values = random_values(rng, self.corpus, self.now)
        values.update(first=reader.first, last=reader.last, sender_first=voice.first,
                      sender_last=voice.last, company=company, my_first=owner.first,
                      my_company=owner.company_name)
        values.update(overrides)
        return values

    def pick(self, rng: Random, kind: str | list[dict[str, str]], author: Author, reader: Person,
             **overrides: str) -> tuple[str, str, dict[str, str]] | None:
        """(subject, body, values) from a `kind` template whose subject is still free for the
        correspondent (the author, or the reader when the owner writes)."""
        other = reader if author == self.cast.owner else author
        for _ in range(12):
            template = rng.choice(self.corpus[kind] if isinstance(kind, str) else kind)
            values = self.values(rng, author, reader, **overrides)
            subject = fill(template["subject"], values)
            if self.box.free(subject, [other.email]):
                return subject, fill(template["body"], values), values
        return None

    def past(self, rng: Random, low_days: float, high_days: float) -> int:
        """A minute-aligned time between `high_days` and `low_days` days ago."""
        ago = rng.randint(int(low_days * DAY), int(high_days * DAY))
        return (self.now - ago) // 60 * 60

    def later(self, rng: Random, at: int, low_hours: float = 1, high_hours: float = 20) -> int:
        """A time after `at` but before now."""
        step = rng.randint(int(low_hours * HOUR), int(high_hours * HOUR))
        return min((at + step) // 60 * 60, self.now - 5 * 60)
