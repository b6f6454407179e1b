"""What demo people are made of: the community's family, middle and given names with their weights, the
countries they live in and their locales, occupations with the titles and fields that go with them, employers,
expertise, associations and businesses (diaspora.people.demo draws from these)."""
DEMO_SOURCE = "Dữ liệu mẫu (demo)"

FAMILY_NAMES = (
    ("Nguyễn", 38.0), ("Trần", 11.0), ("Lê", 9.5), ("Phạm", 7.0), ("Hoàng", 4.0), ("Huỳnh", 1.5),
    ("Phan", 4.5), ("Vũ", 2.5), ("Võ", 1.5), ("Đặng", 2.1), ("Bùi", 2.0), ("Đỗ", 1.4), ("Hồ", 1.3),
    ("Ngô", 1.3), ("Dương", 1.0), ("Lý", 0.5), ("Đào", 0.8), ("Đoàn", 0.7), ("Trịnh", 0.6),
    ("Mai", 0.5), ("Cao", 0.5), ("Lương", 0.4), ("Đinh", 0.5), ("Lâm", 0.3), ("Tạ", 0.3), ("Hà", 0.4),
    ("Tô", 0.3), ("Vương", 0.2), ("Phùng", 0.3), ("Quách", 0.1), ("Kiều", 0.1), ("Lưu", 0.2),
    ("Chu", 0.2), ("Thái", 0.1), ("Triệu", 0.1), ("Khúc", 0.05), ("Văn", 0.1),
)
MIDDLE_NAMES = {
    "male": ("Văn", "Văn", "Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Xuân", "Thanh", "Ngọc",
             "Hoàng", "Tiến", "Mạnh", "Duy", "Trọng", "Anh", "Thế", "Quốc", "Hải"),
    "female": ("Thị", "Thị", "Thị", "Thị", "Thu", "Thanh", "Ngọc", "Minh", "Kim", "Thùy", "Hồng",
               "Phương", "Bích", "Mai", "Thúy", "Lan", "Hải", "Diệu", "Khánh", "Quỳnh"),
}
GIVEN_NAMES = {
    "male": ("Hùng", "Dũng", "Tuấn", "Minh", "Hải", "Nam", "Sơn", "Thắng", "Long", "Cường", "Quân",
             "Huy", "Phong", "Trung", "Đức", "Khoa", "Hiếu", "Bình", "An", "Tâm", "Việt", "Thành",
             "Hoàng", "Tùng", "Kiên", "Đạt", "Hưng", "Vinh", "Lâm", "Phúc", "Khánh", "Toàn", "Quang",
             "Thịnh", "Nghĩa", "Lộc", "Tú", "Duy", "Hòa", "Chiến"),
    "female": ("Lan", "Hương", "Hoa", "Mai", "Linh", "Trang", "Thảo", "Hằng", "Hà", "Ngọc", "Nga",
               "Yến", "Vân", "Thủy", "Huyền", "Phương", "Anh", "Dung", "Nhung", "Oanh", "Quỳnh",
               "Nhi", "Trâm", "Giang", "Loan", "Hạnh", "My", "Châu", "Thư", "Uyên", "Hiền", "Thúy"),
}
# Names the community uses abroad, prepended to the name written the Western way.
WESTERN_NAMES = {
    "male": ("Peter", "David", "John", "Michael", "Thomas", "Kevin", "Tony", "Daniel", "Paul", "Eric"),
    "female": ("Anna", "Linda", "Mary", "Jenny", "Lisa", "Julie", "Helen", "Christine", "Nancy", "Sophie"),
}
# Faker's locale of each country: its streets, phones, email domains and foreign experts' names.
LOCALES = {
    "US": "en_US", "JP": "ja_JP", "KR": "ko_KR", "TW": "zh_TW", "AU": "en_AU", "CA": "en_CA", "DE": "de_DE",
    "FR": "fr_FR", "CZ": "cs_CZ", "RU": "ru_RU", "PL": "pl_PL", "GB": "en_GB", "UA": "uk_UA", "TH": "th_TH",
    "NL": "nl_NL", "SE": "sv_SE", "CH": "de_CH", "NO": "no_NO", "DK": "da_DK", "FI": "fi_FI", "BE": "nl_BE",
    "IT": "it_IT", "SK": "sk_SK", "HU": "hu_HU", "NZ": "en_NZ", "CN": "zh_CN",
}
# Locales whose city names are real places written in Latin letters (others' are invented or in
# another script): a fifth of the people there live in one of them rather than in the main cities.
REAL_CITY_LOCALES = {"de_DE", "cs_CZ", "pl_PL", "nl_NL", "sv_SE", "da_DK", "fi_FI", "it_IT", "sk_SK", "de_CH"}
# Locales whose street addresses are written in Latin letters, as the office writes an address abroad.
LATIN_ADDRESS_LOCALES = {"en_US", "en_AU", "en_CA", "en_GB", "en_NZ", "de_DE", "de_CH", "fr_FR", "cs_CZ",
                         "pl_PL", "nl_NL", "nl_BE", "sv_SE", "no_NO", "da_DK", "fi_FI", "it_IT", "sk_SK", "hu_HU"}
