"""Forms of the reference feature: taxonomy items (fields, community roles), synonyms, and the country picker every form uses."""
from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from diaspora.forms import AppForm, VersionedForm
from diaspora.reference.countries import country_choices
from diaspora.reference.models import TaxonomyItem

_MAX = _l("Tối đa %(max)d ký tự.")


class WholeNumberField(IntegerField):
    """An integer field whose parse error is in Vietnamese (WTForms ships no Vietnamese catalogue)."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Vui lòng nhập một số nguyên.")) from None


class TaxonomyItemForm(AppForm):
    """Name and order of a field or community role; the key is given once, on creation."""

    key = StringField(_l("Mã"), validators=[
        DataRequired(_l("Vui lòng nhập mã.")), Length(max=TaxonomyItem.KEY_LENGTH, message=_MAX),
        Regexp(TaxonomyItem.KEY_PATTERN,
               message=_l("Mã chỉ gồm chữ thường không dấu, chữ số và dấu gạch dưới, bắt đầu bằng chữ."))])
    name_vi = StringField(_l("Tên tiếng Việt"), validators=[
        DataRequired(_l("Vui lòng nhập tên tiếng Việt.")), Length(max=TaxonomyItem.NAME_LENGTH, message=_MAX)])
    name_en = StringField(_l("Tên tiếng Anh"), validators=[
        Optional(), Length(max=TaxonomyItem.NAME_LENGTH, message=_MAX)])
    sort_order = WholeNumberField(_l("Thứ tự hiển thị"), validators=[
        Optional(), NumberRange(min=0, max=100_000, message=_l("Nhập một số từ %(min)d đến %(max)d."))])


class TaxonomyItemEditForm(VersionedForm, TaxonomyItemForm):
    """The same form without the key, which never changes once other records use it, and with the version
    of the item it was built on."""

    key = None


def grouped_country_choices(blank: str) -> list[SelectChoice]:
    """A blank option, the countries where most of the community lives, then all others."""
    choices = [SelectChoice("", blank)]
    for group, items in country_choices(common_first=True).items():
        choices += [SelectChoice(code, name, optgroup=group) for code, name in items]
    return choices


class SynonymForm(AppForm):
    """The office's words for a catalogue item: the item ("catalogue:item", grouped by catalogue) and the words."""

    item = SelectField(_l("Mục trong danh mục"), choices=[], validators=[DataRequired(_l("Hãy chọn một mục."))])
    words = StringField(_l("Từ ngữ văn phòng dùng"), validators=[
        DataRequired(_l("Vui lòng nhập từ ngữ.")), Length(max=200, message=_MAX)])

    def fill_choices(self, items) -> "SynonymForm":
        """`items`: (value, name, catalogue title), as reference.synonyms.item_choices gives them."""
        self.item.choices = [SelectChoice("", "—")] + [SelectChoice(value, name, optgroup=group)
                                                       for value, name, group in items]
        return self
