"""The form of the "Báo cáo" page: the year and the period of an annual report."""
from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import SelectField

from diaspora.forms import AppForm
from diaspora.outreach.forms import DateDMYField
from diaspora.reports.figures import PeriodError, annual_period

YEARS_OFFERED = 5


def _year(value) -> int:
    """The posted year, 0 for anything that is not a number (annual_period then says which years are valid)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


class AnnualReportForm(AppForm):
    year = SelectField(_l("Năm báo cáo"), coerce=_year, validate_choice=False)
    date_from = DateDMYField(_l("Từ ngày"), description=_l("Để trống: từ 01/01 của năm báo cáo."))
    date_to = DateDMYField(_l("Đến ngày (ngày chốt số liệu)"),
                           description=_l("Để trống: đến hôm nay (năm đã qua: đến 31/12)."))

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.year.choices = [(year, str(year)) for year in range(today.year, today.year - YEARS_OFFERED, -1)]
        self.period = None

    def validate(self, extra_validators=None) -> bool:
        """The fields, then the period they make together (see figures.annual_period), kept in `period`."""
        if not super().validate(extra_validators):
            return False
        try:
            self.period = annual_period(self.year.data or 0, self.date_from.data, self.date_to.data, today=self.today)
        except PeriodError as error:
            self.form_errors.append(str(error))
            return False
        return True
