"""The consent text of the public forms, kept as a versioned text: a submission and the person it becomes
record the version the submitter was shown. A change of the wording is a new version."""
from flask_babel import lazy_gettext as _l

CONSENT_TEXT_VERSION = "2026-12"
# What the register records of a consent given on a public form (people.models CONSENT_SOURCES, LEGAL_BASES).
CONSENT_SOURCE = "form"
CONSENT_LEGAL_BASIS = "consent"
PERSON_SOURCE = "Đăng ký trực tuyến"
SUBMISSION_KEEP_DAYS = 90

CONSENT_TITLE = _l("Đồng ý cho xử lý dữ liệu cá nhân")
# Who, for what, for how long, and the person's rights (Law on Personal Data Protection No. 91/2025/QH15).
CONSENT_PARAGRAPHS = (
    _l("Bên xử lý dữ liệu: Sở Ngoại vụ thành phố Hải Phòng (cơ quan kiểm soát và xử lý dữ liệu)."),
    _l("Mục đích: giữ liên lạc với cộng đồng người Việt Nam ở nước ngoài có gốc Hải Phòng và chuyên gia; mời dự "
       "các sự kiện, hoạt động của thành phố; kết nối chuyên môn, hợp tác, đầu tư; gửi thư chúc mừng, thư mời."),
    _l("Dữ liệu: các thông tin bạn ghi trong phiếu này (họ tên, giới tính, năm sinh, nơi cư trú, liên hệ, quê quán, "
       "nghề nghiệp, lĩnh vực, hội đoàn, khả năng đóng góp)."),
    _l("Thời hạn: dữ liệu được lưu trong hồ sơ của Sở đến khi bạn rút lại sự đồng ý hoặc yêu cầu xoá. Phiếu không "
       "được cán bộ duyệt vào hồ sơ sẽ bị xoá sau 90 ngày."),
    _l("Quyền của bạn: được biết, xem, yêu cầu chỉnh sửa dữ liệu của mình; rút lại sự đồng ý; yêu cầu hạn chế xử lý "
       "hoặc xoá dữ liệu, bất cứ lúc nào, bằng cách liên hệ Sở Ngoại vụ thành phố Hải Phòng và nêu mã tham chiếu."),
    _l("Dữ liệu không được chia sẻ cho bên thứ ba vì mục đích thương mại."),
)
CONSENT_CHECKBOX = _l("Tôi đã đọc và đồng ý cho Sở Ngoại vụ thành phố Hải Phòng xử lý dữ liệu cá nhân của tôi theo "
                      "nội dung trên.")
CONSENT_SCOPE = "Liên hệ, mời dự sự kiện, kết nối chuyên môn; theo nội dung đồng ý phiên bản " + CONSENT_TEXT_VERSION
PROCESSING_PURPOSE = ("Giữ liên lạc, mời dự sự kiện, kết nối chuyên môn, hợp tác, đầu tư; gửi thư chúc mừng, "
                      "thư mời")
