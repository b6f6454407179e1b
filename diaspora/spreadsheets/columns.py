"""The one declaration of every spreadsheet column: import mapping, export, templates and docs read it.

Three record types have sheets: people (PEOPLE), distribution channels (CHANNELS) and the participants
of an activity (PARTICIPANTS: the people columns and their part in the activity).

A Column knows its key, its Vietnamese and English headers, the other headers staff write for it
(aliases), how to clean a cell (`clean(value, ctx)`, see cleaners.py) and how to render a record
back into cell text that `clean` reads again (`render(person)`). Header matching ignores case,
diacritics, punctuation and spacing (diaspora.text.fold_key).

What a cleaned value fills:
- `attributes`: the Person attributes, in order; a single attribute takes the value, several take
  the items of the tuple the cleaner returns (birth_date → (birth_date, birth_year)).
- `relation`: "id" (the record to update), "contacts" (tuples (kind, value, normalized)),
  "fields" / "roles" (ids), "organisations" (names; memberships by folded name), "offers" (contribution
  kinds); for channels
  "person" (("id", n) or ("name", text)), "organisation" (a name), "products" (product ids);
  "participation" (the row's part in the activity, kept beside the person it names).
"""
from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable

from sqlalchemy import select

from diaspora.extensions import db
from diaspora.outreach.models import (
    CHANNEL_SCALES,
    CHANNEL_STATUSES,
    CHANNEL_TYPES,
    ActivityParticipant,
    DistributionChannel,
)
from diaspora.people.models import (
    CONSENT_LABELS,
    CONTRIBUTION_LABELS,
    GENDER_LABELS,
    NATIONALITY_LABELS,
    PERSON_TYPE_LABELS,
    STATUS_LABELS,
    Person,
)
from diaspora.spreadsheets import cleaners as c
from diaspora.text import fold_key

RELATIONS = ("id", "contacts", "fields", "roles", "organisations", "offers", "person", "organisation", "products",
             "participation")


@dataclass(frozen=True)
class Column:
    """One spreadsheet column of an importable record type."""

    key: str
    header_vi: str
    header_en: str
    aliases: tuple[str, ...] = ()
    clean: Callable = None
    render: Callable = None
    required: bool = False
    example: str = ""
    help_vi: str = ""
    choices: Callable[[], list[str]] | None = None
    multi: bool = False
    attributes: tuple[str, ...] | None = None  # None: the attribute named like the key
    relation: str | None = None
    reads_row: tuple[str, ...] = ()  # keys of this row's values the cleaner reads (declared earlier)

    def __post_init__(self):
        if self.relation is not None and self.relation not in RELATIONS:
            raise ValueError(f"column {self.key}: unknown relation {self.relation}")

    @property
    def targets(self) -> tuple[str, ...]:
        """The record attributes this column fills (none for relations)."""
        if self.relation is not None:
            return ()
        return self.attributes if self.attributes is not None else (self.key,)

    @property
    def header_keys(self) -> tuple[str, ...]:
        """Folded forms of every header that means this column."""
        texts = (self.header_vi, self.header_en, self.key, *self.aliases)
        return tuple(dict.fromkeys(fold_key(text) for text in texts))

    def header(self, locale: str = "vi") -> str:
        return self.header_en if locale == "en" else self.header_vi


