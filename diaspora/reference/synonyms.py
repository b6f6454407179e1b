"""Synonyms: the office's own words for a catalogue item ("Cơ khí - Chế tạo" for the field Kỹ thuật).

The import maps them to the item (reference.lookups passes them to the cleaners). Seeded from
data/synonyms.csv; admins list, add and delete them on the reference pages, or add one from an
import's result, where a row's note names words no item had.
"""
import csv
import re
from pathlib import Path

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from diaspora.audit.service import record
from diaspora.config import PROJECT_ROOT
from diaspora.extensions import db
from diaspora.reference.models import SYNONYM_CATALOGUES, CommunityRole, Field, Product, Synonym
from diaspora.text import clean_text, fold, fold_key

SYNONYMS_CSV = PROJECT_ROOT / "data" / "synonyms.csv"
CATALOGUE_TITLES = {"fields": _l("Lĩnh vực"), "roles": _l("Vai trò trong cộng đồng"),
                    "offers": _l("Có thể đóng góp"), "products": _l("Sản phẩm tiêu biểu")}
WORDS_LENGTH = 200

# The contribution offers are people's (a feature above this one): the people side registers their
# {code: label} here (diaspora.imports.views does, at start-up).
_OFFER_LABELS: dict = {}


def register_offer_labels(labels: dict) -> None:
    _OFFER_LABELS.update(labels)


class SynonymError(ValueError):
    """A synonym that cannot be added; str() is the message for the user."""


def catalogue_items(catalogue: str) -> list[tuple[str, str]]:
    """(item, name) of a catalogue's active items, as synonyms name them (key, code, or product id)."""
    if catalogue in ("fields", "roles"):
        model = Field if catalogue == "fields" else CommunityRole
        return [(item.key, item.display_name) for item in db.session.scalars(
            select(model).where(model.active).order_by(model.sort_order))]
    if catalogue == "offers":
        return [(code, str(label)) for code, label in _OFFER_LABELS.items()]
    if catalogue == "products":
        return [(str(pid), name) for pid, name in db.session.execute(
            select(Product.id, Product.name).where(Product.active).order_by(Product.name_folded))]
    raise KeyError(catalogue)


def item_choices() -> list[tuple[str, str, str]]:
    """(value "catalogue:item", name, catalogue title) of every item of every catalogue, for a select."""
    return [(f"{catalogue}:{item}", name, str(CATALOGUE_TITLES[catalogue]))
            for catalogue in SYNONYM_CATALOGUES for item, name in catalogue_items(catalogue)]


def list_synonyms() -> list[dict]:
    """Every synonym with the name of its item, by catalogue then words."""
    names = {catalogue: dict(catalogue_items(catalogue)) for catalogue in SYNONYM_CATALOGUES}
    synonyms = db.session.scalars(select(Synonym).order_by(Synonym.catalogue, Synonym.words_folded))
    return [{"synonym": synonym, "catalogue": str(CATALOGUE_TITLES.get(synonym.catalogue, synonym.catalogue)),
             "item": names.get(synonym.catalogue, {}).get(synonym.item, synonym.item)} for synonym in synonyms]


def synonym_tables() -> dict[str, dict[str, str]]:
    """{catalogue: {folded words: item}}, for the import's lookups."""
    tables: dict[str, dict[str, str]] = {catalogue: {} for catalogue in SYNONYM_CATALOGUES}
    for catalogue, folded, item in db.session.execute(select(Synonym.catalogue, Synonym.words_folded, Synonym.item)):
        tables.setdefault(catalogue, {})[folded] = item
    return tables


def _audited(synonym: Synonym) -> dict:
    return {"catalogue": synonym.catalogue, "item": synonym.item, "words": synonym.words}


def add_synonym(catalogue: str, item: str, words: str, *, by=None) -> Synonym:
    """Add the office's `words` for an item, audited; SynonymError when the words or the item are wrong
    or the catalogue already has these words. The caller commits."""
    words = clean_text(words) or ""
    if catalogue not in SYNONYM_CATALOGUES or item not in dict(catalogue_items(catalogue)):
        raise SynonymError(_("Hãy chọn một mục trong danh mục."))
    folded = fold_key(words)
    if not folded:
        raise SynonymError(_("Vui lòng nhập từ ngữ."))
    if len(words) > WORDS_LENGTH:
        raise SynonymError(_("Tối đa %(max)d ký tự.", max=WORDS_LENGTH))
    existing = db.session.scalar(select(Synonym).where(Synonym.catalogue == catalogue,
                                                       Synonym.words_folded == folded))
    if existing is not None:
        raise SynonymError(_("“%(words)s” đã là từ đồng nghĩa trong danh mục này.", words=existing.words))
    synonym = Synonym(catalogue=catalogue, item=item, words=words, words_folded=folded,
                      created_by_id=getattr(by, "id", None))
    db.session.add(synonym)
    db.session.flush()
    record("create", synonym, user=by, changes={key: {"before": None, "after": value}
                                                for key, value in _audited(synonym).items()})
    return synonym


def delete_synonym(synonym: Synonym, *, by=None) -> None:
    """Remove a synonym, audited (records already imported keep their items). The caller commits."""
    record("delete", synonym, user=by, changes={key: {"before": value, "after": None}
                                                for key, value in _audited(synonym).items()})
    db.session.delete(synonym)


def seed_synonyms(path: Path = SYNONYMS_CSV) -> int:
    """Add the synonyms of data/ not yet there (by catalogue and folded words); idempotent. Products are
    named in the file by name; a row naming no item (a product not seeded) is skipped. Returns how
    many were added; the caller commits."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = [{key: clean_text(value) for key, value in row.items()} for row in csv.DictReader(handle)]
    known = {tuple(row) for row in db.session.execute(select(Synonym.catalogue, Synonym.words_folded))}
    products = {fold(name): str(pid) for pid, name in db.session.execute(select(Product.id, Product.name))}
    keys = {"fields": set(db.session.scalars(select(Field.key))),
            "roles": set(db.session.scalars(select(CommunityRole.key)))}
    added = 0
    for row in rows:
        catalogue, item, words = row["catalogue"], row["item"], row["words"]
        if catalogue == "products":
            item = products.get(fold(item))
        elif catalogue in keys and item not in keys[catalogue]:
            item = None
        folded = fold_key(words)
        if not item or not folded or catalogue not in SYNONYM_CATALOGUES or (catalogue, folded) in known:
            continue
        db.session.add(Synonym(catalogue=catalogue, item=item, words=words, words_folded=folded))
        known.add((catalogue, folded))
        added += 1
    return added


# The note an import writes for words no item had (diaspora.spreadsheets.pipeline.keep_unmapped):
# “words” then “chưa có trong danh mục” (or its English translation).
_UNMAPPED = re.compile(r"“([^”]+)” (?:chưa có trong danh mục|is not in the catalogue)")


def unmapped_words(note: str | None) -> list[str]:
    """The words a row's note says no catalogue item had, in order."""
    return list(dict.fromkeys(_UNMAPPED.findall(note or "")))


