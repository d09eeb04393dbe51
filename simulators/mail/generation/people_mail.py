"""Mail between people: work conversations, meetings, friends, cold outreach, sent-only mail."""

from __future__ import annotations

from webtwin.simulators.core.rng import Random

from .builder import Mail, Writer
from .cast import Person
from .text import fill

__all__ = ["meetings", "personal", "sent_only", "strangers", "work"]

_OWNER_PERSONAL = (
    "Sounds lovely — count me in! 🙂", "Ha, thank you so much! See you soon.",
    "I'd love to. Let me check my calendar and get back to you tonight.",
    "Yes please! 🎉 What can I bring?", "Aww, thanks for thinking of me 😊",
)
_FRIEND_FOLLOW_UP = ("Perfect, see you then! 😊", "Great — I'll save you a spot.",
                     "Brilliant, can't wait 🙌")


def work(w: Writer, rng: Random, count: int, project_topics: list[str]) -> None:
    """Conversations of 2–5 messages with colleagues and clients; the owner takes part."""
    partners, companies = _partners(w), sorted(w.cast.clients)
    for index in range(count):
        # The first threads visit every client company, so each Clients/<Company> label is used.
        partner = rng.choice(w.cast.clients[companies[index]] if index < len(companies)
                             else partners)
        topic = project_topics[index % len(project_topics)] if index < 6 else ""
        _work_thread(w, rng, partner, topic)


def _partners(w: Writer) -> list[Person]:
    clients = [p for name in sorted(w.cast.clients) for p in w.cast.clients[name]]
    return [*w.cast.colleagues, *clients]


def _work_thread(w: Writer, rng: Random, partner: Person, topic: str) -> None:
    owner = w.cast.owner
    starts = rng.random() < 0.3
    author, reader = (owner, partner) if starts else (partner, owner)
    extra = {"topic": topic} if topic else {}
    picked = w.pick(rng, "work", author, reader, **extra)
    if picked is None:
        return
    subject, body, values = picked
    at = w.past(rng, 0.2, 44)
    mails = [Mail(author, body, at, to=reader.email, cc=_cc(w, rng, partner))]
    for _ in range(rng.randint(1, 4)):
        author, reader = reader, author
        at = w.later(rng, at)
        mails.append(Mail(author, _reply_body(w, rng, author, reader, values), at,
                          to=reader.email))
    _set_read(w, rng, mails)
    tags = {"work", "archivable"} | ({"client"} if partner.company != owner.company else set())
    thread = w.box.thread(subject, "primary", mails, tags)
    w.box.claim(subject, [partner.email])
    w.box.meta[thread.id] = {"topic": values["topic"], "partner": partner}


def _cc(w: Writer, rng: Random, partner: Person) -> str:
    if partner.company == w.cast.owner.company or rng.random() < 0.6:
        return ""
    return rng.choice(w.cast.colleagues).email


def _reply_body(w: Writer, rng: Random, author: Person, reader: Person,
                values: dict[str, str]) -> str:
    template = rng.choice(w.corpus["work_reply"])
    own = w.values(rng, author, reader, topic=values["topic"])
    return fill(template["body"], own)


def _set_read(w: Writer, rng: Random, mails: list[Mail]) -> None:
    """Old mail is read; the newest received message of a recent thread may not be."""
    for mail in mails:
        mail.read = True
    last = mails[-1]
    if last.author != w.cast.owner and w.now - last.at < 6 * 86400 and rng.random() < 0.65:
        last.read = False


def meetings(w: Writer, rng: Random, count: int) -> None:
    """Meeting requests, sometimes confirmed by the owner."""
    owner = w.cast.owner
    for _ in range(count):
        partner = rng.choice(_partners(w))
        picked = w.pick(rng, "meeting", partner, owner)
        if picked is None:
            continue
        subject, body, values = picked
        mails = [Mail(partner, body, w.past(rng, 0.1, 40))]
        if rng.random() < 0.5:
            reply = f"Hi {partner.first},\n\n{values['weekday']} at {values['time']} works " \
                    f"for me — see you then.\n\nBest,\n{owner.first}"
            mails.append(Mail(owner, reply, w.later(rng, mails[0].at, 0.5, 6), to=partner.email))
        _set_read(w, rng, mails)
        w.box.thread(subject, "primary", mails, {"meeting", "archivable"})


def personal(w: Writer, rng: Random, count: int) -> None:
    """Notes from friends, with the owner's answer and sometimes a follow-up."""
    owner = w.cast.owner
    for friend in rng.sample(w.cast.friends, min(count, len(w.cast.friends))):
        picked = w.pick(rng, "personal", friend, owner)
        if picked is None:
            continue
        subject, body, _values = picked
        mails = [Mail(friend, body, w.past(rng, 0.1, 42))]
        if rng.random() < 0.7:
            answer = f"{rng.choice(_OWNER_PERSONAL)}\n\n{owner.first}"
            mails.append(Mail(owner, answer, w.later(rng, mails[0].at), to=friend.email))
            if rng.random() < 0.5:
                more = f"{rng.choice(_FRIEND_FOLLOW_UP)}\n\n{friend.first}"
                mails.append(Mail(friend, more, w.later(rng, mails[1].at)))
        _set_read(w, rng, mails)
        w.box.thread(subject, "primary", mails, {"personal", "archivable"})


def strangers(w: Writer, rng: Random) -> None:
    """Cold mail from people not in the contacts, ending with a full signature block."""
    owner = w.cast.owner
    for stranger in w.cast.strangers:
        picked = w.pick(rng, rng.choice(("work", "meeting")), stranger, owner)
        if picked is None:
            continue
        subject, body, _values = picked
        lines = body.splitlines()[:-2]  # person-signed mail ends with "name" then "company"
        block = [stranger.name, stranger.title, stranger.company_name, stranger.phone]
        mail = Mail(stranger, "\n".join([*lines, *block]), w.past(rng, 0.1, 9),
                    read=rng.random() < 0.5)
        w.box.thread(subject, "primary", [mail], {"stranger", "keep"})


def sent_only(w: Writer, rng: Random, count: int) -> None:
    """Mail the owner sent that nobody has answered yet (only in Sent and All Mail)."""
    owner = w.cast.owner
    for _ in range(count):
        partner = rng.choice(_partners(w))
        picked = w.pick(rng, "work", owner, partner)
        if picked is None:
            continue
        subject, body, _values = picked
        mail = Mail(owner, body, w.past(rng, 0.5, 30), to=partner.email)
        w.box.thread(subject, "primary", [mail], {"sent"}, in_inbox=False)
        w.box.claim(subject, [partner.email])
