"""Mail from companies: invoices, shipping notices, promotions, newsletters, social
notifications, account updates, spam, and what the owner already put in Trash."""

from __future__ import annotations

from webtwin.simulators.core.rng import Random

from .builder import Mail, Writer
from .cast import Person, Sender
from .text import HOUR, ascii_slug, fill, format_date, invoice_number, tracking_number

__all__ = ["invoices", "newsletters", "promotions", "shipping", "social", "spam", "trash",
           "updates"]

_UPDATE_LOCALS = ("no-reply", "notifications", "billing", "accounts", "security")


def sender(company: dict[str, str], local: str) -> Sender:
    """The company's notification address, e.g. "tracking@swiftroute.example"."""
    return Sender(company["name"], f"{local}@{company['domain']}", company)


def invoices(w: Writer, rng: Random, count: int) -> None:
    """One invoice per vendor, each message with its PDF; the newest is unread in the Inbox."""
    owner, numbers = w.cast.owner, set[str]()
    for index, vendor in enumerate(w.cast.vendors[:count]):
        number = invoice_number(rng)
        while number in numbers:
            number = invoice_number(rng)
        numbers.add(number)
        at = w.past(rng, 0.05, 2) if index == 0 else w.past(rng, 3, 40)
        picked = w.pick(rng, "invoice", vendor, owner, invoice_no=number, date=format_date(at))
        if picked is None:
            continue
        subject, body, values = picked
        pdf = (f"invoice-{number}.pdf", "application/pdf",
               fill(w.corpus["invoice_attachment"], values))
        mail = Mail(vendor, body, at, read=index != 0 and rng.random() < 0.7, attachments=[pdf])
        tags = {"invoice", "keep"} if index == 0 else {"invoice", "archivable"}
        thread = w.box.thread(subject, "primary", [mail], tags)
        w.box.meta[thread.id] = {"invoice_no": number, "amount": values["amount"]}


def shipping(w: Writer, rng: Random, count: int) -> None:
    """Shipping notices for distinct products with distinct tracking numbers."""
    couriers = w.cast.companies["courier"]
    products = rng.sample(w.corpus["products"], count)
    trackings: set[str] = set()
    for index, product in enumerate(products):
        tracking = tracking_number(rng)
        while tracking in trackings:
            tracking = tracking_number(rng)
        trackings.add(tracking)
        author = sender(couriers[index % len(couriers)], "tracking")
        picked = w.pick(rng, "shipping", author, w.cast.owner, product=product, tracking=tracking)
        if picked is None:
            continue
        mail = Mail(author, picked[1], w.past(rng, 0.1, 20), read=rng.random() < 0.6)
        thread = w.box.thread(picked[0], "updates", [mail], {"shipping", "keep"})
        w.box.meta[thread.id] = {"tracking": tracking, "product": product}


def promotions(w: Writer, rng: Random, count: int) -> None:
    """Retail offers from several shops; the first two carry a promo code."""
    shops = w.cast.companies["retailer"][:rng.randint(3, 4)]
    coded = [t for t in w.corpus["newsletter"] if "{promo_code}" in t["body"]]
    retail = [t for t in coded if "{sender_first}" not in t["body"]]
    for index in range(count):
        author = sender(shops[index % len(shops)], rng.choice(("deals", "hello", "news")))
        picked = w.pick(rng, retail, author, w.cast.owner)
        if picked is None:
            continue
        mail = Mail(author, picked[1], w.past(rng, 0.1, 30), read=rng.random() < 0.5)
        tags = {"promotion", "keep" if index < 2 else "archivable"}
        thread = w.box.thread(picked[0], "promotions", [mail], tags)
        w.box.meta[thread.id] = {"promo_code": picked[2]["promo_code"]}


def newsletters(w: Writer, rng: Random, count: int) -> None:
    """Editorial newsletters (no codes) from media companies, filed under Updates."""
    plain = [t for t in w.corpus["newsletter"] if "{promo_code}" not in t["body"]]
    for company in w.cast.companies["media"][:count]:
        author = sender(company, "newsletter")
        picked = w.pick(rng, plain, author, w.cast.owner)
        if picked is not None:
            mail = Mail(author, picked[1], w.past(rng, 0.2, 25), read=rng.random() < 0.6)
            w.box.thread(picked[0], "updates", [mail], {"newsletter", "archivable"})


def social(w: Writer, rng: Random, count: int) -> None:
    """Notifications from social networks."""
    networks = w.cast.companies["social"]
    for index in range(count):
        author = sender(networks[index % len(networks)], "notifications")
        picked = w.pick(rng, "social", author, w.cast.owner)
        if picked is not None:
            mail = Mail(author, picked[1], w.past(rng, 0.1, 30), read=rng.random() < 0.6)
            w.box.thread(picked[0], "social", [mail], {"social", "archivable"})


def updates(w: Writer, rng: Random, count: int) -> None:
    """Account notices from services; the first is a travel booking (labelled Travel)."""
    services = w.cast.companies["service"]
    travel = [c for c in services if "air" in c["industry"].lower()
              or "travel" in c["industry"].lower()]
    booking = [t for t in w.corpus["update"] if t["subject"].startswith("Your booking")]
    others = [t for t in w.corpus["update"] if t not in booking]  # bookings come from travel
    for index in range(count):
        company = rng.choice(travel) if index == 0 else services[index % len(services)]
        author = sender(company, "bookings" if index == 0 else rng.choice(_UPDATE_LOCALS))
        picked = w.pick(rng, booking if index == 0 else others, author, w.cast.owner)
        if picked is not None:
            mail = Mail(author, picked[1], w.past(rng, 0.1, 35), read=rng.random() < 0.7)
            tags = {"update", "travel", "keep"} if index == 0 else {"update", "archivable"}
            w.box.thread(picked[0], "updates", [mail], tags)


def spam(w: Writer, rng: Random, count: int) -> list[str]:
    """Junk already caught in Spam; returns the spammers' addresses (first one gets blocked)."""
    companies = w.cast.companies["spam_sender"]
    found: list[str] = []
    for index in range(count):
        company, voice = companies[index % len(companies)], w.cast.extras[index]
        local = f"{ascii_slug(voice.first)}.{rng.choice(('claims', 'offers', 'desk'))}"
        author = Person(voice.first, voice.last, f"{local}@{company['domain']}", company)
        picked = w.pick(rng, "spam", author, w.cast.owner)
        if picked is not None:
            mail = Mail(author, picked[1], w.past(rng, 0.1, 25), read=False)
            w.box.thread(picked[0], "primary", [mail], {"spam"}, spam=True, in_inbox=False)
            found.append(author.email)
    return found


def trash(w: Writer, rng: Random, count: int) -> None:
    """Notifications and offers the owner deleted (distinct subjects), within the last month."""
    kinds = [("social", "social", "notifications"), ("update", "updates", "no-reply"),
             ("newsletter", "promotions", "offers")]
    companies = {"social": "social", "update": "service", "newsletter": "retailer"}
    subjects: set[str] = set()
    for index in range(count * 3):
        if len(subjects) == count:
            return
        kind, category, local = kinds[index % len(kinds)]
        author = sender(rng.choice(w.cast.companies[companies[kind]]), local)
        picked = w.pick(rng, kind, author, w.cast.owner)
        if picked is None or picked[0] in subjects:
            continue
        subjects.add(picked[0])
        at = w.past(rng, 1, 25)
        w.box.thread(picked[0], category, [Mail(author, picked[1], at)], {"trash"},
                     trashed=True, trashed_at=at + rng.randint(1, 20) * HOUR, in_inbox=False)
