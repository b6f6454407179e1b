"""Staff accounts, their recovery codes for two-factor sign-in, and the failed logins used for throttling."""
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from diaspora.extensions import db
from diaspora.permissions import ROLE_LABELS, ROLE_RANK
from diaspora.records import utcnow


def new_session_token() -> str:
    """A random value that every session of an account carries; a new one ends them all."""
    return secrets.token_urlsafe(32)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default="viewer")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    # Two-factor sign-in: the TOTP secret (set while enrolling, in use once totp_enabled_at is set) and the
    # last time step accepted, so a code is never accepted twice.
    totp_secret: Mapped[str | None] = mapped_column(String(32))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    # Optimistic locking of what administrators edit (role, active). The service counts those edits itself,
    # so a sign-in or a new session token never makes an administrator's open page stale; SQLAlchemy still
    # refuses an UPDATE based on a stale row.
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    def get_id(self) -> str:
        """The session id: the account and its current session token, so rotating the token ends every session."""
        return f"{self.id}:{self.session_token}"

    @property
    def two_factor_enabled(self) -> bool:
        return self.totp_enabled_at is not None

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def role_label(self) -> str:
        return str(ROLE_LABELS.get(self.role, self.role))

    def has_role(self, role: str) -> bool:
        """True when this user's role is `role` or a higher one."""
        return ROLE_RANK[self.role] >= ROLE_RANK[role]

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class RecoveryCode(db.Model):
    """A one-time code that stands in for the authenticator app; only its SHA-256 is kept."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class LoginFailure(db.Model):
    """One failed login; recent rows per account and per address throttle further attempts."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
