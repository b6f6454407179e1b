"""Form pieces every feature shares: the base classes every form derives from (they refuse control
characters in any field), and the rows of contacts a person's or an organisation's form carries."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import FileStorage
from wtforms import BooleanField, FieldList, Form, FormField, HiddenField, SelectField, StringField
from wtforms.widgets import TextArea

from diaspora.contacts import CONTACT_KIND_LABELS, clean_contacts
from diaspora.text import has_control_characters

CONTROL_CHARACTERS_MESSAGE = _l("Có ký tự không được phép (ký tự điều khiển, ví dụ NUL). Vui lòng xoá rồi nhập lại.")


class RefusesControlCharacters:
    """Validation of every form: a value holding a control character (a multi-line text may hold tabs and
    line breaks) is refused with a message on its field, whatever the field, rows of sub-forms included."""

    def validate(self, extra_validators=None) -> bool:
        # Such a value reaches no validator: some ask the database, which may refuse it (PostgreSQL, NUL).
        return refuse_control_characters(self) and super().validate(extra_validators)


class AppForm(RefusesControlCharacters, FlaskForm):
    """The base of every form a page posts (CSRF token included)."""


class PlainForm(RefusesControlCharacters, Form):
    """The base of forms without a CSRF token: rows inside another form, filters read from the URL."""


class VersionedForm(AppForm):
    """A form over a versioned record: the version it was built on travels with it (optimistic locking)."""

    version = HiddenField()

    @property
    def expected_version(self) -> int | None:
        """The version the form was built on; None when none was sent."""
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return None


def refuse_control_characters(form) -> bool:
    """Whether no field of `form` (or of its sub-forms) was submitted with a control character in its value
    or file name; each that was gets CONTROL_CHARACTERS_MESSAGE as its error."""
    clean = True
    for field in _leaf_fields(form):
        multiline = isinstance(field.widget, TextArea)
        texts = [value.filename or "" if isinstance(value, FileStorage) else value
                 for value in getattr(field, "raw_data", None) or ()]
        if any(isinstance(text, str) and has_control_characters(text, multiline=multiline) for text in texts):
            clean = False
            field.errors = [CONTROL_CHARACTERS_MESSAGE]
    return clean


def _leaf_fields(form):
    for field in form:
        if isinstance(field, FormField):
            yield from _leaf_fields(field.form)
        elif isinstance(field, FieldList):
            for entry in field.entries:
                yield from _leaf_fields(entry.form) if isinstance(entry, FormField) else (entry,)
        else:
            yield field


class ContactRowForm(PlainForm):
    """One contact row: kind, value, primary."""

    kind = SelectField(_l("Loại"), choices=list(CONTACT_KIND_LABELS.items()), default="phone")
    value = StringField(_l("Giá trị"), filters=[lambda v: v.strip() if isinstance(v, str) else v])
    is_primary = BooleanField(_l("Chính"))


def check_contact_rows(rows: FieldList, region: str | None) -> bool:
    """Validate contact rows with the service's rules, putting each problem next to its row."""
    _contacts, errors = clean_contacts([entry.form.data for entry in rows], region)
    for index, message in errors.items():
        field = rows[index].form.value
        field.errors = [*field.errors, message]  # a tuple when the form's own validation did not run
    return not errors
