"""Reading spreadsheets: real files from LibreOffice, XlsxWriter and Excel-style CSVs."""
import datetime
import shutil
from pathlib import Path

import pytest

from diaspora.config import Config
from diaspora.spreadsheets.read import (
    Limits,
    SheetInfo,
    SpreadsheetRejected,
    default_sheet,
    list_sheets,
    read_sheet,
)
from diaspora.spreadsheets.xlsx import _ErrorCells

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
LIMITS = Limits()
PEOPLE_WORKBOOKS = [
    "people_xlsxwriter.xlsx",
    "people_libreoffice.xlsx",
    "people_libreoffice.xlsm",
    "people_libreoffice.xls",
    "people_libreoffice.ods",
]
PEOPLE_CSVS = ["people_utf8.csv", "people_utf8_bom.csv", "people_cp1258.csv", "people_unicode_text.txt"]


def fixture(name: str) -> Path:
    return FIXTURES / name


def test_limits_from_flask_config_and_config_class(app):
    limits = Limits.from_config(app.config)
    assert limits.max_bytes == app.config["MAX_CONTENT_LENGTH"]
    assert limits.max_rows == app.config["IMPORT_MAX_ROWS"]
    assert limits.max_columns == app.config["IMPORT_MAX_COLUMNS"]
    assert limits.max_uncompressed_bytes == app.config["IMPORT_MAX_UNCOMPRESSED_MB"] * 1024 * 1024
    assert Limits.from_config(Config) == limits


@pytest.mark.parametrize("name, kind", [
    ("people_xlsxwriter.xlsx", "xlsx"),
    ("people_libreoffice.xlsx", "xlsx"),
    ("people_libreoffice.xlsm", "xlsx"),
    ("people_libreoffice.xls", "xls"),
    ("people_libreoffice.ods", "ods"),
])
def test_people_workbooks_give_the_same_values(name, kind):
    sheet = read_sheet(fixture(name), "Danh sách", LIMITS)
    assert sheet.kind == kind
    assert sheet.name == "Danh sách"
    rows = sheet.rows
    assert rows[0][0] == "UBND THÀNH PHỐ HẢI PHÒNG"
    assert rows[4][0] == "DANH SÁCH KIỀU BÀO HẢI PHÒNG TẠI NHẬT BẢN"
    assert rows[7][:5] == ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Quốc gia cư trú"]
    assert rows[7][5] == "Liên hệ" and rows[8][5:7] == ["Điện thoại", "Email"]
    assert rows[9][:3] == ["(1)", "(2)", "(3)"]
    # Row 11 of the sheet: numbers integral → int (the phone lost its leading zero in Excel).
    assert rows[10][:6] == [1, "Nguyễn Văn Hùng", datetime.date(1975, 4, 30), "Nam", "Nhật Bản", 912345678]
    # A non-breaking space inside and a space after the name are cleaned.
    assert rows[12][1] == "Trần Quốc Toản"
    # Text that looks like a formula or a signed value stays text.
    assert rows[11][9] == "=Không rõ địa chỉ"
    assert rows[12][9] == "@toan.tran"
    assert rows[14][9] == "-"
    assert rows[15][9] == "+ thêm số Zalo"
    assert rows[14][2] == 1968
    assert all(len(row) == len(rows[0]) == 10 for row in rows)
    assert rows[-1][1] == "Vũ Thị Lan"


@pytest.mark.parametrize("name", ["people_xlsxwriter.xlsx", "people_libreoffice.xlsx", "people_libreoffice.xls"])
def test_merged_ranges_from_excel_formats(name):
    merged = read_sheet(fixture(name), "Danh sách", LIMITS).merged
    assert (0, 0, 0, 2) in merged            # A1:C1, the authority's name
    assert (4, 0, 4, 9) in merged            # A5:J5, the list's title
    assert (7, 5, 7, 6) in merged            # F8:G8, "Liên hệ" over phone and email
    assert (7, 1, 8, 1) in merged            # B8:B9, "Họ và tên" on both header rows


def test_merged_ranges_from_opendocument():
    merged = read_sheet(fixture("people_libreoffice.ods"), "Danh sách", LIMITS).merged
    assert {(0, 0, 0, 2), (4, 0, 4, 9), (7, 5, 7, 6), (7, 1, 8, 1)} <= set(merged)


