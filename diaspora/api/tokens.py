"""Issuing, checking, revoking and rate-limiting personal API tokens (the only module that writes them)."""
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import case, select, update

from diaspora.api.models import ApiToken
from diaspora.audit.service import record
from diaspora.auth.models import User
from diaspora.extensions import db
from diaspora.records import utcnow

SECRET_PREFIX = "kbhp_"
PREFIX_LENGTH = 12  # "kbhp_" and 7 characters of the secret: enough to tell a user's tokens apart
DEFAULT_DAYS = 90
MAX_DAYS = 3650
NAME_LENGTH = 100


class TokenRefused(Exception):
    """The Authorization header names no usable token (missing, unknown, expired, revoked, account off)."""


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def issue_token(user: User, name: str, *, read_only: bool = False, days: int | None = DEFAULT_DAYS,
                by=None) -> tuple[ApiToken, str]:
    """A new token for `user` and its secret (shown once: only its hash is kept); audited.
    `days` None or 0: the token does not expire."""
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    expires_at = utcnow() + timedelta(days=min(int(days), MAX_DAYS)) if days else None
    token = ApiToken(user_id=user.id, name=(name or "").strip()[:NAME_LENGTH] or "API",
                     token_hash=token_hash(secret), prefix=secret[:PREFIX_LENGTH], read_only=read_only,
                     expires_at=expires_at)
    db.session.add(token)
    db.session.flush()
    record("create", token, user=by if by is not None else user,
           summary=f"{token.prefix}… {token.name}" + (" (read-only)" if read_only else ""))
    db.session.commit()
    return token, secret


def revoke_token(token: ApiToken, by=None) -> bool:
    """Revoke a token for good; False when it was already revoked. Audited."""
    if token.revoked_at is not None:
        return False
    token.revoked_at = utcnow()
    record("revoke", token, user=by, summary=f"{token.prefix}… {token.name}")
    db.session.commit()
    return True


def tokens_of(user: User | None) -> list[ApiToken]:
    """The tokens of a user, or of every user (None), newest first."""
    statement = select(ApiToken).order_by(ApiToken.id.desc())
    if user is not None:
        statement = statement.where(ApiToken.user_id == user.id)
    return list(db.session.scalars(statement))


def _aware(moment: datetime | None) -> datetime | None:
    # SQLite gives the stored UTC time back without its zone.
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


def is_usable(token: ApiToken, now: datetime | None = None) -> bool:
    now = now or utcnow()
    expires_at = _aware(token.expires_at)
    return token.revoked_at is None and (expires_at is None or expires_at > now)


def authenticate(header: str | None) -> ApiToken:
    """The token an `Authorization: Bearer <secret>` header names, usable and of an active account;
    TokenRefused otherwise."""
    scheme, _, secret = (header or "").strip().partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret.startswith(SECRET_PREFIX) or len(secret) > 200:
        raise TokenRefused()
    digest = token_hash(secret)
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == digest))
    if token is None or not hmac.compare_digest(token.token_hash, digest) or not is_usable(token):
        raise TokenRefused()
    user = db.session.get(User, token.user_id)
    if user is None or not user.active:
        raise TokenRefused()
    return token


@dataclass(frozen=True)
class RateCheck:
    allowed: bool
    calls: int
    retry_after: int  # seconds until the window ends


def count_call(token: ApiToken, per_minute: int) -> RateCheck:
    """Count one call of the token in the current minute (one atomic UPDATE, shared by every process) and
    note when it was last used; whether the call is within `per_minute` (0: no limit)."""
    now = time.time()
    minute = int(now // 60)
    table = ApiToken.__table__
    calls = db.session.execute(
        update(table).where(table.c.id == token.id)
        .values(rate_calls=case((table.c.rate_minute == minute, table.c.rate_calls + 1), else_=1),
                rate_minute=minute, last_used_at=utcnow())
        .returning(table.c.rate_calls)
    ).scalar_one()
    db.session.commit()
    retry_after = max(1, 60 - int(now % 60))
    return RateCheck(allowed=not per_minute or calls <= per_minute, calls=calls, retry_after=retry_after)
