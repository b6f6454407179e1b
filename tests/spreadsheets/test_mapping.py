"""Mapping headers to declared columns: exact, aliases, two-row headers, prefixes, saved and user choices."""
from diaspora.people.columns import PEOPLE
from diaspora.spreadsheets.mapping import apply_choices, auto_map, match_header


def keys(mapping):
    return [column.key for column in mapping.columns]


def test_headers_map_ignoring_case_diacritics_punctuation_and_spacing():
    mapping = auto_map(["STT", "HỌ  VÀ TÊN", "ngay sinh", "Quốc gia:", "Biển số xe", "Ghi chú khác"], PEOPLE, stt_column=0)
    assert keys(mapping) == [None, "full_name", "birth_date", "country", None, "notes"]
    assert mapping.columns[0].how == "stt"
    assert [column.header for column in mapping.unmapped] == ["Biển số xe"]


def test_bracketed_notes_and_two_row_headers():
    assert match_header("Ngày sinh (dd/mm/yyyy)", PEOPLE) == ("birth_date", "exact")
    assert match_header("Liên hệ / Điện thoại", PEOPLE) == ("phones", "exact")
    assert match_header("Liên hệ\nEmail", PEOPLE) == ("emails", "exact")
    assert match_header("Bang/Tỉnh", PEOPLE) == ("city", "exact")


def test_prefix_of_a_long_header_maps_but_short_ones_do_not_swallow_others():
    assert match_header("Số điện thoại di động cá nhân", PEOPLE) == ("phones", "prefix")
    assert match_header("Tên tổ chức", PEOPLE) == (None, "none")
    assert match_header("Hội viên từ năm", PEOPLE) == (None, "none")


def test_several_columns_may_feed_one_but_a_prefix_never_competes_with_an_exact_header():
    mapping = auto_map(["Họ và tên", "Họ tên vợ/chồng", "Ngày sinh", "Năm sinh", "Điện thoại", "Di động"], PEOPLE)
    assert keys(mapping) == ["full_name", None, "birth_date", "birth_date", "phones", "phones"]


def test_missing_required_columns_unless_a_default_is_given():
    mapping = auto_map(["Họ và tên", "Thành phố"], PEOPLE)
    assert [column.key for column in mapping.missing(PEOPLE)] == ["country"]
    assert mapping.missing(PEOPLE, {"country": "Nhật Bản"}) == []


def test_user_choices_override_and_ignore():
    mapping = auto_map(["Tên", "Tên khác", "Nơi ở"], PEOPLE)
    chosen = apply_choices(mapping, {1: "", 2: "city", 0: "no-such-column"}, PEOPLE)
    assert keys(chosen) == [None, None, "city"]
    assert [column.how for column in chosen.columns] == ["user", "user", "user"]


def test_saved_mapping_applies_by_header_text_not_position():
    saved = auto_map(["Tên", "Nơi ở", "Nước"], PEOPLE)
    saved = apply_choices(saved, {1: "address"}, PEOPLE).saved_entries()
    mapping = auto_map(["Nước", "Nơi ở", "Tên", "Ghi chú"], PEOPLE, saved=saved)
    assert keys(mapping) == ["country", "address", "full_name", "notes"]
    assert [column.how for column in mapping.columns] == ["saved", "saved", "saved", "exact"]
    assert mapping.to_json()[1] == {"index": 1, "header": "Nơi ở", "key": "address", "how": "saved"}


def test_an_address_column_stands_for_the_country_it_may_end_with():
    # "Nơi ở hiện nay: Tokyo, Nhật Bản": the rows are read, a row whose address names no country is refused.
    mapping = auto_map(["Họ và tên", "Nơi ở hiện nay"], PEOPLE)
    assert mapping.missing(PEOPLE) == []
