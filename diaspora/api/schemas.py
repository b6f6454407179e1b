"""The API's marshmallow schemas: what a call sends and what it gets back, and the examples of the
OpenAPI document (a Vietnamese register: Nguyễn Văn An in Nhật Bản, an association in Tokyo…).

Input schemas only check the JSON's shape (types, sizes of numbers); the rules of a record are the
forms' own (diaspora.api.validation feeds the same forms the pages post)."""
from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from marshmallow import EXCLUDE, Schema, validate
from marshmallow import fields as ma

from diaspora.contacts import CONTACT_KIND_LABELS
from diaspora.listing import LARGEST, MAX_PER_PAGE
from diaspora.organisations.models import ORGANISATION_KINDS
from diaspora.outreach.models import ACTIVITY_TYPES, CHANNEL_STATUSES, CHANNEL_TYPES
from diaspora.people.models import (
    CONSENT_SOURCES,
    CONSENT_STATUSES,
    CONTRIBUTION_KINDS,
    GENDERS,
    LEGAL_BASES,
    NATIONALITY_STATUSES,
    PERSON_STATUSES,
    PERSON_TYPES,
)

class _InVietnamese:
    """The errors of a value a call sent, in the interface's language."""

    default_error_messages = {"required": _l("Thiếu trường bắt buộc."), "null": _l("Không được để trống (null)."),
                              "validator_failed": _l("Giá trị không hợp lệ.")}


class Text(_InVietnamese, ma.String):
    default_error_messages = {"invalid": _l("Phải là một chuỗi văn bản."),
                              "invalid_utf8": _l("Văn bản không phải UTF-8.")}


class Int(_InVietnamese, ma.Integer):
    default_error_messages = {"invalid": _l("Phải là một số nguyên."), "too_large": _l("Số quá lớn.")}


class Day(_InVietnamese, ma.Date):
    default_error_messages = {"invalid": _l("Ngày phải viết theo ISO 8601, ví dụ 1980-03-25."),
                              "format": _l("Ngày phải viết theo ISO 8601, ví dụ 1980-03-25.")}


class Flag(_InVietnamese, ma.Boolean):
    default_error_messages = {"invalid": _l("Phải là true hoặc false.")}


class Items(_InVietnamese, ma.List):
    default_error_messages = {"invalid": _l("Phải là một danh sách.")}


class Obj(_InVietnamese, ma.Nested):
    default_error_messages = {"type": _l("Phải là một đối tượng JSON.")}


def utc_moment(value: datetime | None) -> str | None:
    """A stored moment as RFC 3339 with its offset: SQLite gives the stored UTC time back without one."""
    if value is None:
        return None
    return (value.replace(tzinfo=UTC) if value.tzinfo is None else value).isoformat()


class Moment(ma.DateTime):
    """A date and time in the answers (created_at, updated_at), always with its UTC offset."""

    def _serialize(self, value, attr, obj, **kwargs):
        return utc_moment(value)


def _range(low: int, high: int) -> validate.Range:
    return validate.Range(min=low, max=high, error=_l("Phải từ {min} đến {max}."))


def _length(high: int) -> validate.Length:
    return validate.Length(max=high, error=_l("Dài quá mức cho phép (tối đa {max})."))


def _one_of(choices) -> validate.OneOf:
    return validate.OneOf(list(choices), error=_l("Phải là một trong: {choices}."))


RECORD_ID = _range(1, LARGEST)
TEXT_LIMIT = 20000  # far above any form's own limit: only a bound on what is read


def _text(*, example=None, enum=None, description=None, **options):
    # A value may be null (OpenAPI 3.0.3: a nullable enum lists null among its values).
    enum = [*enum, None] if enum is not None else None
    metadata = {key: value for key, value in (("example", example), ("enum", enum),
                                              ("description", description)) if value is not None}
    return Text(allow_none=True, validate=_length(TEXT_LIMIT), metadata=metadata, **options)


def _id(**options):
    return Int(strict=True, validate=RECORD_ID, **options)