@dataclass(frozen=True)
class Sheet:
    """An importable record type: its columns in export order, the table its attributes live in (export
    and templates read the column types from it), the column that names a row in previews, and the
    duplicate rules it uses (match_on: "email", "phone", "name" — the same folded name backed by a
    shared fact —, "fuzzy_name"; for channels "website" and "name_country")."""

    key: str
    columns: tuple[Column, ...]
    table: object = None
    name_key: str = "full_name"
    match_on: tuple[str, ...] = ()
    _by_key: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "_by_key", {column.key: column for column in self.columns})
        if len(self._by_key) != len(self.columns):
            raise ValueError(f"sheet {self.key}: duplicate column keys")
        seen: dict[str, str] = {}
        for position, column in enumerate(self.columns):
            earlier = {other.key for other in self.columns[:position]}
            if not set(column.reads_row) <= earlier:
                raise ValueError(f"sheet {self.key}: {column.key} reads values not declared before it")
            for key in column.header_keys:
                if seen.setdefault(key, column.key) != column.key:
                    raise ValueError(f"sheet {self.key}: header {key!r} means both {seen[key]} and {column.key}")

    def column(self, key: str) -> Column:
        return self._by_key[key]

    @cached_property
    def header_index(self) -> dict[str, str]:
        """fold_key(header) → column key, for every header and alias."""
        return {header: column.key for column in self.columns for header in column.header_keys}

    def is_known_header(self, text: str) -> bool:
        """True when the text is a header of one of the columns (used to find the header row)."""
        return fold_key(text) in self.header_index

    def keys_of(self, relation: str) -> tuple[str, ...]:
        """Keys of the columns feeding a relation ("contacts": phones, emails, zalo…)."""
        return tuple(column.key for column in self.columns if column.relation == relation)

    @property
    def required(self) -> tuple[Column, ...]:
        return tuple(column for column in self.columns if column.required)


def _text(attribute: str, table=Person.__table__) -> Callable:
    """Free text, as long as the table's column allows (unbounded Text columns: 10,000 characters, with
    their line breaks kept)."""
    length = table.c[attribute].type.length
    return c.text_cleaner(length or 10_000, paragraphs=length is None)


def field_choices() -> list[str]:
    """Names of the active fields, in taxonomy order."""
    from diaspora.reference.models import Field

    return list(db.session.scalars(select(Field.name_vi).where(Field.active).order_by(Field.sort_order)))


def role_choices() -> list[str]:
    from diaspora.reference.models import CommunityRole

    return list(db.session.scalars(
        select(CommunityRole.name_vi).where(CommunityRole.active).order_by(CommunityRole.sort_order)))


def country_choices() -> list[str]:
    """Vietnamese names of the countries, sorted diacritics aside (the template's drop-down)."""
    from diaspora.reference.service import country_choices as choices

    return [name for _, name in choices("vi")]


def _labels(labels: dict) -> Callable[[], list[str]]:
    return lambda: [str(label) for label in labels.values()]


