"""Export then import of an unchanged file changes nothing for every field, role, offer and product,
whatever their labels hold (“Về thăm, làm việc”, “Giáo viên / giảng viên”, a product name with a comma)."""
import pytest
from sqlalchemy import select

from diaspora.extensions import db
from diaspora.imports.kinds import kind_of
from diaspora.imports.running import import_file
from diaspora.outreach.channels import ChannelQuery
from diaspora.outreach.exports import export_channels
from diaspora.people.models import CONTRIBUTION_KINDS
from diaspora.reference.models import CommunityRole, Field, Product
from diaspora.reference.products import seed_products
from tests.exports.helpers import export_to, full_person
from tests.outreach.factories import make_channel


@pytest.fixture
def everything(seeded):
    """People holding every field, role and offer between them; channels carrying and wanting every product."""
    seed_products()
    fields = list(db.session.scalars(select(Field.id).order_by(Field.sort_order)))
    roles = list(db.session.scalars(select(CommunityRole.id).order_by(CommunityRole.sort_order)))
    full_person(fields=fields, roles=roles, offers=list(CONTRIBUTION_KINDS))
    for kind in CONTRIBUTION_KINDS:  # each offer alone too: a label alone in its cell
        full_person(full_name=f"Người {kind}", offers=[kind], fields=fields[:1], roles=roles[-1:],
                    contacts=[{"kind": "email", "value": f"{kind}@example.com"}])
    products = list(db.session.scalars(select(Product).order_by(Product.name_folded)))
    assert any("," in product.name for product in products)  # the catalogue's own names hold commas
    make_channel("Cửa hàng Sen Việt", products=[(product, "distributing") for product in products])
    make_channel("Siêu thị Hà Thành", products=[(product, "interested") for product in products])
    db.session.commit()


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_people_with_every_field_role_and_offer_come_back_unchanged(everything, tmp_path, suffix):
    path = tmp_path / f"kieu-bao.{suffix}"
    export_to(path)
    outcome = import_file(path, on_duplicate="update")
    assert outcome["errors"] == [] and outcome["notes"] == []
    assert (outcome["created"], outcome["updated"], outcome["unchanged"]) == (0, 0, 1 + len(CONTRIBUTION_KINDS))


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_channels_with_every_product_come_back_unchanged(everything, tmp_path, suffix):
    path = tmp_path / f"kenh.{suffix}"
    export_channels(ChannelQuery(), path, fmt=suffix)
    outcome = import_file(path, on_duplicate="update", kind=kind_of("channels"))
    assert outcome["errors"] == [] and outcome["notes"] == []
    assert (outcome["created"], outcome["updated"], outcome["unchanged"]) == (0, 0, 2)