class ErrorSchema(Schema):
    """Every error answer of the API (guard.json_error): 400, 401, 403, 404, 409, 413, 415, 422, 429."""

    code = ma.Integer(metadata={"example": 422})
    status = ma.String(metadata={"example": "Unprocessable Entity"})
    message = ma.String(metadata={"example": "Dữ liệu không hợp lệ."})
    errors = ma.Dict(keys=ma.String(), values=ma.List(ma.String()), metadata={
        "description": "Lỗi theo từng trường (`contacts.0.value`); `_body` là lỗi của cả nội dung.",
        "example": {"full_name": ["Hãy nhập họ và tên."]}})
    current_version = ma.Integer(metadata={"description": "409: phiên bản hiện tại của hồ sơ.", "example": 4})
    changes = ma.Dict(keys=ma.String(), metadata={
        "description": "409: những gì đã đổi kể từ phiên bản bạn gửi, theo từng trường."})


class InputSchema(Schema):
    error_messages = {"type": _l("Nội dung phải là một đối tượng JSON."), "unknown": _l("Trường không có.")}

    class Meta:
        unknown = EXCLUDE
        ordered = True


# --- reference lists ---------------------------------------------------------------------------------

class CountrySchema(Schema):
    code = ma.String(metadata={"example": "JP"})
    name_vi = ma.String(metadata={"example": "Nhật Bản"})
    name_en = ma.String(metadata={"example": "Japan"})


class TaxonomySchema(Schema):
    key = ma.String(metadata={"example": "health"})
    name_vi = ma.String(metadata={"example": "Y tế"})
    name_en = ma.String(metadata={"example": "Health"})
    active = ma.Boolean()


class UnitSchema(Schema):
    code = ma.String(metadata={"example": "11311"})
    name = ma.String(metadata={"example": "Thanh Hà"})
    full_name = ma.String(metadata={"example": "Xã Thanh Hà"})
    unit_type = ma.String(metadata={"example": "xa"})


class ProductSchema(Schema):
    id = ma.Integer()
    name = ma.String(metadata={"example": "Bánh đa cua Hải Phòng"})
    category = ma.String(metadata={"example": "food"})
    subcategory = ma.String(allow_none=True)
    producer = ma.String(allow_none=True, metadata={"example": "HTX Bánh đa Kiến Thụy"})
    origin_unit_code = ma.String(allow_none=True)
    origin_text = ma.String(allow_none=True)
    ocop_stars = ma.Integer(allow_none=True, metadata={"example": 4})
    active = ma.Boolean()


# --- people ------------------------------------------------------------------------------------------

class ContactSchema(Schema):
    id = ma.Integer(dump_only=True)
    kind = ma.String(metadata={"enum": list(CONTACT_KIND_LABELS), "example": "email"})
    value = ma.String(metadata={"example": "an.nguyen@example.jp"})
    normalized = ma.String(dump_only=True, allow_none=True)
    is_primary = ma.Boolean()


class ContactInSchema(InputSchema):
    kind = _text(enum=list(CONTACT_KIND_LABELS), example="phone")
    value = _text(example="+81 90-1234-5678")
    is_primary = Flag(load_default=False)


class KeyNameSchema(Schema):
    key = ma.String(metadata={"example": "health"})
    name = ma.String(attribute="name_vi", metadata={"example": "Y tế"})


class MembershipSchema(Schema):
    id = ma.Integer()
    organisation_id = ma.Integer()
    organisation_name = ma.Function(lambda m: m.organisation.name if m.organisation else None,
                                        metadata={"example": "Hội người Việt Nam tại Nhật Bản"})
    role = ma.String(allow_none=True, metadata={"example": "Phó Chủ tịch"})
    start_date = ma.Date(allow_none=True)
    end_date = ma.Date(allow_none=True)


PERSON_TEXTS = {
    "full_name": "Nguyễn Văn An", "other_names": "An Van Nguyen", "gender": None, "person_type": None,
    "nationality_status": None, "country_code": "JP", "city": "Tokyo", "address": None,
    "hometown_unit_code": None, "hometown_text": "huyện Thanh Hà, Hải Dương", "occupation": "Bác sĩ",
    "academic_title": "TS.", "employer": "Bệnh viện Đại học Tokyo", "position": "Bác sĩ nội trú",
    "expertise": "Tim mạch can thiệp", "source": "Hội người Việt Nam tại Nhật Bản", "consent_status": None,
    "consent_scope": "Nhận thư mời sự kiện", "consent_source": None, "consent_legal_basis": None,
    "processing_purpose": "Kết nối chuyên gia với thành phố", "consent_text_version": "2026-01",
    "status": None, "notes": None,
}
PERSON_ENUMS = {"gender": GENDERS, "person_type": PERSON_TYPES, "nationality_status": NATIONALITY_STATUSES,
                "consent_status": CONSENT_STATUSES, "consent_source": CONSENT_SOURCES,
                "consent_legal_basis": LEGAL_BASES, "status": PERSON_STATUSES}
