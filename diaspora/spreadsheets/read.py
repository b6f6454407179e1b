"""Reading uploaded spreadsheets safely: type sniffing, limits, sheets and raw cell values."""
from dataclasses import dataclass, field


class SpreadsheetRejected(Exception):
    """A file refused before or while reading; `reason` is a short code, the message is for the user."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason
        self.message = message


@dataclass
class Limits:
    """Bounds that protect the server from hostile or oversized files."""

    max_bytes: int = 20 * 1024 * 1024
    max_rows: int = 200_000
    max_columns: int = 200
    max_uncompressed_bytes: int = 500 * 1024 * 1024

    @classmethod
    def from_config(cls, config) -> "Limits":
        """Limits from a Flask config mapping or a Config class."""
        raise NotImplementedError


@dataclass
class SheetInfo:
    """A sheet of a workbook as listed to the user."""

    name: str
    index: int
    hidden: bool
    instructions: bool


@dataclass
class RawSheet:
    """Cell values of one sheet; rows[i] is Excel row i + 1."""

    name: str
    rows: list[list[object]]
    column_fonts: dict[int, str] = field(default_factory=dict)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)


def list_sheets(path, limits: Limits, *, original_filename: str | None = None) -> list[SheetInfo]:
    """Validate the file and list its sheets."""
    raise NotImplementedError


def default_sheet(sheets: list[SheetInfo]) -> SheetInfo:
    """The first visible sheet that is not a guide or a lookup list."""
    raise NotImplementedError


def read_sheet(path, sheet_name: str | None, limits: Limits, *, original_filename: str | None = None) -> RawSheet:
    """Validate the file and return the raw values of one sheet."""
    raise NotImplementedError