@pytest.mark.parametrize("name, value_error", [
    ("errors_formulas.xlsx", "#VALUE!"), ("errors_formulas.ods", "Err:508"), ("errors_formulas.xls", "#VALUE!")])
def test_cells_showing_a_formula_error_are_empty_and_told_apart(name, value_error):
    sheet = read_sheet(FIXTURES / "real_world" / name, "Danh sách", LIMITS)
    assert sheet.error_cells == {(2, 3): value_error, (3, 2): "#DIV/0!", (4, 6): "#N/A"}
    assert [sheet.rows[row][column] for row, column in sheet.error_cells] == [None, None, None]
    assert sheet.rows[1][1:4] == ["Nguyễn Văn An", 1975, "Pháp"]  # formulas that work give their values


def test_an_error_cell_cut_between_two_chunks_is_found():
    scanner = _ErrorCells()
    xml = (b'<row r="2"><c r="A2" t="s"><v>1</v></c><c r="B2" t="e"><v>#N/A</v></c><c r="C2" t="e"/>'
           b'<c r="D2" s="3" t="e"><f>1/0</f><v>#DIV/0!</v></c></row><x:c r="B3" t="e"><x:v>#REF!</x:v></x:c>')
    cut = xml.index(b"#DIV")
    scanner.feed(xml[:cut])
    scanner.feed(xml[cut:])
    assert scanner.cells == {(1, 1): "#N/A", (1, 3): "#DIV/0!", (2, 1): "#REF!"}


@pytest.mark.parametrize("name", ["people_xlsxwriter.xlsx", "people_sheets.ods", "people_sheets.xls"])
def test_list_sheets_reports_hidden_and_instruction_sheets(name):
    sheets = list_sheets(fixture(name), LIMITS)
    assert sheets == [
        SheetInfo("Hướng dẫn", 0, hidden=False, instructions=True),
        SheetInfo("Danh sách", 1, hidden=False, instructions=False),
        SheetInfo("DM", 2, hidden=True, instructions=True),
    ]
    assert default_sheet(sheets).name == "Danh sách"


def test_read_sheet_without_a_name_reads_the_default_sheet():
    assert read_sheet(fixture("people_xlsxwriter.xlsx"), None, LIMITS).name == "Danh sách"


@pytest.mark.parametrize("sheets, expected", [
    ([SheetInfo("HD", 0, False, True), SheetInfo("Ẩn", 1, True, False), SheetInfo("Data", 2, False, False)], "Data"),
    ([SheetInfo("Instructions", 0, False, True), SheetInfo("Ghi chú", 1, False, True)], "Instructions"),
    ([SheetInfo("Ẩn", 0, True, False)], "Ẩn"),
])
def test_default_sheet(sheets, expected):
    assert default_sheet(sheets).name == expected


@pytest.mark.parametrize("name, instructions", [
    ("Hướng dẫn", True), ("HD", True), ("Huong dan nhap", True), ("Instructions", True), ("Ghi chú", True),
    ("Danh mục", True), ("Sheet1", False), ("Danh sách", False), ("Kiều bào Nhật", False), ("HDV", False),
])
def test_instruction_sheet_names(tmp_path, name, instructions):
    import xlsxwriter

    path = tmp_path / "sheets.xlsx"
    workbook = xlsxwriter.Workbook(path)
    workbook.add_worksheet(name).write("A1", "x")
    workbook.close()
    assert list_sheets(path, LIMITS)[0].instructions is instructions


def test_unknown_sheet_is_refused_with_the_names_available():
    with pytest.raises(SpreadsheetRejected) as refused:
        read_sheet(fixture("people_xlsxwriter.xlsx"), "Không có", LIMITS)
    assert refused.value.reason == "sheet_not_found"
    assert "“Danh sách”" in refused.value.message


def test_column_fonts_of_a_workbook():
    sheet = read_sheet(fixture("people_xlsxwriter.xlsx"), None, LIMITS)
    assert sheet.column_fonts[1] == "Calibri"


