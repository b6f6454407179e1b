"""The downloadable import template of a record type, built from its column declaration.

Three sheets: the data sheet (the header row, required columns in red and marked "*", a note on
each header, drop-down lists on the coded columns), "Hướng dẫn" (what each column means, whether
it is required, how to write it, an example, then an example row) and the hidden "Danh mục" that
holds the drop-down lists (Excel refuses an inline list longer than 255 characters). The reader
skips guide and hidden sheets, and the example lives in the guide, so an unedited template
imports no row.
"""
import io

import xlsxwriter
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, Integer

from diaspora.people.models import Person
from diaspora.records import utcnow
from diaspora.spreadsheets.columns import Column, Sheet
from diaspora.spreadsheets.export import (
    MAX_WIDTH,
    excel_text,
    office_formats,
    workbook_options,
    write_header,
    write_text,
)

SHEET_TITLES = {"people": _l("Kiều bào")}
FILE_NAMES = {"people": "mau-nhap-kieu-bao.xlsx"}
TEMPLATE_ROWS = 5000  # rows of the data sheet that get the drop-down lists
REQUIRED_MARK = " *"
INLINE_CHOICES = 120  # choices listed in the guide itself when they fit in this many characters


def template_filename(sheet: Sheet) -> str:
    return FILE_NAMES.get(sheet.key, f"mau-nhap-{sheet.key}.xlsx")


def _is_date(column: Column) -> bool:
    targets = column.targets
    return bool(targets) and isinstance(Person.__table__.c[targets[0]].type, Date)


def _is_number(column: Column) -> bool:
    return column.relation == "id" or (
        bool(column.targets) and all(isinstance(Person.__table__.c[name].type, Integer) for name in column.targets))


def _quoted(sheet_name: str) -> str:
    return "'" + sheet_name.replace("'", "''") + "'"


def _column_letter(index: int) -> str:
    return xlsxwriter.utility.xl_col_to_name(index)


def build_template(sheet: Sheet, locale: str = "vi") -> io.BytesIO:
    """The template workbook of the sheet, in memory (it is small), ready to send."""
    output = io.BytesIO()
    with force_locale(locale):
        workbook = xlsxwriter.Workbook(output, {**workbook_options(), "constant_memory": False})
        title = str(SHEET_TITLES.get(sheet.key, sheet.key))
        workbook.set_properties({"title": _("Mẫu nhập danh sách: %(title)s", title=title), "created": utcnow(),
                                 "company": _("Sở Ngoại vụ thành phố Hải Phòng")})
        formats = office_formats(workbook)
        data = workbook.add_worksheet(title[:31])
        guide = workbook.add_worksheet(_("Hướng dẫn"))
        lists = workbook.add_worksheet(_("Danh mục"))
        choices = {column.key: [excel_text(str(choice)) for choice in column.choices()]
                   for column in sheet.columns if column.choices is not None}
        _write_data_sheet(data, sheet, locale, formats, choices, lists.get_name())
        _write_guide(guide, sheet, locale, formats, choices, title, lists.get_name())
        _write_lists(lists, sheet, locale, formats, choices)
        lists.hide()
        data.activate()
        workbook.close()
    output.seek(0)
    return output


def _write_data_sheet(worksheet, sheet: Sheet, locale: str, formats, choices: dict, lists_name: str) -> None:
    columns = sheet.columns
    write_header(worksheet, 0, columns, locale, formats, REQUIRED_MARK)
    worksheet.freeze_panes(1, 0)
    list_column = 0
    for index, column in enumerate(columns):
        width = max(len(column.header(locale)) + len(REQUIRED_MARK), len(column.example)) + 3
        cell_format = formats.date if _is_date(column) else formats.number if _is_number(column) else formats.text
        worksheet.set_column(index, index, min(width, MAX_WIDTH), cell_format)
        if column.help_vi:
            worksheet.write_comment(0, index, column.help_vi, {"x_scale": 2, "y_scale": 1.5})
        if column.key not in choices:
            continue
        letter = _column_letter(list_column)
        source = f"={_quoted(lists_name)}!${letter}$2:${letter}${len(choices[column.key]) + 1}"
        validation = {"validate": "list", "source": source, "ignore_blank": True}
        if column.multi:
            # A cell may hold several values separated by ";": the list only suggests.
            validation.update(show_error=False, input_title=column.header(locale)[:32],
                              input_message=_("Chọn trong danh sách, hoặc ghi nhiều giá trị cách nhau bởi dấu ;"))
        else:
            validation.update(error_type="warning", error_title=column.header(locale)[:32],
                              error_message=_("Giá trị không có trong danh sách; hệ thống sẽ kiểm tra khi nhập."))
        worksheet.data_validation(1, index, TEMPLATE_ROWS, index, validation)
        list_column += 1


