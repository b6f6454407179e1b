"""Messages kept in the database as their source text (msgid) and parameters, rendered in the reader's language.

A message written with `lazy_gettext` (`_l("Xuất %(n)d hồ sơ", n=26)`) is stored as {"key": msgid,
"params": {...}} (`encode`) and rendered when it is read (`render`): a Vietnamese reader and an English one
each see their own language, whatever language the writer used. Parameters may be messages themselves,
a reference item (Ref: a country by its code, named in the reader's language) or a text in both languages
(Bilingual: a spreadsheet column's header); counts are shown with the reader's separators (1.990 / 1,990),
numbers that name something (ids, rows, years) as written. A plain string (older rows, a caller that
formats its text itself) is kept and shown as it is. Templates' gettext and ngettext write counts the same
way (template_callables).
"""
import re
from datetime import date, datetime

from flask import has_app_context
from flask_babel import format_decimal, get_translations, gettext, ngettext
from flask_babel.speaklater import LazyString
from jinja2 import pass_context
from markupsafe import Markup

from diaspora.locale import current_language

# "%(n)d" in a message: rendered as a formatted number ("%(n)s" with format_decimal's text).
_INTEGER_PLACEHOLDER = re.compile(r"%\((\w+)\)d")
KEY, PARAMS, PLURAL, COUNT = "key", "params", "plural", "n"
PARTS, SEPARATOR, REF, TEXTS = "parts", "separator", "ref", "texts"
# How a parameter naming a reference item is shown: {kind: function(key, language) -> name}, registered by
# the features that own the items (countries, fields, roles), so a country is named in the reader's language.
NAMERS: dict = {}
# Numbers that name something rather than count it are shown as written: "lượt nhập #1234", "dòng 1234"
# (these parameter names, any "..._id" and any naming a year).
_NOT_GROUPED = {"id", "batch", "row", "year", "rows_from", "rows_to", "survivor", "other", "code", "person",
                "campaign"}


def is_coded(value) -> bool:
    """Whether a stored value is an encoded message (not plain text)."""
    return isinstance(value, dict) and (KEY in value or PARTS in value or REF in value or TEXTS in value)


class Bilingual:
    """A parameter written in both languages (a spreadsheet column's Vietnamese and English headers)."""

    def __init__(self, vi: str, en: str | None = None):
        self.vi, self.en = vi, en or vi

    def __str__(self) -> str:
        return self.en if current_language() == "en" else self.vi


class NamedInBoth(str):
    """A name in the source language (the text itself) that also knows its English (a catalogue item's)."""

    en: str | None = None

    @classmethod
    def of(cls, vi: str, en: str | None) -> "NamedInBoth":
        name = cls(vi)
        name.en = en
        return name


def in_both(names, separator: str = "; ") -> "Messages":
    """Names (NamedInBoth or plain text) as one message parameter, each in the reader's language."""
    return Messages(*(Bilingual(name, getattr(name, "en", None)) for name in names), separator=separator)


def register_namer(kind: str, namer) -> None:
    """How a Ref of this kind is named: namer(key, language) -> name."""
    NAMERS[kind] = namer


class Ref:
    """A parameter naming a reference item by its key (Ref("country", "JP")): shown by the item's name in
    the reader's language."""

    def __init__(self, kind: str, key):
        self.kind, self.key = kind, key

    def __str__(self) -> str:
        return _name(self.kind, self.key, current_language())


def encode(message):
    """A message as JSON-safe data: a lazy gettext/ngettext string becomes {"key", "params"} (and "plural",
    "n" for ngettext); a list of messages a list; anything else its text (None stays None)."""
    if message is None:
        return None
    if isinstance(message, LazyString):
        return _encode_lazy(message)
    if isinstance(message, Messages):
        parts = [encode(part) for part in message.parts]
        return parts if message.separator == " " else {PARTS: parts, SEPARATOR: message.separator}
    if isinstance(message, Ref):
        return {REF: message.kind, KEY: message.key}
    if isinstance(message, Bilingual):
        return {TEXTS: {"vi": message.vi, "en": message.en}}
    if isinstance(message, list | tuple):
        return [encode(part) for part in message]
    if is_coded(message):
        return message
    return str(message)


def _encode_lazy(message: LazyString):
    function, args, params = message._func, message._args, message._kwargs
    coded = {KEY: args[0], PARAMS: {name: _encode_param(value) for name, value in params.items()}}
    if function is ngettext or getattr(function, "__name__", "") == "ngettext":
        coded.update({PLURAL: args[1], COUNT: args[2]})
    elif function is not gettext and getattr(function, "__name__", "") != "gettext":
        return str(message)  # another lazy function: its text, as it reads now
    return coded


