"""The forms' rules for the API: a call's values are posted to the very form a page posts (its choices,
lengths, dates, contacts, control characters), so a rule lives once; errors come back per field."""
from datetime import date

from flask_smorest import abort
from werkzeug.datastructures import MultiDict
from wtforms import FieldList, FormField



def formdata(values: dict) -> MultiDict:
    """Values in a service's shape as the form fields a page would post: dates as dd/mm/yyyy, lists as
    repeated fields, rows of sub-forms as name-index-field, booleans as checked or absent."""
    pairs: list[tuple[str, str]] = []
    for name, value in values.items():
        if isinstance(value, list | tuple):
            for index, item in enumerate(value):
                if isinstance(item, dict):
                    pairs += [(f"{name}-{index}-{key}", text) for key, sub in item.items()
                              for text in _texts(sub)]
                else:
                    pairs += [(name, text) for text in _texts(item)]
        else:
            pairs += [(name, text) for text in _texts(value)]
    return MultiDict(pairs)


def _texts(value) -> list[str]:
    if value is None:
        return [""]
    if value is True:
        return ["y"]
    if value is False:
        return []
    if isinstance(value, date):
        return [value.strftime("%d/%m/%Y")]
    return [str(value)]


def validated_form(form_class, values: dict, *, renamed=None, **form_options):
    """The form filled with `values` and validated; a 422 with the form's errors per field otherwise, each
    under the name the call used: `renamed(form key) -> API key` where the form names a field otherwise
    (the channel form's `country` is the API's `country_code`)."""
    form = form_class(formdata=formdata(values), meta={"csrf": False}, **form_options)
    if not form.validate():
        errors: dict[str, list[str]] = {}
        for key, messages in field_errors(form).items():
            errors.setdefault(renamed(key) if renamed else key, []).extend(messages)
        abort(422, errors=errors)
    return form


def field_errors(form, prefix: str = "") -> dict[str, list[str]]:
    """{"full_name": [...], "contacts.0.value": [...]} read from the fields themselves: a form's cached
    `errors` misses those a form's own validate() puts on rows after their first pass."""
    errors: dict[str, list[str]] = {}
    for name, field in form._fields.items():
        key = f"{prefix}{name}"
        if isinstance(field, FieldList):
            own = [str(error) for error in field.errors if not isinstance(error, dict | list | tuple)]
            if own:
                errors[key] = own
            for index, entry in enumerate(field.entries):
                if isinstance(entry, FormField):
                    errors.update(field_errors(entry.form, f"{key}.{index}."))
                elif entry.errors:
                    errors[f"{key}.{index}"] = [str(error) for error in entry.errors]
        elif isinstance(field, FormField):
            errors.update(field_errors(field.form, f"{key}."))
        elif field.errors and name != "csrf_token":
            errors[key] = [str(error) for error in field.errors]
    return errors