PEOPLE = Sheet(
    key="people",
    table=Person.__table__,
    match_on=("email", "phone", "name", "fuzzy_name"),
    columns=(
        Column("id", "ID", "ID", aliases=("Mã hồ sơ", "Mã số hồ sơ", "Record ID"),
               clean=c.clean_id, render=lambda person: str(person.id), relation="id", example="",
               help_vi="Để trống khi thêm mới. Tệp xuất từ hệ thống có sẵn ID: giữ nguyên để cập nhật đúng hồ sơ."),
        Column("full_name", "Họ và tên", "Full name",
               aliases=("Họ tên", "HO TEN", "Tên", "Name", "Họ tên đầy đủ", "Họ và tên khai sinh",
                        # A name split over two columns, joined by the import: "Họ và tên đệm" | "Tên".
                        "Họ", "Họ đệm", "Họ và đệm", "Họ và tên đệm", "Họ, tên đệm", "Họ và chữ đệm"),
               clean=c.clean_full_name, render=c.render_attribute("full_name"), required=True,
               example="Nguyễn Văn An", help_vi="Bắt buộc. Họ tên tiếng Việt có dấu."),
        Column("other_names", "Tên khác", "Other names",
               aliases=("Tên gọi khác", "Tên ở nước ngoài", "Tên nước ngoài", "Tên tiếng Anh", "Bí danh",
                        "Other name", "Name abroad"),
               clean=_text("other_names"), render=c.render_attribute("other_names"), example="An Van Nguyen",
               help_vi="Tên dùng ở nước ngoài, tên thường gọi."),
        Column("gender", "Giới tính", "Gender", aliases=("Phái", "Nam/Nữ", "Sex"),
               clean=c.clean_gender, render=c.render_label("gender", GENDER_LABELS), example="Nam",
               choices=_labels(GENDER_LABELS), help_vi="Nam, Nữ hoặc Khác (cũng hiểu M/F, Male/Female)."),
        Column("birth_date", "Ngày sinh", "Date of birth",
               aliases=("Năm sinh", "Ngày tháng năm sinh", "Ngày, tháng, năm sinh", "Sinh ngày", "Sinh năm",
                        "DOB", "Birth date", "Birthday", "Year of birth"),
               clean=c.clean_birth, render=c.render_birth, attributes=("birth_date", "birth_year"),
               example="15/08/1975", help_vi="Ngày/tháng/năm (dd/mm/yyyy) hoặc chỉ năm sinh (1975, 00/00/1975)."),
        Column("person_type", "Đối tượng", "Person type", aliases=("Loại đối tượng", "Type"),
               clean=c.clean_person_type, render=c.render_label("person_type", PERSON_TYPE_LABELS),
               example="Kiều bào", choices=_labels(PERSON_TYPE_LABELS),
               help_vi="Kiều bào hoặc Chuyên gia nước ngoài; để trống là Kiều bào."),
        Column("nationality", "Quốc tịch", "Nationality", aliases=("Tình trạng quốc tịch", "Citizenship"),
               clean=c.nationality_cleaner(NATIONALITY_LABELS),
               render=c.render_label("nationality_status", NATIONALITY_LABELS), attributes=("nationality_status",),
               choices=_labels(NATIONALITY_LABELS), example="Hai quốc tịch",
               help_vi="Quốc tịch Việt Nam, Hai quốc tịch, Quốc tịch nước ngoài hoặc Chưa rõ; cũng hiểu tên nước "
                       "(Việt Nam; Nhật Bản; “Việt Nam, Đức” là hai quốc tịch)."),
        Column("country", "Quốc gia cư trú", "Country of residence",
               aliases=("Quốc gia", "Nước cư trú", "Nước sở tại", "Nước", "Country", "Nước đang sinh sống",
                        "Nước định cư", "Nước đang cư trú", "Nơi định cư"),
               clean=c.clean_country, render=c.render_country, attributes=("country_code",), required=True,
               choices=country_choices, example="Nhật Bản",
               help_vi="Bắt buộc. Tên nước tiếng Việt hoặc tiếng Anh, hoặc mã ISO (JP)."),
        Column("city", "Thành phố", "City",
               aliases=("Bang/Tỉnh", "Tỉnh/Bang", "Thành phố/Bang", "Tỉnh/Thành phố", "Bang", "City/State", "State"),
               clean=_text("city"), render=c.render_attribute("city"), example="Tokyo"),
        Column("address", "Địa chỉ", "Address",
               aliases=("Địa chỉ liên hệ", "Địa chỉ thường trú", "Địa chỉ ở nước ngoài", "Nơi ở hiện nay",
                        "Chỗ ở hiện nay"),
               clean=_text("address"), render=c.render_attribute("address"), example="1-2-3 Shinjuku"),
        Column("hometown", "Quê quán", "Hometown",
               aliases=("Nguyên quán", "Quê", "Quê gốc", "Quê hương", "Hometown in Vietnam"),
               clean=c.clean_hometown, render=c.render_hometown,
               attributes=("hometown_unit_code", "hometown_text"), example="xã Thanh Hải, huyện Thanh Hà, Hải Dương",
               help_vi="Ghi như trong hồ sơ (cả địa danh cũ trước 2025); hệ thống tự nhận ra xã, phường hiện nay."),
        Column("occupation", "Nghề nghiệp", "Occupation", aliases=("Nghề", "Công việc", "Job", "Profession"),
               clean=_text("occupation"), render=c.render_attribute("occupation"), example="Kỹ sư phần mềm"),
        Column("academic_title", "Học hàm, học vị", "Academic title",
               aliases=("Học vị", "Học hàm", "Trình độ", "Trình độ học vấn", "Degree"),
               clean=_text("academic_title"), render=c.render_attribute("academic_title"), example="TS."),
        # "Đơn vị công tác" is where the person works (an employer written as text), as on Vietnamese
        # personnel forms; associations they belong to go in "Hội đoàn" and become memberships.
        Column("employer", "Nơi làm việc", "Employer",
               aliases=("Đơn vị công tác", "Cơ quan công tác", "Nơi công tác", "Cơ quan", "Công ty",
                        "Workplace", "Company"),
               clean=_text("employer"), render=c.render_attribute("employer"), example="Đại học Tokyo"),
        Column("position", "Chức vụ", "Position", aliases=("Chức danh", "Vị trí công tác", "Job title"),
               clean=_text("position"), render=c.render_attribute("position"), example="Trưởng nhóm nghiên cứu"),
        Column("fields", "Lĩnh vực", "Fields",
               aliases=("Lĩnh vực hoạt động", "Lĩnh vực chuyên môn", "Ngành", "Field", "Sector"),
               clean=c.clean_fields, render=c.render_names("fields"), relation="fields", multi=True,
               choices=field_choices, example="Công nghệ thông tin; Giáo dục – đào tạo",
               help_vi="Một hoặc nhiều lĩnh vực trong danh mục, cách nhau bởi dấu chấm phẩy; có thể ghi một phần tên "
                       "khi phần đó chỉ khớp một lĩnh vực (“Giáo dục”)."),
        Column("expertise", "Chuyên môn", "Expertise",
               aliases=("Chuyên ngành", "Trình độ chuyên môn", "Chuyên môn sâu", "Specialty"),
               clean=_text("expertise"), render=c.render_attribute("expertise", paragraphs=True),
               example="Trí tuệ nhân tạo"),
        Column("roles", "Vai trò", "Community roles",
               aliases=("Thành phần", "Vai trò trong cộng đồng", "Role", "Roles"),
               clean=c.clean_roles, render=c.render_names("roles"), relation="roles", multi=True,
               choices=role_choices, example="Trí thức",
               help_vi="Một hoặc nhiều vai trò trong danh mục, cách nhau bởi dấu chấm phẩy; có thể ghi một phần tên "
                       "khi phần đó chỉ khớp một vai trò (“Giảng viên”)."),
        Column("offers", "Có thể đóng góp", "Willing to contribute",
               aliases=("Khả năng đóng góp", "Hình thức đóng góp", "Sẵn sàng đóng góp", "Đóng góp", "Contribution"),
               clean=c.labels_cleaner(CONTRIBUTION_LABELS, c.CONTRIBUTION_WORDS),
               render=c.render_offers(CONTRIBUTION_LABELS), relation="offers", multi=True,
               choices=_labels(CONTRIBUTION_LABELS), example="Tư vấn từ xa; Giảng dạy",
               help_vi="Tư vấn từ xa, Về thăm, làm việc, Đầu tư, Giảng dạy; cách nhau bởi dấu chấm phẩy."),
        # An organisation not yet in the register is created by the import (as an association, with
        # the person's country), in the same transaction, and removed again when the import is undone.
        Column("organisations", "Hội đoàn", "Organisations",
               aliases=("Tổ chức", "Hội", "Hội đoàn tham gia", "Tổ chức tham gia", "Associations", "Organisation",
                        "Organization"),
               clean=c.clean_organisations, render=c.render_organisations, relation="organisations", multi=True,
               example="Hội người Việt Nam tại Nhật Bản",
               help_vi="Tên hội đoàn, tổ chức, cách nhau bởi dấu chấm phẩy; tổ chức chưa có sẽ được tạo mới."),
        Column("phones", "Điện thoại", "Phone",
               aliases=("SĐT", "Số điện thoại", "Điện thoại di động", "Di động", "ĐT", "ĐTDĐ", "Số ĐT", "Mobile", "Tel",
                        "Telephone", "Phone number",
                        # A number that is also the person's Zalo: a phone first.
                        "Điện thoại/Zalo", "SĐT/Zalo", "Số điện thoại/Zalo", "Điện thoại, Zalo", "ĐT/Zalo"),
               clean=c.clean_phones, render=c.render_contacts("phone"), reads_row=("country",),
               relation="contacts", multi=True, example="+81 90 1234 5678",
               help_vi="Một hoặc nhiều số, cách nhau bởi dấu chấm phẩy; số không có + được hiểu theo nước cư trú."),
        Column("emails", "Email", "Email", aliases=("E-mail", "Thư điện tử", "Địa chỉ email", "Mail"),
               clean=c.clean_emails, render=c.render_contacts("email"), relation="contacts", multi=True,
               example="an.nguyen@example.com"),
        Column("zalo", "Zalo", "Zalo", clean=c.contact_cleaner("zalo"), render=c.render_contacts("zalo"),
               reads_row=("country",), relation="contacts", multi=True, example="0912345678"),
        Column("facebook", "Facebook", "Facebook", aliases=("FB",), clean=c.contact_cleaner("facebook"),
               render=c.render_contacts("facebook"), relation="contacts", multi=True,
               example="facebook.com/an.nguyen"),
        Column("other_contacts", "Liên hệ khác", "Other contacts", aliases=("Mạng xã hội", "Social media"),
               clean=c.clean_other_contacts,
               render=c.render_contacts("wechat", "line", "kakaotalk", "whatsapp", "website", "address",
                                        labelled=True),
               reads_row=("country",), relation="contacts", multi=True,
               example="LINE: an.nguyen; Web: https://example.com",
               help_vi="Dạng “loại: giá trị”, loại là WeChat, LINE, KakaoTalk, WhatsApp, Web hoặc Địa chỉ."),
        Column("source", "Nguồn", "Source", aliases=("Nguồn thông tin", "Nguồn dữ liệu", "Nguồn tin"),
               clean=_text("source"), render=c.render_attribute("source"),
               example="Đại sứ quán Việt Nam tại Nhật Bản, 2025"),
        Column("consent", "Đồng ý liên hệ", "Consent",
               aliases=("Đồng ý", "Đồng ý xử lý dữ liệu", "Consent to contact"),
               clean=c.clean_consent, render=c.render_label("consent_status", CONSENT_LABELS),
               attributes=("consent_status",), choices=_labels(CONSENT_LABELS), example="Đồng ý",
               help_vi="Đồng ý, Từ chối, Đã rút lại đồng ý hoặc Chưa hỏi ý kiến."),
        Column("consent_date", "Ngày đồng ý", "Consent date", aliases=("Ngày đồng ý liên hệ", "Consent given on"),
               clean=c.clean_past_date, render=c.render_attribute("consent_date"), example="10/02/2026",
               help_vi="Ngày người đó đồng ý (dd/mm/yyyy)."),
        # Not "Tình trạng" alone: lists use it for marital status and the like.
        Column("status", "Tình trạng liên lạc", "Contact status", aliases=("Trạng thái liên lạc",),
               clean=c.label_cleaner(STATUS_LABELS, c.STATUS_WORDS), render=c.render_label("status", STATUS_LABELS),
               choices=_labels(STATUS_LABELS), example="Đang liên hệ",
               help_vi="Đang liên hệ, Mất liên lạc hoặc Đã mất; để trống là Đang liên hệ."),
        Column("notes", "Ghi chú", "Notes", aliases=("Ghi chú khác", "Note", "Remarks", "Chú thích"),
               clean=_text("notes"), render=c.render_attribute("notes", paragraphs=True)),
    ),
)


