"""Factories for the outreach tests: people, organisations, products, channels, activities."""
from datetime import date

from diaspora.extensions import db
from diaspora.organisations.models import Organisation
from diaspora.outreach.activities import create_activity
from diaspora.outreach.channels import create_channel
from diaspora.outreach.products import create_product
from diaspora.people.models import Person, PersonOffer
from diaspora.contacts import Contact
from diaspora.people.search_index import search_words
from diaspora.records import utcnow
from diaspora.reference.models import Field, Product
from diaspora.text import fold, name_sort_key


def make_person(full_name="Nguyễn Văn Hùng", country="JP", *, title=None, fields=(), offers=(), email=None,
                deleted=False) -> Person:
    contacts = [Contact(kind="email", value=email, normalized=email.lower(), is_primary=True)] if email else []
    person = Person(
        full_name=full_name, name_folded=fold(full_name), sort_key=name_sort_key(full_name), country_code=country,
        academic_title=title,
        search_text=search_words(full_name=full_name, contacts=[(c.kind, c.normalized) for c in contacts]),
        contacts=contacts,
        fields=[db.session.scalar(db.select(Field).where(Field.key == key)) for key in fields],
        offers=[PersonOffer(kind=kind) for kind in offers],
    )
    if deleted:
        person.deleted_at = utcnow()
    db.session.add(person)
    db.session.commit()
    return person


def make_organisation(name="Hội người Việt Nam tại Nhật Bản", country="JP") -> Organisation:
    organisation = Organisation(name=name, name_folded=fold(name), kind="association", country_code=country)
    db.session.add(organisation)
    db.session.commit()
    return organisation


def make_product(name="Vải thiều Thanh Hà", category="agricultural", stars=4) -> Product:
    return create_product({"name": name, "category": category, "ocop_stars": stars})


def make_channel(name="Cửa hàng Sen Việt", country="JP", *, products=(), status="potential", city=None,
                 channel_type="shop", person=None, by=None):
    """`products` is a list of (product, "distributing" | "interested")."""
    return create_channel({
        "name": name, "country": country, "city": city, "channel_type": channel_type, "status": status,
        "person_id": person.id if person else None,
        "products": [{"product_id": product.id, "status": status_} for product, status_ in products],
    }, by=by)


def make_activity(title="Gặp mặt kiều bào tại Tokyo", on=date(2025, 1, 20), *, activity_type="meeting",
                  country="JP", follow_up=None, done=False, people=(), organisations=(), outcome=None, by=None):
    return create_activity({
        "title": title, "start_date": on, "activity_type": activity_type, "country": country,
        "follow_up_date": follow_up, "follow_up_done": done, "outcome": outcome,
        "participants": [{"kind": "person", "ref_id": p.id} for p in people]
        + [{"kind": "organisation", "ref_id": o.id} for o in organisations],
    }, by=by)


def fresh(model, record_id):
    """The record as stored now: requests run in their own session, so forget what this one cached."""
    db.session.expire_all()
    return db.session.get(model, record_id)