PERSON_DATES = ("birth_date", "collected_on", "consent_date")


def _person_fields(output: bool) -> dict:
    """The person's own columns, as output (dump) or input (load) ma."""
    made = {}
    for name, example in PERSON_TEXTS.items():
        enum = list(PERSON_ENUMS[name]) if name in PERSON_ENUMS else None
        shown_enum = [*enum, None] if enum is not None else None
        made[name] = (ma.String(allow_none=True, metadata={k: v for k, v in (("example", example), ("enum", shown_enum))
                                                               if v is not None})
                      if output else _text(example=example, enum=enum))
    for name in PERSON_DATES:
        made[name] = (ma.Date if output else Day)(allow_none=True, metadata={"example": "1980-03-25"} if name == "birth_date" else {})
    made["birth_year"] = (ma.Integer if output else Int)(allow_none=True, strict=not output, metadata={"example": 1980},
                                                         **({} if output else {"validate": _range(0, 9999)}))
    return made


PersonOutBase = Schema.from_dict(_person_fields(output=True), name="PersonColumns")
PersonInBase = Schema.from_dict(_person_fields(output=False), name="PersonInColumns")


class PersonSchema(PersonOutBase):
    id = ma.Integer(metadata={"example": 1024})
    version = ma.Integer(metadata={"example": 3, "description": "Gửi lại khi sửa (khoá lạc quan)."})
    field_items = ma.List(ma.Nested(KeyNameSchema), attribute="fields", data_key="fields")
    roles = ma.List(ma.Nested(KeyNameSchema))
    offers = ma.List(ma.String(), attribute="offer_kinds",
                         metadata={"example": ["remote_advice"]})
    contacts = ma.List(ma.Nested(ContactSchema))
    memberships = ma.List(ma.Nested(MembershipSchema))
    created_at = Moment()
    updated_at = Moment()


class PersonInSchema(PersonInBase, InputSchema):
    field_keys = Items(_text(), validate=_length(100), data_key="fields",
                       metadata={"description": "Khoá lĩnh vực (xem /reference/fields).", "example": ["health"]})
    role_keys = Items(_text(), validate=_length(100), data_key="roles",
                      metadata={"description": "Khoá vai trò (xem /reference/roles).", "example": ["intellectual"]})
    offers = Items(_text(enum=list(CONTRIBUTION_KINDS)), validate=_length(20))
    contacts = Items(Obj(ContactInSchema), validate=_length(40))


class PersonCreateSchema(PersonInSchema):
    """A new person: full_name and country_code are required (the form says so, per field)."""


class PersonUpdateSchema(PersonInSchema):
    """The keys sent are changed, the others kept; `version` is the version the change is built on."""

    version = Int(strict=True, required=True, validate=_range(1, LARGEST),
                             metadata={"example": 3})


# --- organisations -----------------------------------------------------------------------------------

class OrganisationSchema(Schema):
    id = ma.Integer(metadata={"example": 12})
    version = ma.Integer(metadata={"example": 1})
    name = ma.String(metadata={"example": "Hội người Việt Nam tại Nhật Bản"})
    kind = ma.String(metadata={"enum": list(ORGANISATION_KINDS), "example": "association"})
    country_code = ma.String(allow_none=True, metadata={"example": "JP"})
    city = ma.String(allow_none=True, metadata={"example": "Tokyo"})
    address = ma.String(allow_none=True)
    notes = ma.String(allow_none=True)
    contacts = ma.List(ma.Nested(ContactSchema))
    created_at = Moment()
    updated_at = Moment()


class OrganisationInSchema(InputSchema):
    name = _text(example="Hội người Việt Nam tại Nhật Bản")
    kind = _text(enum=list(ORGANISATION_KINDS), example="association")
    country_code = _text(example="JP")
    city = _text(example="Tokyo")
    address = _text()
    notes = _text()
    contacts = Items(Obj(ContactInSchema), validate=_length(40))


