"""/api/v1/people: the register's people with their contacts, fields, roles and memberships.

Lists use the people list's own query (people.search: the same filters, the same diacritic-blind search
and order) and leave out, as exports do, whoever refused or withdrew consent or is restricted; a cursor
walks the same people in id order, so a long listing misses and repeats no one while records are edited.
Writes go through the person form's rules and the people service (versions, audit)."""
from datetime import date, datetime

from flask import jsonify, request
from flask.views import MethodView
from flask_babel import gettext as _
from flask_smorest import abort
from sqlalchemy import Integer, any_, bindparam, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import selectinload

from diaspora.api.guard import api_blueprint, conflict_answer, current_api_user, documented_errors, writes
from diaspora.api.schemas import (
    PERSON_DATES,
    PERSON_TEXTS,
    DeleteArgs,
    PeopleArgs,
    PeopleListSchema,
    PersonCreateSchema,
    PersonSchema,
    PersonUpdateSchema,
    utc_moment,
)
from diaspora.api.validation import validated_form
from diaspora.audit.access import record_access
from diaspora.audit.tracking import refuse_stale
from diaspora.contacts import Contact, ContactErrors
from diaspora.extensions import db
from diaspora.forms import CONTROL_CHARACTERS_MESSAGE
from diaspora.listing import record_id
from diaspora.organisations.models import Membership, Organisation
from diaspora.people import service
from diaspora.people.forms import PersonForm
from diaspora.people.models import Person, PersonOffer, person_fields, person_roles
from diaspora.people.privacy import outreach_allowed
from diaspora.people.search import PeopleQuery, filtered_people_select, search_people
from diaspora.records import StaleEdit
from diaspora.text import has_control_characters
from diaspora.reference.models import CommunityRole, Field

blp = api_blueprint("api_people", __name__, "/api/v1/people",
                    "Kiều bào và chuyên gia: liên hệ, lĩnh vực, vai trò, tổ chức. Người đã từ chối hoặc rút lại "
                    "đồng ý, người bị hạn chế xử lý không có trong API.")

_DETAILS = (selectinload(Person.contacts), selectinload(Person.fields), selectinload(Person.roles),
            selectinload(Person.memberships), selectinload(Person.offers))


def people_query(args) -> PeopleQuery:
    """The people list's query from the call's arguments, as the page reads them, for outreach (API)."""
    query = PeopleQuery.from_args(args)
    query.outreach, query.deleted = True, False
    return query


def _with_details(ids: list[int]) -> list[Person]:
    found = {person.id: person for person in db.session.scalars(
        select(Person).where(Person.id.in_(ids)).options(*_DETAILS)).unique()}
    return [found[i] for i in ids if i in found]


# The columns of a person the API shows (PersonSchema's own), read as plain rows for lists.
_SHOWN_COLUMNS = ("id", "version", *PERSON_TEXTS, *PERSON_DATES, "birth_year", "created_at", "updated_at")


def _plain(value):
    return value.isoformat() if isinstance(value, date | datetime) else value


def _among(column, ids: list[int]):
    """column IN ids; on PostgreSQL one array parameter rather than hundreds of placeholders to render."""
    if db.engine.dialect.name == "postgresql":
        return column == any_(bindparam(None, ids, type_=postgresql.ARRAY(Integer)))
    return column.in_(ids)