def product_choices() -> list[str]:
    """Names of the active typical products, by name (the template's drop-down)."""
    from diaspora.outreach.models import Product

    return list(db.session.scalars(select(Product.name).where(Product.active).order_by(Product.name_folded)))


_CHANNEL_TABLE = DistributionChannel.__table__


def _channel_text(attribute: str) -> Callable:
    return _text(attribute, _CHANNEL_TABLE)


_COUNTRY_ALIASES = ("Quốc gia", "Nước", "Country", "Nước sở tại", "Nước cư trú", "Quốc gia cư trú")

CHANNELS = Sheet(
    key="channels",
    table=_CHANNEL_TABLE,
    name_key="name",
    match_on=("email", "phone", "website", "name_country"),
    columns=(
        Column("id", "ID", "ID", aliases=("Mã kênh", "Channel ID"),
               clean=c.clean_id, render=lambda channel: str(channel.id), relation="id",
               help_vi="Để trống khi thêm mới. Tệp xuất từ hệ thống có sẵn ID: giữ nguyên để cập nhật đúng kênh."),
        Column("name", "Tên kênh", "Channel name",
               aliases=("Tên cửa hàng", "Tên doanh nghiệp", "Tên cơ sở", "Tên đơn vị", "Tên nhà phân phối",
                        "Cửa hàng", "Doanh nghiệp", "Nhà phân phối", "Kênh phân phối", "Tên", "Name", "Channel"),
               clean=_channel_text("name"), render=c.render_attribute("name"), required=True,
               example="Siêu thị Việt Mart Tokyo", help_vi="Bắt buộc. Tên cửa hàng, doanh nghiệp, hội chợ…"),
        Column("channel_type", "Loại kênh", "Channel type",
               aliases=("Loại hình", "Loại", "Hình thức", "Loại hình kinh doanh", "Type"),
               clean=c.label_cleaner(CHANNEL_TYPES, c.CHANNEL_TYPE_WORDS, contains=True), render=c.render_label("channel_type", CHANNEL_TYPES),
               choices=_labels(CHANNEL_TYPES), example="Siêu thị",
               help_vi="Cửa hàng, Siêu thị, Nhà hàng, Nhà nhập khẩu, Nhà phân phối bán buôn, Sàn / cửa hàng trực tuyến, "
                       "Hội chợ hoặc Khác; để trống là Khác."),
        Column("country", "Quốc gia", "Country", aliases=_COUNTRY_ALIASES[1:],
               clean=c.clean_country, render=c.render_country, attributes=("country_code",), required=True,
               choices=country_choices, example="Nhật Bản",
               help_vi="Bắt buộc. Tên nước tiếng Việt hoặc tiếng Anh, hoặc mã ISO (JP)."),
        Column("city", "Thành phố", "City", aliases=("Tỉnh/Bang", "Bang", "Tỉnh/Thành phố", "City/State", "State"),
               clean=_channel_text("city"), render=c.render_attribute("city"), example="Tokyo"),
        Column("address", "Địa chỉ", "Address", aliases=("Địa chỉ cửa hàng", "Địa chỉ liên hệ"),
               clean=_channel_text("address"), render=c.render_attribute("address"), example="2-5-1 Ueno, Taito-ku"),
        # The person behind a channel is a record of the people register: the export writes
        # "Name (ID n)", which the import reads back exactly; a name alone is looked up among live records.
        Column("person", "Người phụ trách", "Person in charge",
               aliases=("Kiều bào phụ trách", "Chủ kênh", "Chủ cửa hàng", "Người đại diện", "Người liên hệ",
                        "Contact person", "Owner"),
               clean=c.clean_person_reference, render=c.render_person_reference, relation="person",
               example="Nguyễn Văn An (ID 12)",
               help_vi="Kiều bào trong hệ thống: họ tên (có thể kèm “(ID số hồ sơ)” khi trùng tên)."),
        Column("organisation", "Tổ chức", "Organisation",
               aliases=("Công ty", "Doanh nghiệp chủ quản", "Đơn vị chủ quản", "Organisation", "Organization",
                        "Company"),
               clean=c.clean_organisation_name, render=c.render_channel_organisation, relation="organisation",
               example="Công ty TNHH Việt Mart",
               help_vi="Tổ chức, doanh nghiệp đứng sau kênh; tổ chức chưa có sẽ được tạo mới."),
        Column("products", "Sản phẩm đang phân phối", "Products carried",
               aliases=("Sản phẩm", "Mặt hàng", "Sản phẩm đang bán", "Mặt hàng đang bán", "Sản phẩm phân phối",
                        "Mặt hàng phân phối", "Products"),
               clean=c.clean_products, render=c.render_products("distributing"), relation="products", multi=True,
               choices=product_choices, example="Vải thiều Thanh Hà; Bánh đậu xanh Hải Dương",
               help_vi="Sản phẩm tiêu biểu trong danh mục, cách nhau bởi dấu chấm phẩy."),
        Column("products_wanted", "Sản phẩm quan tâm", "Products wanted",
               aliases=("Sản phẩm muốn nhập", "Mặt hàng quan tâm", "Sản phẩm có nhu cầu", "Nhu cầu nhập hàng",
                        "Interested in"),
               clean=c.clean_products, render=c.render_products("interested"), relation="products", multi=True,
               choices=product_choices, example="Gốm Chu Đậu",
               help_vi="Sản phẩm kênh muốn nhập, cách nhau bởi dấu chấm phẩy."),
        Column("scale", "Quy mô", "Scale", aliases=("Quy mô kinh doanh", "Size"),
               clean=c.label_cleaner(CHANNEL_SCALES), render=c.render_label("scale", CHANNEL_SCALES),
               choices=_labels(CHANNEL_SCALES), example="Vừa", help_vi="Nhỏ, Vừa hoặc Lớn."),
        Column("scale_note", "Ghi chú quy mô", "Scale note",
               aliases=("Sản lượng", "Doanh số", "Doanh thu", "Số cửa hàng", "Volume"),
               clean=_channel_text("scale_note"), render=c.render_attribute("scale_note"),
               example="3 cửa hàng, khoảng 2 tấn vải mỗi mùa"),
        Column("status", "Trạng thái", "Status", aliases=("Tình trạng", "Giai đoạn", "Tình trạng hợp tác"),
               clean=c.label_cleaner(CHANNEL_STATUSES, c.CHANNEL_STATUS_WORDS), render=c.render_label("status", CHANNEL_STATUSES),
               choices=_labels(CHANNEL_STATUSES), example="Đã liên hệ",
               help_vi="Tiềm năng, Đã liên hệ, Đối tác hoặc Ngừng; để trống là Tiềm năng."),
        Column("phone", "Điện thoại", "Phone",
               aliases=("SĐT", "Số điện thoại", "ĐT", "Di động", "Tel", "Telephone", "Phone number"),
               clean=c.clean_single_phone, render=c.render_attribute("phone"), reads_row=("country",),
               example="+81 3 1234 5678", help_vi="Một số; số không có + được hiểu theo quốc gia của kênh."),
        Column("email", "Email", "Email", aliases=("E-mail", "Thư điện tử", "Mail"),
               clean=c.clean_single_email, render=c.render_attribute("email"), example="info@vietmart.jp"),
        Column("website", "Trang web", "Website", aliases=("Website", "Web", "Địa chỉ web", "Fanpage", "URL"),
               clean=c.clean_website, render=c.render_attribute("website"), example="https://vietmart.jp"),
        Column("notes", "Ghi chú", "Notes", aliases=("Ghi chú khác", "Note", "Remarks"),
               clean=_channel_text("notes"), render=c.render_attribute("notes", paragraphs=True)),
    ),
)

