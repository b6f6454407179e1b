"""`flask users ...` commands."""

from flask.cli import AppGroup

users_cli = AppGroup("users", help="Quản lý tài khoản cán bộ.")
