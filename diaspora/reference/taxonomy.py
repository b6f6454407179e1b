"""The taxonomies admins maintain (fields, community roles): choices for forms and audited edits."""
import re

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import func, select

from diaspora.audit import tracking
from diaspora.audit.service import diff, record
from diaspora.extensions import db
from diaspora.locale import current_language
from diaspora.reference.models import CommunityRole, Field
from diaspora.text import clean_text, fold


def field_choices(locale: str | None = None) -> list[tuple[int, str]]:
    """(id, name) of the active fields in their display order."""
    return _taxonomy_choices(Field, locale)


def role_choices(locale: str | None = None) -> list[tuple[int, str]]:
    """(id, name) of the active community roles in their display order."""
    return _taxonomy_choices(CommunityRole, locale)


def _taxonomy_choices(model, locale: str | None) -> list[tuple[int, str]]:
    locale = locale or current_language()
    items = db.session.scalars(select(model).where(model.active.is_(True)).order_by(model.sort_order, model.id))
    return [(item.id, item.name(locale)) for item in items]


def name_in_reader_language(model, text: str) -> str:
    """A field's or role's Vietnamese name (as the audit keeps it) in the reader's language; other text as it is."""
    if current_language() == "vi":
        return text
    item = db.session.scalar(select(model).where(model.name_vi == text).limit(1))
    return item.name("en") if item is not None else text


def name_of_key(model, key: str, language: str) -> str | None:
    """The name of a field or role, by its key, in a language; None for an unknown key."""
    item = db.session.scalar(select(model).where(model.key == key).limit(1))
    return item.name(language) if item is not None else None


TAXONOMIES = {"fields": Field, "roles": CommunityRole}
EDITED = ("name_vi", "name_en", "sort_order")  # what the edit form changes
_KEY = re.compile(r"^[a-z][a-z0-9_]*$")


class TaxonomyError(Exception):
    """A taxonomy change that breaks a rule; `field` names the form field it concerns."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def taxonomy_model(kind: str):
    """The model of a taxonomy named in a URL ("fields", "roles"); 404 for anything else."""
    model = TAXONOMIES.get(kind)
    if model is None:
        abort(404)
    return model


def list_taxonomy(model) -> list:
    """Every item, active or not, in display order."""
    return db.session.scalars(select(model).order_by(model.active.desc(), model.sort_order, model.id)).all()


def get_taxonomy_item_or_404(model, item_id: int):
    return db.get_or_404(model, item_id)


def next_sort_order(model) -> int:
    """A sort order placing a new item after the others (before "other", kept last at 1000)."""
    highest = db.session.scalar(select(func.max(model.sort_order)).where(model.sort_order < 1000))
    return (highest or 0) + 10


def _audited_item(item) -> dict:
    return {"key": item.key, "name_vi": item.name_vi, "name_en": item.name_en,
            "sort_order": item.sort_order, "active": item.active}


def _cleaned_item(model, values: dict, item=None) -> dict:
    """The names and order an item gets from form values: an empty English name is the Vietnamese one."""
    name_vi = clean_text(values.get("name_vi"))
    cleaned = {"name_vi": name_vi, "name_en": clean_text(values.get("name_en")) or name_vi,
               "sort_order": values.get("sort_order")}
    if cleaned["sort_order"] is None:
        cleaned["sort_order"] = item.sort_order if item else next_sort_order(model)
    return cleaned


def _check_item(model, values: dict, item=None) -> dict:
    """Cleaned values; TaxonomyError when a name is empty or a key or name is already taken."""
    cleaned = _cleaned_item(model, values, item)
    name_vi = cleaned["name_vi"]
    if not name_vi:
        raise TaxonomyError(_("Vui lòng nhập tên tiếng Việt."), "name_vi")
    others = select(model).where(model.id != item.id) if item else select(model)
    if item is None:
        key = (clean_text(values.get("key")) or "").lower()
        if not _KEY.match(key):
            raise TaxonomyError(_("Mã chỉ gồm chữ thường không dấu, chữ số và dấu gạch dưới, bắt đầu bằng chữ."), "key")
        if db.session.scalar(select(model.id).where(model.key == key)):
            raise TaxonomyError(_("Mã “%(key)s” đã được dùng.", key=key), "key")
        cleaned["key"] = key
    if any(fold(other.name_vi) == fold(name_vi) for other in db.session.scalars(others)):
        raise TaxonomyError(_("Đã có mục tên “%(name)s”.", name=name_vi), "name_vi")
    return cleaned


def create_taxonomy_item(model, values: dict, *, by=None):
    """Add an item to a taxonomy, audited."""
    item = model(active=True, **_check_item(model, values))
    db.session.add(item)
    db.session.flush()
    record("create", item, user=by, changes=diff({}, _audited_item(item)))
    db.session.commit()
    return item


def update_taxonomy_item(item, values: dict, *, by=None, expected_version: int | None = None) -> bool:
    """Rename or reorder an item (its key never changes: imports and links use it), audited; False when
    nothing changed. Raises StaleEdit when the form was built on an older version than the stored one."""
    tracking.refuse_stale(item, expected_version)
    cleaned = _check_item(type(item), values, item)
    return _change_item(item, cleaned, by, expected_version)


def set_taxonomy_item_active(item, active: bool, *, by=None) -> None:
    """Hide an item from new choices (records keep it) or offer it again, audited."""
    _change_item(item, {"active": active}, by)


def _change_item(item, values: dict, by, expected_version: int | None = None) -> bool:
    def change():
        for key, value in values.items():
            setattr(item, key, value)

    return tracking.save(item, by, change, _audited_item, expected_version)


def reapply_item(item, values: dict, changes: dict) -> tuple[dict, dict]:
    """After a conflict: the stored name and order with the user's own edits on top (see
    audit.tracking.merge_edits); the key and the active flag are not on the form."""
    stored = {key: getattr(item, key) for key in EDITED}
    submitted = {key: values.get(key) for key in EDITED}
    return tracking.merge_edits(stored, submitted, _audited_item(item), _cleaned_item(type(item), values, item),
                                changes)
