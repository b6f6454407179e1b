"""Staff roles and the role check enforced on the server for every request (core: every feature's views use it)."""
from functools import wraps

from flask import abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

ROLES = ("viewer", "editor", "admin")
ROLE_RANK = {role: rank for rank, role in enumerate(ROLES)}
ROLE_LABELS = {"viewer": _l("Người xem"), "editor": _l("Biên tập viên"), "admin": _l("Quản trị viên")}


def role_required(role: str):
    """Allow the view only to signed-in users whose role is `role` or higher; others get 403.

    The view carries `required_role` so tests can check every route is protected.
    """

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(role):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_role = role
        return wrapped

    return decorator
