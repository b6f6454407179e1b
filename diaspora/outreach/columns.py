"""The sheets of outreach: distribution channels (CHANNELS) and an activity's attendance list
(PARTICIPANTS: the people columns and each person's part in the activity), declared once."""
from typing import Callable

from flask_babel import lazy_gettext as _l

from diaspora.outreach.models import (
    CHANNEL_SCALES,
    CHANNEL_STATUSES,
    CHANNEL_TYPES,
    ActivityParticipant,
    DistributionChannel,
)
from diaspora.people.columns import PEOPLE
from diaspora.reference.lookups import country_names, product_names
from diaspora.spreadsheets import cleaners as c
from diaspora.spreadsheets.columns import Column, Sheet, labels_of, text_cleaner_for
from diaspora.spreadsheets.contact_cleaners import (
    clean_single_email,
    clean_single_phone,
    clean_website,
)
from diaspora.spreadsheets.label_cleaners import (
    CHANNEL_STATUS_WORDS,
    CHANNEL_TYPE_WORDS,
    label_cleaner,
)
from diaspora.spreadsheets.renderers import (
    render_attribute,
    render_channel_organisation,
    render_country,
    render_label,
    render_products,
)

_CHANNEL_TABLE = DistributionChannel.__table__


def render_person_in_charge(channel) -> str:
    """The person behind a channel as "Name (ID n)", which the import reads back to the same record; a person
    whose processing is restricted (or who was erased) is written as "(ID n)" alone, which reads back the same
    and shows no one's name: no export shows a restricted person."""
    person = channel.person
    if person is None:
        return ""
    if person.restricted_at is not None or person.erased_at is not None:
        return f"(ID {person.id})"
    return f"{person.full_name} (ID {person.id})"


def _channel_text(attribute: str) -> Callable:
    return text_cleaner_for(_CHANNEL_TABLE, attribute)


_COUNTRY_ALIASES = ("Quốc gia", "Nước", "Country", "Nước sở tại", "Nước cư trú", "Quốc gia cư trú")

