"""Compare the vietnamadminunits package with our list of old communes (data/legacy_communes.csv).

Usage: .venv/bin/python scripts/compare_admin_units.py

For every commune of Hải Phòng and Hải Dương both know (matched by GSO code), prints whether they
send it to the same 2025 unit(s) and give it the same name, then every disagreement, the communes
only one of them holds, and how many abolished communes the package adds (its "wardAlias"). Reads
only the package's offline tables (the same ones diaspora.reference.hometowns uses); never its
convert_address, which may ask an online geocoder.
"""
import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from diaspora.reference.hometowns import _library_data, _library_files, _query  # noqa: E402
from diaspora.text import fold  # noqa: E402


def main() -> int:
    with open(ROOT / "data" / "legacy_communes.csv", encoding="utf-8", newline="") as handle:
        ours = {row["old_code"]: row for row in csv.DictReader(handle)}
    folder = _library_files()
    theirs = {row["wardCode"]: row for row in _query(
        folder, "SELECT provinceShort, districtShort, ward, wardShort, wardCode FROM admin_units_legacy "
        "WHERE provinceShort IN ('Hải Phòng', 'Hải Dương') AND wardCode IS NOT NULL")}
    new_names = {row["wardCode"]: row["ward"] for row in _query(
        folder, "SELECT ward, wardCode FROM admin_units WHERE provinceShort = 'Hải Phòng'")}
    converted = _library_data().converted

    both = sorted(set(ours) & set(theirs))
    target_disagreements, name_disagreements = [], []
    for code in both:
        our_targets = {c for c in ours[code]["new_unit_codes"].split(";") if c}
        their_targets = set(converted.get(code, ()))
        if our_targets != their_targets:
            target_disagreements.append((code, our_targets, their_targets))
        if fold(ours[code]["name"]) != fold(theirs[code]["wardShort"]):
            name_disagreements.append((code, ours[code]["name"], theirs[code]["wardShort"]))

    print(f"communes in our list: {len(ours)}; in the package (Hải Phòng + Hải Dương): {len(theirs)}; "
          f"in both: {len(both)}")
    print(f"same 2025 unit(s): {len(both) - len(target_disagreements)} of {len(both)}")
    print(f"same name: {len(both) - len(name_disagreements)} of {len(both)}")
    for code, our_targets, their_targets in target_disagreements:
        row = ours[code]
        print(f"  DIFFERENT UNITS {code} {row['commune_type']} {row['name']} ({row['district_name']}): "
              f"ours {_names(our_targets, new_names)} ({row['mapping']}), package {_names(their_targets, new_names)}")
    for code, our_name, their_name in name_disagreements:
        print(f"  DIFFERENT NAME {code}: ours {our_name!r}, package {their_name!r}")
    for code in sorted(set(ours) - set(theirs)):
        print(f"  ONLY OURS {code} {ours[code]['name']}")
    for code in sorted(set(theirs) - set(ours)):
        print(f"  ONLY PACKAGE {code} {theirs[code]['ward']} ({theirs[code]['districtShort']})")
    aliases = _library_data().aliases
    print(f"abolished communes the package adds (names, folded): {len(aliases)}")
    return 0


def _names(codes, new_names) -> str:
    return ", ".join(sorted(f"{new_names.get(code, '?')} {code}" for code in codes)) or "-"


if __name__ == "__main__":
    sys.exit(main())
