"""A registration's values cleaned and matched by the import's own rules: the people sheet's cleaners (names,
birth years, countries, phones, emails, hometowns, associations) and its duplicate rules, over one row."""
from diaspora.people.columns import PEOPLE
from diaspora.people.duplicates import Match, find_duplicates
from diaspora.reference.lookups import import_lookups
from diaspora.spreadsheets.mapping import Mapping, MappedColumn
from diaspora.spreadsheets.pipeline import CleanRow, SheetLayout, clean_rows

# The form's fields, by the people sheet's column they are a cell of.
FORM_TO_COLUMN = {
    "full_name": "full_name",
    "other_names": "other_names",
    "gender": "gender",
    "birth_year": "birth_date",
    "country_code": "country",
    "city": "city",
    "hometown": "hometown",
    "occupation": "occupation",
    "expertise": "expertise",
    "organisations": "organisations",
    "phone": "phones",
    "email": "emails",
    "zalo": "zalo",
    "whatsapp": "other_contacts",
}
COLUMN_TO_FORM = {column: name for name, column in FORM_TO_COLUMN.items()}
# The row the cleaners see is numbered like the first data row of a sheet with one header row.
ROW = 2


def _cell(name: str, value):
    if name == "whatsapp" and value:
        return f"WhatsApp: {value}"
    return value


def clean_values(values: dict) -> CleanRow:
    """The submitted values as the import cleans a row of the people sheet: `CleanRow.values` by column key
    (fields and offers, chosen from the catalogues on the form, are added as they are), problems by column."""
    names = [name for name in FORM_TO_COLUMN if values.get(name) not in (None, "")]
    mapping = Mapping([MappedColumn(index, PEOPLE.column(FORM_TO_COLUMN[name]).header_vi, FORM_TO_COLUMN[name],
                                    "exact") for index, name in enumerate(names)])
    cells = [_cell(name, str(values[name])) for name in names]
    layout = SheetLayout("", "", [column.header for column in mapping.columns], [(ROW, cells)], [], None, {}, [])
    row = clean_rows(layout, mapping, PEOPLE, import_lookups())[0]
    if values.get("fields"):
        row.values["fields"] = tuple(int(item) for item in values["fields"])
    if values.get("offers"):
        row.values["offers"] = tuple(values["offers"])
    return row


def form_problems(row: CleanRow) -> dict[str, list[str]]:
    """{form field: messages} of the problems the cleaners found."""
    by_header = {PEOPLE.column(column).header_vi: form for column, form in COLUMN_TO_FORM.items()}
    problems: dict[str, list[str]] = {}
    for problem in row.problems:
        problems.setdefault(by_header.get(problem.column, "full_name"), []).append(problem.message)
    return problems


def probable_matches(values: dict) -> list[Match]:
    """The people of the register the values probably describe, strongest first, by the import's rules."""
    row = clean_values(values)
    if not row.valid:
        return []
    return [match for match in find_duplicates([row]).get(ROW, []) if match.person_id is not None]


def person_values(row: CleanRow) -> dict:
    """What service.create_person takes, from a cleaned row (contacts as written: the service cleans them)."""
    values = row.values
    birth = values.get("birth_date") or (None, None)
    hometown = values.get("hometown") or (None, None)
    contacts = [{"kind": kind, "value": written, "is_primary": False}
                for key in PEOPLE.keys_of("contacts") for kind, written, _normalized in values.get(key, ())]
    if contacts:
        contacts[0]["is_primary"] = True
    return {
        "full_name": values["full_name"],
        "other_names": values.get("other_names"),
        "gender": values.get("gender"),
        "birth_date": birth[0],
        "birth_year": birth[1],
        "country_code": values.get("country"),
        "city": values.get("city"),
        "hometown_unit_code": hometown[0],
        "hometown_text": hometown[1],
        "occupation": values.get("occupation"),
        "expertise": values.get("expertise"),
        "fields": list(values.get("fields", ())),
        "offers": list(values.get("offers", ())),
        "contacts": contacts,
        "organisations": list(values.get("organisations", ())),
    }