def person_documents(ids: list[int]) -> list[dict]:
    """The people of these ids as PersonSchema dumps them, in the order of `ids`, read with one query per part
    (people, contacts, fields, roles, memberships, offers) instead of loading objects: a page of 500 people
    is most of a list call's time otherwise (tests/api checks the two give the same documents)."""
    if not ids:
        return []
    table = Person.__table__
    documents = {row.id: row._asdict() for row in db.session.execute(
        select(*(table.c[name] for name in _SHOWN_COLUMNS)).where(_among(table.c.id, ids)))}
    for document in documents.values():
        for name in PERSON_DATES:
            document[name] = _plain(document[name])
        for name in ("created_at", "updated_at"):
            document[name] = utc_moment(document[name])
        document.update(fields=[], roles=[], offers=[], contacts=[], memberships=[])
    parts = (
        ("contacts", select(Contact.person_id, Contact.id, Contact.kind, Contact.value, Contact.normalized,
                            Contact.is_primary).where(_among(Contact.person_id, ids)).order_by(Contact.id)),
        ("fields", select(person_fields.c.person_id, Field.key, Field.name_vi.label("name"))
         .join(Field, Field.id == person_fields.c.field_id).where(_among(person_fields.c.person_id, ids))
         .order_by(Field.sort_order, Field.id)),
        ("roles", select(person_roles.c.person_id, CommunityRole.key, CommunityRole.name_vi.label("name"))
         .join(CommunityRole, CommunityRole.id == person_roles.c.role_id).where(_among(person_roles.c.person_id, ids))
         .order_by(CommunityRole.sort_order, CommunityRole.id)),
        ("memberships", select(Membership.person_id, Membership.id, Membership.organisation_id,
                               Organisation.name.label("organisation_name"), Membership.role, Membership.start_date,
                               Membership.end_date)
         .outerjoin(Organisation, Organisation.id == Membership.organisation_id)
         .where(_among(Membership.person_id, ids)).order_by(Membership.id)),
    )
    for key, statement in parts:
        for row in db.session.execute(statement):
            values = row._asdict()
            for name in ("start_date", "end_date"):
                if name in values:
                    values[name] = _plain(values[name])
            documents[values.pop("person_id")][key].append(values)
    for person_id, kind in db.session.execute(select(PersonOffer.person_id, PersonOffer.kind)
                                              .where(_among(PersonOffer.person_id, ids)).order_by(PersonOffer.kind)):
        documents[person_id]["offers"].append(kind)
    return [documents[i] for i in ids if i in documents]


def _cursor(text: str) -> int:
    if text.strip() in ("", "0"):
        return 0
    after = record_id(text)
    if after is None:
        abort(422, errors={"cursor": [_("Con trỏ không hợp lệ.")]})
    return after


def allowed_person_or_404(person_id: int) -> Person:
    """A person in the register whom the API may show (see people.privacy.outreach_allowed); 404 otherwise."""
    allowed = db.session.scalar(select(Person.id).where(Person.id == person_id, Person.deleted_at.is_(None),
                                                        outreach_allowed()))
    if allowed is None:
        abort(404)
    return service.get_person_or_404(person_id)


@blp.route("/")
class People(MethodView):
    @blp.arguments(PeopleArgs, location="query")
    @blp.response(200, PeopleListSchema, example={
        "items": [{"id": 1024, "version": 3, "full_name": "Nguyễn Văn An", "country_code": "JP", "city": "Tokyo",
                   "fields": [{"key": "health", "name": "Y tế"}], "contacts": [
                       {"id": 7, "kind": "email", "value": "an.nguyen@example.jp",
                        "normalized": "an.nguyen@example.jp", "is_primary": True}]}],
        "total": 1, "page": 1, "per_page": 50, "pages": 1, "next_cursor": None})
    @documented_errors(blp)
    def get(self, args):
        """Danh sách kiều bào (lọc, tìm kiếm không dấu, phân trang theo trang hoặc theo con trỏ)."""
        query = people_query(request.args)
        if "cursor" in args:
            after = _cursor(args["cursor"])
            statement = (filtered_people_select(query).order_by(None).where(Person.id > after)
                         .order_by(Person.id).limit(query.per_page + 1))
            ids = list(db.session.scalars(statement.with_only_columns(Person.id)))
            more, ids = len(ids) > query.per_page, ids[:query.per_page]
            result = {"per_page": query.per_page, "next_cursor": str(ids[-1]) if more else None}
        else:
            page = search_people(query)
            ids = [person.id for person in page.items]
            result = {"total": page.total, "page": page.page, "per_page": page.per_page, "pages": page.pages,
                      "next_cursor": None}
        people = person_documents(ids)
        record_access("api_list", people_ids=ids, entity_type="people",
                      filters={**query.to_args(), **({"page": query.page} if "cursor" not in args else
                                                     {"cursor": args["cursor"]})},
                      summary=_("Danh sách kiều bào qua API"))
        # Already in the documented shape (PeopleListSchema): sent as it is.
        return jsonify({**result, "items": people})

    @writes("editor")
    @blp.arguments(PersonCreateSchema)
    @blp.response(201, PersonSchema)
    @documented_errors(blp, 403, 413, 415)
    def post(self, payload):
        """Thêm một người (cùng quy tắc như biểu mẫu trên trang)."""
        form = validated_form(PersonForm, form_values(payload), renamed=api_key(payload))
        try:
            person = service.create_person(form.values(), by=current_api_user())
        except ContactErrors as errors:
            abort(422, errors={"contacts": [str(message) for message in errors.errors.values()]})
        return _with_details([person.id])[0]


