"""Forms of the community's side: the public registration (full and short, the short one for events), the
review of a submission (merge field by field), an event's sign-up settings and the check-in."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from diaspora.community.consent import CONSENT_CHECKBOX
from diaspora.forms import AppForm, VersionedForm
from diaspora.people.forms import BirthField, DMYDateField, MultiCheckboxField, not_future
from diaspora.people.models import CONTRIBUTION_LABELS, GENDER_LABELS
from diaspora.people.models import PERSON_FIELD_LABELS as LABELS
from diaspora.reference.forms import grouped_country_choices
from diaspora.reference.taxonomy import field_choices

CONTACT_FIELDS = ("phone", "email", "zalo", "whatsapp")


class ShortRegistrationForm(AppForm):
    """The short form an event's registrants fill in: name, birth year, where they live, a contact, consent."""

    full_name = StringField(LABELS["full_name"], validators=[DataRequired(_l("Hãy nhập họ và tên.")), Length(max=200)])
    birth_year = BirthField(_l("Năm sinh"), validators=[Optional(), not_future])
    country_code = SelectField(_l("Nước đang sinh sống"), validators=[
        InputRequired(_l("Hãy chọn nước đang sinh sống."))])
    city = StringField(_l("Thành phố, bang"), validators=[Optional(), Length(max=120)])
    phone = StringField(_l("Điện thoại"), validators=[Optional(), Length(max=60)])
    email = StringField(_l("Email"), validators=[Optional(), Length(max=254)])
    consent = BooleanField(CONSENT_CHECKBOX, validators=[
        DataRequired(_l("Chúng tôi chỉ nhận phiếu khi bạn đồng ý cho xử lý dữ liệu cá nhân."))])
    # Hidden from people by the style sheet: only a program fills it in.
    website = StringField(_l("Để trống ô này"), validators=[Optional(), Length(max=200)])
    stamp = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country_code.choices = grouped_country_choices(_("— Chọn nước —"))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if valid and not any(self[name].data for name in CONTACT_FIELDS if name in self._fields):
            self.phone.errors = [*self.phone.errors,
                                 _("Hãy ghi ít nhất một cách liên lạc: điện thoại, email, Zalo hoặc WhatsApp.")]
            return False
        return valid

    def values(self) -> dict:
        """The values as sent, JSON-ready (the birth year as typed), for the submission and the cleaners."""
        values = {}
        for name, field in self._fields.items():
            if name in ("csrf_token", "consent", "website", "stamp"):
                continue
            if name == "birth_year":
                values[name] = (field.raw_data[0].strip() if field.raw_data else "") or None
            elif isinstance(field.data, list):
                values[name] = field.data
            else:
                values[name] = (field.data or "").strip() or None
        return values


class RegistrationForm(ShortRegistrationForm):
    """The public registration form: the short form and what the person does, knows and could give."""

    other_names = StringField(_l("Tên khác (tên dùng ở nước ngoài)"), validators=[Optional(), Length(max=300)])
    gender = RadioField(LABELS["gender"], choices=list(GENDER_LABELS.items()), validators=[Optional()])
    zalo = StringField(_l("Zalo"), validators=[Optional(), Length(max=60)])
    whatsapp = StringField(_l("WhatsApp"), validators=[Optional(), Length(max=60)])
    hometown = StringField(_l("Quê quán (xã, phường; huyện, tỉnh cũ nếu nhớ)"), validators=[
        Optional(), Length(max=300)])
    occupation = StringField(LABELS["occupation"], validators=[Optional(), Length(max=200)])
    fields = MultiCheckboxField(_l("Lĩnh vực"), coerce=int)
    expertise = TextAreaField(_l("Chuyên môn"), validators=[Optional(), Length(max=4000)])
    organisations = StringField(_l("Hội đoàn, tổ chức tham gia (cách nhau bởi dấu chấm phẩy)"),
                                validators=[Optional(), Length(max=300)])
    offers = MultiCheckboxField(_l("Bạn có thể đóng góp"), choices=list(CONTRIBUTION_LABELS.items()))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.choices = field_choices()


