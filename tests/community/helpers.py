"""Helpers of the community tests: a form stamp old enough to pass the time check, and form values."""
import time

from flask import current_app
from itsdangerous import TimestampSigner

from diaspora.community.spam import STAMP_SALT


def old_stamp(seconds: int = 60) -> str:
    """A stamp the app signed `seconds` ago: a person took that long to fill the form."""
    signer = TimestampSigner(current_app.config["SECRET_KEY"], salt=STAMP_SALT)
    stamp = signer.sign(str(int(time.time()) - seconds)).decode()
    return stamp


def registration(**values) -> dict:
    """A valid registration of the public form, with `values` on top."""
    data = {"full_name": "Nguyễn Thị Thu Hà", "other_names": "Ha Nguyen", "gender": "female", "birth_year": "1985",
            "country_code": "DE", "city": "Berlin", "phone": "+49 151 23456789", "email": "thuha@example.de",
            "hometown": "xã Thanh Hải, huyện Thanh Hà, Hải Dương", "occupation": "Kỹ sư", "expertise": "Cơ khí",
            "organisations": "Hội người Việt Nam tại Berlin", "offers": ["remote_advice"], "consent": "y",
            "stamp": old_stamp()}
    data.update(values)
    return {key: value for key, value in data.items() if value is not None}
