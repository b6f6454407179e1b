"""Header detection on the layouts Vietnamese offices send."""
import datetime
from pathlib import Path

import pytest

from diaspora.spreadsheets.header import SKIP_REASONS, find_header
from diaspora.spreadsheets.read import Limits, read_sheet
from diaspora.text import fold_key

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
KNOWN = {fold_key(text) for text in (
    "Họ và tên", "Họ tên", "Ngày sinh", "Năm sinh", "Giới tính", "Quốc gia cư trú", "Quốc gia", "Điện thoại",
    "Email", "Nghề nghiệp", "Quê quán", "Ghi chú", "Địa chỉ",
)}


def is_known(text: str) -> bool:
    return fold_key(text) in KNOWN


def rows_of(*rows, width=None):
    """Rectangular rows as RawSheet gives them."""
    width = width or max(len(row) for row in rows)
    return [list(row) + [None] * (width - len(row)) for row in rows]


TITLE_BLOCK = [
    ["UBND THÀNH PHỐ HẢI PHÒNG", None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
    ["SỞ NGOẠI VỤ", None, None, "Độc lập - Tự do - Hạnh phúc"],
    [],
    [None, None, None, "Hải Phòng, ngày 15 tháng 3 năm 2025"],
    ["DANH SÁCH KIỀU BÀO TẠI NHẬT BẢN"],
]


def test_simple_header_in_the_first_row():
    layout = find_header(rows_of(["Họ và tên", "Email"], ["Nguyễn Văn Hùng", "hung@example.jp"]), is_known)
    assert layout.header_row_index == 0
    assert layout.header_rows == 1
    assert layout.header_row_number == 1
    assert layout.headers == ["Họ và tên", "Email"]
    assert layout.data_rows == [(2, ["Nguyễn Văn Hùng", "hung@example.jp"])]
    assert layout.stt_column is None
    assert layout.skipped_rows == []
    assert layout.recognised == 2


def test_title_rows_above_the_header_are_skipped():
    rows = rows_of(
        *TITLE_BLOCK,
        [],
        ["STT", "Họ và tên", "Năm sinh", "Quốc gia", "Điện thoại"],
        [1, "Nguyễn Văn Hùng", 1975, "Nhật Bản", "0912345678"],
        [2, "Đặng Thị Thu Hà", 1982, "Nhật Bản", None],
    )
    layout = find_header(rows, is_known)
    assert layout.header_row_index == 6
    assert layout.stt_column == 0
    assert layout.skipped_rows == [(1, "title"), (2, "title"), (3, "blank"), (4, "title"), (5, "title"), (6, "blank")]
    assert [number for number, _values in layout.data_rows] == [8, 9]
    assert layout.data_rows[0][1] == [1, "Nguyễn Văn Hùng", 1975, "Nhật Bản", "0912345678"]


def test_header_texts_are_cleaned():
    rows = rows_of(["  Họ và\ntên ", "E\u0301mail".replace("E\u0301", "E"), "Ngày sinh\u00a0"], ["A", "b@c.d", None])
    assert find_header(rows, is_known).headers == ["Họ và tên", "Email", "Ngày sinh"]


@pytest.mark.parametrize("header", [
    ["STT", "Hä vµ tªn", "Quèc gia", "NghÒ nghiÖp"],
    ["STT", "Hoï vaø teân", "Quoác gia", "Ngheà nghieäp"],
])
def test_header_typed_in_a_legacy_font_is_decoded(header):
    rows = rows_of(["DANH S¸CH"], header, [1, "NguyÔn V¨n Hïng", "NhËt B¶n", "Kü s\xad"])
    layout = find_header(rows, is_known)
    assert layout.header_row_index == 1
    assert layout.headers == ["STT", "Họ và tên", "Quốc gia", "Nghề nghiệp"]
    assert layout.recognised == 3
    # Data stays as stored: the column's font or content decides its conversion later.
    assert layout.data_rows == [(3, [1, "NguyÔn V¨n Hïng", "NhËt B¶n", "Kü s\xad"])]


def test_fallback_when_no_header_is_known():
    rows = rows_of(["DANH SÁCH"], [], ["Mã", "Tên gọi", "Nơi ở", "Số hộ chiếu"], ["A1", "Hùng", "Tokyo", "B123"])
    layout = find_header(rows, lambda text: False)
    assert layout.header_row_index == 2
    assert layout.headers == ["Mã", "Tên gọi", "Nơi ở", "Số hộ chiếu"]
    assert layout.recognised == 0
    assert layout.data_rows == [(4, ["A1", "Hùng", "Tokyo", "B123"])]


def test_most_recognised_row_wins_over_an_earlier_text_row():
    rows = rows_of(
        ["Kính gửi", "Sở Ngoại vụ", "Hải Phòng", "về việc"],
        ["Họ tên", "Quốc gia", "Email", "Ghi chú"],
        ["Hùng", "Nhật Bản", "h@example.jp", None],
    )
    assert find_header(rows, is_known).header_row_index == 1


MERGED_TWO_ROW = rows_of(
    ["DANH SÁCH KIỀU BÀO", None, None, None, None, None],
    ["STT", "Họ và tên", "Năm sinh", "Liên hệ", None, "Ghi chú"],
    [None, None, None, "Điện thoại", "Email", None],
    [1, "Nguyễn Văn Hùng", 1975, "0912345678", "hung@example.jp", None],
    [2, "Đặng Thị Thu Hà", 1982, None, "ha@example.jp", "Hội trưởng"],
)
MERGES = [(0, 0, 0, 5), (1, 0, 2, 0), (1, 1, 2, 1), (1, 2, 2, 2), (1, 3, 1, 4), (1, 5, 2, 5)]


@pytest.mark.parametrize("merged", [MERGES, None], ids=["with merges", "guessed without merges"])
def test_two_row_header_with_a_group_title(merged):
    layout = find_header(MERGED_TWO_ROW, is_known, merged=merged)
    assert layout.header_row_index == 1
    assert layout.header_rows == 2
    assert layout.header_row_number == 3
    assert layout.headers == ["STT", "Họ và tên", "Năm sinh", "Điện thoại", "Email", "Ghi chú"]
    assert layout.groups == [None, None, None, "Liên hệ", "Liên hệ", None]
    assert layout.stt_column == 0
    assert layout.skipped_rows == [(1, "title")]
    assert [number for number, _values in layout.data_rows] == [4, 5]


def test_two_row_header_found_from_its_sub_header_row():
    rows = rows_of(
        ["Họ và tên", "Liên hệ", None, None, None],
        [None, "Điện thoại", "Email", "Địa chỉ", "Quốc gia"],
        ["Nguyễn Văn Hùng", "0912345678", "h@example.jp", "Tokyo", "Nhật Bản"],
    )
    layout = find_header(rows, is_known, merged=[(0, 0, 1, 0), (0, 1, 0, 4)])
    assert (layout.header_row_index, layout.header_rows) == (0, 2)
    assert layout.headers == ["Họ và tên", "Điện thoại", "Email", "Địa chỉ", "Quốc gia"]
    assert [number for number, _values in layout.data_rows] == [3]


@pytest.mark.parametrize("merged", [[(0, 0, 0, 1), (0, 3, 0, 4)], None], ids=["with merges", "without merges"])
def test_heading_block_right_above_the_header_is_not_a_group_row(merged):
    rows = rows_of(
        ["UBND THÀNH PHỐ HẢI PHÒNG", None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", None],
        ["Họ và tên", "Mã hồ sơ", "Giới tính", "Quốc gia", "Email"],
        ["Nguyễn Văn Hùng", "HS-01", "Nam", "Nhật Bản", "h@example.jp"],
    )
    layout = find_header(rows, is_known, merged=merged)
    assert (layout.header_row_index, layout.header_rows) == (1, 1)
    assert layout.headers == ["Họ và tên", "Mã hồ sơ", "Giới tính", "Quốc gia", "Email"]
    assert layout.skipped_rows == [(1, "title")]


def test_unknown_sub_headers_keep_their_group_title():
    rows = rows_of(
        ["Họ và tên", "Ngày sinh", None, "Quốc gia"],
        [None, "Nam", "Nữ", None],
        ["Nguyễn Văn Hùng", datetime.date(1975, 4, 30), None, "Nhật Bản"],
    )
    merges = [(0, 0, 1, 0), (0, 1, 0, 2), (0, 3, 1, 3)]
    layout = find_header(rows, is_known, merged=merges)
    assert layout.headers == ["Họ và tên", "Ngày sinh / Nam", "Ngày sinh / Nữ", "Quốc gia"]
    assert layout.data_rows == [(3, ["Nguyễn Văn Hùng", datetime.date(1975, 4, 30), None, "Nhật Bản"])]


def test_a_data_row_is_not_taken_for_a_sub_header():
    rows = rows_of(
        ["Họ và tên", "Điện thoại", None, "Email"],
        ["Nguyễn Văn Hùng", "0912345678", "0987654321", "hung@example.jp"],
    )
    # "Điện thoại" merged over two phone columns: both columns carry it, the next row is data.
    layout = find_header(rows, is_known, merged=[(0, 1, 0, 2)])
    assert layout.header_rows == 1
    assert layout.headers == ["Họ và tên", "Điện thoại", "Điện thoại", "Email"]
    assert layout.data_rows == [(2, ["Nguyễn Văn Hùng", "0912345678", "0987654321", "hung@example.jp"])]


@pytest.mark.parametrize("numbering", [
    ["(1)", "(2)", "(3)", "(4)"],
    [1, 2, 3, 4],
    ["1", "2", "3", "4"],
    ["A", "B", "(1)", "(2)", "(3)"],
])
def test_numbering_row_under_the_header_is_skipped(numbering):
    rows = rows_of(["STT", "Họ và tên", "Quốc gia", "Email", "Ghi chú"], numbering,
                   [1, "Nguyễn Văn Hùng", "Nhật Bản", "h@example.jp", None])
    layout = find_header(rows, is_known)
    assert layout.skipped_rows == [(2, "numbering")]
    assert [number for number, _values in layout.data_rows] == [3]


@pytest.mark.parametrize("header, column", [
    (["STT", "Họ và tên", "Email"], 0),
    (["TT", "Họ và tên", "Email"], 0),
    (["Số TT", "Họ và tên", "Email"], 0),
    (["No.", "Họ và tên", "Email"], 0),
    (["#", "Họ và tên", "Email"], 0),
    (["Họ và tên", "Email", "Stt"], 2),
    (["Họ và tên", "Email", "Ghi chú"], None),
])
def test_stt_column_is_flagged(header, column):
    layout = find_header(rows_of(header, ["x", "y", "z"]), is_known)
    assert layout.stt_column == column


FOOTERS = [
    [["Tổng cộng: 2 người"]],
    [["Cộng: 2"]],
    [[None, None, "Hải Phòng, ngày 15 tháng 3 năm 2025"], [None, "NGƯỜI LẬP BIỂU", "GIÁM ĐỐC"]],
    [["Người lập bảng", None, "Thủ trưởng đơn vị"], ["(Ký, ghi rõ họ tên)", None, "(Ký tên, đóng dấu)"]],
    [[None, "GIÁM ĐỐC"], [None, "(Ký tên, đóng dấu)"], [], [], [None, "Nguyễn Văn Bình"]],
    [[None, "THỦ TRƯỞNG ĐƠN VỊ"], [], [None, "(Ký, ghi rõ họ tên)"]],
    [[None, "KT. GIÁM ĐỐC"], [None, "PHÓ GIÁM ĐỐC"]],
    [["Ghi chú: danh sách do Hội cung cấp"]],
]


@pytest.mark.parametrize("footer", FOOTERS)
def test_footer_and_everything_after_it_is_skipped(footer):
    rows = rows_of(
        ["STT", "Họ và tên", "Chức vụ", "Email"],
        [1, "Nguyễn Văn Hùng", "Giám đốc", "h@example.jp"],
        [2, "Đặng Thị Thu Hà", "Kỹ sư", "ha@example.jp"],
        [],
        *footer,
        width=4,
    )
    layout = find_header(rows, is_known)
    assert [number for number, _values in layout.data_rows] == [2, 3]
    assert layout.skipped_rows[0] == (4, "blank")
    assert layout.skipped_rows[1:] == [(number, "footer") for number in range(5, 5 + len(footer))]


def test_a_position_title_in_the_data_is_not_a_footer():
    rows = rows_of(
        ["Họ và tên", "Chức vụ", "Email", "Ghi chú"],
        ["Nguyễn Văn Hùng", "Giám đốc", None, None],
        [None, "Giám đốc", None, None],
        ["Đặng Thị Thu Hà", "Chủ tịch Hội", "ha@example.jp", None],
    )
    layout = find_header(rows, is_known)
    assert [number for number, _values in layout.data_rows] == [2, 3, 4]


def test_an_occupation_starting_with_ky_is_data_not_a_signature():
    # "Kỹ sư" folds to "ky su", as "Ký, ghi rõ họ tên" folds to "ky, ghi ro ho ten".
    rows = rows_of(
        ["Họ và tên", "Nghề nghiệp", "Email", "Ghi chú"],
        ["Nguyễn Văn Hùng", "Bác sĩ", None, None],
        ["Đặng Thị Thu Hà", "Kỹ sư xây dựng", None, None],
        ["Lê Văn Tám", "Kỹ thuật viên", None, None],
    )
    layout = find_header(rows, is_known)
    assert [number for number, _values in layout.data_rows] == [2, 3, 4]


def test_nothing_numbered_is_cut_as_footer():
    rows = rows_of(
        ["STT", "Họ và tên", "Ghi chú"],
        [1, "Nguyễn Văn Hùng", None],
        [None, None, "Ghi chú: hai người cùng tên"],
        [2, "Đặng Thị Thu Hà", None],
    )
    assert [number for number, _values in find_header(rows, is_known).data_rows] == [2, 3, 4]


def test_blank_rows_and_rows_with_only_a_number_are_skipped():
    rows = rows_of(
        ["STT", "Họ và tên", "Email"],
        [1, "Nguyễn Văn Hùng", "h@example.jp"],
        [],
        [2, None, None],
        [3, "Đặng Thị Thu Hà", None],
        [4, None, None],
    )
    layout = find_header(rows, is_known)
    assert [number for number, _values in layout.data_rows] == [2, 5]
    assert layout.skipped_rows == [(3, "blank"), (4, "blank"), (6, "blank")]


def test_repeated_header_rows_are_skipped():
    rows = rows_of(
        ["STT", "Họ và tên", "Quốc gia", "Email"],
        [1, "Nguyễn Văn Hùng", "Nhật Bản", "h@example.jp"],
        ["STT", "Họ và tên", "Quốc gia", "Email"],
        [2, "Đặng Thị Thu Hà", "Pháp", "ha@example.jp"],
    )
    layout = find_header(rows, is_known)
    assert layout.skipped_rows == [(3, "repeated_header")]
    assert [number for number, _values in layout.data_rows] == [2, 4]


def test_group_rows_inside_the_data():
    rows = rows_of(
        ["STT", "Họ và tên", "Quốc gia", "Email"],
        ["I. NHẬT BẢN", None, None, None],
        [1, "Nguyễn Văn Hùng", "Nhật Bản", "h@example.jp"],
        [None, "II. Hàn Quốc", None, None],
        [2, "Trần Quốc Toản", "Hàn Quốc", None],
        ["Châu Âu", "Châu Âu", "Châu Âu", "Châu Âu"],
        [3, "Lê Thị Mai", "Pháp", None],
        ["IV", "Hoa Kỳ", None, None],
        [4, "Phạm Minh Đức", "Hoa Kỳ", None],
    )
    layout = find_header(rows, is_known, merged=[(5, 0, 5, 3)])
    assert layout.skipped_rows == [(2, "section"), (4, "section"), (6, "section"), (8, "section")]
    assert [number for number, _values in layout.data_rows] == [3, 5, 7, 9]


def test_vertically_merged_data_cells_carry_their_value():
    rows = rows_of(
        ["Quốc gia", "Họ và tên"],
        ["Nhật Bản", "Nguyễn Văn Hùng"],
        [None, "Đặng Thị Thu Hà"],
        ["Pháp", "Lê Thị Mai"],
    )
    layout = find_header(rows, is_known, merged=[(1, 0, 2, 0)])
    assert layout.data_rows == [(2, ["Nhật Bản", "Nguyễn Văn Hùng"]), (3, ["Nhật Bản", "Đặng Thị Thu Hà"]),
                                (4, ["Pháp", "Lê Thị Mai"])]
    assert rows[2][0] is None


def test_empty_sheet():
    layout = find_header([], is_known)
    assert layout.headers == [] and layout.data_rows == []


def test_every_skip_reason_has_a_label():
    rows = rows_of(["DANH SÁCH"], ["STT", "Họ và tên", "Email"], ["(1)", "(2)", "(3)"], [])
    for _number, reason in find_header(rows, is_known).skipped_rows:
        assert reason in SKIP_REASONS


PEOPLE_HEADERS = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Quốc gia cư trú", "Điện thoại", "Email",
                  "Nghề nghiệp", "Quê quán", "Ghi chú"]


@pytest.mark.parametrize("name", [
    "people_xlsxwriter.xlsx", "people_libreoffice.xlsx", "people_libreoffice.xlsm", "people_libreoffice.xls",
    "people_libreoffice.ods",
])
def test_office_list_fixtures(name):
    sheet = read_sheet(FIXTURES / name, "Danh sách", Limits())
    layout = find_header(sheet.rows, is_known, merged=sheet.merged)
    assert (layout.header_row_index, layout.header_rows) == (7, 2)
    assert layout.headers == PEOPLE_HEADERS
    assert layout.groups[5:7] == ["Liên hệ", "Liên hệ"]
    assert layout.stt_column == 0
    assert [number for number, _values in layout.data_rows] == [11, 12, 13, 15, 16]
    assert layout.data_rows[3][1][1] == "Lê Thị Mai"
    skipped = dict(layout.skipped_rows)
    assert [skipped[number] for number in (1, 2, 3, 5, 7, 10, 14)] == [
        "title", "title", "blank", "title", "blank", "numbering", "blank"]
    assert {skipped[number] for number in range(18, 27)} == {"footer"}


@pytest.mark.parametrize("name", ["people_utf8.csv", "people_cp1258.csv", "people_unicode_text.txt"])
def test_csv_fixtures(name):
    sheet = read_sheet(FIXTURES / name, None, Limits())
    layout = find_header(sheet.rows, is_known, merged=sheet.merged)
    assert layout.header_row_index == 0
    assert layout.headers[1] == "Họ và tên"
    assert len(layout.data_rows) == 5
