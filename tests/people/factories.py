"""Records for the people and organisation tests, made through the services."""
from diaspora.organisations import service as organisation_service
from diaspora.people import service


def make_person(by=None, **values):
    """A saved person living in Japan unless told otherwise."""
    return service.create_person({"full_name": "Nguyễn Văn Hùng", "country_code": "JP", **values}, by=by)


def make_organisation(by=None, **values):
    """A saved association in Japan unless told otherwise."""
    return organisation_service.create_organisation(
        {"name": "Hội người Việt Nam tại Nhật Bản", "kind": "association", "country_code": "JP", **values}, by=by)


def person_form(**fields) -> dict:
    """POST data of a valid person form; keyword arguments override or add fields."""
    data = {
        "full_name": "Trần Thị Mai",
        "country_code": "JP",
        "person_type": "overseas_vietnamese",
        "consent_status": "unknown",
        "status": "active",
    }
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}
