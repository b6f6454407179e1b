"""Organisations: associations, businesses, universities, representative agencies, media."""
from sqlalchemy import Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from diaspora.extensions import db
from diaspora.records import TrackedRecord

ORGANISATION_KINDS = ("association", "business", "university", "agency", "media", "other")


class Organisation(TrackedRecord, db.Model):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    name_folded: Mapped[str] = mapped_column(String(300), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="association")
    country_code: Mapped[str | None] = mapped_column(ForeignKey("countries.code"), index=True)
    city: Mapped[str | None] = mapped_column(String(120))
    address: Mapped[str | None] = mapped_column(String(300))
    notes: Mapped[str | None] = mapped_column(Text)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)

    country = relationship("Country", lazy="joined")
    contacts = relationship(
        "Contact", back_populates="organisation", cascade="all, delete-orphan", order_by="Contact.id"
    )
    memberships = relationship("Membership", back_populates="organisation")

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.name}>"
