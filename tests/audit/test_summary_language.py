"""Audit summaries are kept as their message and parameters and read in the reader's language; summaries
kept as plain text (older events, callers that write text) are shown as they were written."""
from datetime import UTC, datetime

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

from diaspora.audit import service
from diaspora.audit.models import AuditEvent
from diaspora.extensions import db
from diaspora.messages import Messages, encode, render, source_text

EXPORTED = "Xuất %(rows)d hồ sơ kiều bào ra tệp %(format)s (%(filter)s)."


def test_a_message_is_kept_as_its_msgid_and_parameters_and_its_vietnamese_text(app):
    with app.test_request_context():
        event = service.record("export", entity_type="people",
                               summary=_l(EXPORTED, rows=1990, format="XLSX", filter="Nhật Bản"))
        db.session.commit()
    stored = db.session.get(AuditEvent, event.id)
    assert stored.summary == "Xuất 1990 hồ sơ kiều bào ra tệp XLSX (Nhật Bản)."
    assert stored.summary_message == {"key": EXPORTED, "params": {"rows": 1990, "format": "XLSX",
                                                                  "filter": "Nhật Bản"}}


def test_written_in_vietnamese_read_in_english(app, client, login):
    login("admin")
    client.get("/language/vi")
    with app.test_request_context():
        service.record("login_failed", entity_type="users", summary=_l(
            "Đăng nhập thất bại (%(email)s): %(reason)s", email="an@example.org", reason=_l("sai mật khẩu")))
        service.record("export", entity_type="people",
                       summary=_l(EXPORTED, rows=1990, format="XLSX", filter="JP"))
        db.session.commit()
    vietnamese = client.get("/audit/").get_data(as_text=True)
    assert "Đăng nhập thất bại (an@example.org): sai mật khẩu" in vietnamese
    assert "Xuất 1.990 hồ sơ kiều bào" in vietnamese

    client.get("/language/en")
    english = client.get("/audit/").get_data(as_text=True)
    assert "Failed sign-in (an@example.org): wrong password" in english
    assert "1,990" in english and "Xuất" not in english


def test_old_plain_text_summaries_still_display(app, client, login):
    login("admin")
    db.session.add(AuditEvent(action="export", at=datetime(2025, 6, 1, tzinfo=UTC), entity_type="people",
                              summary="Xuất 26 hồ sơ kiều bào ra tệp XLSX (tất cả)."))
    db.session.commit()
    client.get("/language/en")
    assert "Xuất 26 hồ sơ kiều bào ra tệp XLSX (tất cả)." in client.get("/audit/").get_data(as_text=True)
    with app.test_request_context():
        service.record("update", entity_type="people", entity_id=3, summary="Ghi chú viết tay")
        db.session.commit()
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.entity_id == 3))
    assert (event.summary, event.summary_message, event.summary_text) == ("Ghi chú viết tay", None,
                                                                          "Ghi chú viết tay")


def test_bulk_events_keep_their_message(app):
    summary = _l("Nhập từ tệp %(file)s, lượt nhập #%(batch)d", file="danh-sach.xlsx", batch=1234)
    rows = [{"at": datetime(2025, 6, 1, tzinfo=UTC), "user_id": None, "action": "import", "entity_type": "people",
             "entity_id": number, "summary": summary, "changes": None, "address": None} for number in (1, 2)]
    service.insert_events(db.session.connection(), rows)
    db.session.commit()
    events = db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [event.summary for event in events] == ["Nhập từ tệp danh-sach.xlsx, lượt nhập #1234"] * 2
    assert events[0].summary_message["params"] == {"file": "danh-sach.xlsx", "batch": 1234}
    with app.test_request_context(), force_locale("en"):
        # An id is not a count: no separator, so the history's link to the batch still finds it.
        assert events[0].summary_text.endswith("#1234")


def test_numbers_plurals_and_nested_messages_render_in_the_readers_language(app):
    message = encode(_l("Đăng nhập thất bại (%(email)s): %(reason)s", email="a@b.c", reason=_l("sai mật khẩu")))
    plural = encode(lazy_ngettext("%(num)d trường thay đổi", "%(num)d trường thay đổi", 1990))
    with app.test_request_context():
        with force_locale("en"):
            assert render(message) == "Failed sign-in (a@b.c): wrong password"
            assert render(plural).startswith("1,990")
        with force_locale("vi"):
            assert render(message) == "Đăng nhập thất bại (a@b.c): sai mật khẩu"
            assert render(plural) == "1.990 trường thay đổi"
    assert source_text(_l("Tạo tài khoản")) == "Tạo tài khoản"
    assert render("văn bản cũ") == "văn bản cũ" and render(None) == ""
    notes = Messages(_l("sai mật khẩu"), "ghi chú", None, _l("Tạo tài khoản"))
    assert encode(notes) == [{"key": "sai mật khẩu", "params": {}}, "ghi chú", {"key": "Tạo tài khoản", "params": {}}]
    with app.test_request_context(), force_locale("en"):
        assert render(encode(notes)) == "wrong password ghi chú Create account"


def test_a_catalogue_entry_naming_other_parameters_shows_its_text(app):
    with app.test_request_context():
        assert render({"key": "Tạo tài khoản %(x)s", "params": {}}) == "Tạo tài khoản %(x)s"
        assert render({"key": "Có %(n)d", "params": {"m": 1}}) == "Có %(n)d"
