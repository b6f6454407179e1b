"""Form pieces every feature shares: the rows of contacts a person's or an organisation's form carries."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, FieldList, Form, SelectField, StringField

from diaspora.contacts import CONTACT_KIND_LABELS, clean_contacts


class ContactRowForm(Form):
    """One contact row: kind, value, primary."""

    kind = SelectField(_l("Loại"), choices=list(CONTACT_KIND_LABELS.items()), default="phone")
    value = StringField(_l("Giá trị"), filters=[lambda v: v.strip() if isinstance(v, str) else v])
    is_primary = BooleanField(_l("Chính"))


def check_contact_rows(rows: FieldList, region: str | None) -> bool:
    """Validate contact rows with the service's rules, putting each problem next to its row."""
    _contacts, errors = clean_contacts([entry.form.data for entry in rows], region)
    for index, message in errors.items():
        rows[index].form.value.errors.append(message)
    return not errors