@pytest.mark.parametrize("name", ["legacy_vntime.xlsx", "legacy_vntime.xls", "legacy_vntime.ods"])
def test_vntime_fonts_are_reported_per_column(name):
    sheet = read_sheet(fixture(name), None, LIMITS)
    # Title in .VnTimeH, header in Times New Roman, four data rows in .VnTime: the data wins.
    assert sheet.column_fonts[1] == ".VnTime"
    assert sheet.rows[2][1] == "NguyÔn V¨n Hïng"
    assert sheet.rows[1][1] == "Họ và tên"


def test_vni_fonts_are_reported_per_column():
    sheet = read_sheet(fixture("legacy_vni.xlsx"), None, LIMITS)
    assert sheet.column_fonts == {column: "VNI-Times" for column in range(5)}
    assert sheet.rows[1][1] == "Nguyeãn Vaên Huøng"


def test_decomposed_text_is_returned_as_stored():
    sheet = read_sheet(fixture("nfd.xlsx"), None, LIMITS)
    assert sheet.rows[1][1] == "Nguye\u0302\u0303n Va\u0306n Hu\u0300ng"


@pytest.mark.parametrize("name, encoding", [
    ("people_utf8.csv", "utf-8"),
    ("people_utf8_bom.csv", "utf-8-sig"),
    ("people_cp1258.csv", "cp1258"),
    ("people_unicode_text.txt", "utf-16"),
])
def test_csv_encodings_and_delimiters(name, encoding):
    sheet = read_sheet(fixture(name), None, LIMITS)
    assert sheet.kind == "csv"
    assert sheet.encoding == encoding
    assert sheet.name == Path(name).stem
    assert sheet.rows[0] == ["STT", "Họ và tên", "Ngày sinh", "Quốc gia cư trú", "Điện thoại", "Email", "Ghi chú"]
    # CSV cells stay text: the leading zero of a phone survives.
    assert sheet.rows[1] == ["1", "Nguyễn Văn Hùng", "30/04/1975", "Nhật Bản", "0912345678",
                             "hung.nguyen@example.jp", "Địa chỉ: 1-2-3 Shinjuku, Tokyo"]
    assert sheet.rows[2][1] == "Đặng Thị Thu Hà"
    assert sheet.rows[3][5] is None
    assert len(sheet.rows) == 6


def test_tcvn3_csv_is_decoded():
    sheet = read_sheet(fixture("people_tcvn3.csv"), None, LIMITS)
    assert sheet.encoding == "tcvn3"
    assert sheet.rows[0][1] == "Họ và tên"
    assert sheet.rows[3][1:] == ["Hội người Việt Nam tại Nhật Bản", "Nhật Bản", "Tính toán, mô phỏng", "Lê Chân"]


def test_vni_csv_is_decoded(tmp_path):
    path = tmp_path / "vni.csv"
    path.write_bytes("Hoï vaø teân;Ngheà nghieäp\r\nÑaëng Thò Thu Haø;Baùc só\r\n".encode("cp1252"))
    sheet = read_sheet(path, None, LIMITS)
    assert sheet.encoding == "vni"
    assert sheet.rows == [["Họ và tên", "Nghề nghiệp"], ["Đặng Thị Thu Hà", "Bác sĩ"]]


def test_csv_uploaded_under_a_temporary_name_uses_the_original_name(tmp_path):
    upload = tmp_path / "upload-7f3a"
    shutil.copy(fixture("people_utf8.csv"), upload)
    sheets = list_sheets(upload, LIMITS, original_filename="Danh sách Nhật.csv")
    assert [sheet.name for sheet in sheets] == ["Danh sách Nhật"]
    assert read_sheet(upload, "Danh sách Nhật", LIMITS, original_filename="Danh sách Nhật.csv").rows[1][1] == (
        "Nguyễn Văn Hùng"
    )


@pytest.mark.parametrize("content", [
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(64),
    b'<?xml version="1.0"?><note>not a workbook</note>',
])
def test_other_documents_renamed_as_workbooks_are_refused(tmp_path, content):
    path = tmp_path / "danh-sach.xlsx"
    path.write_bytes(content)
    with pytest.raises(SpreadsheetRejected) as refused:
        read_sheet(path, None, LIMITS)
    assert refused.value.reason == "not_spreadsheet"
    assert "thực chất là văn bản" not in refused.value.message


