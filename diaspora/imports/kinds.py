"""The record types the import knows, by sheet key: what each does differently (see service.RecordKind)."""
from flask_babel import lazy_gettext as _l

from diaspora.imports import service
from diaspora.outreach import imports as outreach
from diaspora.spreadsheets.columns import CHANNELS, PARTICIPANTS, PEOPLE

KINDS = {kind.key: kind for kind in (
    service.RecordKind(
        sheet=PEOPLE, label=_l("Kiều bào"), find_duplicates=service.find_people_duplicates,
        build=service.build_people_changes, write=service.write_people, undo=service.undo_people,
        names=service.person_names, endpoint="people.show", id_argument="person_id"),
    service.RecordKind(
        sheet=CHANNELS, label=_l("Kênh phân phối"), find_duplicates=outreach.find_channel_duplicates,
        build=outreach.build_channel_changes, write=outreach.write_channels, undo=outreach.undo_channels,
        names=outreach.channel_names, endpoint="outreach.channel_show", id_argument="channel_id"),
    service.RecordKind(
        sheet=PARTICIPANTS, label=_l("Danh sách tham dự hoạt động"), find_duplicates=service.find_people_duplicates,
        build=outreach.build_participant_changes, write=outreach.write_participants,
        undo=outreach.undo_participants, names=service.person_names, endpoint="people.show", id_argument="person_id",
        needs_activity=True),
)}
