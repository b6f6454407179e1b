"""The downloadable import template of a record type, built from its column declaration.

Four sheets: the data sheet (the header row, required columns in red and marked "*", a note on
each header, drop-down lists on the coded columns), "Hướng dẫn" (what each column means, whether
it is required, how to write it, an example), "Hướng dẫn - ví dụ" (an example row under the same
headers) and the hidden "Danh mục" holding the drop-down lists (Excel refuses an inline list
longer than 255 characters). The reader skips guide and hidden sheets, and the example row lives
in a guide, so an unedited template imports no row.
"""
import io

import xlsxwriter
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import Date, Integer

from diaspora.records import utcnow
from diaspora.spreadsheets.columns import Column, Sheet
from diaspora.spreadsheets.writers import (
    MAX_WIDTH,
    excel_text,
    fit_row,
    office_formats,
    text_lines,
    workbook_options,
    write_header,
    write_text,
)

TEMPLATE_ROWS = 5000  # rows of the data sheet that get the drop-down lists
REQUIRED_MARK = " *"
INLINE_CHOICES = 120  # choices listed in the guide itself when they fit in this many characters


def template_filename(sheet: Sheet) -> str:
    return sheet.file_name or f"mau-nhap-{sheet.key}.xlsx"


def _is_date(column: Column, table) -> bool:
    targets = column.targets
    return bool(targets) and isinstance(table.c[targets[0]].type, Date)


def _is_number(column: Column, table) -> bool:
    return column.relation == "id" or (
        bool(column.targets) and all(isinstance(table.c[name].type, Integer) for name in column.targets))


def _quoted(sheet_name: str) -> str:
    return "'" + sheet_name.replace("'", "''") + "'"


def _column_letter(index: int) -> str:
    return xlsxwriter.utility.xl_col_to_name(index)


def build_template(sheet: Sheet, locale: str = "vi") -> io.BytesIO:
    """The template workbook of the sheet, in memory (it is small), ready to send."""
    output = io.BytesIO()
    with force_locale(locale):
        workbook = xlsxwriter.Workbook(output, {**workbook_options(), "constant_memory": False})
        title = str(sheet.title or sheet.key)
        workbook.set_properties({"title": _("Mẫu nhập danh sách: %(title)s", title=title), "created": utcnow(),
                                 "company": _("Sở Ngoại vụ thành phố Hải Phòng")})
        formats = office_formats(workbook)
        data = workbook.add_worksheet(title[:31])
        guide = workbook.add_worksheet(_("Hướng dẫn"))
        example = workbook.add_worksheet(_("Hướng dẫn - ví dụ"))
        lists = workbook.add_worksheet(_("Danh mục"))
        choices = {column.key: [excel_text(str(choice)) for choice in column.choices()]
                   for column in sheet.columns if column.choices is not None}
        _write_data_sheet(data, sheet, locale, formats, choices, lists.get_name())
        _write_guide(workbook, guide, sheet, locale, formats, choices, title)
        _write_example(example, sheet, locale, formats, title)
        _write_lists(lists, sheet, locale, formats, choices)
        lists.hide()
        data.activate()
        workbook.close()
    output.seek(0)
    return output


def _printable(worksheet) -> None:
    """Landscape A4, as wide as one page."""
    worksheet.set_landscape()
    worksheet.set_paper(9)
    worksheet.fit_to_pages(1, 0)


def _write_data_sheet(worksheet, sheet: Sheet, locale: str, formats, choices: dict, lists_name: str) -> None:
    columns = sheet.columns
    write_header(worksheet, 0, columns, locale, formats, REQUIRED_MARK)
    worksheet.freeze_panes(1, 0)
    worksheet.repeat_rows(0)
    _printable(worksheet)
    list_column = 0
    for index, column in enumerate(columns):
        cell_format = (formats.date if _is_date(column, sheet.table)
                       else formats.number if _is_number(column, sheet.table) else formats.text)
        worksheet.set_column(index, index, _width(column, locale), cell_format)
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


def _choices_text(values: list[str]) -> str:
    """The values themselves when they are few, else where to find them."""
    text = "; ".join(values)
    if len(text) <= INLINE_CHOICES:
        return text
    return _("Chọn trong danh sách thả xuống của ô (%(count)d giá trị).", count=len(values))


