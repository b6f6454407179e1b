"""Bad input in forms: every form found on any page of the app, each of its text fields and selects posted
with a NUL (or another control character) in it, is refused with a message on the field, no server error,
nothing stored; huge numbers and long values in any field give no server error either. Multi-line texts
keep their tabs and line breaks."""
import io
from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select

from diaspora.extensions import db
from diaspora.forms import CONTROL_CHARACTERS_MESSAGE, RefusesControlCharacters
from diaspora.people.models import Person
from tests.core.routes import get_routes, urls_of
from tests.spreadsheets.sheets import write_workbook

MESSAGE = str(CONTROL_CHARACTERS_MESSAGE)
TEXT_INPUTS = {"text", "email", "search", "password", "hidden", "tel", "url", "number", "date"}
# Tables a refused form leaves as they were (audit and sign-in bookkeeping may record the attempt).
BOOKKEEPING = {"audit_events", "audit_event_people", "login_failures"}
# Values that make the app's creation forms valid, so that only the control character stops them.
VALID = {
    "/people/new": {"full_name": "Trần Thị Mai", "country_code": "JP"},
    "/organisations/new": {"name": "Hội doanh nhân Việt Nam tại Hàn Quốc"},
    "/outreach/channels/new": {"name": "Siêu thị Hà Nội", "country": "JP"},
    "/outreach/activities/new": {"title": "Gặp mặt đầu xuân", "start_date": "20/01/2026"},
    "/outreach/products/new": {"name": "Nước mắm Cát Hải"},
    "/reference/fields/new": {"key": "hang_hai", "name_vi": "Hàng hải"},
    "/reference/synonyms": {"item": "fields:health", "words": "chữa bệnh"},
    "/users/new": {"name": "Cán bộ mới", "email": "moi@example.org", "password": "mật-khẩu-đủ-dài-2",
                   "confirm": "mật-khẩu-đủ-dài-2", "role": "viewer"},
}


class _Forms(HTMLParser):
    """The forms of a page: [(action, {field: (type, value)})], outside <template> elements; the action of a GET
    form is None."""

    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url, self.forms, self._in_template, self._textarea, self._select = page_url, [], 0, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "template":
            self._in_template += 1
        if self._in_template:
            return
        if tag == "form":
            # A GET form (a search, a filter, a choice of record) is not posted: its fields are nobody's.
            post = (attrs.get("method") or "get").lower() == "post"
            self.forms.append((attrs.get("action") or self.page_url if post else None, {}))
        if not self.forms:
            return
        fields = self.forms[-1][1]
        if tag == "option" and self._select:
            kind, value = fields[self._select]
            if value is None or "selected" in attrs:
                fields[self._select] = (kind, attrs.get("value", ""))
        if not attrs.get("name"):
            return
        if tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind in TEXT_INPUTS or ("checked" in attrs and kind in ("radio", "checkbox")):
                fields.setdefault(attrs["name"], (kind, attrs.get("value") or ""))
        elif tag == "textarea":
            self._textarea = attrs["name"]
            fields[attrs["name"]] = ("textarea", "")
        elif tag == "select":
            self._select = attrs["name"]
            fields[attrs["name"]] = ("select", None)

    def handle_endtag(self, tag):
        if tag == "template":
            self._in_template -= 1
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea and self.forms:
            self.forms[-1][1][self._textarea] = ("textarea", self.forms[-1][1][self._textarea][1] + data)


def _every_form(app, client, ids) -> dict:
    """{form action: {field: (type, value as the page shows it)}} over every page an admin opens."""
    forms = {}
    for rule in get_routes(app):
        url = urls_of(rule, ids)[0]
        response = client.get(url)
        response.close()
        if response.status_code != 200 or not response.mimetype == "text/html":
            continue
        parser = _Forms(url)
        parser.feed(response.text)
        for action, fields in parser.forms:
            if action is not None and action != "/logout":
                forms.setdefault(action.split("?")[0], fields)
    return forms


def _snapshot() -> dict:
    """Rows of every table but the bookkeeping ones, and the versions of versioned records."""
    state = {}
    for table in db.metadata.sorted_tables:
        if table.name not in BOOKKEEPING:
            columns = [func.count()] + ([func.coalesce(func.sum(table.c.version), 0)] if "version" in table.c else [])
            state[table.name] = tuple(db.session.execute(select(*columns).select_from(table)).one())
    db.session.rollback()
    return state


def _draft_import(client, folder) -> int:
    """Upload a list through the wizard; the id of its draft."""
    path = write_workbook(folder / "list.xlsx", ["Họ và tên", "Quốc gia"], [["Trần Văn An", "Nhật Bản"]])
    response = client.post("/imports/new", data={"kind": "people", "file": (io.BytesIO(path.read_bytes()), "list.xlsx")})
    assert response.status_code == 302, response.text[:2000]
    return int(response.location.split("/imports/")[1].split("/")[0])