class OrganisationUpdateSchema(OrganisationInSchema):
    version = Int(strict=True, required=True, validate=_range(1, LARGEST))


# --- outreach ----------------------------------------------------------------------------------------

class ChannelProductSchema(Schema):
    product_id = ma.Integer()
    product_name = ma.Function(lambda link: link.product.name if link.product else None,
                                   metadata={"example": "Nước mắm Cát Hải"})
    status = ma.String(metadata={"enum": ["distributing", "interested"]})
    note = ma.String(allow_none=True)


class ChannelSchema(Schema):
    id = ma.Integer()
    version = ma.Integer()
    name = ma.String(metadata={"example": "Cửa hàng Sen Việt"})
    channel_type = ma.String(metadata={"enum": list(CHANNEL_TYPES), "example": "shop"})
    country_code = ma.String(metadata={"example": "JP"})
    city = ma.String(allow_none=True, metadata={"example": "Osaka"})
    address = ma.String(allow_none=True)
    person_id = ma.Integer(allow_none=True)
    organisation_id = ma.Integer(allow_none=True)
    scale = ma.String(allow_none=True)
    scale_note = ma.String(allow_none=True)
    status = ma.String(metadata={"enum": list(CHANNEL_STATUSES), "example": "partner"})
    phone = ma.String(allow_none=True)
    email = ma.String(allow_none=True)
    website = ma.String(allow_none=True)
    notes = ma.String(allow_none=True)
    products = ma.List(ma.Nested(ChannelProductSchema))
    created_at = Moment()
    updated_at = Moment()


class ParticipantSchema(Schema):
    id = ma.Integer()
    person_id = ma.Integer(allow_none=True)
    organisation_id = ma.Integer(allow_none=True)
    name = ma.String(metadata={"example": "Nguyễn Văn An"})
    role = ma.String(allow_none=True, metadata={"example": "Khách mời"})
    note = ma.String(allow_none=True)


class ActivitySchema(Schema):
    id = ma.Integer()
    version = ma.Integer()
    activity_type = ma.String(metadata={"enum": list(ACTIVITY_TYPES), "example": "meeting"})
    title = ma.String(metadata={"example": "Gặp mặt kiều bào tại Tokyo dịp Tết"})
    start_date = ma.Date()
    end_date = ma.Date(allow_none=True)
    country_code = ma.String(allow_none=True, metadata={"example": "JP"})
    city = ma.String(allow_none=True)
    place = ma.String(allow_none=True)
    description = ma.String(allow_none=True)
    outcome = ma.String(allow_none=True)
    follow_up_date = ma.Date(allow_none=True)
    follow_up_done = ma.Boolean()
    amount = ma.Integer(allow_none=True)
    currency = ma.String(allow_none=True)
    participants = ma.List(ma.Nested(ParticipantSchema))
    created_at = Moment()
    updated_at = Moment()


class ChannelProductInSchema(InputSchema):
    product_id = _id(metadata={"example": 3})
    status = _text(enum=["distributing", "interested"], example="distributing")
    note = _text()


class ChannelInSchema(InputSchema):
    name = _text(example="Cửa hàng Sen Việt")
    channel_type = _text(enum=list(CHANNEL_TYPES), example="shop")
    country_code = _text(example="JP")
    city = _text(example="Osaka")
    address = _text()
    person_id = _id(allow_none=True, metadata={"description": "Người phụ trách kênh (id)."})
    organisation_id = _id(allow_none=True)
    scale = _text(enum=["small", "medium", "large"])
    scale_note = _text()
    status = _text(enum=list(CHANNEL_STATUSES), example="potential")
    status_note = _text(description="Ghi chú khi đổi trạng thái.")
    phone = _text(example="+81 6-1234-5678")
    email = _text(example="senviet@example.jp")
    website = _text(example="senviet.example.jp")
    notes = _text()
    products = Items(Obj(ChannelProductInSchema), validate=_length(1000), metadata={
        "description": "Sản phẩm kênh đang bán (distributing) hoặc quan tâm (interested); gửi lên là thay cả danh sách."})


class ChannelUpdateSchema(ChannelInSchema):
    version = Int(strict=True, required=True, validate=_range(1, LARGEST))