class WalkInForm(ShortRegistrationForm):
    """A registration taken at the door by staff: the short form, the person's consent asked aloud."""

    consent = BooleanField(_l("Người đăng ký đã đọc (hoặc được đọc cho nghe) nội dung đồng ý và đồng ý."),
                           validators=[DataRequired(_l("Chỉ ghi nhận khi người đăng ký đồng ý."))])


class ReviewForm(AppForm):
    """Accept a submission as a new person, or reject it, with an optional note."""

    note = StringField(_l("Ghi chú"), validators=[Optional(), Length(max=500)])


KEEP_OR_TAKE = [("keep", _l("Giữ")), ("take", _l("Lấy theo phiếu"))]
# The person's attributes a merge may take from a submission, in the order the comparison shows them.
MERGE_ATTRIBUTES = ("full_name", "other_names", "gender", "birth", "country_code", "city", "hometown_text",
                    "occupation", "expertise")


class MergeForm(VersionedForm):
    """A submission merged into a person, field by field (keep the register's value or take the submission's),
    and which of its contacts, fields, offers and associations to add."""

    full_name = RadioField(choices=KEEP_OR_TAKE, default="keep")
    other_names = RadioField(choices=KEEP_OR_TAKE, default="keep")
    gender = RadioField(choices=KEEP_OR_TAKE, default="keep")
    birth = RadioField(choices=KEEP_OR_TAKE, default="keep")
    country_code = RadioField(choices=KEEP_OR_TAKE, default="keep")
    city = RadioField(choices=KEEP_OR_TAKE, default="keep")
    hometown_text = RadioField(choices=KEEP_OR_TAKE, default="keep")
    occupation = RadioField(choices=KEEP_OR_TAKE, default="keep")
    expertise = RadioField(choices=KEEP_OR_TAKE, default="keep")
    contacts = MultiCheckboxField(_l("Thêm liên hệ"))
    fields = MultiCheckboxField(_l("Thêm lĩnh vực"))
    offers = MultiCheckboxField(_l("Thêm khả năng đóng góp"))
    organisations = MultiCheckboxField(_l("Thêm hội đoàn"))
    note = StringField(_l("Ghi chú"), validators=[Optional(), Length(max=500)])

    def choices_from(self, comparison) -> "MergeForm":
        """The additions the comparison offers become the checkboxes' choices."""
        self.contacts.choices = [(str(i), text) for i, text in enumerate(comparison.new_contacts)]
        self.fields.choices = [(str(i), text) for i, text in enumerate(comparison.new_fields)]
        self.offers.choices = [(str(i), text) for i, text in enumerate(comparison.new_offers)]
        self.organisations.choices = [(str(i), text) for i, text in enumerate(comparison.new_organisations)]
        return self

    def taken(self) -> set[str]:
        return {name for name in MERGE_ATTRIBUTES if self[name].data == "take"}

    def added(self, name: str) -> set[int]:
        return {int(value) for value in self[name].data or () if str(value).isdigit()}


class SignupForm(AppForm):
    """An event's registration: open or closed, an optional capacity and closing date."""

    is_open = BooleanField(_l("Đang nhận đăng ký"))
    capacity = IntegerField(_l("Số chỗ (để trống: không giới hạn)"), validators=[
        Optional(), NumberRange(min=1, max=100_000, message=_l("Số chỗ từ 1 đến 100.000."))])
    closes_on = DMYDateField(_l("Hạn đăng ký (đến hết ngày, dd/mm/yyyy)"), validators=[Optional()])


class CodeForm(AppForm):
    """A registrant's code or QR content, typed or scanned at the door."""

    code = StringField(_l("Mã đăng ký"), validators=[InputRequired(_l("Hãy nhập mã.")), Length(max=300)])


class ActionForm(AppForm):
    """A button that posts (check-in, undo): its CSRF token only."""
