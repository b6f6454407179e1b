"""The filter bar of the audit log (a GET form: filters live in the URL)."""
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.validators import Optional, ValidationError

from diaspora.audit import service
from diaspora.forms import PlainForm
from diaspora.listing import record_id


def parse_day(text: str | None) -> date | None:
    """A date typed as dd/mm/yyyy, or None when it is not one."""
    try:
        return datetime.strptime((text or "").strip(), "%d/%m/%Y").date()
    except ValueError:
        return None


def _day(form, field) -> None:
    if parse_day(field.data) is None:
        raise ValidationError(_l("Ngày phải có dạng dd/mm/yyyy."))


def parse_record_id(text: str | None) -> int | None:
    """A record's id typed as a whole number (a leading "#" allowed), or None when it is not one."""
    text = (text or "").strip().removeprefix("#")
    return record_id(text)


def _record_id(form, field) -> None:
    if parse_record_id(field.data) is None:
        raise ValidationError(_l("Mã hồ sơ phải là một số nguyên dương."))


class AuditFilterForm(PlainForm):
    user = SelectField(_l("Người thực hiện"), validate_choice=False)
    person = StringField(_l("Mã hồ sơ kiều bào"), validators=[Optional(), _record_id], render_kw={"placeholder": "ID"})
    action = SelectField(_l("Thao tác"), validate_choice=False)
    entity_type = SelectField(_l("Loại bản ghi"), validate_choice=False)
    date_from = StringField(_l("Từ ngày"), validators=[Optional(), _day], render_kw={"placeholder": "dd/mm/yyyy"})
    date_to = StringField(_l("Đến ngày"), validators=[Optional(), _day], render_kw={"placeholder": "dd/mm/yyyy"})

    def fill_choices(self, users) -> None:
        """Offer every account, every known action and record type, and whatever the URL asked for."""
        everything = [("", _l("Tất cả"))]
        self.user.choices = everything + [(str(user.id), f"{user.name} ({user.email})") for user in users]
        self.action.choices = everything + _labelled(service.ACTION_LABELS, self.action.data)
        self.entity_type.choices = everything + _labelled(service.ENTITY_LABELS, self.entity_type.data)

    def filters(self) -> dict:
        """The valid filters as keyword arguments of service.search_events; invalid ones are ignored."""
        self.validate()
        user = self.user.data or ""
        return {
            "user_id": record_id(user),
            "person_id": None if self.person.errors else parse_record_id(self.person.data),
            "action": self.action.data or None,
            "entity_type": self.entity_type.data or None,
            "date_from": None if self.date_from.errors else parse_day(self.date_from.data),
            "date_to": None if self.date_to.errors else parse_day(self.date_to.data),
        }


def _labelled(labels: dict, current: str | None) -> list[tuple[str, str]]:
    keys = set(labels) | ({current} if current else set())
    return sorted(((key, str(labels.get(key, key))) for key in keys), key=lambda choice: choice[1])
