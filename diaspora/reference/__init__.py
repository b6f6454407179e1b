"""Reference data: countries, fields, community roles, administrative units."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from diaspora.audit.service import register_labels
from diaspora.messages import register_namer
from diaspora.reference.models import TAXONOMY_FIELD_LABELS, CommunityRole, Field

bp = Blueprint("reference", __name__)


def register_audit_labels() -> None:
    """The reference lists' record types and the taxonomies' fields, for the shared history views."""
    register_labels(fields={"fields": TAXONOMY_FIELD_LABELS, "community_roles": TAXONOMY_FIELD_LABELS},
                    entities={"fields": _l("Lĩnh vực"), "units": _l("Đơn vị hành chính"), "countries": _l("Quốc gia"),
                              "community_roles": _l("Vai trò cộng đồng")},
                    # The audit keeps countries, fields and roles by their Vietnamese names.
                    translators={"country": country_in_reader_language, "country_code": country_in_reader_language,
                                 "fields": lambda text: name_in_reader_language(Field, text),
                                 "roles": lambda text: name_in_reader_language(CommunityRole, text)})
    # Messages kept with a country, field or role as a parameter name it in the reader's language.
    register_namer("country", lambda code, language: country_name(code, language))
    register_namer("field", lambda key, language: name_of_key(Field, key, language))
    register_namer("role", lambda key, language: name_of_key(CommunityRole, key, language))


from diaspora.reference import views  # noqa: E402,F401
from diaspora.reference.countries import country_in_reader_language, country_name  # noqa: E402
from diaspora.reference.taxonomy import name_in_reader_language, name_of_key  # noqa: E402
