"""A filtered list of people for the mailing tests, and a local SMTP server (aiosmtpd) in a thread."""
import socket
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller

from diaspora.contacts import Contact
from diaspora.extensions import db
from diaspora.people.models import Person
from diaspora.people.search_index import search_words
from diaspora.records import utcnow
from diaspora.text import fold

CYCLE = 50  # the pattern of the list repeats every 50 people
REFUSED = "tu-choi@example.jp"


def make_people(count: int, country: str = "JP") -> list[int]:
    """`count` people in `country`; of every 50: 1 restricted, 1 refused and 1 withdrew consent, 1 deceased,
    1 with no e-mail nor address, 1 with an e-mail only, 1 with an address only; the others both. Genders and
    ages vary (the forms of address). Person #7 has the address the test SMTP server refuses."""
    people = []
    for number in range(count):
        slot = number % CYCLE
        name = f"Nguyễn Văn Thử {country} {number:04d}"
        email = None if slot in (4, 6) else (REFUSED if number == 7 else f"nguoi{number}.{country.lower()}@example.jp")
        address = None if slot in (4, 5) else f"{number} Chome, Shinjuku, Tokyo"
        contacts = [Contact(kind="email", value=email, normalized=email, is_primary=True)] if email else []
        person = Person(
            full_name=name, name_folded=fold(name), country_code=country, city="Tokyo", address=address,
            gender=("male", "female", None, "other")[number % 4], birth_year=1960 if number % 3 else 1995,
            consent_status={1: "refused", 2: "withdrawn"}.get(slot, "given"),
            status="deceased" if slot == 3 else "active", restricted_at=utcnow() if slot == 0 else None,
            search_text=search_words(full_name=name, contacts=[("email", email)] if email else []), contacts=contacts)
        people.append(person)
    db.session.add_all(people)
    db.session.commit()
    return [person.id for person in people]


def expected_recipients(count: int) -> int:
    """How many of make_people(count) a campaign reaches (e-mail or letter: 44 of every 50)."""
    return sum(1 for number in range(count) if number % CYCLE not in (0, 1, 2, 3, 4, 6))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Mailbox:
    """What the test SMTP server received: (to, the message's bytes)."""

    received: list = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == REFUSED:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        for address in envelope.rcpt_tos:
            self.received.append((address, envelope.original_content or envelope.content))
        return "250 Message accepted"


class SmtpServer:
    """A local SMTP server in a thread; `mailbox.received` holds what it got."""

    def __init__(self):
        self.mailbox = Mailbox()
        self.port = free_port()
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()
