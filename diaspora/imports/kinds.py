"""The record kinds the import engine knows: each feature registers its own when the app is built."""
from diaspora.batches.kinds import RecordKind

_KINDS: dict[str, RecordKind] = {}


def register_kind(kind: RecordKind) -> None:
    """Offer a record kind to the import (its sheet key names it in batches, URLs and commands)."""
    _KINDS[kind.key] = kind


def kind_of(key: str | None) -> RecordKind:
    """The kind of a sheet key; people when none is given."""
    return _KINDS[key or "people"]


def sheets() -> dict:
    """{sheet key: Sheet} of every registered kind (templates and exports offer them)."""
    return {key: kind.sheet for key, kind in _KINDS.items()}


def registered_kinds() -> dict[str, RecordKind]:
    """{sheet key: RecordKind} of every registered kind, in the order they were registered."""
    return dict(_KINDS)
