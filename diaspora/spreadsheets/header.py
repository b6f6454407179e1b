"""Finding the header of a sheet: title rows, two-row headers, STT column, footers."""
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class HeaderLayout:
    """Where the header is and which rows hold data."""

    header_row_index: int
    header_rows: int
    headers: list[str]
    data_rows: list[tuple[int, list[object]]]
    stt_column: int | None = None
    skipped_rows: list[tuple[int, str]] = field(default_factory=list)


def find_header(rows: list[list[object]], is_known_header: Callable[[str], bool], *, merged=None) -> HeaderLayout:
    """Locate the header row(s) and split the sheet into header, data and skipped rows."""
    raise NotImplementedError