def _write_guide(workbook, worksheet, sheet: Sheet, locale: str, formats, choices: dict, title: str) -> None:
    widths = (24, 9, 60, 32, 45)
    for index, width in enumerate(widths):
        worksheet.set_column(index, index, width, formats.wrapped if index >= 2 else None)
    _printable(worksheet)
    worksheet.write_string(0, 0, _("HƯỚNG DẪN ĐIỀN MẪU NHẬP: %(title)s", title=title.upper()), formats.title)
    multi = ", ".join(column.header(locale).lower() for column in sheet.columns if column.multi)
    notes = [
        _("Điền mỗi %(record)s một dòng trong trang “%(sheet)s”, từ dòng 2; giữ nguyên dòng tiêu đề cột.",
          record=sheet.record_noun, sheet=title),
        _("Cột tiêu đề chữ đỏ, có dấu * là bắt buộc; các cột khác có thể để trống."),
        _("Nhiều giá trị trong một ô (%(columns)s) ghi cách nhau bởi dấu chấm phẩy (;).", columns=multi),
        _("Ngày ghi theo dạng ngày/tháng/năm (dd/mm/yyyy); chỉ biết năm sinh thì ghi năm (1975).")
        if any(_is_date(column, sheet.table) for column in sheet.columns) else None,
        _("Ô có danh sách thả xuống: bấm vào ô để chọn; hệ thống cũng hiểu cách ghi khác (Nam/Nữ, M/F, Japan…)."),
        _("Một dòng chỉ bị từ chối khi thiếu tên (hoặc tên không có chữ cái), thiếu quốc gia (không có trong dòng, "
          "cuối ô địa chỉ hay tiêu đề danh sách) hoặc quốc gia không có thật, email sai dạng, ngày hay năm sinh ở "
          "tương lai hoặc trước 1900, số điện thoại không phải số điện thoại (có chữ, ít hơn 6 chữ số), hoặc ID "
          "không có trong hệ thống. Từ không khớp danh mục vẫn được nhập: hệ thống ghép với mục gần nhất hoặc ghi "
          "lại nguyên văn, kèm ghi chú trên dòng."),
        _("Để sửa hồ sơ đã có, hãy xuất danh sách từ hệ thống (có cột ID), sửa rồi nhập lại: "
          "hồ sơ được cập nhật theo ID. Khi thêm mới, để trống cột ID."),
        _("Người đã có hồ sơ được nhận ra (theo email, điện thoại, họ tên + năm sinh…) và thêm vào hoạt động; "
          "người chưa có hồ sơ được thêm mới.") if sheet.key == "participants" else None,
    ]
    notes = [f"{number}. {note}" for number, note in enumerate(filter(None, notes), start=1)]
    for row, note in enumerate(notes, start=2):
        worksheet.write_string(row, 0, note)
    header_row = len(notes) + 3
    headers = [_("Cột"), _("Bắt buộc"), _("Cách ghi"), _("Ví dụ"), _("Giá trị chọn")]
    for index, header in enumerate(headers):
        worksheet.write_string(header_row, index, header, formats.header)
    required_format = workbook.add_format({"bold": True, "font_color": "#C00000", "valign": "top"})
    for row, column in enumerate(sheet.columns, start=header_row + 1):
        name_format = required_format if column.required else formats.text
        write_text(worksheet, row, 0, excel_text(column.header(locale)), name_format, formats)
        worksheet.write_string(row, 1, _("Có") if column.required else "", formats.text)
        texts = [column.help_vi or "", column.example or "",
                 _choices_text(choices[column.key]) if column.key in choices else ""]
        for index, text in enumerate(texts, start=2):
            worksheet.write_string(row, index, text, formats.wrapped)
        fit_row(worksheet, row, max(text_lines(text, widths[index]) for index, text in enumerate(texts, start=2)))


def _write_example(worksheet, sheet: Sheet, locale: str, formats, title: str) -> None:
    """One row filled the right way, under the data sheet's headers."""
    worksheet.write_string(0, 0, _("Một dòng điền mẫu; có thể chép sang trang “%(sheet)s” rồi sửa lại.", sheet=title),
                           formats.subtitle)
    write_header(worksheet, 2, sheet.columns, locale, formats, REQUIRED_MARK)
    for index, column in enumerate(sheet.columns):
        worksheet.set_column(index, index, _width(column, locale))
        if column.example:
            worksheet.write_string(3, index, column.example, formats.text)
    _printable(worksheet)


def _width(column: Column, locale: str) -> int:
    return min(MAX_WIDTH, max(len(column.header(locale)) + len(REQUIRED_MARK), len(column.example)) + 3)


def _write_lists(worksheet, sheet: Sheet, locale: str, formats, choices: dict) -> None:
    listed = [column for column in sheet.columns if column.key in choices]
    for index, column in enumerate(listed):
        values = choices[column.key]
        worksheet.set_column(index, index, min(MAX_WIDTH, max(map(len, values), default=10) + 2))
        worksheet.write_string(0, index, column.header(locale), formats.header)
        for row, value in enumerate(values, start=1):
            worksheet.write_string(row, index, value, formats.text)
