"""Reference lists loaded from data/: countries, fields, community roles, administrative units, and the
catalogue of the city's typical products."""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from diaspora.extensions import db
from diaspora.locale import current_language
from diaspora.records import Versioned, utcnow

PRODUCT_CATEGORIES = {
    "agricultural": _l("Nông sản"),
    "food": _l("Thực phẩm, đồ uống"),
    "seafood": _l("Thủy sản"),
    "handicraft": _l("Thủ công mỹ nghệ"),
    "other": _l("Khác"),
}
OCOP_STARS = (3, 4, 5)
# Labels of a product's audited attributes, shared by the history of changes.
PRODUCT_FIELD_LABELS = {
    "name": _l("Tên sản phẩm"),
    "category": _l("Nhóm"),
    "subcategory": _l("Loại"),
    "producer": _l("Cơ sở sản xuất / chủ thể"),
    "origin_unit": _l("Đơn vị hành chính hiện nay"),
    "origin_text": _l("Nơi sản xuất (như đã ghi)"),
    "ocop_stars": _l("Hạng OCOP"),
    "description": _l("Mô tả, công nhận"),
    "active": _l("Đang dùng"),
}

# Labels of a field's or community role's audited attributes.
TAXONOMY_FIELD_LABELS = {
    "key": _l("Mã"),
    "name_vi": _l("Tên tiếng Việt"),
    "name_en": _l("Tên tiếng Anh"),
    "sort_order": _l("Thứ tự hiển thị"),
    "active": _l("Đang dùng"),
}


class Country(db.Model):
    __tablename__ = "countries"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)  # ISO 3166-1 alpha-2
    alpha3: Mapped[str | None] = mapped_column(String(3), unique=True)
    name_vi: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))

    def name(self, locale: str = "vi") -> str:
        return self.name_en if locale == "en" else self.name_vi

    @property
    def display_name(self) -> str:
        """The name in the reader's language."""
        return self.name(current_language())


class CountryAlias(db.Model):
    """A name staff write for a country ("Mỹ", "Hoa Kỳ", "USA"), stored folded for lookup."""

    __tablename__ = "country_aliases"

    alias_folded: Mapped[str] = mapped_column(String(160), primary_key=True)
    country_code: Mapped[str] = mapped_column(ForeignKey("countries.code", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(String(160))


class TaxonomyItem(Versioned):
    """An item of a taxonomy admins maintain: a key that imports and links use and that never changes,
    its Vietnamese and English names, its place in lists, and whether it is still offered for choosing.
    Fields and community roles are its two tables; a version guards their edits."""

    KEY_LENGTH = 40
    NAME_LENGTH = 120
    KEY_PATTERN = r"^[a-z][a-z0-9_]*$"  # lower-case letters without marks, digits and "_", a letter first

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(KEY_LENGTH), unique=True)
    name_vi: Mapped[str] = mapped_column(String(NAME_LENGTH))
    name_en: Mapped[str] = mapped_column(String(NAME_LENGTH))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def name(self, locale: str = "vi") -> str:
        return self.name_en if locale == "en" else self.name_vi

    @property
    def display_name(self) -> str:
        """The name in the reader's language."""
        return self.name(current_language())


class Field(TaxonomyItem, db.Model):
    """A field of expertise or activity (lĩnh vực); admins may edit the taxonomy."""

    __tablename__ = "fields"


class CommunityRole(TaxonomyItem, db.Model):
    """A role a person plays in the community (trí thức, doanh nhân, văn nghệ sĩ…)."""

    __tablename__ = "community_roles"


class Unit(db.Model):
    """A commune-level unit (phường, xã, đặc khu) of Hải Phòng since 1 July 2025."""

    __tablename__ = "units"

    code: Mapped[str] = mapped_column(String(10), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    unit_type: Mapped[str] = mapped_column(String(20))
    full_name: Mapped[str] = mapped_column(String(160))
    name_folded: Mapped[str] = mapped_column(String(160), index=True)
    old_districts: Mapped[str | None] = mapped_column(Text)


class OldDistrict(db.Model):
    """A district-level unit of Hải Phòng or Hải Dương before the 2025 reorganisation."""

    __tablename__ = "old_districts"

    code: Mapped[str] = mapped_column(String(10), primary_key=True)
    province: Mapped[str] = mapped_column(String(80))
    district_type: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(120))
    name_folded: Mapped[str] = mapped_column(String(160), index=True)


class LegacyCommune(db.Model):
    """An old commune and the new unit(s) it became; partial links are unverified in the source."""

    __tablename__ = "legacy_communes"

    old_code: Mapped[str] = mapped_column(String(10), primary_key=True)
    province: Mapped[str] = mapped_column(String(80))
    district_code: Mapped[str | None] = mapped_column(ForeignKey("old_districts.code"), index=True)
    district_name: Mapped[str] = mapped_column(String(120))
    commune_type: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(120))
    name_folded: Mapped[str] = mapped_column(String(160), index=True)
    new_unit_code: Mapped[str | None] = mapped_column(ForeignKey("units.code"), index=True)
    new_unit_codes: Mapped[str] = mapped_column(String(80))
    note: Mapped[str | None] = mapped_column(Text)

    new_unit = relationship("Unit")


class Product(Versioned, db.Model):
    """A typical product of the city (OCOP product, specialty, craft-village product); a version guards its edits."""

    __tablename__ = "products"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_folded: Mapped[str] = mapped_column(String(200), unique=True)
    category: Mapped[str] = mapped_column(String(20), default="other", index=True)
    subcategory: Mapped[str | None] = mapped_column(String(120))
    producer: Mapped[str | None] = mapped_column(String(200))
    origin_unit_code: Mapped[str | None] = mapped_column(ForeignKey("units.code"))
    origin_text: Mapped[str | None] = mapped_column(String(300))
    ocop_stars: Mapped[int | None] = mapped_column(Integer)
    description: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    origin_unit = relationship("Unit")

    @property
    def category_label(self) -> str:
        return str(PRODUCT_CATEGORIES.get(self.category, self.category))

    def __repr__(self) -> str:
        return f"<Product {self.id} {self.name}>"


SYNONYM_CATALOGUES = ("fields", "roles", "offers", "products")


class Synonym(db.Model):
    """Words the office writes for a catalogue item ("Cơ khí - Chế tạo" for the field Kỹ thuật): the
    import maps them to the item. Seeded with the common ones; admins add more, from an import's result."""

    __tablename__ = "synonyms"
    __table_args__ = (UniqueConstraint("catalogue", "words_folded", name="uq_synonyms_catalogue_words"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    catalogue: Mapped[str] = mapped_column(String(20))  # one of SYNONYM_CATALOGUES
    item: Mapped[str] = mapped_column(String(60))  # the item's key (fields, roles), code (offers) or id (products)
    words: Mapped[str] = mapped_column(String(200))  # as written
    words_folded: Mapped[str] = mapped_column(String(200))  # diaspora.text.fold_key(words)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
