"""Forms of the people register: the person form with its contact rows, and memberships."""
import re
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, HiddenInput, ListWidget

from diaspora.extensions import db
from diaspora.forms import AppForm, ContactRowForm, VersionedForm, check_contact_rows
from diaspora.listing import record_id
from diaspora.organisations.service import organisation_choices
from diaspora.people.models import (
    CONSENT_LABELS,
    CONSENT_SOURCE_LABELS,
    CONTRIBUTION_LABELS,
    GENDER_LABELS,
    LEGAL_BASIS_LABELS,
    NATIONALITY_LABELS,
    PERSON_TYPE_LABELS,
    STATUS_LABELS,
)
from diaspora.people.models import (
    PERSON_FIELD_LABELS as LABELS,
)
from diaspora.people.service import PERSON_COLUMNS
from diaspora.reference.forms import grouped_country_choices
from diaspora.reference.models import Unit
from diaspora.reference.taxonomy import field_choices, role_choices
from diaspora.text import fold

_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_YEAR = re.compile(r"\d{4}")
EARLIEST_YEAR = 1900


def parse_dmy(text: str) -> date:
    """The date written as dd/mm/yyyy (day and month may have one digit); ValueError otherwise."""
    match = _DMY.fullmatch(text.strip())
    if not match:
        raise ValueError(text)
    day, month, year = (int(part) for part in match.groups())
    return date(year, month, day)


class DMYDateField(StringField):
    """A date typed and shown as dd/mm/yyyy; anything else is refused with a message."""

    message = _l("“%(value)s” không phải ngày hợp lệ. Hãy nhập theo dạng dd/mm/yyyy, ví dụ 25/12/1980.")

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return self.data.strftime("%d/%m/%Y") if isinstance(self.data, date) else ""

    def process_formdata(self, valuelist):
        text = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if text:
            self.data = self.parse(text)

    def parse(self, text: str):
        try:
            return parse_dmy(text)
        except ValueError:
            raise ValueError(self.message % {"value": text}) from None


class BirthField(DMYDateField):
    """Birth date as dd/mm/yyyy, or the year alone: data is a date, an int year or None."""

    message = _l("“%(value)s” không hợp lệ. Hãy nhập ngày sinh dd/mm/yyyy hoặc chỉ năm sinh, ví dụ 1980.")

    def _value(self) -> str:
        if not self.raw_data and isinstance(self.data, int):
            return str(self.data)
        return super()._value()

    def parse(self, text: str):
        if _YEAR.fullmatch(text):
            year = int(text)
            if not EARLIEST_YEAR <= year <= date.today().year:
                raise ValueError(_("Năm sinh %(year)s không hợp lý.", year=year))
            return year
        return super().parse(text)


def not_future(form, field):
    """A date that has not happened yet cannot be a birth, collection or consent date."""
    if isinstance(field.data, date) and field.data > date.today():
        raise ValidationError(_("Ngày này còn ở tương lai."))
    if isinstance(field.data, date) and field.data.year < EARLIEST_YEAR:
        raise ValidationError(_("Năm %(year)s không hợp lý.", year=field.data.year))


class MultiCheckboxField(SelectMultipleField):
    """Several choices shown as checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _choices(labels: dict, blank=None) -> list:
    choices = [("", blank)] if blank is not None else []
    return choices + list(labels.items())


def unit_choices() -> list[SelectChoice]:
    """Today's communes, wards and special zones of Hải Phòng, grouped by type, by name."""
    units = sorted(db.session.scalars(db.select(Unit)), key=lambda u: (u.unit_type, fold(u.name)))
    return [SelectChoice("", _("— Chưa xác định —"))] + [
        SelectChoice(unit.code, unit.full_name, optgroup=unit.unit_type) for unit in units
    ]