def _encode_param(value):
    if isinstance(value, bool) or value is None or isinstance(value, int | float):
        return value
    if isinstance(value, LazyString | Messages | Ref | Bilingual):
        return encode(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def render(stored, *, translate: bool = True) -> str:
    """A stored message as text: in the reader's language (`translate`), else in the source language (the
    msgid with its parameters, as the database keeps it for readers of the raw rows)."""
    if stored is None:
        return ""
    if isinstance(stored, list):
        return " ".join(filter(None, (render(part, translate=translate) for part in stored)))
    if not is_coded(stored):
        return str(stored)
    if PARTS in stored:
        return (stored.get(SEPARATOR) or " ").join(
            filter(None, (render(part, translate=translate) for part in stored[PARTS])))
    if REF in stored:
        return _name(stored[REF], stored.get(KEY), current_language() if translate else "vi")
    if TEXTS in stored:
        texts = stored[TEXTS]
        return texts.get(current_language() if translate and has_app_context() else "vi") or texts.get("vi") or ""
    params = {name: _render_param(value, translate and _is_count_name(name), translate)
              for name, value in (stored.get(PARAMS) or {}).items()}
    if PLURAL in stored:
        params.setdefault("num", _render_param(stored.get(COUNT), translate, translate))
    text = _template(stored, translate)
    try:
        return _INTEGER_PLACEHOLDER.sub(r"%(\1)s", text) % params if params else text
    except (KeyError, ValueError, TypeError):
        return text  # a catalogue entry that names other parameters: the text rather than an error page


def _name(kind: str, key, language: str) -> str:
    namer = NAMERS.get(kind)
    name = namer(key, language) if namer is not None and has_app_context() else None
    return name or ("" if key is None else str(key))


def _is_count_name(name: str) -> bool:
    return name not in _NOT_GROUPED and not name.endswith("_id") and "year" not in name


def with_numbers(text: str, variables: dict) -> tuple[str, dict]:
    """A message and its parameters with every count (a whole number, not an id, row or year) written with
    the reader's separators: "%(n)d" becomes "%(n)s" and n its formatted text."""
    counts = {name for name, value in variables.items()
              if isinstance(value, int) and not isinstance(value, bool) and _is_count_name(name)}
    if not counts:
        return text, variables
    text = _INTEGER_PLACEHOLDER.sub(lambda found: f"%({found[1]})s" if found[1] in counts else found[0], text)
    return text, {**variables, **{name: format_decimal(variables[name]) for name in counts}}


def template_callables() -> dict:
    """gettext and ngettext for templates (the i18n extension's "new style": variables escaped, always
    formatted), writing counts with the reader's separators (with_numbers): 1.990 / 1,990."""

    @pass_context
    def template_gettext(__context, __string: str, **variables) -> str:
        text, variables = with_numbers(get_translations().ugettext(__string), variables)
        return (Markup(text) if __context.eval_ctx.autoescape else text) % variables

    @pass_context
    def template_ngettext(__context, __singular: str, __plural: str, __num: int, **variables) -> str:
        variables.setdefault("num", __num)
        text, variables = with_numbers(get_translations().ungettext(__singular, __plural, __num), variables)
        return (Markup(text) if __context.eval_ctx.autoescape else text) % variables

    return {"gettext": template_gettext, "ngettext": template_ngettext}


def _template(stored: dict, translate: bool) -> str:
    """The message's text in the reader's language, placeholders left to fill."""
    catalogue = get_translations() if translate and has_app_context() else None
    if PLURAL in stored:
        count = stored.get(COUNT) or 0
        if catalogue is not None:
            return catalogue.ungettext(stored[KEY], stored[PLURAL], count)
        return stored[KEY] if count == 1 else stored[PLURAL]
    return catalogue.ugettext(stored[KEY]) if catalogue is not None else stored[KEY]


def _render_param(value, group: bool, translate: bool):
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return format_decimal(value) if group and has_app_context() else str(value)
    if isinstance(value, list) or is_coded(value):
        return render(value, translate=translate)
    return value


def stored(message) -> tuple[str | None, dict | list | None]:
    """What a table keeps of a message: its source-language text, and its code when it has one (a lazy
    message), None for plain text."""
    if message is None:
        return None, None
    coded = encode(message)
    if isinstance(coded, str):
        return coded, None
    return render(coded, translate=False), coded


def text(message) -> str:
    """A message as text in the reader's language, counts with the reader's separators (a flash)."""
    return render(encode(message))


def source_text(message) -> str | None:
    """A message's text in the source language (Vietnamese), None for None: what a text column keeps."""
    if message is None:
        return None
    return render(encode(message), translate=False)


class Messages:
    """Messages said one after the other (a row's notes): shown joined by spaces (or `separator`) in the
    reader's language, stored as the list of their codes."""

    def __init__(self, *parts, separator: str = " "):
        self.separator = separator
        self.parts = []
        for part in parts:
            self.add(part)

    def add(self, part) -> "Messages":
        if isinstance(part, Messages):
            self.parts.extend(part.parts)
        elif part is not None and part != "":
            self.parts.append(part)
        return self

    def __str__(self) -> str:
        return self.separator.join(str(part) for part in self.parts)

    def __html__(self) -> str:
        from markupsafe import escape

        return str(escape(str(self)))

    def __bool__(self) -> bool:
        return bool(self.parts)

    def __eq__(self, other) -> bool:
        return str(self) == str(other)

    def __hash__(self) -> int:
        return hash(str(self))

    def __contains__(self, text) -> bool:
        return text in str(self)

    def __repr__(self) -> str:
        return f"Messages({self.parts!r})"

    def __getattr__(self, name):
        # Read as text by code written for a string (startswith, split…).
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(str(self), name)