def test_workbook_type_comes_from_content_not_extension(tmp_path):
    renamed = tmp_path / "people.csv"
    shutil.copy(fixture("people_libreoffice.ods"), renamed)
    assert read_sheet(renamed, None, LIMITS).kind == "ods"


@pytest.mark.parametrize("name, reason, words", [
    # The .xls and .ods readers expand every sheet on opening: those files are refused as a whole.
    ("empty.xlsx", "empty", "rỗng"),
    ("picture.xlsx", "not_spreadsheet", "không phải là bảng tính"),
    ("csv_renamed.xlsx", "not_spreadsheet", "thực chất là văn bản"),
    ("html_table.xls", "not_spreadsheet", "HTML"),
    ("xml_spreadsheet_2003.xls", "not_spreadsheet", "XML Spreadsheet 2003"),
    ("encrypted.xlsx", "encrypted", "mật khẩu"),
    ("truncated.xlsx", "corrupt", "bị hỏng"),
    ("zip_bomb.xlsx", "zip_bomb", "tỉ lệ nén"),
    ("zip_bomb_lying_size.xlsx", "corrupt", "bị hỏng"),
    ("xxe.xlsx", "xml_entities", "DOCTYPE"),
    ("entities_utf16.xlsx", "xml_entities", "DOCTYPE"),
    ("far_cell.xls", "too_many_columns", "256 cột"),
    ("repeat_bomb.ods", "too_many_columns", "5.000 cột"),
])
def test_hostile_and_broken_files_are_refused(name, reason, words):
    for call in (lambda: list_sheets(fixture(name), LIMITS), lambda: read_sheet(fixture(name), None, LIMITS)):
        with pytest.raises(SpreadsheetRejected) as refused:
            call()
        assert refused.value.reason == reason
        assert words in refused.value.message
        assert str(refused.value) == refused.value.message


@pytest.mark.parametrize("name, reason, words", [
    ("too_many_columns.xlsx", "too_many_columns", "250 cột"),
    ("far_cell.xlsx", "too_many_rows", "1.048.576 dòng"),
])
def test_sheets_beyond_the_limits_are_refused_before_loading(name, reason, words):
    # Other sheets of the workbook may still be read, so listing the sheets succeeds.
    assert list_sheets(fixture(name), LIMITS)
    with pytest.raises(SpreadsheetRejected) as refused:
        read_sheet(fixture(name), None, LIMITS)
    assert refused.value.reason == reason
    assert words in refused.value.message


def test_zip_bomb_is_refused_with_bounded_memory():
    import tracemalloc

    tracemalloc.start()
    try:
        with pytest.raises(SpreadsheetRejected):
            read_sheet(fixture("zip_bomb.xlsx"), None, Limits(max_uncompressed_bytes=1024 ** 3))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * 1024 * 1024


def test_declared_uncompressed_size_beyond_the_limit():
    with pytest.raises(SpreadsheetRejected) as refused:
        list_sheets(fixture("zip_bomb.xlsx"), Limits(max_uncompressed_bytes=10 * 1024 * 1024))
    assert refused.value.reason == "zip_bomb"
    assert "giới hạn 10 MB" in refused.value.message


def test_file_size_limit():
    with pytest.raises(SpreadsheetRejected) as refused:
        list_sheets(fixture("people_libreoffice.ods"), Limits(max_bytes=10_000))
    assert refused.value.reason == "too_large"


@pytest.mark.parametrize("name", PEOPLE_WORKBOOKS)
def test_row_limit_names_the_numbers(name):
    with pytest.raises(SpreadsheetRejected) as refused:
        read_sheet(fixture(name), "Danh sách", Limits(max_rows=20))
    assert refused.value.reason == "too_many_rows"
    assert "26 dòng" in refused.value.message and "20 dòng" in refused.value.message


@pytest.mark.parametrize("name", PEOPLE_WORKBOOKS + ["people_utf8.csv"])
def test_column_limit(name):
    with pytest.raises(SpreadsheetRejected) as refused:
        read_sheet(fixture(name), None, Limits(max_columns=5))
    assert refused.value.reason == "too_many_columns"


