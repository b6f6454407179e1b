"""Keeping automated submissions out without a third-party service: a honeypot field, a minimum time to fill the
form (a signed timestamp the form carries), and a limit of submissions per client address per hour, counted in the
database (any web process sees the same count). The address is kept only as a keyed hash."""
import hashlib
import hmac
import time
from datetime import timedelta

from flask import current_app, request
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner
from sqlalchemy import func, select

from diaspora.extensions import db
from diaspora.records import utcnow

STAMP_SALT = "community-form-stamp"
STAMP_MAX_AGE = 24 * 3600  # a form left open longer is sent again with a fresh stamp
WINDOW = timedelta(hours=1)


class Refused(Exception):
    """A submission kept out: `reason` is "honeypot", "too_fast", "stale" or "limit"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _signer() -> TimestampSigner:
    return TimestampSigner(current_app.config["SECRET_KEY"], salt=STAMP_SALT)


def new_stamp() -> str:
    """The signed time the form was served, for its hidden field."""
    return _signer().sign(str(int(time.time()))).decode()


def check_stamp(stamp: str | None) -> None:
    """Raise Refused unless the form was served by us, recently, and at least REGISTER_MIN_FILL_SECONDS ago."""
    try:
        served = int(_signer().unsign(stamp or "", max_age=STAMP_MAX_AGE).decode())
    except SignatureExpired:
        raise Refused("stale") from None
    except (BadSignature, ValueError):
        raise Refused("too_fast") from None
    if time.time() - served < current_app.config.get("REGISTER_MIN_FILL_SECONDS", 5):
        raise Refused("too_fast")


def check_honeypot(value: str | None) -> None:
    """A person never sees the field (hidden by the style sheet), so only a program fills it."""
    if value:
        raise Refused("honeypot")


def address_hash() -> str:
    """A keyed hash of the client address (PROXY_HOPS decides which address that is)."""
    address = (request.remote_addr or "unknown").encode()
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, b"community-address:" + address, hashlib.sha256).hexdigest()


def check_limit(model, time_column, hashed: str, limit_key: str, default: int) -> None:
    """Raise Refused("limit") when `hashed` sent `limit` rows of `model` in the last hour (0: no limit)."""
    limit = current_app.config.get(limit_key, default)
    if not limit:
        return
    sent = db.session.scalar(select(func.count()).select_from(model)
                             .where(model.address_hash == hashed, time_column >= utcnow() - WINDOW))
    if sent >= limit:
        raise Refused("limit")
