"""The form of a new API token."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from diaspora.api.tokens import DEFAULT_DAYS, MAX_DAYS, NAME_LENGTH
from diaspora.forms import AppForm


class TokenForm(AppForm):
    name = StringField(_l("Tên gợi nhớ (dùng cho việc gì)"), validators=[
        DataRequired(_l("Hãy đặt tên cho mã, ví dụ “Bản tin hằng tháng”.")), Length(max=NAME_LENGTH)])
    read_only = BooleanField(_l("Chỉ đọc"), default=True)
    days = IntegerField(_l("Hiệu lực (ngày)"), default=DEFAULT_DAYS, validators=[
        Optional(), NumberRange(min=1, max=MAX_DAYS, message=_l("Từ 1 đến %(max)d ngày.", max=MAX_DAYS))])


class RevokeForm(AppForm):
    """A bare form, for the CSRF token of a revoke."""
