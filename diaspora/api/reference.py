"""/api/v1/reference: the catalogues records point to (countries, fields, community roles, Hải Phòng's
units, the city's typical products)."""
from flask.views import MethodView
from sqlalchemy import select

from diaspora.api.guard import api_blueprint, documented_errors
from diaspora.api.schemas import CountrySchema, ProductSchema, TaxonomySchema, UnitSchema
from diaspora.extensions import db
from diaspora.outreach.products import list_products
from diaspora.reference.models import CommunityRole, Country, Field, Unit

blp = api_blueprint("api_reference", __name__, "/api/v1/reference",
                    "Danh mục: quốc gia, lĩnh vực, vai trò trong cộng đồng, đơn vị hành chính của Hải Phòng, "
                    "sản phẩm tiêu biểu.")


@blp.route("/countries")
class Countries(MethodView):
    @blp.response(200, CountrySchema(many=True))
    @documented_errors(blp)
    def get(self):
        """Quốc gia và vùng lãnh thổ (ISO 3166-1 alpha-2)."""
        return db.session.scalars(select(Country).order_by(Country.code)).all()


@blp.route("/fields")
class Fields(MethodView):
    @blp.response(200, TaxonomySchema(many=True))
    @documented_errors(blp)
    def get(self):
        """Lĩnh vực chuyên môn (khoá dùng trong `fields` của một người)."""
        return db.session.scalars(select(Field).order_by(Field.sort_order, Field.id)).all()


@blp.route("/roles")
class Roles(MethodView):
    @blp.response(200, TaxonomySchema(many=True))
    @documented_errors(blp)
    def get(self):
        """Vai trò trong cộng đồng (khoá dùng trong `roles` của một người)."""
        return db.session.scalars(select(CommunityRole).order_by(CommunityRole.sort_order, CommunityRole.id)).all()


@blp.route("/units")
class Units(MethodView):
    @blp.response(200, UnitSchema(many=True))
    @documented_errors(blp)
    def get(self):
        """Xã, phường, đặc khu của Hải Phòng hiện nay (quê quán)."""
        return db.session.scalars(select(Unit).order_by(Unit.code)).all()


@blp.route("/products")
class Products(MethodView):
    @blp.response(200, ProductSchema(many=True))
    @documented_errors(blp)
    def get(self):
        """Sản phẩm tiêu biểu của thành phố (OCOP, đặc sản)."""
        return list_products()
