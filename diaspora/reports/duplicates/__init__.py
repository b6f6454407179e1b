"""The duplicate review queue ("Hồ sơ có thể trùng"): pairs of records of the register that are probably one
person, found by the import's rules (people.duplicates), computed in bulk by a job and kept current as records
are saved, imported and merged (signals), reviewed by staff (không trùng, or the merge)."""
from diaspora.reports.duplicates import service, views  # noqa: F401
