"""Regenerate the reference CSVs in data/ from library data (Babel/CLDR, pycountry) and the unit sources.

Usage: .venv/bin/python scripts/build_reference_data.py [--units-source DIR]

countries.csv always comes from Babel and pycountry. The three unit files are rebuilt only when
--units-source names the folder holding haiphong_units_2025.csv, haiphong_old_districts_pre2025.csv
and haiphong_legacy_communes_to_2025.csv (see data/SOURCES.md).
"""
import argparse
import csv
import unicodedata
from pathlib import Path

import pycountry
from babel import Locale

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

# CLDR's Vietnamese names for these two are the full legal titles ("Đặc khu Hành chính Hồng Kông,
# Trung Quốc"), too long for a list; the long form stays available as an alias.
SHORT_NAMES_VI = {"HK": "Hồng Kông (Trung Quốc)", "MO": "Ma Cao (Trung Quốc)"}
SHORT_NAMES_EN = {"HK": "Hong Kong (China)", "MO": "Macao (China)"}

# The source lists old xã Long Xuyên (10963, huyện Bình Giang) as split between Phường Kinh Môn and
# Xã Bình Giang; NQ 1669/NQ-UBTVQH15 puts all of it in Xã Bình Giang (Kinh Môn took phường Long
# Xuyên of thị xã Kinh Môn, a different commune).
CORRECTIONS = {"10963": ("10966", "Đã sửa theo NQ 1669/NQ-UBTVQH15: toàn bộ xã nhập vào Xã Bình Giang")}

def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text.replace("’", "'")).strip()


def build_countries() -> int:
    """Write data/countries.csv: every ISO 3166-1 country with CLDR Vietnamese and English names."""
    vi, en = Locale("vi").territories, Locale("en").territories
    rows = []
    for country in sorted(pycountry.countries, key=lambda c: c.alpha_2):
        code = country.alpha_2
        name_vi = SHORT_NAMES_VI.get(code, vi[code])
        name_en = SHORT_NAMES_EN.get(code, en[code])
        others_vi = [vi[code]] if vi[code] != name_vi else []
        others_en = [getattr(country, attr, None) for attr in ("name", "common_name", "official_name")]
        others_en += [en[code]] if en[code] != name_en else []
        rows.append({
            "code": code,
            "alpha3": country.alpha_3,
            "numeric": country.numeric,
            "name_vi": nfc(name_vi),
            "name_en": nfc(name_en),
            "other_names_vi": " | ".join(dict.fromkeys(nfc(n) for n in others_vi)),
            "other_names_en": " | ".join(dict.fromkeys(nfc(n) for n in others_en if n and nfc(n) != nfc(name_en))),
        })
    write_csv("countries.csv", rows)
    return len(rows)


def read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [{key: nfc(value or "") for key, value in row.items()} for row in csv.DictReader(handle)]


def write_csv(name: str, rows: list[dict]) -> None:
    with (DATA_DIR / name).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def build_units(source: Path) -> tuple[int, int, int]:
    """Write units_2025.csv, old_districts.csv and legacy_communes.csv from the compiled sources."""
    districts = read_csv(source / "haiphong_old_districts_pre2025.csv")
    district_code = {f"{row['district_type']} {row['district_name']}": row["old_district_code"] for row in districts}
    write_csv("old_districts.csv", [
        {
            "code": row["old_district_code"],
            "province": row["old_province"],
            "district_type": row["district_type"],
            "name": row["district_name"],
            "commune_count_2025_03": row["commune_count_2025_03"],
        }
        for row in districts
    ])

    legacy = read_csv(source / "haiphong_legacy_communes_to_2025.csv")
    legacy_rows = []
    for row in legacy:
        codes = row["new_unit_codes"].split(";")
        note = ""
        if row["old_commune_code"] in CORRECTIONS:
            corrected, note = CORRECTIONS[row["old_commune_code"]]
            codes = [corrected]
        legacy_rows.append({
            "old_code": row["old_commune_code"],
            "province": row["old_province"],
            "district_code": district_code[row["old_district"]],
            "district_name": row["old_district"],
            "commune_type": row["old_commune_type"],
            "name": row["old_commune_name"],
            "new_unit_codes": ";".join(codes),
            "mapping": "full" if len(codes) == 1 else "partial",
            "note": note,
        })
    write_csv("legacy_communes.csv", legacy_rows)

    districts_of_unit: dict[str, dict[str, None]] = {}
    for row in legacy_rows:
        for code in row["new_unit_codes"].split(";"):
            districts_of_unit.setdefault(code, {})[row["district_name"]] = None
    units = read_csv(source / "haiphong_units_2025.csv")
    unit_rows = []
    for row in units:
        # Bạch Long Vĩ had no communes: the whole old district became the đặc khu.
        touched = districts_of_unit.get(row["new_code"]) or {row["old_districts_full_merge"]: None}
        unit_rows.append({
            "code": row["new_code"],
            "unit_type": row["unit_type"],
            "name": row["name"],
            "full_name": row["full_name"],
            "old_districts": "; ".join(touched),
        })
    write_csv("units_2025.csv", unit_rows)
    return len(unit_rows), len(districts), len(legacy_rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units-source", type=Path, help="folder with the compiled Hải Phòng unit CSVs")
    args = parser.parse_args()
    print(f"countries.csv: {build_countries()} rows")
    if args.units_source:
        units, districts, communes = build_units(args.units_source)
        print(f"units_2025.csv: {units}, old_districts.csv: {districts}, legacy_communes.csv: {communes} rows")


if __name__ == "__main__":
    main()