class PersonForm(AppForm):
    """Create or edit a person; `values()` gives what the service takes."""

    full_name = StringField(LABELS["full_name"], validators=[
        DataRequired(_l("Hãy nhập họ và tên.")), Length(max=200)])
    other_names = StringField(LABELS["other_names"], validators=[Optional(), Length(max=300)])
    gender = SelectField(LABELS["gender"], choices=_choices(GENDER_LABELS, "—"), default="")
    birth = BirthField(_l("Ngày sinh hoặc năm sinh"), validators=[Optional(), not_future])
    person_type = SelectField(LABELS["person_type"], choices=_choices(PERSON_TYPE_LABELS),
                              default="overseas_vietnamese")
    nationality_status = SelectField(LABELS["nationality_status"], choices=_choices(NATIONALITY_LABELS, "—"),
                                     default="")
    country_code = SelectField(LABELS["country_code"], validators=[InputRequired(_l("Hãy chọn nước cư trú."))])
    city = StringField(LABELS["city"], validators=[Optional(), Length(max=120)])
    address = StringField(LABELS["address"], validators=[Optional(), Length(max=300)])
    hometown_unit_code = SelectField(LABELS["hometown_unit_code"], default="")
    hometown_text = StringField(LABELS["hometown_text"], validators=[Optional(), Length(max=300)])
    occupation = StringField(LABELS["occupation"], validators=[Optional(), Length(max=200)])
    academic_title = StringField(LABELS["academic_title"], validators=[Optional(), Length(max=120)])
    employer = StringField(LABELS["employer"], validators=[Optional(), Length(max=200)])
    position = StringField(LABELS["position"], validators=[Optional(), Length(max=200)])
    fields = MultiCheckboxField(LABELS["fields"], coerce=int)
    roles = MultiCheckboxField(LABELS["roles"], coerce=int)
    expertise = TextAreaField(LABELS["expertise"], validators=[Optional(), Length(max=4000)])
    offers = MultiCheckboxField(LABELS["offers"], choices=list(CONTRIBUTION_LABELS.items()))
    source = StringField(LABELS["source"], validators=[Optional(), Length(max=300)])
    collected_on = DMYDateField(LABELS["collected_on"], validators=[Optional(), not_future])
    consent_status = SelectField(LABELS["consent_status"], choices=_choices(CONSENT_LABELS), default="unknown")
    consent_date = DMYDateField(LABELS["consent_date"], validators=[Optional(), not_future])
    consent_scope = StringField(LABELS["consent_scope"], validators=[Optional(), Length(max=300)])
    consent_source = SelectField(LABELS["consent_source"], choices=_choices(CONSENT_SOURCE_LABELS, "—"), default="")
    consent_legal_basis = SelectField(LABELS["consent_legal_basis"], choices=_choices(LEGAL_BASIS_LABELS, "—"),
                                      default="")
    processing_purpose = StringField(LABELS["processing_purpose"], validators=[Optional(), Length(max=500)])
    consent_text_version = StringField(LABELS["consent_text_version"], validators=[Optional(), Length(max=40)])
    status = SelectField(LABELS["status"], choices=_choices(STATUS_LABELS), default="active")
    notes = TextAreaField(LABELS["notes"], validators=[Optional(), Length(max=10000)])
    contacts = FieldList(FormField(ContactRowForm), min_entries=3, max_entries=40)
    version = IntegerField(widget=HiddenInput(), validators=[Optional()])

    EMPTY_CONTACT_ROWS = 2

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country_code.choices = grouped_country_choices(_("— Chọn nước —"))
        self.hometown_unit_code.choices = unit_choices()
        self.fields.choices = field_choices()
        self.roles.choices = role_choices()

    @classmethod
    def blank(cls) -> "PersonForm":
        """An empty form with rows ready for a phone, an email and a Zalo account."""
        rows = [{"kind": kind, "value": ""} for kind in ("phone", "email", "zalo")]
        return cls(formdata=None, data={"contacts": rows})

    @classmethod
    def from_values(cls, values: dict, version: int | None = None, **kwargs) -> "PersonForm":
        """A form showing the given values (from service.person_values) with blank contact rows."""
        data = {**values, "birth": values.get("birth_date") or values.get("birth_year"), "version": version}
        form = cls(formdata=None, data=data, **kwargs)
        for _row in range(cls.EMPTY_CONTACT_ROWS if values.get("contacts") else 0):
            form.contacts.append_entry()
        return form

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        return check_contact_rows(self.contacts, self.country_code.data or None) and valid

    def values(self) -> dict:
        """The submitted values in the shape service.create_person/update_person take."""
        values = {column: self[column].data for column in PERSON_COLUMNS if column in self._fields}
        birth = self.birth.data
        values["birth_date"] = birth if isinstance(birth, date) else None
        values["birth_year"] = birth if isinstance(birth, int) else None
        values.update(fields=self.fields.data or [], roles=self.roles.data or [], offers=self.offers.data or [])
        values["contacts"] = [entry.form.data for entry in self.contacts]
        return values


