"""The load benchmark: its form posting and its lost-update check, and a short run under gunicorn on PostgreSQL."""
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url
from werkzeug.datastructures import MultiDict

from bench.load import KINDS, check_saves, read_form
from diaspora.extensions import db
from diaspora.people import service
from diaspora.reference.models import CommunityRole, Field
from tests.people.factories import make_person

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
ROOT = Path(__file__).resolve().parents[2]


def _person_with_everything(by):
    fields = list(db.session.scalars(select(Field.id).order_by(Field.id).limit(2)))
    roles = list(db.session.scalars(select(CommunityRole.id).order_by(CommunityRole.id).limit(1)))
    return make_person(
        by=by, other_names="Hung Van Nguyen", gender="male", birth_date=date(1975, 3, 2), city="Tokyo",
        occupation="Bác sĩ", fields=fields, roles=roles, offers=["investment"], consent_status="given",
        notes="Dòng đầu\nDòng hai <b>không phải thẻ</b>",
        contacts=[{"kind": "phone", "value": "090-1234-5678", "is_primary": True},
                  {"kind": "email", "value": "hung@example.org"}],
    )


def test_the_edit_form_posted_back_as_a_browser_would_changes_only_the_notes(client, login, seeded):
    editor = login("editor")
    person = _person_with_everything(editor)
    before = service.person_values(person)
    path = f"/people/{person.id}/edit"

    action, fields = read_form(client.get(path).get_data(as_text=True), path)
    assert action == path
    assert ("version", "1") in fields and ("gender", "male") in fields and ("country_code", "JP") in fields
    assert sum(name == "fields" for name, _ in fields) == 2  # the checked boxes only
    notes = dict(fields)["notes"]
    assert notes.replace("\r\n", "\n") == "Dòng đầu\nDòng hai <b>không phải thẻ</b>"
    marked = [(name, f"{value}\n[load marker]" if name == "notes" else value) for name, value in fields]
    response = client.post(action, data=MultiDict(marked))

    assert response.status_code == 302 and response.headers["Location"].endswith(f"/people/{person.id}")
    db.session.expire_all()
    after = service.person_values(person)
    assert after.pop("notes").endswith("[load marker]")
    before.pop("notes")
    assert after == before
    assert person.version == 2


def test_check_saves_counts_saves_missing_from_the_record(seeded):
    person = make_person()
    versions = {person.id: person.version}

    missing = check_saves({person.id: ["[load a #1]"]}, {}, versions)
    assert missing == {"saves": 1, "lost_updates": 1, "version_mismatches": 1, "refused_saves_written": 0}

    service.update_person(person, {"notes": "[load a #1]"}, expected_version=person.version)
    kept = check_saves({person.id: ["[load a #1]"]}, {}, versions)
    assert kept == {"saves": 1, "lost_updates": 0, "version_mismatches": 0, "refused_saves_written": 0}

    refused_but_written = check_saves({}, {person.id: ["[load a #1]"]}, versions)
    assert refused_but_written["refused_saves_written"] == 1 and refused_but_written["version_mismatches"] == 1


@pytest.mark.skipif(not TEST_DATABASE_URL.startswith("postgresql"),
                    reason="the load benchmark runs gunicorn on PostgreSQL (set TEST_DATABASE_URL)")
def test_a_short_load_run_under_gunicorn_loses_no_update():
    target = make_url(TEST_DATABASE_URL)
    database_url = target.set(database=f"{target.database}_bench_load").render_as_string(hide_password=False)
    result = subprocess.run([sys.executable, "-m", "bench.load", "--smoke", "--json", "--database-url", database_url],
                            cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr[-3000:] + result.stdout[-3000:]
    figures = json.loads(result.stdout.strip().splitlines()[-1])

    assert (figures["users"], figures["editors"], figures["viewers"]) == (2, 1, 1)
    assert figures["people"] >= 200
    assert set(figures["pages"]) == set(KINDS)
    for kind in KINDS:  # each user does every thing of its role once, however busy the machine
        page = figures["pages"][kind]
        assert page["requests"] > 0 and page["errors"] == 0, kind
        assert page["p50"] <= page["p95"] <= page["p99"]
    assert figures["requests"] == sum(page["requests"] for page in figures["pages"].values())
    assert figures["errors"] == 0 and figures["error_samples"] == []
    assert figures["requests_per_second"] > 0
    assert figures["saves"] + figures["conflicts"] == figures["pages"]["save"]["requests"]
    assert figures["saves"] > 0
    assert figures["lost_updates"] == 0 and figures["version_mismatches"] == 0
    assert figures["refused_saves_written"] == 0