# Countries whose foreign experts the city works with. Korean names are romanised by hand: Faker's ko_KR
# has no romanised names.
EXPERT_COUNTRIES = ("US", "JP", "KR", "DE", "FR", "AU", "CZ", "GB", "CA", "PL", "RU", "TW", "NL", "SE", "IT")
KOREAN_EXPERT_NAMES = ("Kim Min-jun", "Lee Seo-yeon", "Park Ji-hoon", "Choi Hye-jin", "Jung Woo-sung",
                       "Kang Dong-hyun", "Yoon Ji-woo", "Han Seung-ho", "Lim Soo-bin", "Shin Eun-ji")
# Russian names in Latin letters, as a passport writes them (ICAO 9303).
CYRILLIC_TO_LATIN = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
                     ("a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "i", "k", "l", "m", "n", "o", "p", "r",
                      "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "ie", "y", "", "e", "iu", "ia"), strict=True))
# Letters an ASCII fold does not reach by removing accents.
ASCII_LETTERS = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "æ": "ae", "Æ": "Ae",
                                "œ": "oe", "Œ": "Oe", "ı": "i", "þ": "th", "ð": "d"})

# (ISO code, weight, cities): roughly where Hải Phòng's community lives.
COUNTRIES = (
    ("US", 20.0, ("San Jose", "Houston", "Westminster", "Garden Grove", "Seattle", "Philadelphia",
                  "Boston", "Washington", "New York", "Atlanta", "Dallas", "Orlando")),
    ("JP", 14.0, ("Tokyo", "Osaka", "Yokohama", "Nagoya", "Fukuoka", "Saitama", "Kobe")),
    ("KR", 9.0, ("Seoul", "Busan", "Incheon", "Ansan", "Suwon", "Daegu")),
    ("TW", 7.0, ("Taipei", "Taoyuan", "Taichung", "Kaohsiung", "Tainan")),
    ("AU", 6.0, ("Sydney", "Melbourne", "Brisbane", "Adelaide", "Perth")),
    ("CA", 4.5, ("Toronto", "Montreal", "Vancouver", "Calgary", "Ottawa")),
    ("DE", 5.5, ("Berlin", "Leipzig", "Hamburg", "Frankfurt am Main", "München", "Dresden", "Köln")),
    ("FR", 4.0, ("Paris", "Lyon", "Marseille", "Toulouse", "Bordeaux")),
    ("CZ", 4.0, ("Praha", "Brno", "Cheb", "Plzeň", "Ostrava", "Karlovy Vary")),
    ("RU", 3.0, ("Moskva", "Sankt-Peterburg", "Kazan", "Vladivostok")),
    ("PL", 2.5, ("Warszawa", "Kraków", "Wrocław", "Gdańsk", "Łódź")),
    ("GB", 2.0, ("London", "Birmingham", "Manchester", "Leeds")),
    ("UA", 1.2, ("Kyiv", "Kharkiv", "Odesa")),
    ("LA", 1.5, ("Viêng Chăn", "Savannakhet", "Pakse")),
    ("KH", 1.5, ("Phnôm Pênh", "Siem Reap")),
    ("TH", 1.5, ("Bangkok", "Udon Thani", "Nakhon Phanom")),
    ("SG", 0.8, ("Singapore",)),
    ("MY", 0.8, ("Kuala Lumpur", "Penang")),
    ("NL", 0.7, ("Amsterdam", "Rotterdam")),
    ("SE", 0.6, ("Stockholm", "Göteborg")),
    ("CH", 0.5, ("Zürich", "Genève")),
    ("NO", 0.6, ("Oslo", "Bergen")),
    ("DK", 0.5, ("København", "Aarhus")),
    ("FI", 0.4, ("Helsinki",)),
    ("BE", 0.5, ("Bruxelles", "Antwerpen")),
    ("IT", 0.3, ("Roma", "Milano")),
    ("SK", 0.4, ("Bratislava",)),
    ("HU", 0.4, ("Budapest",)),
    ("NZ", 0.4, ("Auckland", "Wellington")),
    ("AE", 0.3, ("Dubai", "Abu Dhabi")),
    ("CN", 0.4, ("Quảng Châu", "Bắc Kinh")),
    ("SA", 0.2, ("Riyadh",)),
)
EMAIL_DOMAINS = ("gmail.com",) * 6 + ("yahoo.com", "outlook.com", "hotmail.com")
LOCAL_EMAIL_DOMAINS = {
    "JP": ("yahoo.co.jp", "docomo.ne.jp"), "KR": ("naver.com", "daum.net"), "DE": ("gmx.de", "web.de"),
    "CZ": ("seznam.cz", "email.cz"), "PL": ("wp.pl", "o2.pl"), "RU": ("mail.ru", "yandex.ru"),
    "FR": ("orange.fr", "free.fr"), "TW": ("yahoo.com.tw",), "AU": ("bigpond.com",), "GB": ("btinternet.com",),
}
ACADEMIC_TITLES = (
    ("ThS.", 38), ("TS.", 30), ("PGS. TS.", 7), ("PGS.TS.", 3), ("GS. TS.", 4), ("GS.TS.", 1),
    ("TSKH.", 1), ("BS.", 6), ("KS.", 8), ("BSCKII.", 1),
)
OCCUPATIONS = (
    "Kỹ sư phần mềm", "Bác sĩ", "Giảng viên đại học", "Nghiên cứu viên", "Chủ nhà hàng", "Kinh doanh tự do",
    "Công nhân", "Du học sinh", "Kế toán", "Điều dưỡng", "Đầu bếp", "Kỹ thuật viên làm móng", "Kỹ sư cơ khí",
    "Luật sư", "Nhà báo", "Họa sĩ", "Nhạc công", "Giáo viên", "Dược sĩ", "Chủ doanh nghiệp xuất nhập khẩu",
    "Thực tập sinh kỹ năng", "Kiến trúc sư", "Chuyên viên tài chính", "Hướng dẫn viên du lịch",
)
# Academic titles an occupation may carry; the senior ones (PGS., GS., TSKH.) only from SENIOR_BORN_BY back.
DOCTOR_TITLES = ("BS.", "BSCKII.", "ThS.", "TS.")
ENGINEER_TITLES = ("KS.", "ThS.", "TS.")
MASTER_TITLES = ("ThS.", "TS.")
SCHOLAR_TITLES = ("ThS.", "TS.", "PGS. TS.", "PGS.TS.", "GS. TS.", "GS.TS.", "TSKH.")
SENIOR_TITLES = ("PGS. TS.", "PGS.TS.", "GS. TS.", "GS.TS.", "TSKH.")
SENIOR_BORN_BY = 1985
# What each occupation makes likely: (community roles, fields, the academic titles it may carry, born in or after).
OCCUPATION_PROFILES = {
    "Kỹ sư phần mềm": (("intellectual",), ("it",), ENGINEER_TITLES, None),
    "Bác sĩ": (("doctor", "intellectual"), ("health",), DOCTOR_TITLES, None),
    "Giảng viên đại học": (("teacher", "intellectual", "scientist"), ("education", "science_technology"),
                           SCHOLAR_TITLES, None),
    "Nghiên cứu viên": (("scientist", "intellectual"), ("science_technology", "agriculture_fisheries", "engineering"),
                        SCHOLAR_TITLES, None),
    "Chủ nhà hàng": (("business",), ("business_trade", "tourism"), (), None),
    "Kinh doanh tự do": (("business",), ("business_trade",), (), None),
    "Công nhân": (("worker",), ("engineering", "other"), (), None),
    "Du học sinh": (("student",), ("education", "it", "business_trade", "engineering"), (), 1996),
    "Kế toán": ((), ("finance",), (), None),
    "Điều dưỡng": (("worker",), ("health",), (), None),
    "Đầu bếp": (("worker",), ("tourism", "business_trade"), (), None),
    "Kỹ thuật viên làm móng": (("worker",), ("other",), (), None),
    "Kỹ sư cơ khí": (("intellectual",), ("engineering",), ENGINEER_TITLES, None),
    "Luật sư": (("intellectual",), ("law",), MASTER_TITLES, None),
    "Nhà báo": (("intellectual",), ("media",), (), None),
    "Họa sĩ": (("artist",), ("culture_arts",), (), None),
    "Nhạc công": (("artist",), ("culture_arts",), (), None),
    "Giáo viên": (("teacher",), ("education",), (), None),
    "Dược sĩ": (("intellectual",), ("health",), MASTER_TITLES, None),
    "Chủ doanh nghiệp xuất nhập khẩu": (("business",), ("business_trade", "agriculture_fisheries"), (), None),
    "Thực tập sinh kỹ năng": (("worker",), ("engineering", "agriculture_fisheries"), (), 1990),
    "Kiến trúc sư": (("intellectual",), ("engineering",), ENGINEER_TITLES, None),
    "Chuyên viên tài chính": (("intellectual",), ("finance",), (), None),
    "Hướng dẫn viên du lịch": ((), ("tourism",), (), None),
}
# Employers of people whose occupation may carry an academic title, and of the others.
EMPLOYERS = (
    "Đại học Quốc gia", "Bệnh viện Đa khoa", "Viện Nghiên cứu Khoa học", "Tập đoàn Công nghệ",
)
OTHER_EMPLOYERS = (
    "Công ty TNHH Thương mại Á Châu", "Nhà hàng Phở Việt", "Siêu thị Châu Á", "Công ty Xuất nhập khẩu Hải Phòng",
)
POSITIONS = ("Giám đốc", "Phó giám đốc", "Trưởng phòng", "Chuyên viên", "Giáo sư", "Trưởng nhóm", "Nhân viên")
# Expertise written in free text, by the field it belongs to.
EXPERTISE = {
    "it": ("Trí tuệ nhân tạo, học máy", "An ninh mạng", "Phát triển phần mềm nhúng"),
    "health": ("Phẫu thuật tim mạch", "Y học cổ truyền", "Dược lý lâm sàng"),
    "education": ("Giáo dục mầm non", "Đào tạo giáo viên tiếng Việt", "Giáo dục đại học"),
    "science_technology": ("Vật liệu mới", "Năng lượng tái tạo", "Công nghệ sinh học"),
    "engineering": ("Đóng tàu", "Logistics và chuỗi cung ứng", "Kết cấu cầu cảng"),
    "agriculture_fisheries": ("Nuôi trồng thủy sản", "Xuất nhập khẩu nông sản"),
    "business_trade": ("Quản trị doanh nghiệp", "Xuất nhập khẩu nông sản"),
    "law": ("Luật thương mại quốc tế", "Luật lao động"),
    "culture_arts": ("Âm nhạc truyền thống", "Ẩm thực Việt Nam"),
    "finance": ("Tài chính doanh nghiệp", "Kiểm toán"),
}
ASSOCIATION_NAMES = (
    "Hội người Việt Nam tại {place}", "Hội đồng hương Hải Phòng tại {place}",
    "Hội doanh nhân Việt Nam tại {place}", "Hội trí thức Việt Nam tại {place}",
    "Hội sinh viên Việt Nam tại {place}", "Hội phụ nữ Việt Nam tại {place}",
)
BUSINESS_NAMES = (
    "Công ty TNHH Thương mại {family} {city}", "Nhà hàng Phở Hải Phòng {city}", "Siêu thị Châu Á {family}",
    "Công ty Xuất nhập khẩu {family} Việt", "Nhà hàng Bánh đa cua {family}", "Công ty Du lịch Hạ Long {city}",
)
MEMBER_ROLES = ("Hội viên",) * 12 + ("Phó Chủ tịch", "Ủy viên BCH", "Tổng thư ký")
EMPLOYEE_ROLES = ("Nhân viên",) * 4 + ("Đồng sáng lập", "Quản lý")