def _organisation_id(value) -> int | None:
    """The chosen organisation's id, None for the blank choice; ValueError for what no record's id can be
    (the select refuses it, and the database never sees a number it cannot hold)."""
    if value in ("", None):
        return None
    organisation_id = record_id(value)
    if organisation_id is None:
        raise ValueError(value)
    return organisation_id


class MembershipForm(VersionedForm):
    """A person's membership in an organisation; an edit carries the version of the person it was built on."""

    organisation_id = SelectField(_l("Tổ chức"), coerce=_organisation_id, validators=[
        InputRequired(_l("Hãy chọn tổ chức."))])
    role = StringField(_l("Vai trò"), validators=[Optional(), Length(max=120)])
    start_date = DMYDateField(_l("Từ ngày"), validators=[Optional()])
    end_date = DMYDateField(_l("Đến ngày"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation_id.choices = [SelectChoice("", _("— Chọn tổ chức —"))] + [
            SelectChoice(str(id_), name) for id_, name in organisation_choices(include_id=self.organisation_id.data)
        ]

    def validate_end_date(self, field):
        if field.data and self.start_date.data and field.data < self.start_date.data:
            raise ValidationError(_("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu."))

    def values(self) -> dict:
        return {key: self[key].data for key in ("organisation_id", "role", "start_date", "end_date")}


class ReasonForm(AppForm):
    """Why an admin restricts a person's processing or lifts the restriction (kept in the audit log)."""

    reason = StringField(_l("Lý do"), validators=[DataRequired(_l("Hãy ghi lý do.")), Length(max=500)])


class EraseForm(AppForm):
    """The second step of an erase: the reason, and the admin's confirmation that it cannot be undone."""

    reason = TextAreaField(_l("Lý do xoá (ví dụ: yêu cầu của chủ thể dữ liệu, ngày nhận)"), validators=[
        DataRequired(_l("Hãy ghi lý do xoá.")), Length(max=500)])
    confirm = BooleanField(_l("Tôi hiểu rằng dữ liệu của người này sẽ bị xoá vĩnh viễn và không thể khôi phục."),
                           validators=[DataRequired(_l("Hãy đánh dấu xác nhận để xoá."))])


class MergeForm(AppForm):
    """The side-by-side page of a merge: one radio per choice on which the records differ (whose value
    survives), and the versions of both records the page was built on (optimistic locking)."""

    survivor_version = HiddenField()
    other_version = HiddenField()

    @classmethod
    def for_differences(cls, differences, survivor, other, *, fresh: bool = False) -> "MergeForm":
        """The form for these differences; `fresh`: on the records' current versions (a GET, a conflict)."""

        class Form(cls):
            pass

        for difference in differences:
            setattr(Form, f"choice_{difference.key}", RadioField(
                difference.label, default=difference.chosen,
                choices=[("survivor", _l("Giữ của hồ sơ #%(id)d", id=survivor.id)),
                         ("other", _l("Lấy của hồ sơ #%(id)d", id=other.id))]))
        form = Form()
        if fresh or not form.is_submitted():
            form.survivor_version.data, form.other_version.data = survivor.version, other.version
        return form

    def choices(self, differences) -> dict:
        """{choice key: "survivor" | "other"} as the user chose."""
        return {difference.key: self[f"choice_{difference.key}"].data for difference in differences}

    @property
    def expected_versions(self) -> tuple[int, int]:
        """The versions the page was built on (0, never a record's, when the field was tampered with)."""

        def number(field) -> int:
            text = str(field.data or "")
            return int(text) if text.isdigit() and len(text) < 10 else 0

        return number(self.survivor_version), number(self.other_version)
