"""Form pieces every feature shares: the base classes every form derives from (they refuse control
characters in any field), and the rows of contacts a person's or an organisation's form carries."""
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import FileStorage, MultiDict
from wtforms import BooleanField, FieldList, FileField, Form, FormField, HiddenField, SelectField, StringField
from wtforms.widgets import TextArea

from diaspora.contacts import CONTACT_KIND_LABELS, clean_contacts
from diaspora.text import has_control_characters

CONTROL_CHARACTERS_MESSAGE = _l("Có ký tự không được phép (ký tự điều khiển, ví dụ NUL). Vui lòng xoá rồi nhập lại.")


# WTForms' own messages (a value too long, a choice not offered…), which WTForms ships in no Vietnamese.
WTFORMS_MESSAGES = {
    "This field is required.": _l("Vui lòng nhập ô này."),
    "Invalid input.": _l("Giá trị không hợp lệ."),
    "Not a valid choice.": _l("Lựa chọn không hợp lệ; hãy chọn một mục trong danh sách."),
    "Invalid Choice: could not coerce.": _l("Lựa chọn không hợp lệ; hãy chọn một mục trong danh sách."),
    "Invalid choice(s): one or more data inputs could not be coerced.":
        _l("Lựa chọn không hợp lệ; hãy chọn một mục trong danh sách."),
    "Not a valid integer value.": _l("Hãy nhập một số nguyên."),
    "Not a valid decimal value.": _l("Hãy nhập một số."),
    "Not a valid float value.": _l("Hãy nhập một số."),
    "Not a valid date value.": _l("Ngày không hợp lệ."),
    "Not a valid datetime value.": _l("Ngày giờ không hợp lệ."),
    "Not a valid time value.": _l("Giờ không hợp lệ."),
    "Field cannot be longer than %(max)d character.": _l("Tối đa %(max)d ký tự."),
    "Field must be at least %(min)d character long.": _l("Cần ít nhất %(min)d ký tự."),
    "Field must be exactly %(max)d character long.": _l("Cần đúng %(max)d ký tự."),
    "Field must be between %(min)d and %(max)d characters long.": _l("Cần từ %(min)d đến %(max)d ký tự."),
    "Number must be at least %(min)s.": _l("Số phải từ %(min)s trở lên."),
    "Number must be at most %(max)s.": _l("Số phải không quá %(max)s."),
    "Number must be between %(min)s and %(max)s.": _l("Số phải từ %(min)s đến %(max)s."),
    "Invalid email address.": _l("Địa chỉ email không hợp lệ."),
    "Invalid URL.": _l("Địa chỉ trang web không hợp lệ."),
    "Field must be equal to %(other_name)s.": _l("Hai ô phải giống nhau."),
}


class _WTFormsTranslations:
    """WTForms' messages in Vietnamese (English as WTForms writes them on the English interface)."""

    def gettext(self, string):
        return self.ngettext(string, string, 1)

    @staticmethod
    def ngettext(singular, plural, n):
        message, locale = WTFORMS_MESSAGES.get(singular), get_locale()
        if message is None or (locale is not None and locale.language == "en"):
            return singular if n == 1 else plural
        return str(message)


class RefusesControlCharacters:
    """Validation of every form: a value holding a control character (a multi-line text may hold tabs and
    line breaks) is refused with a message on its field, whatever the field, rows of sub-forms included."""

    class Meta:
        def get_translations(self, form):
            return _WTFormsTranslations()

    def validate(self, extra_validators=None) -> bool:
        # Such a value reaches no validator: some ask the database, which may refuse it (PostgreSQL, NUL).
        return refuse_control_characters(self) and super().validate(extra_validators)


class AppForm(RefusesControlCharacters, FlaskForm):
    """The base of every form a page posts (CSRF token included)."""

    class Meta:
        def wrap_formdata(self, form, formdata):
            # What a browser posts is text, and files for file fields only: a JSON body's numbers, lists and
            # objects, or a file sent for a text field, would reach fields that expect text; left out, the
            # form asks for the value again. A JSON body that is no object gives no values at all.
            try:
                wrapped = super().wrap_formdata(form, formdata)
            except (TypeError, ValueError):
                return MultiDict()
            if wrapped is None or not hasattr(wrapped, "items"):
                return wrapped
            pairs = list(wrapped.items(multi=True))
            kept = [(name, value) for name, value in pairs if isinstance(value, str) or (
                isinstance(value, FileStorage) and isinstance(form._fields.get(name), FileField))]
            return wrapped if len(kept) == len(pairs) else MultiDict(kept)


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
