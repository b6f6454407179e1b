"""What the tests of the data subject's rights share: a person imported from a real workbook, and looking for
their values everywhere (every table, the raw database, pg_dump, the files the app keeps)."""
import io
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import make_url

from diaspora.extensions import db
from diaspora.people.models import Person
from tests.spreadsheets.sheets import write_workbook

NAME = "Phạm Thị Quỳnh Trang"
PHONE = "+81 90 5555 1234"
PHONE_NORMALIZED = "+819055551234"
EMAIL = "quynh.trang@example.jp"
SECRETS = (NAME, PHONE, PHONE_NORMALIZED, EMAIL)
OTHER = "Lê Văn Bình"  # imported with the same file, never erased: the searches below do find what is there
HEADERS = ["STT", "Họ và tên", "Năm sinh", "Nước cư trú", "Điện thoại", "Email"]
ROWS = [
    [1, NAME, 1981, "Nhật Bản", PHONE, EMAIL],
    [2, OTHER, 1975, "Nhật Bản", "+81 90 7777 8888", "binh.le@example.jp"],
    [3, "Trần Văn Lỗi", 1970, "Nhật Bản", None, "loi@"],
]


def workbook(folder: Path) -> Path:
    return write_workbook(folder / "danh-sach-tokyo.xlsx", HEADERS, ROWS)


def import_through_wizard(client, path: Path) -> int:
    """Upload, map, preview and commit the workbook as the signed-in user; the batch id."""
    response = client.post("/imports/new", data={"file": (io.BytesIO(path.read_bytes()), path.name)},
                           content_type="multipart/form-data")
    batch_id = int(re.search(r"/imports/(\d+)/", response.headers["Location"]).group(1))
    mapping = {"column_1": "full_name", "column_2": "birth_date", "column_3": "country", "column_4": "phones",
               "column_5": "emails", "default_country": "", "save_as": ""}
    assert client.post(f"/imports/{batch_id}/mapping", data=mapping).status_code == 302
    assert client.get(f"/imports/{batch_id}/preview").status_code == 200
    assert client.post(f"/imports/{batch_id}/commit").status_code == 302
    return batch_id


def person_named(name: str) -> Person:
    db.session.expire_all()
    return db.session.scalar(select(Person).where(Person.full_name == name))


def table_dump() -> str:
    """Every row of every table of the application, as text (JSON values as their Python form)."""
    db.session.expire_all()
    parts = []
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            parts.append(f"{table.name}: {connection.execute(select(table)).all()!r}")
    return "\n".join(parts)


def raw_database() -> bytes:
    """The database as stored: the SQLite file and its write-ahead log, or pg_dump's plain text."""
    url = db.engine.url
    if url.get_backend_name() == "sqlite":
        path = Path(url.database)
        return b"".join(file.read_bytes() for file in (path, Path(f"{path}-wal")) if file.exists())
    if shutil.which("pg_dump") is None:
        return b""
    plain = make_url(str(url.set(drivername="postgresql").render_as_string(hide_password=False)))
    environment = {**os.environ, "PGPASSWORD": plain.password or ""}
    command = ["pg_dump", "--data-only", "-h", plain.host or "127.0.0.1", "-p", str(plain.port or 5432),
               "-U", plain.username or "postgres", plain.database]
    return subprocess.run(command, check=True, capture_output=True, env=environment, timeout=120).stdout


def file_contents(folder: Path):
    """(path, bytes) of every file under the folder; the members of a zip file (.xlsx) too, uncompressed."""
    for path in sorted(Path(folder).rglob("*")) if Path(folder).exists() else ():
        if not path.is_file():
            continue
        data = path.read_bytes()
        yield path, data
        if zipfile.is_zipfile(io.BytesIO(data)):
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                for member in archive.namelist():
                    yield path / member, archive.read(member)


def found(secrets, text: str | bytes) -> list[str]:
    """The secrets present in a text or in bytes (UTF-8)."""
    if isinstance(text, bytes):
        return [secret for secret in secrets if secret.encode() in text]
    return [secret for secret in secrets if secret in text]