def _choices_text(column: Column, values: list[str], lists_name: str) -> str:
    text = "; ".join(values)
    if len(text) <= INLINE_CHOICES:
        return text
    return _("Chọn trong danh sách thả xuống (%(count)d giá trị, xem trang “%(sheet)s”).",
             count=len(values), sheet=lists_name)


def _write_guide(worksheet, sheet: Sheet, locale: str, formats, choices: dict, title: str, lists_name: str) -> None:
    worksheet.set_column(0, 0, 28)
    worksheet.set_column(1, 1, 10)
    worksheet.set_column(2, 2, 60, formats.wrapped)
    worksheet.set_column(3, 3, 34, formats.wrapped)
    worksheet.set_column(4, 4, 50, formats.wrapped)
    worksheet.write_string(0, 0, _("HƯỚNG DẪN ĐIỀN MẪU NHẬP: %(title)s", title=title.upper()), formats.title)
    notes = [
        _("1. Điền mỗi người một dòng trong trang “%(sheet)s”, từ dòng 2; giữ nguyên dòng tiêu đề cột.", sheet=title),
        _("2. Cột tiêu đề chữ đỏ, có dấu * là bắt buộc; các cột khác có thể để trống."),
        _("3. Nhiều giá trị trong một ô (lĩnh vực, vai trò, điện thoại, email…) ghi cách nhau bởi dấu chấm phẩy (;)."),
        _("4. Ngày ghi theo dạng ngày/tháng/năm (dd/mm/yyyy); chỉ biết năm sinh thì ghi năm (1975)."),
        _("5. Ô có danh sách thả xuống: bấm vào ô để chọn; hệ thống cũng hiểu cách ghi khác (Nam/Nữ, M/F, Japan…)."),
        _("6. Để sửa hồ sơ đã có, hãy xuất danh sách từ hệ thống (có cột ID), sửa rồi nhập lại: "
          "hồ sơ được cập nhật theo ID. Khi thêm mới, để trống cột ID."),
    ]
    for row, note in enumerate(notes, start=2):
        worksheet.write_string(row, 0, note)
    header_row = len(notes) + 3
    headers = [_("Cột"), _("Bắt buộc"), _("Cách ghi"), _("Ví dụ"), _("Giá trị chọn")]
    for index, header in enumerate(headers):
        worksheet.write_string(header_row, index, header, formats.header)
    for row, column in enumerate(sheet.columns, start=header_row + 1):
        name_format = formats.header_required if column.required else formats.text
        write_text(worksheet, row, 0, excel_text(column.header(locale)), name_format, formats)
        worksheet.write_string(row, 1, _("Có") if column.required else "", formats.text)
        worksheet.write_string(row, 2, column.help_vi or "", formats.wrapped)
        worksheet.write_string(row, 3, column.example or "", formats.wrapped)
        worksheet.write_string(row, 4, _choices_text(column, choices.get(column.key, []), lists_name)
                               if column.key in choices else "", formats.wrapped)
    example_row = header_row + len(sheet.columns) + 3
    worksheet.write_string(example_row, 0, _("Dòng ví dụ (chép sang trang “%(sheet)s” nếu muốn):", sheet=title),
                           formats.subtitle)
    for index, column in enumerate(sheet.columns):
        worksheet.write_string(example_row + 1, index, column.header(locale), formats.header)
        worksheet.write_string(example_row + 2, index, column.example or "", formats.text)


def _write_lists(worksheet, sheet: Sheet, locale: str, formats, choices: dict) -> None:
    listed = [column for column in sheet.columns if column.key in choices]
    for index, column in enumerate(listed):
        values = choices[column.key]
        worksheet.set_column(index, index, min(MAX_WIDTH, max(map(len, values), default=10) + 2))
        worksheet.write_string(0, index, column.header(locale), formats.header)
        for row, value in enumerate(values, start=1):
            worksheet.write_string(row, index, value, formats.text)
