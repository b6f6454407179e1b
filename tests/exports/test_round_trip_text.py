"""Round trips of texts the import must read back as stored."""

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
