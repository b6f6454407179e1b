"""/api/v1/channels (distribution channels with their products) and /api/v1/activities (with their
participants): the lists' own queries and services. A participant whom the API may not show (refused or
withdrew consent, restricted) is left out of an activity, as from every outreach list."""
from flask import request
from flask.views import MethodView
from flask_babel import gettext as _
from flask_smorest import abort
from sqlalchemy import select

from diaspora.api.guard import api_blueprint, conflict_answer, current_api_user, documented_errors, writes
from diaspora.api.schemas import (
    ActivityArgs,
    ActivityInSchema,
    ActivityListSchema,
    ActivitySchema,
    ActivityUpdateSchema,
    ChannelArgs,
    ChannelInSchema,
    ChannelListSchema,
    ChannelSchema,
    ChannelUpdateSchema,
    DeleteArgs,
)
from diaspora.api.validation import validated_form
from diaspora.audit.access import record_access
from diaspora.audit.tracking import refuse_stale
from diaspora.extensions import db
from diaspora.outreach import activities, channels
from diaspora.outreach.forms import ActivityForm, ChannelForm, activity_form_data, channel_form_data
from diaspora.outreach.models import Activity, DistributionChannel
from diaspora.outreach.products import list_products
from diaspora.people.models import Person
from diaspora.people.privacy import outreach_allowed
from diaspora.records import StaleEdit
from diaspora.reference.countries import country_choices

channels_blp = api_blueprint("api_channels", __name__, "/api/v1/channels",
                             "Kênh phân phối ở nước ngoài và các sản phẩm của thành phố mà kênh bán hoặc quan tâm.")
activities_blp = api_blueprint("api_activities", __name__, "/api/v1/activities",
                               "Hoạt động (gặp mặt, Tết, đoàn công tác, quảng bá, đóng góp, dự án) và người, tổ "
                               "chức tham gia.")


def _page(page, items=None) -> dict:
    return {"items": page.items if items is None else items, "total": page.total, "page": page.page,
            "per_page": page.per_page, "pages": page.pages, "next_cursor": None}


def _delete(record, version, remove) -> None:
    try:
        refuse_stale(record, version)
    except StaleEdit as conflict:
        conflict_answer(conflict)
    remove(record, by=current_api_user())


@channels_blp.route("/")
class Channels(MethodView):
    @channels_blp.arguments(ChannelArgs, location="query")
    @channels_blp.response(200, ChannelListSchema)
    @documented_errors(channels_blp)
    def get(self, args):
        """Danh sách kênh phân phối (lọc theo nước, loại, trạng thái, sản phẩm)."""
        query = channels.ChannelQuery.from_args(request.args)
        query.deleted = False
        return _page(channels.search_channels(query))

    @writes("editor")
    @channels_blp.arguments(ChannelInSchema, example={
        "name": "Cửa hàng Sen Việt", "channel_type": "shop", "country_code": "JP", "city": "Osaka",
        "status": "potential", "products": [{"product_id": 3, "status": "interested"}]})
    @channels_blp.response(201, ChannelSchema)
    @documented_errors(channels_blp, 403, 413, 415)
    def post(self, payload):
        """Thêm một kênh phân phối (cùng quy tắc như biểu mẫu trên trang)."""
        form = validated_form(ChannelForm, channel_form_values(payload), country_choices=country_choices(),
                              renamed=api_key(payload))
        return channels.create_channel(form.data, by=current_api_user())


@channels_blp.route("/<int:channel_id>")
class OneChannel(MethodView):
    @channels_blp.response(200, ChannelSchema)
    @documented_errors(channels_blp)
    def get(self, channel_id):
        """Một kênh phân phối, với các sản phẩm."""
        return channels.get_channel_or_404(channel_id)

    @writes("editor")
    @channels_blp.arguments(ChannelUpdateSchema)
    @channels_blp.response(200, ChannelSchema)
    @documented_errors(channels_blp, 403, 409, 413, 415)
    def patch(self, payload, channel_id):
        """Sửa một kênh: chỉ các khoá gửi lên; `version` là phiên bản đã đọc (409 nếu đã cũ)."""
        channel = channels.get_channel_or_404(channel_id)
        version = payload.pop("version")
        stored = channel_form_data(channel, list_products(include_inactive=True))
        form = validated_form(ChannelForm, {**channel_form_values(payload, stored), "version": version},
                              country_choices=country_choices(), renamed=api_key(payload))
        try:
            channels.update_channel(channel, form.data, by=current_api_user(), expected_version=version)
        except StaleEdit as conflict:
            conflict_answer(conflict)
        return channel

    @writes("admin")
    @channels_blp.arguments(DeleteArgs, location="query")
    @channels_blp.response(204)
    @documented_errors(channels_blp, 403, 409)
    def delete(self, args, channel_id):
        """Chuyển một kênh vào thùng rác (quản trị viên)."""
        _delete(channels.get_channel_or_404(channel_id), args.get("version"), channels.delete_channel)


def _shown(activity_list) -> list[dict]:
    """The activities as the API shows them: participants the API may not show left out; the people shown
    are recorded as read."""
    ids = {part.person_id for activity in activity_list for part in activity.participants if part.person_id}
    allowed = set(db.session.scalars(select(Person.id).where(Person.id.in_(ids), outreach_allowed()))) if ids else set()
    shown = []
    for activity in activity_list:
        participants = [{"id": part.id, "person_id": part.person_id, "organisation_id": part.organisation_id,
                         "name": part.name, "role": part.role, "note": part.note}
                        for part in activity.participants if part.person_id is None or part.person_id in allowed]
        shown.append({**{key: getattr(activity, key) for key in ActivitySchema().fields if key != "participants"},
                      "participants": participants})
    people = sorted({part["person_id"] for item in shown for part in item["participants"] if part["person_id"]})
    if people:
        record_access("api_list", people_ids=people, entity_type="activities",
                      summary=_("Người tham gia hoạt động qua API"))
    return shown