class ParticipantInSchema(InputSchema):
    person_id = _id(allow_none=True, metadata={"example": 1024})
    organisation_id = _id(allow_none=True)
    role = _text(example="Khách mời")
    note = _text()


class ActivityInSchema(InputSchema):
    activity_type = _text(enum=list(ACTIVITY_TYPES), example="meeting")
    title = _text(example="Gặp mặt kiều bào tại Tokyo dịp Tết")
    start_date = Day(allow_none=True, metadata={"example": "2026-02-01"})
    end_date = Day(allow_none=True)
    country_code = _text(example="JP")
    city = _text(example="Tokyo")
    place = _text(example="Đại sứ quán Việt Nam tại Nhật Bản")
    description = _text()
    outcome = _text()
    follow_up_date = Day(allow_none=True)
    follow_up_done = Flag()
    amount = Int(strict=True, allow_none=True, metadata={"example": 50000000})
    currency = _text(example="VND")
    participants = Items(Obj(ParticipantInSchema), validate=_length(2000), metadata={
        "description": "Người (person_id) hoặc tổ chức (organisation_id) tham gia; gửi lên là thay cả danh sách."})


class ActivityUpdateSchema(ActivityInSchema):
    version = Int(strict=True, required=True, validate=_range(1, LARGEST))


# --- lists -------------------------------------------------------------------------------------------

class PagingArgs(InputSchema):
    page = Int(validate=_range(1, LARGEST), metadata={"example": 1})
    per_page = Int(validate=_range(1, MAX_PER_PAGE), load_default=50)


class PeopleArgs(PagingArgs):
    cursor = Text(validate=_length(20), metadata={
        "description": "Phân trang ổn định theo con trỏ: gửi `cursor=0` cho trang đầu, rồi `next_cursor` của "
                       "trang trước. Không bỏ sót, không lặp bản ghi dù hồ sơ đang được sửa."})
    q = Text(validate=_length(200), metadata={
        "description": "Tìm theo tên, tên khác, liên hệ, tổ chức; không phân biệt dấu.", "example": "nguyen van an"})
    country = Text(validate=_length(2), metadata={"example": "JP"})
    field = Text(validate=_length(60), metadata={"example": "health"})
    role = Text(validate=_length(60))
    organisation = Int(validate=RECORD_ID)
    status = Text(validate=_one_of(PERSON_STATUSES))


class OrganisationArgs(PagingArgs):
    q = Text(validate=_length(200), metadata={"example": "hoi nguoi viet"})
    country = Text(validate=_length(2))
    kind = Text(validate=_one_of(ORGANISATION_KINDS))


class ChannelArgs(PagingArgs):
    q = Text(validate=_length(200))
    country = Text(validate=_length(2))
    type = Text(validate=_one_of(list(CHANNEL_TYPES)))
    status = Text(validate=_one_of(list(CHANNEL_STATUSES)))
    product = Int(validate=RECORD_ID)


class ActivityArgs(PagingArgs):
    q = Text(validate=_length(200))
    country = Text(validate=_length(2))
    type = Text(validate=_one_of(list(ACTIVITY_TYPES)))
    year = Int(validate=_range(1900, 2100))
    person = Int(validate=RECORD_ID)
    organisation = Int(validate=RECORD_ID)


def list_schema(item_schema, name: str):
    """The envelope of a list: items and either the page's numbers or the next cursor."""
    return Schema.from_dict({
        "items": ma.List(ma.Nested(item_schema)),
        "total": ma.Integer(allow_none=True),
        "page": ma.Integer(allow_none=True),
        "per_page": ma.Integer(),
        "pages": ma.Integer(allow_none=True),
        "next_cursor": ma.String(allow_none=True, metadata={"example": "1024"}),
    }, name=name)


PeopleListSchema = list_schema(PersonSchema, "PeopleList")
OrganisationListSchema = list_schema(OrganisationSchema, "OrganisationList")
ChannelListSchema = list_schema(ChannelSchema, "ChannelList")
ActivityListSchema = list_schema(ActivitySchema, "ActivityList")


class DeleteArgs(InputSchema):
    version = Int(validate=RECORD_ID, metadata={
        "description": "Phiên bản đang xem; nếu hồ sơ đã đổi, trả về 409."})
