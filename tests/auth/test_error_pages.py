"""Error pages keep the application's look; the 500 page survives a broken transaction."""
from sqlalchemy import text

from diaspora.extensions import db
from tests.conftest import make_user, sign_in_client


def test_404_page_has_the_app_layout(client):
    make_user("viewer")
    response = client.get("/khong-co-trang-nay")
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "navbar" in page and "Kiều bào Hải Phòng" in page
    assert "Không tìm thấy trang" in page


def test_403_page_has_the_app_layout(client, login):
    login("viewer")
    response = client.get("/users")
    assert response.status_code == 403
    assert "Bạn không có quyền" in response.get_data(as_text=True)


def test_429_on_login_explains_in_vietnamese(app, client):
    app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"] = 1
    user = make_user("viewer")
    client.post("/login", data={"email": user.email, "password": "sai-mật-khẩu-rồi"})
    response = client.post("/login", data={"email": user.email, "password": "sai-mật-khẩu-rồi"})
    assert response.status_code == 429
    assert "Vui lòng thử lại sau 15 phút" in response.get_data(as_text=True)


def test_500_page_renders_after_a_failed_database_statement(app, login):
    def broken():
        db.session.execute(text("SELECT * FROM no_such_table"))

    app.add_url_rule("/broken", "broken", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    client = app.test_client()
    user = make_user("editor")
    sign_in_client(client, user)

    response = client.get("/broken")

    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Đã xảy ra lỗi hệ thống" in page and "Kiều bào Hải Phòng" in page
    assert db.session.execute(text("SELECT 1")).scalar() == 1
