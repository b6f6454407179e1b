"""One rule for every page and file of a batch: its user or an admin; other editors and viewers never.
Each download of an error workbook is on record."""
import pytest
from sqlalchemy import select

from diaspora.audit.models import AuditEvent
from diaspora.auth.models import User
from diaspora.batches.models import ImportBatch
from diaspora.extensions import db
from diaspora.imports.running import import_file
from tests.conftest import make_user, sign_in_client
from tests.spreadsheets.sheets import write_workbook

HEADERS = ["Họ và tên", "Quốc gia", "Email"]
ROWS = [["Nguyễn Văn An", "Nhật Bản", "an@example.jp"], ["Trần Thị Bình", "Nhật Bản", "binh@"]]
ROUTES = [
    ("get", "/imports/{id}"),
    ("get", "/imports/{id}/progress"),
    ("get", "/imports/{id}/errors.xlsx"),
    ("post", "/imports/{id}/undo"),
]
# Who may reach each route: the owner (an editor), another editor, an admin, a viewer. Undoing is for admins.
ALLOWED = {
    "owner": {"/imports/{id}", "/imports/{id}/progress", "/imports/{id}/errors.xlsx"},
    "other editor": set(),
    "admin": {"/imports/{id}", "/imports/{id}/progress", "/imports/{id}/errors.xlsx", "/imports/{id}/undo"},
    "viewer": set(),
}


@pytest.fixture
def batch(seeded, tmp_path):
    owner = make_user("editor", email="owner@example.org")
    path = write_workbook(tmp_path / "danh-sach.xlsx", HEADERS, ROWS)
    import_file(path, user=owner)
    return db.session.scalar(select(ImportBatch))


def sign_in(client, login, who, batch):
    if who == "owner":
        sign_in_client(client, db.session.get(User, batch.user_id))
        return
    login({"other editor": "editor", "admin": "admin", "viewer": "viewer"}[who])


@pytest.mark.parametrize("who", list(ALLOWED))
@pytest.mark.parametrize("method,route", ROUTES)
def test_a_batch_is_its_users_and_the_admins(batch, client, login, who, method, route):
    sign_in(client, login, who, batch)
    response = getattr(client, method)(route.format(id=batch.id))
    if route in ALLOWED[who]:
        assert response.status_code in (200, 302)
    else:
        assert response.status_code == 403
    downloads = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "download")).all()
    if route.endswith("errors.xlsx") and route in ALLOWED[who]:
        [event] = downloads
        assert (event.entity_type, event.entity_id) == ("import_batches", batch.id)
        assert "danh-sach - dong loi.xlsx" in event.summary
        assert event.user_id is not None
    else:
        assert downloads == []


def test_the_history_lists_only_the_batches_a_user_may_open(app, client, login):
    own = login("editor", email="own@example.org")
    mine = ImportBatch(file_sha256="a" * 64, file_name="cua-toi.xlsx", status="committed", user_id=own.id)
    theirs = ImportBatch(file_sha256="b" * 64, file_name="cua-nguoi-khac.xlsx", status="committed")
    db.session.add_all([mine, theirs])
    db.session.commit()
    page = client.get("/imports/").text
    assert "cua-toi.xlsx" in page and "cua-nguoi-khac.xlsx" not in page
    login("admin")
    page = client.get("/imports/").text
    assert "cua-toi.xlsx" in page and "cua-nguoi-khac.xlsx" in page
