"""Take the README's screenshots (docs/screenshots/): the dashboard, the people list and a person's page,
in Debian's Chromium at desktop width, on 2,000 demo people in a throw-away SQLite database.

    .venv/bin/python scripts/readme_screenshots.py [--people 2000] [--out docs/screenshots]
"""
import argparse
import os
import shutil
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402
from sqlalchemy import func, select  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from diaspora import create_app  # noqa: E402
from diaspora.auth.models import User  # noqa: E402
from diaspora.config import TestConfig  # noqa: E402
from diaspora.contacts import Contact  # noqa: E402
from diaspora.extensions import db  # noqa: E402
from diaspora.organisations.models import Membership  # noqa: E402
from diaspora.outreach.demo import create_demo_outreach  # noqa: E402
from diaspora.outreach.models import ActivityParticipant  # noqa: E402
from diaspora.people.demo import analyze, create_demo_data  # noqa: E402
from diaspora.people.models import Person  # noqa: E402
from diaspora.reference.seed import seed_reference_data  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
VIEWPORT = {"width": 1440, "height": 900}
EMAIL, PASSWORD = "can.bo@songoaivu.example", "mật-khẩu-trình-diễn"


def _rich_person() -> int:
    """A demo person with contacts, an association and activities: the page shows every panel."""
    contacts = select(Contact.person_id, func.count().label("n")).group_by(Contact.person_id).subquery()
    activities = select(ActivityParticipant.person_id, func.count().label("n")) \
        .where(ActivityParticipant.person_id.is_not(None)).group_by(ActivityParticipant.person_id).subquery()
    return db.session.scalar(
        select(Person.id).join(contacts, contacts.c.person_id == Person.id)
        .join(activities, activities.c.person_id == Person.id)
        .where(Person.id.in_(select(Membership.person_id)), Person.deleted_at.is_(None),
               Person.person_type == "overseas_vietnamese", Person.academic_title.is_not(None))
        .order_by((contacts.c.n + activities.c.n).desc(), Person.id).limit(1)
    ) or db.session.scalar(select(Person.id).where(Person.deleted_at.is_(None)).order_by(Person.id).limit(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    options = parser.parse_args()
    out = Path(options.out)
    out.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="diaspora-screens-"))

    class ScreenshotConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{folder / 'demo.db'}"
        IMPORT_UPLOADS_DIR = str(folder / "uploads")
        EXPORTS_DIR = str(folder / "exports")
        REPORTS_DIR = str(folder / "reports")
        WTF_CSRF_ENABLED = True

    app = create_app(ScreenshotConfig)
    with app.app_context():
        db.create_all()
        seed_reference_data()
        create_demo_data(options.people, seed=1)
        create_demo_outreach(options.people, seed=1)
        analyze()
        db.session.add(User(email=EMAIL, name="Nguyễn Thu Hà", role="editor", active=True,
                            password_hash=generate_password_hash(PASSWORD)))
        db.session.commit()
        person_id = _rich_person()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_context(base_url=base, locale="vi-VN", viewport=VIEWPORT).new_page()
            page.goto("/login")
            page.fill("input[name=email]", EMAIL)
            page.fill("input[name=password]", PASSWORD)
            page.locator("form button[type=submit]").click()
            page.wait_for_load_state("networkidle")
            for name, url in (("dashboard", "/"), ("people-list", "/people/"), ("person", f"/people/{person_id}")):
                page.goto(url)
                page.wait_for_load_state("networkidle")
                page.wait_for_timeout(800)  # the dashboard's charts finish their animation
                page.screenshot(path=str(out / f"{name}.png"))
                print(out / f"{name}.png")
            browser.close()
    finally:
        server.shutdown()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
