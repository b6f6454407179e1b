"""A campaign of letters or e-mails (Tết greetings, invitations, thanks) and its messages, one per person."""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from diaspora.extensions import db
from diaspora.jobs import JobState
from diaspora.records import utcnow

KIND_LABELS = {"greeting": _l("Thư chúc Tết"), "invitation": _l("Thư mời"), "thanks": _l("Thư cảm ơn")}
CHANNEL_LABELS = {"letter": _l("Thư in (Word)"), "email": _l("Thư điện tử")}
LETTER_FORMATS = {"docx": _l("Một tệp Word, mỗi người một trang"), "zip": _l("Tệp .zip, mỗi người một tệp Word")}
LANGUAGE_LABELS = {"vi": _l("Tiếng Việt"), "en": _l("Tiếng Anh")}
STATUS_LABELS = {
    "draft": _l("Bản nháp"),
    "queued": _l("Đang chờ xử lý"),
    "running": _l("Đang thực hiện"),
    "done": _l("Đã xong"),
    "failed": _l("Thất bại"),
}
MESSAGE_STATUS_LABELS = {
    "queued": _l("Chờ gửi"),
    "sent": _l("Đã gửi"),
    "failed": _l("Gửi lỗi"),
    "outbox": _l("Trong hộp thư đi"),
    "produced": _l("Đã in thư"),
}
CAMPAIGN_FIELD_LABELS = {
    "kind": _l("Loại thư"), "channel": _l("Hình thức"), "subject": _l("Tiêu đề"), "body": _l("Nội dung"),
    "language": _l("Ngôn ngữ"), "activity_id": _l("Hoạt động"), "filters": _l("Danh sách"),
    "letter_format": _l("Tệp thư"),
}


class Campaign(JobState, db.Model):
    """One letter sent to a filtered list: what was written, to whom (the people list's filters), by whom,
    and the job that produces the letters or sends the e-mails (state, progress, counts, its file)."""

    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # a key of KIND_LABELS
    channel: Mapped[str] = mapped_column(String(10))  # letter | email
    letter_format: Mapped[str] = mapped_column(String(4), default="docx")  # docx | zip (letters)
    language: Mapped[str] = mapped_column(String(2), default="vi")  # of the merged country names
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activities.id", ondelete="SET NULL"), index=True)
    filters: Mapped[dict | None] = mapped_column(JSON)  # the people list's URL arguments
    status: Mapped[str] = mapped_column(String(12), default="draft", index=True)
    progress: Mapped[int] = mapped_column(Integer, default=0)  # 0–100, while it runs
    total: Mapped[int | None] = mapped_column(Integer)  # recipients, once the job has listed them
    excluded: Mapped[dict | None] = mapped_column(JSON)  # {reason: count} when it was sent
    file_name: Mapped[str | None] = mapped_column(String(255))  # the letters (inside MAILINGS_DIR), once whole
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    queued_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user = relationship("User", lazy="joined")
    activity = relationship("Activity")

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS.get(self.kind, self.kind))

    @property
    def channel_label(self) -> str:
        return str(CHANNEL_LABELS.get(self.channel, self.channel))

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS.get(self.status, self.status))

    @property
    def is_pending(self) -> bool:
        return self.status in ("queued", "running")

    def __repr__(self) -> str:
        return f"<Campaign {self.id} {self.kind} {self.channel}>"


class CampaignMessage(db.Model):
    """The letter or e-mail one person got from a campaign: the merged text, where it went, what became of it."""

    __tablename__ = "campaign_messages"
    __table_args__ = (
        Index("ix_campaign_messages_campaign_status", "campaign_id", "status"),
        Index("ix_campaign_messages_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    email: Mapped[str | None] = mapped_column(String(320))  # the address an e-mail went to
    subject: Mapped[str] = mapped_column(String(300))  # merged
    body: Mapped[str] = mapped_column(Text)  # merged
    status: Mapped[str] = mapped_column(String(10), default="queued")  # a key of MESSAGE_STATUS_LABELS
    error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    campaign = relationship("Campaign")
    person = relationship("Person")

    @property
    def status_label(self) -> str:
        return str(MESSAGE_STATUS_LABELS.get(self.status, self.status))
