"""Who is in the mailbox: the owner, colleagues, clients, vendors, friends, strangers, senders."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from webtwin.simulators.core.rng import Random

from .text import ascii_slug, phone_number

__all__ = ["Cast", "Person", "Sender", "build_cast"]

PERSONAL_DOMAINS = ("postbox.example", "letterkite.test", "inkwell-mail.example")


@dataclass(frozen=True)
class Person:
    """Someone who writes mail; `company` is None for friends."""

    first: str
    last: str
    email: str
    company: dict[str, str] | None = None
    title: str = ""
    phone: str = ""

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"

    @property
    def company_name(self) -> str:
        return self.company["name"] if self.company else ""


@dataclass(frozen=True)
class Sender:
    """An automated sender: a company's notification address."""

    name: str
    email: str
    company: dict[str, str]


@dataclass
class Cast:
    """Everyone the generator writes mail from or to."""

    owner: Person
    colleagues: list[Person]
    clients: dict[str, list[Person]]          # client company name -> people
    vendors: list[Person]                     # one contact per vendor company
    friends: list[Person]
    strangers: list[Person]                   # not in contacts; sign with a full block
    companies: dict[str, list[dict[str, str]]]  # kind -> companies used, in corpus order
    extras: list[Person] = field(default_factory=list)  # names for social/spam mail

    def contacts(self) -> list[Person]:
        """People who are in the address book."""
        clients = [p for name in sorted(self.clients) for p in self.clients[name]]
        return [*self.colleagues, *clients, *self.vendors, *self.friends]


class _Emails:
    """Hands out unique addresses."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def make(self, rng: Random, first: str, last: str, domain: str) -> str:
        f, l_ = ascii_slug(first) or "x", ascii_slug(last) or "x"
        for local in (f"{f}.{l_}", f"{f[0]}{l_}", f"{f}{l_[0]}", f"{f}.{l_}{rng.randint(2, 99)}"):
            email = f"{local}@{domain}"
            if email not in self.used:
                self.used.add(email)
                return email
        raise AssertionError("four address patterns cannot all be taken")


def build_cast(rng: Random, people: list[dict[str, str]], companies: list[dict[str, str]],
               titles: list[str]) -> Cast:
    """Draw every role from the corpora (people are used at most once)."""
    pool = list(people)
    rng.shuffle(pool)
    by_kind = _companies_by_kind(rng, companies)
    emails = _Emails()

    def person(company: dict[str, str] | None) -> Person:
        raw = pool.pop()
        domain = company["domain"] if company else rng.choice(PERSONAL_DOMAINS)
        return Person(raw["first"], raw["last"], emails.make(rng, raw["first"], raw["last"],
                                                              domain),
                      company, rng.choice(titles) if company else "", phone_number(rng))

    home = by_kind["employer_peer"][0]
    owner = person(home)
    colleagues = [person(home) for _ in range(rng.randint(9, 11))]
    clients = {c["name"]: [person(c) for _ in range(rng.randint(3, 4))]
               for c in by_kind["employer_peer"][1:4]}
    vendors = [person(c) for c in by_kind["vendor"][:rng.randint(5, 6)]]
    friends = [person(None) for _ in range(rng.randint(5, 7))]
    strangers = [person(c) for c in [*by_kind["vendor"][6:8], *by_kind["employer_peer"][4:6]]]
    extras = [person(None) for _ in range(8)]
    return Cast(owner, colleagues, clients, vendors, friends, strangers, by_kind, extras)


def _companies_by_kind(rng: Random, companies: list[dict[str, Any]]) -> dict[str, list[dict]]:
    kinds: dict[str, list[dict[str, Any]]] = {}
    for company in companies:
        kinds.setdefault(company["kind"], []).append(company)
    for kind in sorted(kinds):
        rng.shuffle(kinds[kind])
    return kinds
