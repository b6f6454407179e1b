"""Cleaners for coded values written by their label or another word staff use (status, nationality, channels)."""
import re
from typing import Callable

from flask_babel import force_locale

from diaspora.spreadsheets.cleaners import (
    KEPT_IN,
    Unmapped,
    cell_text,
    code_for,
    near_spelling,
    split_values,
)
from diaspora.text import fold_key


def _label_table(labels: dict, words: dict[str, str] | None) -> Callable[[], dict[str, str]]:
    """{folded label, code or other word: code}, built on first use (the labels are lazy texts): the
    Vietnamese and English labels, the codes and the other words staff use (`words`, folded)."""
    table: dict[str, str] = {}

    def get() -> dict[str, str]:
        if not table:
            for locale in ("en", "vi"):
                with force_locale(locale):
                    table.update((fold_key(str(label)), code) for code, label in labels.items())
            table.update((fold_key(code), code) for code in labels)
            table.update(words or {})
        return table

    return get


def label_cleaner(labels: dict, words: dict[str, str] | None = None, contains: bool = False) -> Callable:
    """A cleaner for a coded value written by its label, in Vietnamese or English (the export writes the
    Vietnamese label), by its code, or by one of the other words staff use for it. With `contains`, a
    text holding one of them is read as it ("Siêu thị mini châu Á" is a supermarket), longest first."""
    table = _label_table(labels, words)

    def clean(value, ctx):
        key = fold_key(cell_text(value))
        if contains and key not in table():
            for known in sorted(table(), key=len, reverse=True):
                if len(known) >= 4 and known in key:
                    return table()[known]
        return code_for(value, table(), ", ".join(str(label) for label in labels.values()))

    return clean


def labels_cleaner(labels: dict, words: dict[str, str] | None = None) -> Callable:
    """label_cleaner for a cell holding several values separated by ; , / or new lines (a label holding
    one of them, “Về thăm, làm việc”, stays whole): a tuple of codes. A value is also read by a synonym
    the office keeps (Lookups.offers, for these labels' codes), or a near spelling; words naming no code
    come as Unmapped (kept in the person's expertise by the import, with a note): never refused."""
    table = _label_table(labels, words)

    def clean(value, ctx):
        known = dict(table())
        known.update((word, code) for word, code in ctx.lookups.offers.items() if code in labels)
        codes = []
        for part in split_values(value, known=known):
            key = fold_key(part)
            code = known.get(key)
            if code is None and len(key) >= 6:
                code = near_spelling(key, known)
            if code is None:
                code = Unmapped.of(part, [str(label) for label in labels.values()], KEPT_IN)
            if code not in codes:
                codes.append(code)
        return tuple(codes)

    return clean


_NATIONALITY_SEPARATORS = re.compile(r"\s*(?:[;,/&+\n]|\s-\s|\svà\s|\sand\s)\s*", re.IGNORECASE)


def nationality_cleaner(labels: dict) -> Callable:
    """A cleaner for nationality written as a label ("Hai quốc tịch") or as the countries themselves:
    "Việt Nam" → Vietnamese, "Nhật Bản" → foreign, "Việt Nam, Đức" → dual."""
    table = _label_table(labels, NATIONALITY_WORDS)

    def clean(value, ctx):
        text = cell_text(value)
        if fold_key(text) in table():
            return table()[fold_key(text)]
        countries = {ctx.lookups.country_code(part) for part in _NATIONALITY_SEPARATORS.split(text) if part}
        if not countries or None in countries:
            return code_for(value, table(), ", ".join(str(label) for label in labels.values()))
        if "VN" in countries:
            return "dual" if len(countries) > 1 else "vietnamese"
        return "foreign"

    return clean


STATUS_WORDS = {
    **dict.fromkeys(("conlienlac", "lienlacduoc", "binhthuong"), "active"),
    **dict.fromkeys(("khonglienlacduoc", "mattin", "khongconlienlac"), "unreachable"),
    **dict.fromkeys(("quadoi", "tutran", "mat", "chet"), "deceased"),
}
NATIONALITY_WORDS = {
    **dict.fromkeys(("vietnam", "vn", "vietnamese", "quoctichvn"), "vietnamese"),
    **dict.fromkeys(("songtich", "2quoctich", "haiquoctichvietnamvanuocngoai", "vietnamvanuocngoai"), "dual"),
    **dict.fromkeys(("nuocngoai", "quoctichkhac", "dathoiquoctichvietnam"), "foreign"),
    **dict.fromkeys(("khongro", "chuaxacdinh"), "unknown"),
}
CONTRIBUTION_WORDS = {
    **dict.fromkeys(("tuvan", "tuvantructuyen", "tuvanonline", "advice"), "remote_advice"),
    **dict.fromkeys(("vetham", "velamviec", "vethamquehuong", "visit"), "visits"),
    **dict.fromkeys(("gopvon", "dautuvequehuong"), "investment"),
    **dict.fromkeys(("daotao", "dayhoc", "thinhgiang", "giangdaytructuyen"), "teaching"),
}


CHANNEL_TYPE_WORDS = {
    **dict.fromkeys(("cuahang", "cuahangtaphoa", "tiemtaphoa", "taphoa", "tiem", "store", "grocery", "minimart",
                     "chuoicuahang", "banle", "retail"), "shop"),
    **dict.fromkeys(("sieuthimini", "chuoisieuthi", "market", "supermarket", "hypermarket"), "supermarket"),
    **dict.fromkeys(("quanan", "nhahangviet", "quanpho", "restaurant", "cafe"), "restaurant"),
    **dict.fromkeys(("nhapkhau", "doanhnghiepnhapkhau", "congtynhapkhau", "import", "importer"), "importer"),
    **dict.fromkeys(("phanphoi", "nhaphanphoi", "banbuon", "daily", "tongdaily", "distributor", "wholesale"),
                    "wholesaler"),
    **dict.fromkeys(("online", "trangthuongmaidientu", "thuongmaidientu", "santhuongmaidientu", "website",
                     "cuahangtructuyen", "sangiaodich", "tmdt", "ecommerce", "amazon", "shopee", "lazada"),
                    "ecommerce"),
    **dict.fromkeys(("hoicho", "hoichotrienlam", "trienlam", "exhibition", "fair", "expo"), "fair"),
}
CHANNEL_STATUS_WORDS = {
    **dict.fromkeys(("moi", "chualienhe", "tiemnang"), "potential"),
    **dict.fromkeys(("dangtraodoi", "dangdamphan", "lienhe"), "contacted"),
    **dict.fromkeys(("doitac", "danghoptac", "hoptac", "dangphanphoi"), "partner"),
    **dict.fromkeys(("ngunghoptac", "tamdung", "dung"), "inactive"),
}
