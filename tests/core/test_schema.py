from sqlalchemy import text

from diaspora.extensions import db
from diaspora.people.models import Person


def test_person_search_index_follows_inserts_updates_and_deletes(app):
    person = Person(full_name="Nguyễn Văn Hùng", name_folded="nguyen van hung", search_text="nguyen van hung")
    db.session.add(person)
    db.session.commit()
    assert person.version == 1

    def found(word):
        if db.engine.dialect.name == "sqlite":
            sql = "SELECT rowid FROM people_fts WHERE people_fts MATCH :q"
            return db.session.execute(text(sql), {"q": f'"{word}"*'}).scalars().all()
        sql = "SELECT id FROM people WHERE to_tsvector('simple', search_text) @@ to_tsquery('simple', :q)"
        return db.session.execute(text(sql), {"q": f"{word}:*"}).scalars().all()

    assert found("hun") == [person.id]
    person.search_text = "tran thi mai"
    db.session.commit()
    assert person.version == 2
    assert found("hung") == []
    assert found("mai") == [person.id]
    db.session.delete(person)
    db.session.commit()
    assert found("mai") == []
