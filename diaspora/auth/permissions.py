"""Role checks enforced on the server for every request."""
from functools import wraps

from flask import abort
from flask_login import current_user, login_required


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
