"""The Excel annex of the annual report: a sheet that says what it is, then every table of the document on a
sheet of its own ("Bảng 1", "Bảng 2"…), with the document's caption, headers, rows, total and note. Numbers
are real numbers; texts are always text cells."""
import xlsxwriter
from flask_babel import force_locale, to_user_timezone
from flask_babel import gettext as _

from diaspora.reports.document import document_title
from diaspora.reports.tables import AMOUNT, AMOUNT_CHANGE, CHANGE, COUNT, LABEL, PERCENT, AnnualFigures, Table
from diaspora.spreadsheets.writers import excel_text, office_formats, workbook_options, write_text

NUMBER_FORMATS = {COUNT: "#,##0", AMOUNT: "#,##0", CHANGE: "+#,##0;-#,##0;0", AMOUNT_CHANGE: "+#,##0;-#,##0;0",
                  PERCENT: "0.0"}
WIDTHS = {LABEL: 42, COUNT: 14, CHANGE: 14, AMOUNT: 18, AMOUNT_CHANGE: 18, PERCENT: 10, "text": 60}
HEADER_ROW = 3  # 0-based: caption, the report and its period, a blank row, then the headers


def sheet_name(table: Table) -> str:
    """The sheet holding a table: "Bảng N", as the document numbers it."""
    return _("Bảng %(number)d", number=table.number)


def write_annex(figures: AnnualFigures, out) -> None:
    """Write the annex of the report on `figures` as an .xlsx into `out` (a path or a binary file)."""
    with force_locale("vi"):
        workbook = xlsxwriter.Workbook(out, workbook_options())
        workbook.set_properties({"title": _("Phụ lục số liệu: %(title)s", title=document_title(figures.year)),
                                 "author": _("Sở Ngoại vụ thành phố Hải Phòng")})
        formats = office_formats(workbook)
        numbers = {kind: workbook.add_format({"num_format": pattern, "border": 1, "border_color": "#A6A6A6"})
                   for kind, pattern in NUMBER_FORMATS.items()}
        totals = {kind: workbook.add_format({"num_format": pattern, "bold": True, "border": 1,
                                             "border_color": "#A6A6A6"})
                  for kind, pattern in NUMBER_FORMATS.items()}
        text = workbook.add_format({"num_format": "@", "text_wrap": True, "valign": "top", "border": 1,
                                    "border_color": "#A6A6A6"})
        total_text = workbook.add_format({"num_format": "@", "bold": True, "valign": "top", "border": 1,
                                          "border_color": "#A6A6A6"})
        note = workbook.add_format({"italic": True, "text_wrap": True, "valign": "top"})
        _cover(workbook, figures, formats)
        for table in figures.tables:
            worksheet = workbook.add_worksheet(sheet_name(table))
            worksheet.write_string(0, 0, excel_text(table.caption), formats.title)
            worksheet.write_string(1, 0, excel_text(_subtitle(figures)), formats.subtitle)
            worksheet.set_row(HEADER_ROW, 45)
            for index, column in enumerate(table.columns):
                worksheet.set_column(index, index, WIDTHS.get(column.kind, 14))
                write_text(worksheet, HEADER_ROW, index, excel_text(column.header), formats.header, formats)
            rows = table.rows + ([table.total] if table.total else [])
            for offset, values in enumerate(rows, start=1):
                is_total = table.total is not None and offset == len(rows)
                for index, (column, value) in enumerate(zip(table.columns, values)):
                    row = HEADER_ROW + offset
                    if value is None:
                        worksheet.write_blank(row, index, None, numbers.get(column.kind, text))
                    elif isinstance(value, str):
                        write_text(worksheet, row, index, excel_text(value), total_text if is_total else text,
                                   formats)
                    else:
                        worksheet.write_number(row, index, value, (totals if is_total else numbers)[column.kind])
            if table.note:
                last = HEADER_ROW + len(rows) + 2
                worksheet.set_row(last, 45)
                worksheet.merge_range(last, 0, last, max(len(table.columns) - 1, 1), excel_text(table.note), note)
            worksheet.freeze_panes(HEADER_ROW + 1, 1)
        workbook.close()


def _subtitle(figures: AnnualFigures) -> str:
    period = figures.period
    return _("%(title)s. Kỳ báo cáo: %(start)s – %(end)s; số liệu tính đến hết ngày %(end)s.",
             title=document_title(figures.year), start=period.start.strftime("%d/%m/%Y"),
             end=period.end.strftime("%d/%m/%Y"))


def _cover(workbook, figures: AnnualFigures, formats) -> None:
    worksheet = workbook.add_worksheet(_("Thông tin"))
    worksheet.set_column(0, 0, 14)
    worksheet.set_column(1, 1, 90)
    worksheet.write_string(0, 0, excel_text(_("Phụ lục số liệu")), formats.title)
    worksheet.write_string(1, 0, excel_text(_subtitle(figures)), formats.subtitle)
    read = to_user_timezone(figures.read_at).strftime("%H:%M %d/%m/%Y")
    worksheet.write_string(2, 0, excel_text(_("Trích xuất từ cơ sở dữ liệu lúc %(read)s. Mỗi bảng của báo cáo nằm ở "
                                              "một trang tính cùng số hiệu.", read=read)), formats.subtitle)
    write_text(worksheet, 4, 0, excel_text(_("Trang tính")), formats.header, formats)
    write_text(worksheet, 4, 1, excel_text(_("Nội dung")), formats.header, formats)
    for row, table in enumerate(figures.tables, start=5):
        worksheet.write_string(row, 0, excel_text(sheet_name(table)), formats.text)
        worksheet.write_string(row, 1, excel_text(table.title), formats.text)
