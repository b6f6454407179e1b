"""Bounds that protect the server from hostile or oversized spreadsheets, and the refusals a reader raises."""
from dataclasses import dataclass

from babel.numbers import format_decimal
from flask import has_app_context
from flask_babel import format_decimal as format_decimal_in_locale
from flask_babel import gettext as _

MB = 1024 * 1024
MAX_ERROR_CELLS = 10_000  # cells showing an Excel error (#N/A…) remembered per sheet


class SpreadsheetRejected(Exception):
    """A file refused before or while reading; `reason` is a short code, the message is for the user."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason
        self.message = message


@dataclass
class Limits:
    """Bounds that protect the server from hostile or oversized files."""

    max_bytes: int = 20 * MB
    max_rows: int = 200_000
    max_columns: int = 200
    max_uncompressed_bytes: int = 500 * MB

    @classmethod
    def from_config(cls, config) -> "Limits":
        """Limits from a Flask config mapping (app.config) or a Config class."""
        def setting(name):
            return config[name] if hasattr(config, "keys") else getattr(config, name)

        return cls(
            max_bytes=int(setting("MAX_CONTENT_LENGTH")),
            max_rows=int(setting("IMPORT_MAX_ROWS")),
            max_columns=int(setting("IMPORT_MAX_COLUMNS")),
            max_uncompressed_bytes=int(setting("IMPORT_MAX_UNCOMPRESSED_MB")) * MB,
        )


def format_number(value) -> str:
    if has_app_context():
        return format_decimal_in_locale(value)
    return format_decimal(value, locale="vi")


def megabytes(size: int) -> str:
    return format_number(round(size / MB, 1))


def not_spreadsheet(detail: str | None = None) -> SpreadsheetRejected:
    message = _("Tệp không phải là bảng tính (Excel .xlsx, .xlsm, .xls, LibreOffice .ods hoặc .csv).")
    return SpreadsheetRejected("not_spreadsheet", f"{message} {detail}" if detail else message)


def corrupt() -> SpreadsheetRejected:
    return SpreadsheetRejected("corrupt", _("Tệp bị hỏng hoặc tải lên không đầy đủ nên không đọc được."))


def encrypted() -> SpreadsheetRejected:
    return SpreadsheetRejected(
        "encrypted", _("Tệp được bảo vệ bằng mật khẩu. Hãy mở tệp, bỏ mật khẩu, lưu lại rồi tải lên lần nữa.")
    )


def too_many_rows(sheet: str, rows: int, limits: Limits) -> SpreadsheetRejected:
    return SpreadsheetRejected("too_many_rows", _(
        "Trang tính “%(sheet)s” có %(rows)s dòng, vượt giới hạn %(max)s dòng. Hãy chia thành nhiều tệp nhỏ hơn.",
        sheet=sheet, rows=format_number(rows), max=format_number(limits.max_rows),
    ))


def too_many_columns(sheet: str, columns: int, limits: Limits) -> SpreadsheetRejected:
    return SpreadsheetRejected("too_many_columns", _(
        "Trang tính “%(sheet)s” có %(columns)s cột, vượt giới hạn %(max)s cột.",
        sheet=sheet, columns=format_number(columns), max=format_number(limits.max_columns),
    ))


def empty_sheet(sheet: str) -> SpreadsheetRejected:
    return SpreadsheetRejected("empty", _("Trang tính “%(sheet)s” không có dữ liệu.", sheet=sheet))


@dataclass
class Extent:
    rows: int = 0
    columns: int = 0


def check_extent(sheet_name: str, extent: Extent | None, limits: Limits) -> None:
    if extent is None:
        return
    if extent.rows > limits.max_rows:
        raise too_many_rows(sheet_name, extent.rows, limits)
    if extent.columns > limits.max_columns:
        raise too_many_columns(sheet_name, extent.columns, limits)
