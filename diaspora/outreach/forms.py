"""Forms of the outreach feature: products, distribution channels, activities."""
import re
from datetime import date

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)

from diaspora.contacts import InvalidContact, normalize_email, normalize_phone
from diaspora.extensions import db
from diaspora.forms import AppForm, PlainForm, VersionedForm
from diaspora.listing import record_id
from diaspora.organisations.models import Organisation
from diaspora.outreach.models import (
    ACTIVITY_TYPES,
    CHANNEL_PRODUCT_STATUSES,
    CHANNEL_SCALES,
    CHANNEL_STATUSES,
    CHANNEL_TYPES,
    CURRENCIES,
)
from diaspora.people.models import Person
from diaspora.reference.models import OCOP_STARS, PRODUCT_CATEGORIES, Product
from diaspora.text import clean_text, fold

_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_GROUPED_DIGITS = re.compile(r"\d{1,3}(?:[., ]\d{3})+|\d+")
MAX_PARTICIPANTS = 200


class DateDMYField(StringField):
    """A date written dd/mm/yyyy, the only form staff use; anything else is refused with a clear message."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"})
        super().__init__(label, validators, **kwargs)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return self.data.strftime("%d/%m/%Y") if isinstance(self.data, date) else ""

    def process_formdata(self, valuelist):
        self.data = None
        text = (valuelist[0] if valuelist else "").strip()
        if not text:
            return
        match = _DMY.fullmatch(text)
        if not match:
            raise ValueError(_l("Ngày phải viết theo dạng dd/mm/yyyy, ví dụ 20/11/2025."))
        day, month, year = (int(part) for part in match.groups())
        if not 1900 <= year <= 2100:
            raise ValueError(_l("Năm %(year)s nằm ngoài khoảng 1900–2100.", year=year))
        try:
            self.data = date(year, month, day)
        except ValueError:
            raise ValueError(_l("Ngày %(value)s không tồn tại.", value=text)) from None


class DateRequired:
    """Requires a date without hiding the message about a badly written one (DataRequired would)."""

    field_flags = {"required": True}

    def __init__(self, message):
        self.message = message

    def __call__(self, form, field):
        if field.data is None and not field.process_errors:
            raise StopValidation(self.message)


class AmountField(StringField):
    """A whole amount, written with or without thousands separators ("10.000", "10 000", "10000")."""

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return format_decimal(self.data) if isinstance(self.data, int) else ""  # 10.000 / 10,000

    def process_formdata(self, valuelist):
        self.data = None
        text = (valuelist[0] if valuelist else "").strip()
        if not text:
            return
        if not _GROUPED_DIGITS.fullmatch(text):
            raise ValueError(_l("Số tiền phải là số nguyên không âm, ví dụ 10.000."))
        self.data = int(re.sub(r"\D", "", text))


class BlankableSelectField(SelectField):
    """A select whose blank option stands for a stored None."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The shared field macro styles a select by its type name.
        self.type = "SelectField"

    def process_data(self, value):
        super().process_data("" if value is None else str(value))


def _options(pairs, blank=None) -> list[SelectChoice]:
    """Select options from (value, label) pairs, with a leading blank option when `blank` is given."""
    options = [SelectChoice(str(value), label) for value, label in pairs]
    return [SelectChoice("", blank)] + options if blank is not None else options


def _choices(labels: dict, blank=None) -> list[SelectChoice]:
    return _options(labels.items(), blank)


def _live(model, record_id: int | None):
    """The record with that id unless it is missing or in the bin."""
    record = db.session.get(model, record_id) if record_id else None
    return record if record is not None and record.deleted_at is None else None


class DeleteForm(AppForm):
    """A bare form, for the CSRF token on delete, restore and one-click actions."""


# --- products --------------------------------------------------------------------------------------

