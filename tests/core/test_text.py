from diaspora.text import clean_text, fold, fold_key, fold_words


def test_clean_text_makes_nfc_and_trims():
    nfd = "Nguye\u0302\u0303n  Va\u0306n   Hu\u0300ng "
    assert clean_text(nfd) == "Nguyễn Văn Hùng"
    assert clean_text("   ") is None


def test_fold_removes_diacritics_and_d_stroke():
    assert fold("Nguyễn Văn Hùng") == "nguyen van hung"
    assert fold("ĐẶNG Thị Đào") == "dang thi dao"
    assert fold_words("Hội người Việt tại Nhật-Bản") == ["hoi", "nguoi", "viet", "tai", "nhat", "ban"]
    assert fold_key("Số điện thoại (SĐT)") == "sodienthoaisdt"
