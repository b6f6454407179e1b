"""The form of a letter: its kind, how it goes, the activity it invites to, its subject and text."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from diaspora.extensions import db
from diaspora.forms import AppForm
from diaspora.listing import record_id
from diaspora.mailings.merge import FIELDS, UnknownPlaceholders, check_placeholders
from diaspora.mailings.models import CHANNEL_LABELS, KIND_LABELS, LANGUAGE_LABELS, LETTER_FORMATS
from diaspora.outreach.models import Activity

ACTIVITY_CHOICES = 200


def activity_choices() -> list[tuple[str, str]]:
    """The activities a letter may name, newest first (the bin left out)."""
    rows = db.session.execute(select(Activity.id, Activity.title, Activity.start_date)
                              .where(Activity.deleted_at.is_(None))
                              .order_by(Activity.start_date.desc(), Activity.id.desc()).limit(ACTIVITY_CHOICES))
    return [("", _l("— Không gắn với hoạt động —"))] + [
        (str(row.id), f"{row.start_date:%d/%m/%Y} · {row.title}") for row in rows]


class CampaignForm(AppForm):
    kind = SelectField(_l("Loại thư"), choices=list(KIND_LABELS.items()))
    channel = SelectField(_l("Hình thức gửi"), choices=list(CHANNEL_LABELS.items()))
    letter_format = SelectField(_l("Tệp thư in"), choices=list(LETTER_FORMATS.items()))
    language = SelectField(_l("Ngôn ngữ của tên nước"), choices=list(LANGUAGE_LABELS.items()))
    activity_id = SelectField(_l("Hoạt động"), choices=[], validate_choice=False)
    subject = StringField(_l("Tiêu đề"), validators=[DataRequired(_l("Hãy nhập tiêu đề.")), Length(max=300)])
    body = TextAreaField(_l("Nội dung thư"), validators=[DataRequired(_l("Hãy nhập nội dung thư.")),
                                                          Length(max=20000)])
    submit = SubmitField(_l("Lưu và xem trước"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.activity_id.choices = activity_choices()

    @property
    def chosen_activity(self) -> int | None:
        activity_id = record_id(self.activity_id.data)
        if activity_id is None or db.session.get(Activity, activity_id) is None:
            return None
        return activity_id

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.activity_id.data and self.chosen_activity is None:
            self.activity_id.errors = [_l("Hoạt động này không còn.")]
            valid = False
        if self.kind.data == "invitation" and self.chosen_activity is None and not self.activity_id.errors:
            self.activity_id.errors = [_l("Thư mời cần chọn hoạt động được mời tới.")]
            valid = False
        for field in (self.subject, self.body):
            if field.errors:
                continue
            try:
                check_placeholders(field.data, self.chosen_activity is not None)
            except UnknownPlaceholders as unknown:
                field.errors = [placeholder_message(unknown)]
                valid = False
        return valid

    @property
    def values(self) -> dict:
        return {"kind": self.kind.data, "channel": self.channel.data, "letter_format": self.letter_format.data,
                "language": self.language.data, "activity_id": self.chosen_activity,
                "subject": self.subject.data.strip(), "body": self.body.data.strip()}


def placeholder_message(unknown: UnknownPlaceholders) -> str:
    """What a text naming unknown placeholders is told."""
    parts = []
    if unknown.names:
        parts.append(_("Không có trường trộn %(names)s. Các trường dùng được: %(known)s.",
                       names=", ".join(f"{{{name}}}" for name in unknown.names),
                       known=", ".join(f"{{{name}}}" for name in FIELDS)))
    if unknown.activity_names:
        parts.append(_("Trường %(names)s chỉ dùng được khi đã chọn hoạt động.",
                       names=", ".join(f"{{{name}}}" for name in unknown.activity_names)))
    return " ".join(parts)