@activities_blp.route("/")
class Activities(MethodView):
    @activities_blp.arguments(ActivityArgs, location="query")
    @activities_blp.response(200, ActivityListSchema)
    @documented_errors(activities_blp)
    def get(self, args):
        """Danh sách hoạt động, mới nhất trước (lọc theo loại, năm, nước, người hoặc tổ chức tham gia)."""
        query = activities.ActivityQuery.from_args(request.args)
        query.deleted = False
        page = activities.search_activities(query)
        return _page(page, _shown(page.items))

    @writes("editor")
    @activities_blp.arguments(ActivityInSchema, example={
        "activity_type": "meeting", "title": "Gặp mặt kiều bào tại Tokyo dịp Tết", "start_date": "2026-02-01",
        "country_code": "JP", "city": "Tokyo", "participants": [{"person_id": 1024, "role": "Khách mời"}]})
    @activities_blp.response(201, ActivitySchema)
    @documented_errors(activities_blp, 403, 413, 415)
    def post(self, payload):
        """Ghi một hoạt động với người và tổ chức tham gia."""
        form = validated_form(ActivityForm, activity_form_values(payload), country_choices=country_choices(),
                              renamed=api_key(payload))
        return _shown([activities.create_activity(form.data, by=current_api_user())])[0]


@activities_blp.route("/<int:activity_id>")
class OneActivity(MethodView):
    @activities_blp.response(200, ActivitySchema)
    @documented_errors(activities_blp)
    def get(self, activity_id):
        """Một hoạt động, với người và tổ chức tham gia."""
        return _shown([activities.get_activity_or_404(activity_id)])[0]

    @writes("editor")
    @activities_blp.arguments(ActivityUpdateSchema)
    @activities_blp.response(200, ActivitySchema)
    @documented_errors(activities_blp, 403, 409, 413, 415)
    def patch(self, payload, activity_id):
        """Sửa một hoạt động: chỉ các khoá gửi lên; `version` là phiên bản đã đọc (409 nếu đã cũ)."""
        activity = activities.get_activity_or_404(activity_id)
        version = payload.pop("version")
        values = {**activity_form_values(payload, activity_form_data(activity)), "version": version}
        form = validated_form(ActivityForm, values, country_choices=country_choices(), renamed=api_key(payload))
        try:
            activities.update_activity(activity, form.data, by=current_api_user(), expected_version=version)
        except StaleEdit as conflict:
            conflict_answer(conflict)
        return _shown([activity])[0]

    @writes("admin")
    @activities_blp.arguments(DeleteArgs, location="query")
    @activities_blp.response(204)
    @documented_errors(activities_blp, 403, 409)
    def delete(self, args, activity_id):
        """Chuyển một hoạt động vào thùng rác (quản trị viên)."""
        _delete(activities.get_activity_or_404(activity_id), args.get("version"), activities.delete_activity)


def _defaults(model, *names) -> dict:
    """The model's own defaults of these columns: what a new record gets for a choice the call left out."""
    return {name: model.__table__.c[name].default.arg for name in names}


def api_key(payload: dict):
    """A key of the channel's or the activity's form as the API names it: `country` is `country_code`, a
    participant's `kind` and `ref_id` are the `person_id` or `organisation_id` the call sent."""
    rows = payload.get("participants") or []

    def renamed(key: str) -> str:
        parts = key.split(".")
        if parts[0] == "country":
            parts[0] = "country_code"
        elif parts[0] == "participants" and len(parts) == 3 and parts[2] in ("kind", "ref_id"):
            index = int(parts[1]) if parts[1].isdigit() else -1
            row = rows[index] if 0 <= index < len(rows) and isinstance(rows[index], dict) else {}
            parts[2] = "organisation_id" if row.get("organisation_id") and not row.get("person_id") else "person_id"
        return ".".join(parts)

    return renamed


def channel_form_values(payload: dict, stored: dict | None = None) -> dict:
    """A call's values over the stored ones (a new channel: the model's defaults), shaped as the channel
    form's fields."""
    values = dict(stored or _defaults(DistributionChannel, "channel_type", "status"))
    for key, value in payload.items():
        if key == "country_code":
            values["country"] = value
        elif key == "products":
            values["products"] = [{"product_id": row.get("product_id"), "status": row.get("status"),
                                   "note": row.get("note")} for row in value or ()]
        else:
            values[key] = value
    return values


def activity_form_values(payload: dict, stored: dict | None = None) -> dict:
    """A call's values over the stored ones, shaped as the activity form's fields (a participant is a person
    or an organisation); a new activity starts from the model's defaults."""
    values = dict(stored or _defaults(Activity, "activity_type"))
    for key, value in payload.items():
        if key == "country_code":
            values["country"] = value
        elif key == "participants":
            unclear = {f"participants.{index}": [_("Hãy gửi person_id hoặc organisation_id (một trong hai).")]
                       for index, row in enumerate(value or ())
                       if bool(row.get("person_id")) == bool(row.get("organisation_id"))}
            if unclear:
                abort(422, errors=unclear)
            values["participants"] = [
                {"kind": "person" if row.get("person_id") and not row.get("organisation_id") else
                 "organisation" if row.get("organisation_id") and not row.get("person_id") else "",
                 "ref_id": row.get("person_id") or row.get("organisation_id"), "role": row.get("role"),
                 "note": row.get("note")}
                for row in value or ()]
        else:
            values[key] = value
    return values