@blp.route("/<int:person_id>")
class OnePerson(MethodView):
    @blp.response(200, PersonSchema)
    @documented_errors(blp)
    def get(self, person_id):
        """Một người, với liên hệ, lĩnh vực, vai trò và tổ chức."""
        person = allowed_person_or_404(person_id)
        record_access("api_view", people_ids=[person.id], entity_type="people", entity_id=person.id)
        return _with_details([person.id])[0]

    @writes("editor")
    @blp.arguments(PersonUpdateSchema)
    @blp.response(200, PersonSchema)
    @documented_errors(blp, 403, 409, 413, 415)
    def patch(self, payload, person_id):
        """Sửa một người: chỉ các khoá gửi lên được thay đổi; `version` là phiên bản đã đọc (409 nếu đã cũ)."""
        person = allowed_person_or_404(person_id)
        version = payload.pop("version")
        form = validated_form(PersonForm, form_values(payload, service.person_values(person)),
                              renamed=api_key(payload))
        try:
            service.update_person(person, form.values(), by=current_api_user(), expected_version=version)
        except StaleEdit as conflict:
            conflict_answer(conflict)
        except ContactErrors as errors:
            abort(422, errors={"contacts": [str(message) for message in errors.errors.values()]})
        return _with_details([person.id])[0]

    @writes("admin")
    @blp.arguments(DeleteArgs, location="query")
    @blp.response(204)
    @documented_errors(blp, 403, 409)
    def delete(self, args, person_id):
        """Chuyển một người vào thùng rác (quản trị viên)."""
        person = allowed_person_or_404(person_id)
        try:
            refuse_stale(person, args.get("version"))
        except StaleEdit as conflict:
            conflict_answer(conflict)
        service.delete_person(person, by=current_api_user())


def api_key(payload: dict):
    """The person form's one date of birth (`birth`: a date or a year) as the field the call sent."""
    birth = "birth_year" if "birth_year" in payload and "birth_date" not in payload else "birth_date"
    return lambda key: birth if key == "birth" else key


def form_values(payload: dict, stored: dict | None = None) -> dict:
    """A call's values over the stored ones (a new person: none), shaped as the person form's fields."""
    values = dict(stored or {})
    values["birth"] = values.pop("birth_date", None) or values.pop("birth_year", None)
    values.pop("birth_year", None)
    for key, value in payload.items():
        if key not in ("birth_date", "birth_year", "field_keys", "role_keys"):
            values[key] = value
    if "birth_date" in payload or "birth_year" in payload:
        values["birth"] = payload.get("birth_date") or payload.get("birth_year")
    errors = {}
    for key, name, model, message in (("field_keys", "fields", Field, _("Không có lĩnh vực “%(key)s”.")),
                                      ("role_keys", "roles", CommunityRole, _("Không có vai trò “%(key)s”."))):
        if key in payload:
            keys = [item for item in payload[key] or () if item]
            if any(has_control_characters(item) for item in keys):  # never sent to the database (PostgreSQL: NUL)
                errors[name] = [str(CONTROL_CHARACTERS_MESSAGE)]
                continue
            found = dict(db.session.execute(select(model.key, model.id).where(model.key.in_(keys))).all()) if keys else {}
            missing = [item for item in keys if item not in found]
            if missing:
                errors[name] = [message % {"key": item} for item in missing]
            values[name] = [found[item] for item in keys if item in found]
    if errors:
        abort(422, errors=errors)
    return values