CHANNELS = Sheet(
    key="channels",
    table=_CHANNEL_TABLE,
    title=_l("Kênh phân phối"),
    file_name="mau-nhap-kenh-phan-phoi.xlsx",
    record_noun=_l("kênh"),
    name_key="name",
    match_on=("email", "phone", "website", "name_country"),
    columns=(
        Column("id", "ID", "ID", aliases=("Mã kênh", "Channel ID"),
               clean=c.clean_id, render=lambda channel: str(channel.id), relation="id",
               help_vi="Để trống khi thêm mới. Tệp xuất từ hệ thống có sẵn ID: giữ nguyên để cập nhật đúng kênh."),
        Column("name", "Tên kênh", "Channel name",
               aliases=("Tên cửa hàng", "Tên doanh nghiệp", "Tên cơ sở", "Tên đơn vị", "Tên nhà phân phối",
                        "Cửa hàng", "Doanh nghiệp", "Nhà phân phối", "Kênh phân phối", "Tên", "Name", "Channel"),
               clean=_channel_text("name"), render=render_attribute("name"), required=True,
               example="Siêu thị Việt Mart Tokyo", help_vi="Bắt buộc. Tên cửa hàng, doanh nghiệp, hội chợ…"),
        Column("channel_type", "Loại kênh", "Channel type",
               aliases=("Loại hình", "Loại", "Hình thức", "Loại hình kinh doanh", "Type"),
               clean=label_cleaner(CHANNEL_TYPES, CHANNEL_TYPE_WORDS, contains=True), render=render_label("channel_type", CHANNEL_TYPES),
               choices=labels_of(CHANNEL_TYPES), example="Siêu thị",
               help_vi="Cửa hàng, Siêu thị, Nhà hàng, Nhà nhập khẩu, Nhà phân phối bán buôn, Sàn / cửa hàng trực tuyến, "
                       "Hội chợ hoặc Khác; để trống là Khác."),
        Column("country", "Quốc gia", "Country", aliases=_COUNTRY_ALIASES[1:],
               clean=c.clean_country, render=render_country, attributes=("country_code",), required=True,
               choices=country_names, example="Nhật Bản",
               help_vi="Bắt buộc. Tên nước tiếng Việt hoặc tiếng Anh, hoặc mã ISO (JP)."),
        Column("city", "Thành phố", "City", aliases=("Tỉnh/Bang", "Bang", "Tỉnh/Thành phố", "City/State", "State"),
               clean=_channel_text("city"), render=render_attribute("city"), example="Tokyo"),
        Column("address", "Địa chỉ", "Address", aliases=("Địa chỉ cửa hàng", "Địa chỉ liên hệ"),
               clean=_channel_text("address"), render=render_attribute("address"), example="2-5-1 Ueno, Taito-ku"),
        # The person behind a channel is a record of the people register: the export writes
        # "Name (ID n)", which the import reads back exactly; a name alone is looked up among live records.
        Column("person", "Người phụ trách", "Person in charge",
               aliases=("Kiều bào phụ trách", "Chủ kênh", "Chủ cửa hàng", "Người đại diện", "Người liên hệ",
                        "Contact person", "Owner"),
               clean=c.clean_person_reference, render=render_person_in_charge, relation="person",
               example="Nguyễn Văn An (ID 12)",
               help_vi="Kiều bào trong hệ thống: họ tên (có thể kèm “(ID số hồ sơ)” khi trùng tên)."),
        Column("organisation", "Tổ chức", "Organisation",
               aliases=("Công ty", "Doanh nghiệp chủ quản", "Đơn vị chủ quản", "Organisation", "Organization",
                        "Company"),
               clean=c.clean_organisation_name, render=render_channel_organisation, relation="organisation",
               example="Công ty TNHH Việt Mart",
               help_vi="Tổ chức, doanh nghiệp đứng sau kênh; tổ chức chưa có sẽ được tạo mới."),
        Column("products", "Sản phẩm đang phân phối", "Products carried",
               aliases=("Sản phẩm", "Mặt hàng", "Sản phẩm đang bán", "Mặt hàng đang bán", "Sản phẩm phân phối",
                        "Mặt hàng phân phối", "Products"),
               clean=c.clean_products, render=render_products("distributing"), relation="products", multi=True,
               choices=product_names, example="Vải thiều Thanh Hà; Bánh đậu xanh Hải Dương",
               help_vi="Sản phẩm tiêu biểu trong danh mục (tên, một phần tên hoặc từ đồng nghĩa), cách nhau bởi dấu "
                       "chấm phẩy; sản phẩm chưa có trong danh mục không làm hỏng dòng: được ghi vào Ghi chú."),
        Column("products_wanted", "Sản phẩm quan tâm", "Products wanted",
               aliases=("Sản phẩm muốn nhập", "Mặt hàng quan tâm", "Sản phẩm có nhu cầu", "Nhu cầu nhập hàng",
                        "Interested in"),
               clean=c.clean_products, render=render_products("interested"), relation="products", multi=True,
               choices=product_names, example="Gốm Chu Đậu",
               help_vi="Sản phẩm kênh muốn nhập, cách nhau bởi dấu chấm phẩy; sản phẩm chưa có trong danh mục được "
                       "ghi vào Ghi chú."),
        Column("scale", "Quy mô", "Scale", aliases=("Quy mô kinh doanh", "Size"),
               clean=label_cleaner(CHANNEL_SCALES), render=render_label("scale", CHANNEL_SCALES),
               choices=labels_of(CHANNEL_SCALES), example="Vừa", help_vi="Nhỏ, Vừa hoặc Lớn."),
        Column("scale_note", "Ghi chú quy mô", "Scale note",
               aliases=("Sản lượng", "Doanh số", "Doanh thu", "Số cửa hàng", "Volume"),
               clean=_channel_text("scale_note"), render=render_attribute("scale_note"),
               example="3 cửa hàng, khoảng 2 tấn vải mỗi mùa"),
        Column("status", "Trạng thái", "Status", aliases=("Tình trạng", "Giai đoạn", "Tình trạng hợp tác"),
               clean=label_cleaner(CHANNEL_STATUSES, CHANNEL_STATUS_WORDS), render=render_label("status", CHANNEL_STATUSES),
               choices=labels_of(CHANNEL_STATUSES), example="Đã liên hệ",
               help_vi="Tiềm năng, Đã liên hệ, Đối tác hoặc Ngừng; để trống là Tiềm năng."),
        Column("phone", "Điện thoại", "Phone",
               aliases=("SĐT", "Số điện thoại", "ĐT", "Di động", "Tel", "Telephone", "Phone number"),
               clean=clean_single_phone, render=render_attribute("phone"), reads_row=("country",),
               example="+81 3 1234 5678", help_vi="Một số; số không có + được hiểu theo quốc gia của kênh."),
        Column("email", "Email", "Email", aliases=("E-mail", "Thư điện tử", "Mail"),
               clean=clean_single_email, render=render_attribute("email"), example="info@vietmart.jp"),
        Column("website", "Trang web", "Website", aliases=("Website", "Web", "Địa chỉ web", "Fanpage", "URL"),
               clean=clean_website, render=render_attribute("website"), example="https://vietmart.jp"),
        Column("notes", "Ghi chú", "Notes", aliases=("Ghi chú khác", "Note", "Remarks"),
               clean=_channel_text("notes"), render=render_attribute("notes", paragraphs=True)),
    ),
)

# The people of an attendance list (a Tết gathering, a delegation's meeting): the people columns, so
# the list finds, updates or adds records as any people import does, and their part in the activity.
PARTICIPANTS = Sheet(
    key="participants",
    table=PEOPLE.table,
    title=_l("Người tham dự"),
    file_name="mau-nhap-danh-sach-tham-du.xlsx",
    record_noun=_l("người"),
    match_on=PEOPLE.match_on,
    columns=(
        *PEOPLE.columns,
        Column("participant_role", "Vai trò trong hoạt động", "Part in the activity",
               aliases=("Vai trò tham dự", "Tư cách tham dự", "Tham dự với tư cách", "Part", "Role in activity"),
               clean=c.text_cleaner(ActivityParticipant.__table__.c.role.type.length),
               render=render_attribute("participant_role"), relation="participation", example="Khách mời",
               help_vi="Ví dụ: Trưởng đoàn, Khách mời, Đại biểu, Phát biểu."),
        Column("participant_note", "Ghi chú tham dự", "Participation note",
               aliases=("Ghi chú hoạt động", "Participation note"),
               clean=c.text_cleaner(ActivityParticipant.__table__.c.note.type.length),
               render=render_attribute("participant_note"), relation="participation",
               example="Tặng quà, phát biểu cảm tưởng"),
    ),
)
