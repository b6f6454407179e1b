"""The organisation form, with its contact rows."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    FieldList,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import HiddenInput

from diaspora.forms import AppForm, ContactRowForm, check_contact_rows
from diaspora.organisations.models import ORGANISATION_FIELD_LABELS as LABELS
from diaspora.organisations.models import ORGANISATION_KIND_LABELS
from diaspora.organisations.service import COLUMNS
from diaspora.reference.forms import grouped_country_choices


class OrganisationForm(AppForm):
    """Create or edit an organisation; `values()` gives what the service takes."""

    name = StringField(LABELS["name"], validators=[DataRequired(_l("Hãy nhập tên tổ chức.")), Length(max=300)])
    kind = SelectField(LABELS["kind"], choices=list(ORGANISATION_KIND_LABELS.items()), default="association")
    country_code = SelectField(LABELS["country_code"], default="")
    city = StringField(LABELS["city"], validators=[Optional(), Length(max=120)])
    address = StringField(LABELS["address"], validators=[Optional(), Length(max=300)])
    notes = TextAreaField(LABELS["notes"], validators=[Optional(), Length(max=10000)])
    contacts = FieldList(FormField(ContactRowForm), min_entries=3, max_entries=40)
    version = IntegerField(widget=HiddenInput(), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country_code.choices = grouped_country_choices(_("— Không rõ / nhiều nước —"))

    @classmethod
    def blank(cls) -> "OrganisationForm":
        """An empty form with rows ready for a phone, an email and a website."""
        rows = [{"kind": kind, "value": ""} for kind in ("phone", "email", "website")]
        return cls(formdata=None, data={"contacts": rows})

    @classmethod
    def from_values(cls, values: dict, version: int | None = None) -> "OrganisationForm":
        """A form showing the given values (from service.organisation_values) with blank contact rows."""
        form = cls(formdata=None, data={**values, "version": version})
        for _row in range(2 if values.get("contacts") else 0):
            form.contacts.append_entry()
        return form

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        return check_contact_rows(self.contacts, self.country_code.data or None) and valid

    def values(self) -> dict:
        """The submitted values in the shape the service takes."""
        values = {column: self[column].data for column in COLUMNS}
        values["contacts"] = [entry.form.data for entry in self.contacts]
        return values
