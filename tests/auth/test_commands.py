"""`flask users create` and `flask users list`."""
from sqlalchemy import select
from werkzeug.security import check_password_hash

from diaspora.audit.models import AuditEvent
from diaspora.auth.models import User
from diaspora.extensions import db
from tests.conftest import make_user


def create(runner, *args, password="mật khẩu dòng lệnh"):
    return runner.invoke(args=["users", "create", *args], input=f"{password}\nbỏ qua dòng thứ hai\n")


def test_create_reads_the_password_from_stdin(runner):
    result = create(runner, "Admin@Example.org", "--role", "admin", "--name", "Nguyễn Quản Trị")

    assert result.exit_code == 0, result.output
    assert "Đã tạo tài khoản admin@example.org" in result.output
    user = db.session.scalar(select(User).where(User.email == "admin@example.org"))
    assert (user.name, user.role, user.active) == ("Nguyễn Quản Trị", "admin", True)
    assert check_password_hash(user.password_hash, "mật khẩu dòng lệnh")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "create"))
    assert (event.entity_type, event.entity_id, event.user_id) == ("users", user.id, None)


def test_create_names_the_user_after_the_email_by_default(runner):
    assert create(runner, "lan.nguyen@example.org", "--role", "viewer").exit_code == 0
    assert db.session.scalar(select(User.name)) == "lan.nguyen"


def test_create_refuses_a_duplicate_email(runner):
    make_user("editor")
    result = create(runner, "EDITOR@example.org", "--role", "viewer")
    assert result.exit_code != 0
    assert "Đã có tài khoản dùng email này." in result.output
    assert len(db.session.scalars(select(User)).all()) == 1


def test_create_refuses_a_bad_role(runner):
    result = create(runner, "x@example.org", "--role", "superuser")
    assert result.exit_code != 0
    assert "Vai trò không hợp lệ" in result.output
    assert db.session.scalars(select(User)).all() == []


def test_create_refuses_a_missing_role(runner):
    result = create(runner, "x@example.org")
    assert result.exit_code != 0
    assert "--role" in result.output


def test_create_refuses_a_short_password(runner):
    result = create(runner, "x@example.org", "--role", "editor", password="ngắn")
    assert result.exit_code != 0
    assert "Mật khẩu phải có ít nhất 10 ký tự." in result.output
    assert db.session.scalars(select(User)).all() == []


def test_create_refuses_an_invalid_email(runner):
    result = create(runner, "không phải email", "--role", "editor")
    assert result.exit_code != 0
    assert "Địa chỉ email không hợp lệ." in result.output


def test_list_shows_accounts(runner):
    make_user("admin")
    locked = make_user("viewer")
    locked.active = False
    db.session.commit()
    result = runner.invoke(args=["users", "list"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert "admin@example.org\tadmin\thoạt động\t—\tCán bộ admin" in lines
    assert "viewer@example.org\tviewer\tđã khóa\t—\tCán bộ viewer" in lines
