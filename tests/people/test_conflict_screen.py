"""The save-conflict screen lists under "what you typed" only the fields the user changed from the
version they opened: a form sent back as it was shown, with one field edited, names that field alone."""
from datetime import date
from html.parser import HTMLParser

from sqlalchemy import select

from diaspora.extensions import db
from diaspora.people.models import Person
from diaspora.reference.models import CommunityRole, Field
from tests.conftest import make_user, sign_in_client
from tests.people.factories import make_person


class _FormReader(HTMLParser):
    """The data a browser would send for the form whose action ends with `action`, as the page shows it."""

    def __init__(self, action: str):
        super().__init__()
        self.action, self.inside, self.data = action, False, []
        self.select, self.textarea, self.options = None, None, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            action, method = attrs.get("action") or "", (attrs.get("method") or "").lower()
            self.inside = action.endswith(self.action) and method == "post"
        if not self.inside or attrs.get("disabled") is not None:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "reset"):
            if attrs.get("type") in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.data.append((name, attrs.get("value", "y")))
            else:
                self.data.append((name, attrs.get("value", "")))
        elif tag == "select" and name:
            self.select, self.options = (name, "multiple" in attrs), []
        elif tag == "option" and self.select:
            self.options.append((attrs.get("value", ""), "selected" in attrs))
        elif tag == "textarea" and name:
            self.textarea = [name, ""]

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self.select:
            name, multiple = self.select
            chosen = [value for value, selected in self.options if selected]
            if not chosen and not multiple and self.options:
                chosen = [self.options[0][0]]
            self.data.extend((name, value) for value in chosen)
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            self.data.append((self.textarea[0], self.textarea[1].removeprefix("\n")))
            self.textarea = None


def form_as_shown(page: str, action: str) -> dict:
    reader = _FormReader(action)
    reader.feed(page)
    data: dict = {}
    for name, value in reader.data:
        data.setdefault(name, []).append(value)
    return data


def _as(client, user):
    sign_in_client(client, user)
    return user


def _section(page: str, start: str) -> str:
    part = page[page.index(start):]
    return part[:part.index("</table>")]


def test_the_conflict_screen_lists_only_the_field_the_user_changed(client, seeded):
    field = db.session.scalar(select(Field).where(Field.key == "it"))
    role = db.session.scalar(select(CommunityRole).order_by(CommunityRole.id))
    person = make_person(
        full_name="Trần Văn Bình", birth_date=date(1975, 3, 2), city="Tokyo", occupation="Kỹ sư",
        hometown_text="xã Thanh Sơn, huyện Thanh Hà, Hải Dương", academic_title="TS.", fields=[field.id],
        roles=[role.id], offers=["teaching"], consent_status="given", consent_date=date(2025, 5, 1),
        notes="Gặp tại Tết 2025\nhai dòng",
        contacts=[{"kind": "phone", "value": "090-1234-5678"}, {"kind": "email", "value": "binh.tran@example.org"}],
    )
    url = f"/people/{person.id}/edit"
    first, second = make_user("editor", "first@example.org"), make_user("editor", "second@example.org")
    _as(client, first)
    opened_by_first = form_as_shown(client.get(url).get_data(as_text=True), url)
    _as(client, second)
    opened_by_second = form_as_shown(client.get(url).get_data(as_text=True), url)
    assert opened_by_second["version"] == ["1"] and opened_by_second["birth"] == ["02/03/1975"]

    _as(client, first)
    saved = client.post(url, data={**opened_by_first, "city": ["Osaka"]})
    assert saved.status_code == 302

    _as(client, second)
    refused = client.post(url, data={**opened_by_second, "occupation": ["Bác sĩ"]})
    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    mine = _section(page, 'id="your-input"')
    assert mine.count("<tr") == 1, mine
    assert "Bác sĩ" in mine and "Nghề nghiệp" in mine
    assert "Năm sinh" not in mine and "Ngày sinh" not in mine and "Liên hệ" not in mine
    changes = _section(page, 'id="changes-meanwhile"')
    assert "Osaka" in changes and first.name in changes and "Bác sĩ" not in changes

    # Saved again from the conflict page, as it is shown: both edits are kept, nothing else changed.
    again = client.post(url, data=form_as_shown(page, url))
    assert again.status_code == 302
    db.session.expire_all()
    stored = db.session.get(Person, person.id)
    assert (stored.city, stored.occupation, stored.birth_date, stored.birth_year) == (
        "Osaka", "Bác sĩ", date(1975, 3, 2), 1975)
    assert len(stored.contacts) == 2 and stored.fields == [field] and stored.offer_kinds == ["teaching"]


def test_the_conflict_screen_says_so_when_the_user_changed_nothing(client, seeded):
    person = make_person(full_name="Lê Thị Hoa", birth_year=1980, city="Tokyo")
    url = f"/people/{person.id}/edit"
    first, second = make_user("editor", "first@example.org"), make_user("editor", "second@example.org")
    _as(client, first)
    opened_by_first = form_as_shown(client.get(url).get_data(as_text=True), url)
    _as(client, second)
    opened_by_second = form_as_shown(client.get(url).get_data(as_text=True), url)
    _as(client, first)
    assert client.post(url, data={**opened_by_first, "birth": ["1981"]}).status_code == 302
    _as(client, second)
    page = client.post(url, data=opened_by_second).get_data(as_text=True)
    assert "Bạn chưa thay đổi gì so với bản bạn đã mở." in _section(page, 'id="your-input"')
