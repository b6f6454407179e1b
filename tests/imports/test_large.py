"""A large import: search index filled in bulk, then undone completely."""
from sqlalchemy import func, select, text

from diaspora.extensions import db
from diaspora.imports.preparing import build_changes, prepare_layout
from diaspora.imports.running import commit_changes
from diaspora.imports.undo import undo_batch
from diaspora.imports.wizard import create_batch
from diaspora.people.search_index import BULK_INDEX_ROWS
from diaspora.batches.models import ImportRow
from diaspora.people.models import Person
from diaspora.contacts import Contact
from diaspora.people.search import PeopleQuery, search_people
from tests.spreadsheets.sheets import layout

GIVEN = ("Hùng", "Dũng", "Lan", "Hoa", "Minh", "Nam", "Thảo", "Quân")


def rows(count):
    return [[f"Nguyễn {GIVEN[n % 8]} Số{n}", "Nhật Bản", f"090-{1000 + n:04d}-{n:04d}", f"nguoi{n}@example.jp"]
            for n in range(count)]


def test_large_import_is_searchable_and_undone_completely(seeded):
    preparation = prepare_layout(layout(["Họ và tên", "Quốc gia", "Điện thoại", "Email"],
                                                rows(BULK_INDEX_ROWS + 500)))
    changes = build_changes(preparation)
    batch = create_batch(sha="0" * 64, size=1, file_name="lon.xlsx", status="running")
    batch = commit_changes(changes, batch.id)
    assert batch.created == BULK_INDEX_ROWS + 500
    assert search_people(PeopleQuery(q="so1234")).total == 1
    assert search_people(PeopleQuery(q="nguoi1499")).total == 1
    if db.engine.dialect.name == "sqlite":
        assert db.session.scalar(text("SELECT count(*) FROM sqlite_master WHERE name = 'people_fts_insert'")) == 1
    undo_batch(batch.id)
    assert db.session.scalar(select(func.count()).select_from(Person)) == 0
    assert db.session.scalar(select(func.count()).select_from(Contact)) == 0
    assert search_people(PeopleQuery(q="so1234")).total == 0
    assert db.session.scalar(select(func.count()).select_from(ImportRow)) == batch.created