def test_csv_row_limit():
    with pytest.raises(SpreadsheetRejected) as refused:
        read_sheet(fixture("people_utf8.csv"), None, Limits(max_rows=3))
    assert refused.value.reason == "too_many_rows"
    assert "6 dòng" in refused.value.message


def test_limits_on_other_sheets_do_not_block_the_chosen_one(tmp_path):
    import xlsxwriter

    path = tmp_path / "two.xlsx"
    workbook = xlsxwriter.Workbook(path)
    workbook.add_worksheet("Danh sách").write_row(0, 0, ["Họ và tên", "Email"])
    workbook.add_worksheet("Rộng").write_row(0, 0, list(range(30)))
    workbook.close()
    assert read_sheet(path, "Danh sách", Limits(max_columns=10)).rows == [["Họ và tên", "Email"]]
    with pytest.raises(SpreadsheetRejected):
        read_sheet(path, "Rộng", Limits(max_columns=10))


def test_formatted_empty_cells_do_not_count_towards_limits(tmp_path):
    import xlsxwriter

    path = tmp_path / "formatted.xlsx"
    workbook = xlsxwriter.Workbook(path)
    sheet = workbook.add_worksheet("S")
    sheet.write("A1", "Họ và tên")
    sheet.write_blank("ZZ500", None, workbook.add_format({"border": 1}))
    workbook.close()
    assert read_sheet(path, None, Limits(max_rows=10, max_columns=10)).rows == [["Họ và tên"]]


def test_sheet_without_data_is_refused(tmp_path):
    import xlsxwriter

    path = tmp_path / "blank.xlsx"
    workbook = xlsxwriter.Workbook(path)
    workbook.add_worksheet("Trống")
    workbook.close()
    with pytest.raises(SpreadsheetRejected) as refused:
        read_sheet(path, None, LIMITS)
    assert refused.value.reason == "empty"


def test_cells_start_at_a1_whatever_the_used_range(tmp_path):
    import xlsxwriter

    path = tmp_path / "offset.xlsx"
    workbook = xlsxwriter.Workbook(path)
    sheet = workbook.add_worksheet("S")
    sheet.write("C3", "Họ và tên")
    sheet.write("D4", 12.5)
    sheet.write("E4", True)
    workbook.close()
    assert read_sheet(path, None, LIMITS).rows == [
        [None, None, None, None, None],
        [None, None, None, None, None],
        [None, None, "Họ và tên", None, None],
        [None, None, None, 12.5, True],
    ]


def test_encrypted_legacy_workbook_is_recognised():
    from diaspora.spreadsheets.xls import _biff_is_encrypted

    bof = b"\x09\x08\x10\x00" + bytes(16)
    filepass = b"\x2f\x00\x04\x00" + bytes(4)
    boundsheet = b"\x85\x00\x08\x00" + bytes(8)
    assert _biff_is_encrypted(bof + filepass + boundsheet)
    assert not _biff_is_encrypted(bof + boundsheet + filepass)


def test_archive_with_too_many_parts_is_refused(tmp_path):
    import zipfile

    path = tmp_path / "parts.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        for number in range(10_001):
            archive.writestr(f"xl/media/{number}.bin", b"")
    with pytest.raises(SpreadsheetRejected) as refused:
        list_sheets(path, LIMITS)
    assert refused.value.reason == "zip_bomb"


def test_openpyxl_workbook(tmp_path):
    import openpyxl

    path = tmp_path / "openpyxl.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Kiều bào"
    sheet.append(["Họ và tên", "Ngày sinh", "Điện thoại"])
    sheet.append(["Nguyễn Văn Hùng", datetime.datetime(1975, 4, 30), "0912 345 678"])
    sheet.append(["Đặng Thị Thu Hà", None, None])
    for cell in ("A2", "A3"):
        sheet[cell].font = openpyxl.styles.Font(name="Times New Roman")
    workbook.save(path)
    raw = read_sheet(path, None, LIMITS)
    assert raw.rows == [["Họ và tên", "Ngày sinh", "Điện thoại"],
                        ["Nguyễn Văn Hùng", datetime.date(1975, 4, 30), "0912 345 678"],
                        ["Đặng Thị Thu Hà", None, None]]
    assert raw.column_fonts == {0: "Times New Roman", 1: "Calibri", 2: "Calibri"}
