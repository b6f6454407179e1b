"""Personal API tokens: only a hash of the secret is kept, with a short prefix to tell tokens apart."""
from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from diaspora.extensions import db
from diaspora.records import utcnow


class ApiToken(db.Model):
    """A user's token for the JSON API: the user's role applies to every call; a read-only token only reads."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    # SHA-256 (hex) of the secret; the secret itself is shown once and never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    read_only: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The rate limit's fixed window: the minute (since the epoch) being counted and the calls made in it.
    # Counted in the database, so every web process (several gunicorn workers, several servers) shares it.
    rate_minute: Mapped[int] = mapped_column(Integer, default=0)
    rate_calls: Mapped[int] = mapped_column(Integer, default=0)

    user = relationship("User")

    def __repr__(self) -> str:
        return f"<ApiToken {self.prefix} user={self.user_id}>"