# The people of an attendance list (a Tết gathering, a delegation's meeting): the people columns, so
# the list finds, updates or adds records as any people import does, and their part in the activity.
PARTICIPANTS = Sheet(
    key="participants",
    table=Person.__table__,
    match_on=PEOPLE.match_on,
    columns=(
        *PEOPLE.columns,
        Column("participant_role", "Vai trò trong hoạt động", "Part in the activity",
               aliases=("Vai trò tham dự", "Tư cách tham dự", "Tham dự với tư cách", "Part", "Role in activity"),
               clean=c.text_cleaner(ActivityParticipant.__table__.c.role.type.length),
               render=c.render_attribute("participant_role"), relation="participation", example="Khách mời",
               help_vi="Ví dụ: Trưởng đoàn, Khách mời, Đại biểu, Phát biểu."),
        Column("participant_note", "Ghi chú tham dự", "Participation note",
               aliases=("Ghi chú hoạt động", "Participation note"),
               clean=c.text_cleaner(ActivityParticipant.__table__.c.note.type.length),
               render=c.render_attribute("participant_note"), relation="participation",
               example="Tặng quà, phát biểu cảm tưởng"),
    ),
)

SHEETS = {sheet.key: sheet for sheet in (PEOPLE, CHANNELS, PARTICIPANTS)}
