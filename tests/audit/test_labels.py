"""Each feature registers the labels of its own fields once; the history of a record reads them by its type."""
from diaspora.audit.service import field_label


def test_a_field_is_labelled_as_its_own_record_type_names_it(app):
    assert field_label("person_type", "people") == "Đối tượng"  # as on the person's form and in the template
    assert field_label("country_code", "people") == "Nước cư trú"
    assert field_label("country_code", "organisations") == "Nước"
    assert field_label("status", "distribution_channels") != field_label("status", "people")
    assert field_label("role") == "Vai trò"  # a key inside a membership: the shared labels
    assert field_label("no_such_key", "people") == "no_such_key"
