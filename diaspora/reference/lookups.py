"""What spreadsheets read from the reference lists: the lookups cleaners use and the names templates offer."""
from sqlalchemy import select

from diaspora.extensions import db
from diaspora.messages import NamedInBoth
from diaspora.reference.countries import country_choices, find_country
from diaspora.reference.hometowns import match_hometown
from diaspora.reference.models import CommunityRole, Field, Product
from diaspora.reference.synonyms import synonym_tables
from diaspora.reference.taxonomy import field_choices, role_choices
from diaspora.spreadsheets.cleaners import Lookups
from diaspora.text import fold_key


def country_names() -> list[str]:
    """Vietnamese names of the countries, sorted diacritics aside."""
    return [name for _, name in country_choices("vi")]


def field_names() -> list[str]:
    """Names of the active fields, in taxonomy order."""
    return [name for _, name in field_choices("vi")]


def role_names() -> list[str]:
    """Names of the active community roles, in taxonomy order."""
    return [name for _, name in role_choices("vi")]


def product_names() -> list[str]:
    """Names of the active typical products, by name."""
    return list(db.session.scalars(select(Product.name).where(Product.active).order_by(Product.name_folded)))


def import_lookups() -> Lookups:
    """The reference data cleaners need, read once for the whole file: names, keys and the office's
    synonyms of each catalogue (a label wins over a synonym folding to the same words)."""
    lookups = Lookups(find_country=find_country, match_hometown=match_hometown)
    synonyms = synonym_tables()
    for model, table, names, catalogue in ((Field, lookups.fields, lookups.field_names, "fields"),
                                           (CommunityRole, lookups.roles, lookups.role_names, "roles")):
        ids = {}
        for item in db.session.scalars(select(model).where(model.active).order_by(model.sort_order)):
            for text in (item.key, item.name_vi, item.name_en):
                table.setdefault(fold_key(text), item.id)
            names.append(NamedInBoth.of(item.name_vi, item.name_en))  # a note names it in the reader's language
            ids[item.key] = item.id
        for words, key in synonyms[catalogue].items():
            if key in ids:
                table.setdefault(words, ids[key])
    for product in db.session.execute(select(Product.id, Product.name).where(Product.active).order_by(Product.name)):
        lookups.products.setdefault(fold_key(product.name), product.id)
        lookups.product_names.append(product.name)
    active = set(lookups.products.values())
    for words, item in synonyms["products"].items():
        if item.isdigit() and int(item) in active:
            lookups.products.setdefault(words, int(item))
    lookups.offers.update(synonyms["offers"])
    return lookups