class ProductForm(VersionedForm):
    name = StringField(_l("Tên sản phẩm"), validators=[
        DataRequired(_l("Vui lòng nhập tên sản phẩm.")), Length(max=200)])
    category = SelectField(_l("Nhóm"), choices=_choices(PRODUCT_CATEGORIES))
    subcategory = StringField(_l("Loại"), validators=[Optional(), Length(max=120)])
    producer = StringField(_l("Cơ sở sản xuất / chủ thể"), validators=[Optional(), Length(max=200)])
    origin_unit_code = BlankableSelectField(_l("Đơn vị hành chính hiện nay"), choices=[])
    origin_text = StringField(_l("Nơi sản xuất (như đã ghi)"), validators=[Optional(), Length(max=300)])
    ocop_stars = BlankableSelectField(
        _l("Hạng OCOP"), choices=_options(((n, f"{n} ★") for n in OCOP_STARS), blank=_l("Chưa xếp hạng")))
    description = TextAreaField(_l("Mô tả, công nhận"), validators=[Optional(), Length(max=5000)])
    active = BooleanField(_l("Đang dùng trong danh mục"), default=True)

    def __init__(self, *args, product: Product | None = None, unit_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._product = product
        self.origin_unit_code.choices = _options(unit_choices, blank=_l("— Chưa xác định —"))

    def validate_name(self, field):
        folded = fold(clean_text(field.data))
        existing = db.session.scalar(db.select(Product).where(Product.name_folded == folded))
        if existing is not None and existing is not self._product:
            raise ValidationError(_l("Đã có sản phẩm “%(name)s” trong danh mục.", name=existing.name))


# --- distribution channels -------------------------------------------------------------------------

class ChannelProductForm(PlainForm):
    """One product row of the channel form: carried, wanted, or neither."""

    product_id = HiddenField()
    status = BlankableSelectField(choices=_choices(CHANNEL_PRODUCT_STATUSES, blank=_l("—")))
    note = StringField(validators=[Optional(), Length(max=300)])

    def validate_product_id(self, field):
        product_id = record_id(field.data)
        product = db.session.get(Product, product_id) if product_id else None
        if product is None:
            raise ValidationError(_l("Sản phẩm không tồn tại."))


class ChannelForm(VersionedForm):
    name = StringField(_l("Tên kênh"), validators=[DataRequired(_l("Vui lòng nhập tên kênh.")), Length(max=200)])
    channel_type = SelectField(_l("Loại kênh"), choices=_choices(CHANNEL_TYPES))
    country = BlankableSelectField(_l("Quốc gia"), choices=[],
                                   validators=[DataRequired(_l("Vui lòng chọn quốc gia."))])
    city = StringField(_l("Thành phố"), validators=[Optional(), Length(max=120)])
    address = StringField(_l("Địa chỉ"), validators=[Optional(), Length(max=300)])
    person_id = HiddenField()
    person_label = HiddenField()
    organisation_id = HiddenField()
    organisation_label = HiddenField()
    scale = BlankableSelectField(_l("Quy mô"), choices=_choices(CHANNEL_SCALES, blank=_l("— Chưa rõ —")))
    scale_note = StringField(_l("Ghi chú quy mô, sản lượng hằng năm"), validators=[Optional(), Length(max=300)])
    status = SelectField(_l("Trạng thái"), choices=_choices(CHANNEL_STATUSES))
    status_note = StringField(_l("Ghi chú khi đổi trạng thái"), validators=[Optional(), Length(max=500)])
    phone = StringField(_l("Điện thoại"), validators=[Optional(), Length(max=40)])
    email = StringField(_l("Email"), validators=[Optional(), Length(max=254)])
    website = StringField(_l("Trang web"), validators=[Optional(), Length(max=300)])
    notes = TextAreaField(_l("Ghi chú"), validators=[Optional(), Length(max=5000)])
    products = FieldList(FormField(ChannelProductForm), max_entries=1000)

    def __init__(self, *args, country_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = _options(country_choices, blank=_l("— Chọn quốc gia —"))

    def validate_person_id(self, field):
        if field.data and _live(Person, record_id(field.data)) is None:
            raise ValidationError(_l("Người phụ trách không tồn tại hoặc đã bị xoá."))

    def validate_organisation_id(self, field):
        if field.data and _live(Organisation, record_id(field.data)) is None:
            raise ValidationError(_l("Tổ chức không tồn tại hoặc đã bị xoá."))

    def validate_phone(self, field):
        try:
            normalize_phone(field.data, self.country.data or None)
        except InvalidContact as error:
            raise ValidationError(str(error)) from None

    def validate_email(self, field):
        try:
            normalize_email(field.data)
        except InvalidContact as error:
            raise ValidationError(str(error)) from None

    def validate_website(self, field):
        host = re.sub(r"^https?://", "", (field.data or "").strip(), flags=re.I).split("/")[0]
        if "." not in host or " " in host:
            raise ValidationError(_l("Địa chỉ trang web không hợp lệ."))


class ChannelStatusForm(VersionedForm):
    status = SelectField(_l("Trạng thái mới"), choices=_choices(CHANNEL_STATUSES))
    note = StringField(_l("Ghi chú"), validators=[Optional(), Length(max=500)])


# --- activities ------------------------------------------------------------------------------------

class ParticipantForm(PlainForm):
    """A person or an organisation picked for an activity, with their role."""

    kind = HiddenField()
    ref_id = HiddenField()
    display_name = HiddenField()
    role = StringField(validators=[Optional(), Length(max=120)])
    note = StringField(validators=[Optional(), Length(max=300)])

    def validate_ref_id(self, field):
        model = {"person": Person, "organisation": Organisation}.get(self.kind.data)
        if model is None or _live(model, record_id(field.data)) is None:
            raise ValidationError(_l("Người hoặc tổ chức tham gia không tồn tại hoặc đã bị xoá."))


class ActivityForm(VersionedForm):
    activity_type = SelectField(_l("Loại hoạt động"), choices=_choices(ACTIVITY_TYPES))
    title = StringField(_l("Tiêu đề"), validators=[DataRequired(_l("Vui lòng nhập tiêu đề.")), Length(max=300)])
    start_date = DateDMYField(_l("Ngày"), validators=[DateRequired(_l("Vui lòng nhập ngày diễn ra."))])
    end_date = DateDMYField(_l("Đến ngày"), validators=[Optional()])
    country = BlankableSelectField(_l("Quốc gia"), choices=[])
    city = StringField(_l("Thành phố"), validators=[Optional(), Length(max=120)])
    place = StringField(_l("Địa điểm"), validators=[Optional(), Length(max=300)])
    description = TextAreaField(_l("Nội dung"), validators=[Optional(), Length(max=10000)])
    outcome = TextAreaField(_l("Kết quả"), validators=[Optional(), Length(max=10000)])
    follow_up_date = DateDMYField(_l("Ngày cần theo dõi tiếp"), validators=[Optional()])
    follow_up_done = BooleanField(_l("Đã theo dõi xong"))
    amount = AmountField(_l("Số tiền"), validators=[
        Optional(), NumberRange(max=10**15, message=_l("Số tiền quá lớn."))])
    currency = BlankableSelectField(_l("Đơn vị tiền"), choices=_options(((code, code) for code in CURRENCIES),
                                                                        blank="—"))
    participants = FieldList(FormField(ParticipantForm), max_entries=MAX_PARTICIPANTS)

    def __init__(self, *args, country_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = _options(country_choices, blank=_l("— Không rõ / trong nước —"))

    def validate_end_date(self, field):
        if field.data and self.start_date.data and field.data < self.start_date.data:
            raise ValidationError(_l("Ngày kết thúc không được trước ngày bắt đầu."))

    def validate_currency(self, field):
        if self.amount.data is not None and not field.data:
            raise ValidationError(_l("Vui lòng chọn đơn vị tiền cho số tiền."))

    def validate_participants(self, field):
        seen = set()
        for entry in field.entries:
            key = (entry.form.kind.data, entry.form.ref_id.data)
            if key in seen:
                raise ValidationError(_l("“%(name)s” được thêm hai lần.", name=entry.form.display_name.data or ""))
            seen.add(key)


def channel_form_data(channel, products) -> dict:
    """The channel form's values for a stored channel (or a new one), with one row per product."""
    links = {link.product_id: link for link in channel.products} if channel is not None else {}
    rows = [{"product_id": str(product.id),
             "status": links[product.id].status if product.id in links else "",
             "note": links[product.id].note if product.id in links else ""}
            for product in products if product.active or product.id in links]
    if channel is None:
        return {"products": rows}
    return {
        "version": channel.version, "name": channel.name, "channel_type": channel.channel_type,
        "country": channel.country_code, "city": channel.city, "address": channel.address,
        "person_id": channel.person_id or "", "person_label": channel.person.full_name if channel.person else "",
        "organisation_id": channel.organisation_id or "",
        "organisation_label": channel.organisation.name if channel.organisation else "",
        "scale": channel.scale, "scale_note": channel.scale_note, "status": channel.status,
        "phone": channel.phone, "email": channel.email, "website": channel.website, "notes": channel.notes,
        "products": rows,
    }


def participant_row(record, role=None, note=None) -> dict:
    """A participant entry of the activity form for a person or an organisation."""
    kind, name = ("person", record.full_name) if isinstance(record, Person) else ("organisation", record.name)
    return {"kind": kind, "ref_id": str(record.id), "display_name": name, "role": role, "note": note}


def activity_form_data(activity) -> dict:
    """The activity form's values for a stored activity."""
    return {
        "version": activity.version, "activity_type": activity.activity_type, "title": activity.title,
        "start_date": activity.start_date, "end_date": activity.end_date, "country": activity.country_code,
        "city": activity.city, "place": activity.place, "description": activity.description,
        "outcome": activity.outcome, "follow_up_date": activity.follow_up_date,
        "follow_up_done": activity.follow_up_done, "amount": activity.amount, "currency": activity.currency,
        "participants": [participant_row(part.person or part.organisation, part.role, part.note)
                         for part in activity.participants],
    }