def test_every_form_refuses_control_characters_in_every_field(app, client, login, records, tmp_path):
    login("admin")
    draft = _draft_import(client, tmp_path)  # the wizard's pages are a draft's
    forms = _every_form(app, client, {**records, "batch_id": draft})
    assert {"/people/new", "/organisations/new", "/outreach/channels/new", "/outreach/activities/new",
            "/outreach/products/new", "/reference/fields/new", "/users/new", "/account/password",
            f"/people/{records['person_id']}/edit", f"/imports/{draft}/mapping"} <= set(forms)
    failures = []
    for action, fields in forms.items():
        data = {name: value for name, (kind, value) in fields.items()} | VALID.get(action, {})
        for name, (kind, _value) in fields.items():
            if name == "csrf_token" or kind in ("radio", "checkbox"):
                continue
            before = _snapshot()
            bad = "Nội dung\x00thử" if kind != "textarea" else "Dòng một\r\nDòng\x07hai"
            response = client.post(action, data={**data, name: bad}, follow_redirects=True)
            problem = None
            if response.status_code >= 500:
                problem = f"status {response.status_code}"
            elif _snapshot() != before:
                problem = "stored"
            elif kind not in ("hidden", "select") and MESSAGE not in response.text:
                problem = "no message on the field"
            if problem:
                failures.append(f"{action} {name}: {problem}")
    assert not failures, "\n".join(failures)


def test_no_form_fails_on_huge_numbers_or_long_values(app, client, login, records, tmp_path):
    """Ids, versions, dates and amounts of 10^30, 5,000 digits (more than Python turns into a number) or
    5,000 letters, in every field of every form: a message or a refusal, never a server error."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    login("admin")
    draft = _draft_import(client, tmp_path)
    failures = []
    for action, fields in _every_form(app, client, {**records, "batch_id": draft}).items():
        data = {name: value for name, (kind, value) in fields.items()} | VALID.get(action, {})
        for name, (kind, _value) in fields.items():
            if name == "csrf_token" or kind in ("radio", "checkbox"):
                continue
            for value in (str(10**30), "9" * 5000, "-1", "x" * 5000):
                response = client.post(action, data={**data, name: value})
                response.close()
                if response.status_code >= 500:
                    failures.append(f"{action} {name}={value[:12]}…: status {response.status_code}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("action", sorted(VALID))
def test_the_same_forms_without_the_control_character_are_stored(client, login, records, action):
    """The control test: the values the refused forms were posted with are valid, so the control character
    alone stopped them."""
    login("admin")
    parser = _Forms(action)
    parser.feed(client.get(action).text)
    [fields] = [fields for form_action, fields in parser.forms if form_action.split("?")[0] == action]
    before = _snapshot()
    response = client.post(action, data={name: value for name, (_kind, value) in fields.items()} | VALID[action])
    assert response.status_code == 302, response.text[:2000]
    assert _snapshot() != before


def test_multi_line_texts_keep_tabs_and_line_breaks_single_line_texts_do_not(client, login, seeded):
    login("editor")
    data = {"full_name": "Lê\tVăn Tám", "country_code": "JP", "notes": "Cột một\tcột hai\r\nDòng hai"}
    response = client.post("/people/new", data=data)
    assert response.status_code == 422 and response.text.count(MESSAGE) == 1
    response = client.post("/people/new", data={**data, "full_name": "Lê Văn Tám"})
    assert response.status_code == 302
    person = db.session.scalar(select(Person))
    assert person.notes == "Cột một cột hai\nDòng hai"  # kept, with the spacing every text gets


@pytest.mark.parametrize("character", ["\x00", "\x1b", "\x7f", "\x85", "\u2028"])
def test_the_login_form_refuses_control_characters(client, app, character):
    from tests.conftest import make_user

    make_user("editor", email="an@example.org")
    response = client.post("/login", data={"email": f"an{character}@example.org", "password": "mật-khẩu-đủ-dài-1"})
    if character == "\u2028":  # a line separator is no control character: just a wrong address
        assert MESSAGE not in response.text
    else:
        assert response.status_code in (200, 400, 422) and MESSAGE in response.text
    assert client.get("/people/").status_code == 302  # not signed in


def test_an_uploaded_file_name_with_a_control_character_is_refused(client, login, seeded, tmp_path):
    login("editor")
    path = write_workbook(tmp_path / "list.xlsx", ["Họ và tên", "Quốc gia"], [["Trần Văn An", "Nhật Bản"]])
    before = _snapshot()
    response = client.post("/imports/new", data={"kind": "people", "file": (io.BytesIO(path.read_bytes()),
                                                                              "danh\x00sách.xlsx")})
    assert response.status_code == 422 and MESSAGE in response.text
    assert _snapshot() == before


def test_every_form_class_refuses_control_characters(app):
    """A form class added later derives from the shared bases too (diaspora.forms.AppForm, PlainForm)."""
    from wtforms import Form

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = [cls for cls in subclasses(Form) if cls.__module__.startswith("diaspora.")]
    assert len(ours) > 20
    assert [cls.__qualname__ for cls in ours if not issubclass(cls, RefusesControlCharacters)] == []
