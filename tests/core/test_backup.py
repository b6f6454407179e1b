import sqlite3

from diaspora.extensions import db
from diaspora.people.models import Person


def test_backup_copies_the_database(app, runner, tmp_path):
    db.session.add(Person(full_name="Lê Thị Hoa", name_folded="le thi hoa", search_text="le thi hoa"))
    db.session.commit()
    out = tmp_path / "backup.db"
    result = runner.invoke(args=["backup", str(out)])
    assert result.exit_code == 0, result.output
    if db.engine.dialect.name == "sqlite":
        with sqlite3.connect(out) as copy:
            assert copy.execute("SELECT full_name FROM people").fetchall() == [("Lê Thị Hoa",)]
    else:
        # pg_dump's custom format starts with this signature and carries the table data.
        assert out.read_bytes().startswith(b"PGDMP")
