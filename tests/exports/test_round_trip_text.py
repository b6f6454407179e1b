"""Round trips of texts the import must read back as stored."""

from sqlalchemy import select

from diaspora.extensions import db
from tests.exports.helpers import export_to, run_import
from tests.exports.test_round_trip import person
from tests.people.factories import make_person


def test_line_breaks_of_notes_come_back_unchanged(seeded, runner, tmp_path):
    made = make_person(full_name="Đặng Văn Hải", notes="Dòng một\nDòng hai", expertise="Tim mạch\n\nNhi khoa")
    path = tmp_path / "kieu-bao.xlsx"
    export_to(path)
    outcome = run_import(runner, path)
    assert (outcome["unchanged"], outcome["errors"]) == (1, [])
    stored = person(made.id)
    assert (stored.version, stored.notes, stored.expertise) == (made.version, "Dòng một\nDòng hai",
                                                                 "Tim mạch\n\nNhi khoa")
def test_a_hometown_known_only_by_its_unit_comes_back_unchanged(seeded, runner, tmp_path):
    from diaspora.reference.models import Unit

    unit_code = db.session.scalar(select(Unit.code).order_by(Unit.code))
    made = make_person(full_name="Đặng Văn Hải", hometown_unit_code=unit_code)
    path = tmp_path / "kieu-bao.xlsx"
    export_to(path)
    outcome = run_import(runner, path)
    assert (outcome["unchanged"], outcome["errors"]) == (1, [])
    stored = person(made.id)
    assert (stored.version, stored.hometown_text, stored.hometown_unit_code) == (made.version, None, unit_code)
