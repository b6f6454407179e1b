"""Forms of the import wizard: upload, sheet, column mapping, actions for duplicates."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from diaspora.forms import AppForm
from diaspora.locale import current_language

FILE_TYPES = ("xlsx", "xlsm", "xls", "ods", "csv")
ON_DUPLICATE_LABELS = {
    "skip": _l("Bỏ qua dòng trùng"),
    "update": _l("Cập nhật hồ sơ đã có"),
    "create": _l("Vẫn thêm mới"),
}


class UploadForm(AppForm):
    """The file and what it lists: people, channels, or the people who attended an activity (which one)."""

    kind = SelectField(_l("Danh sách gì"), choices=[])
    activity = SelectField(_l("Hoạt động"), choices=[], validate_choice=False)
    file = FileField(_l("Tệp danh sách"), validators=[
        FileRequired(_l("Hãy chọn một tệp.")),
        FileAllowed(FILE_TYPES, _l("Chỉ nhận tệp Excel (.xlsx, .xlsm, .xls), OpenDocument (.ods) hoặc CSV.")),
    ])

    def validate_activity(self, field):
        if self.kind.data == "participants" and field.data not in {value for value, _ in field.choices if value}:
            raise ValidationError(_l("Hãy chọn hoạt động mà danh sách tham dự thuộc về."))


class SheetForm(AppForm):
    sheet = RadioField(_l("Trang tính"), choices=[])


def mapping_form(mapping, sheet, country_choices, formdata=None):
    """A form with one select per column of the file (its target column, or ignored), a default
    country and an optional name to save the mapping under."""

    class MappingForm(AppForm):
        default_country = SelectField(_l("Quốc gia mặc định (cho dòng không ghi quốc gia)"), validators=[Optional()])
        save_as = StringField(_l("Lưu cách ghép cột này với tên"), validators=[Optional(), Length(max=120)])

        def choices(self) -> dict[int, str]:
            """{file column index: column key or ""} as chosen."""
            return {column.index: self[f"column_{column.index}"].data or "" for column in mapping.columns
                    if column.how != "stt"}

    targets = [("", _l("— Bỏ qua cột này —"))] + [
        (column.key, f"{column.header(current_language())}{' *' if column.required else ''}") for column in sheet.columns]
    for column in mapping.columns:
        if column.how != "stt":
            setattr(MappingForm, f"column_{column.index}",
                    SelectField(column.header or f"#{column.index + 1}", choices=targets, default=column.key or ""))
    form = MappingForm(formdata=formdata) if formdata is not None else MappingForm()
    form.default_country.choices = [("", _l("— Không —"))] + list(country_choices)
    return form


class DuplicatesForm(AppForm):
    on_duplicate = RadioField(_l("Với mọi dòng trùng"), choices=list(ON_DUPLICATE_LABELS.items()), default="skip")


class SynonymFromNoteForm(AppForm):
    """On an import's result: words a row's note names, and the catalogue item ("catalogue:item") they mean."""

    words = StringField(validators=[DataRequired(), Length(max=200)])
    item = StringField(validators=[DataRequired(), Length(max=100)])
