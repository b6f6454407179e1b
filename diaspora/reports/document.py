"""The annual report as a Word document in the administrative format of Nghị định 30/2020/NĐ-CP.

A4, margins 20 mm top and bottom, 30 mm left, 15 mm right; Times New Roman (13–14 pt for the text, as the
decree asks; the recipients 12 and 11 pt); the issuing body and the document number top left and the
national motto top right in a borderless table, the place and date in italics below the motto; the type and
summary of the document bold and centred; sections I, II… with items 1, 2…; page numbers centred at the top
from the second page; the recipients bottom left and the signature block bottom right. Headings use Word's
own heading styles (restyled), so the navigation pane and a table of contents work. The places where staff
write their assessment are yellow and in brackets. python-docx writes the file; Word and LibreOffice open it.
"""
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from flask_babel import force_locale, to_user_timezone
from flask_babel import gettext as _

from diaspora.officedocs import (
    TABLE_PT,
    TEXT_WIDTH_CM,
    letterhead,
    new_document,
    rule_below,
    signature_block,
)
from diaspora.officedocs import add_line as _line
from diaspora.officedocs import body_paragraph as _paragraph
from diaspora.officedocs import set_widths as _widths
from diaspora.reports.tables import (
    AMOUNT,
    AMOUNT_CHANGE,
    CHANGE,
    COUNT,
    LABEL,
    PERCENT,
    AnnualFigures,
    Table,
    format_count,
)

SMALL_TABLE_PT = 11
NUMBER = "Số: …/BC-SNgV"
# How wide a column of each kind is, relative to the others of its table.
COLUMN_WEIGHTS = {LABEL: 3.2, COUNT: 1.4, CHANGE: 1.4, AMOUNT: 1.9, AMOUNT_CHANGE: 1.9, PERCENT: 1.2, "text": 3.6}
NUMERIC = (COUNT, CHANGE, AMOUNT, AMOUNT_CHANGE, PERCENT)
# A table this short is kept on one page; a longer one keeps at least its last rows together.
KEPT_WHOLE_ROWS, KEPT_LAST_ROWS = 15, 3


def document_title(year: int) -> str:
    """The summary line of the report (trích yếu)."""
    return _("Kết quả công tác đối với cộng đồng người Hải Phòng ở nước ngoài năm %(year)d", year=year)


def format_value(value, kind: str) -> str:
    """A cell as the document prints it: 12.345, +12 / −3, 12,5; text as it is; an empty cell "—"."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    if kind == PERCENT:
        return f"{value:.1f}".replace(".", ",")
    if kind in (CHANGE, AMOUNT_CHANGE) and value:
        return ("+" if value > 0 else "−") + format_count(abs(value))
    return format_count(value)


def _change_words(now: int, before: int, unit: str = "") -> str:
    difference = now - before
    if difference > 0:
        return _("tăng %(count)s%(unit)s", count=format_count(difference), unit=unit)
    if difference < 0:
        return _("giảm %(count)s%(unit)s", count=format_count(-difference), unit=unit)
    return _("không thay đổi")


# --- parts of the document ------------------------------------------------------------------------------------

def _heading_block(document, figures: AnnualFigures) -> None:
    """Issuing body and number top left, national motto and place and date top right; then the title."""
    letterhead(document, NUMBER, _("Hải Phòng, ngày … tháng … năm %(year)d",
                                   year=to_user_timezone(figures.read_at).year))
    _line(document, space_after=6)
    _line(document, _("BÁO CÁO"), bold=True)
    _line(document, document_title(figures.year), bold=True)
    rule_below(_line(document), 5.5)
    period = figures.period
    _line(document, _("(Kỳ báo cáo: từ ngày %(start)s đến ngày %(end)s; số liệu tính đến hết ngày %(end)s, trích "
                      "xuất từ cơ sở dữ liệu lúc %(read)s)",
                      start=period.start.strftime("%d/%m/%Y"), end=period.end.strftime("%d/%m/%Y"),
                      read=to_user_timezone(figures.read_at).strftime("%H:%M ngày %d/%m/%Y")),
          size=13, italic=True, space_after=12)


def _assessment(document, hint: str) -> None:
    """A place for the assessment staff write themselves: yellow, in brackets, to be replaced."""
    run = _paragraph(document).add_run(_("[Đánh giá: %(hint)s]", hint=hint))
    run.font.highlight_color = WD_COLOR_INDEX.YELLOW
    run.italic = True


def _heading(document, text: str, level: int) -> None:
    document.add_paragraph(text, style=f"Heading {level}")


def _table(document, table: Table) -> None:
    caption = _line(document, table.caption, size=13, bold=True, space_after=3)
    caption.paragraph_format.space_before = Pt(6)
    caption.paragraph_format.keep_with_next = True
    rows = table.rows + ([table.total] if table.total else [])
    grid = document.add_table(rows=1 + len(rows), cols=len(table.columns))
    grid.style = document.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    weights = [column.weight or COLUMN_WEIGHTS.get(column.kind, 1.4) for column in table.columns]
    _widths(grid, [TEXT_WIDTH_CM * weight / sum(weights) for weight in weights])
    size = Pt(TABLE_PT if len(table.columns) <= 6 else SMALL_TABLE_PT)
    header = grid.rows[0]
    repeat = OxmlElement("w:tblHeader")  # the header row again on each page the table runs over
    repeat.set(qn("w:val"), "true")
    header._tr.get_or_add_trPr().append(repeat)
    for cell, column in zip(header.cells, table.columns):
        _cell(cell, column.header, size, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    kept_from = 0 if len(rows) <= KEPT_WHOLE_ROWS else len(rows) - KEPT_LAST_ROWS
    for index, values in enumerate(rows, start=1):
        bold = table.total is not None and index == len(rows)
        row = grid.rows[index]
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))  # a row never breaks over two pages
        for cell, column, value in zip(row.cells, table.columns, values):
            _cell(cell, format_value(value, column.kind), size, bold=bold,
                  align=WD_ALIGN_PARAGRAPH.RIGHT if column.kind in NUMERIC else WD_ALIGN_PARAGRAPH.LEFT,
                  keep_with_next=kept_from < index < len(rows))
    if table.note:
        note = _line(document, table.note, size=12, italic=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY, space_after=6)
        note.paragraph_format.space_before = Pt(3)
    else:
        _line(document, space_after=6)


def _cell(cell, text: str, size, *, bold: bool, align, keep_with_next: bool = True) -> None:
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    paragraph = cell.paragraphs[0]
    paragraph.alignment = align
    paragraph.paragraph_format.keep_with_next = keep_with_next
    run = paragraph.add_run(text)
    run.font.size, run.bold = size, bold


def _closing(document, figures: AnnualFigures) -> None:
    closing = _paragraph(document, _(
        "Trên đây là báo cáo kết quả công tác đối với cộng đồng người Hải Phòng ở nước ngoài năm %(year)d của Sở "
        "Ngoại vụ thành phố Hải Phòng (kèm theo phụ lục số liệu gồm %(count)d bảng)./.",
        year=figures.year, count=len(figures.tables)))
    closing.paragraph_format.keep_with_next = True  # never a signature block alone on the last page
    signature_block(document, _("Nơi nhận:"),
                    [_("- UBND thành phố (để b/c);"), _("- Sở Văn hóa, Thể thao và Du lịch (để tổng hợp);"),
                     _("- Giám đốc, các Phó Giám đốc Sở;"), _("- Lưu: VT.")],
                    _("GIÁM ĐỐC"), _("[Họ và tên]"))


# --- the report -----------------------------------------------------------------------------------------------

def write_document(figures: AnnualFigures, out) -> None:
    """Write the report on `figures` as a .docx into `out` (a path or a binary file)."""
    with force_locale("vi"):
        document = new_document(_("Báo cáo %(title)s", title=document_title(figures.year).lower()),
                                 _("Sở Ngoại vụ thành phố Hải Phòng"))
        _heading_block(document, figures)
        _body(document, figures)
        _closing(document, figures)
        document.save(out)


def _body(document, figures: AnnualFigures) -> None:
    year, period, facts = figures.year, figures.period, figures.facts
    tables = {table.key: table for table in figures.tables}
    end = period.end.strftime("%d/%m/%Y")
    _paragraph(document, _("Thực hiện Kế hoạch số …/KH-UBND ngày … của Ủy ban nhân dân thành phố về tiếp tục thực "
                           "hiện Chỉ thị số 25/CT-TTg của Thủ tướng Chính phủ về công tác văn hóa đối ngoại, trong đó "
                           "có nhiệm vụ đẩy mạnh công tác văn hóa đối ngoại gắn kết chặt chẽ với cộng đồng người Hải "
                           "Phòng ở nước ngoài; căn cứ chức năng, nhiệm vụ và kết quả thực hiện, Sở Ngoại vụ báo cáo "
                           "kết quả công tác đối với cộng đồng người Hải Phòng ở nước ngoài năm %(year)d như sau:",
                           year=year))
    _heading(document, _("I. CÔNG TÁC CHỈ ĐẠO, TRIỂN KHAI"), 1)
    _assessment(document, _("các văn bản chỉ đạo, kế hoạch đã ban hành; công tác phối hợp với các sở, ngành, địa "
                            "phương và các cơ quan đại diện Việt Nam ở nước ngoài…"))

    _heading(document, _("II. KẾT QUẢ THỰC HIỆN"), 1)
    _paragraph(document, _(
        "Số liệu trích từ cơ sở dữ liệu về cộng đồng người Hải Phòng ở nước ngoài. Trong các bảng, “tổng số” là số "
        "hồ sơ có trong cơ sở dữ liệu đến hết ngày %(end)s, “cùng kỳ năm trước” là đến hết ngày %(before)s; “mới "
        "trong kỳ” là số hồ sơ được cập nhật mới từ ngày %(start)s đến ngày %(end)s (cùng kỳ năm trước: từ ngày "
        "%(before_start)s đến ngày %(before)s). Hồ sơ đã xoá không được tính.",
        end=end, before=period.previous.end.strftime("%d/%m/%Y"), start=period.start.strftime("%d/%m/%Y"),
        before_start=period.previous.start.strftime("%d/%m/%Y")), italic=True)
    _heading(document, _("1. Cơ sở dữ liệu về cộng đồng người Hải Phòng ở nước ngoài"), 2)
    people, talents = facts["people"], facts["talents"]
    _paragraph(document, _(
        "Tính đến hết ngày %(end)s, cơ sở dữ liệu có %(people)s kiều bào, chuyên gia tại %(countries)s quốc gia, "
        "vùng lãnh thổ (%(change)s so với cùng kỳ năm trước); trong kỳ cập nhật mới %(new)s người. Trong đó có "
        "%(scientists)s nhà khoa học, %(intellectuals)s trí thức và %(artists)s văn nghệ sĩ (cách tính nêu dưới "
        "Bảng %(table)d).",
        end=end, people=format_count(people.total), countries=format_count(facts["countries"][0]),
        change=_change_words(people.total, people.total_before, _(" người")), new=format_count(people.new),
        scientists=format_count(talents["scientist"].total), intellectuals=format_count(talents["intellectual"].total),
        artists=format_count(talents["artist"].total), table=tables["talents"].number))
    for key in ("summary", "person_types", "countries", "fields", "roles", "talents"):
        _table(document, tables[key])
    _assessment(document, _("kết quả thu thập, cập nhật thông tin; nguồn thông tin; địa bàn, lĩnh vực nổi bật…"))

    _heading(document, _("2. Hoạt động gặp gỡ, kết nối, vận động cộng đồng"), 2)
    activities, before = facts["activities"]
    _paragraph(document, _(
        "Trong kỳ có %(count)s hoạt động với cộng đồng (%(change)s so với cùng kỳ năm trước), với sự tham gia của "
        "%(people)s kiều bào, chuyên gia; chi tiết theo loại hoạt động, lĩnh vực hợp tác và các khoản đóng góp, đầu "
        "tư tại các Bảng %(first)d–%(last)d.",
        count=format_count(activities), change=_change_words(activities, before),
        people=format_count(facts["participants"]), first=tables["activities"].number,
        last=tables["investments"].number))
    for key in ("activities", "cooperation", "contributions", "investments"):
        _table(document, tables[key])
    _assessment(document, _("các hoạt động tiêu biểu (gặp mặt Tết, đoàn lãnh đạo thăm, làm việc ở nước ngoài, quảng "
                            "bá văn hóa); kết quả huy động nguồn lực về vốn, công nghệ, tri thức…"))

    _heading(document, _("3. Phát triển kênh phân phối, quảng bá sản phẩm tiêu biểu của thành phố"), 2)
    channels, (partners, partners_before) = facts["channels"], facts["partners"]
    _paragraph(document, _(
        "Đến hết ngày %(end)s, cơ sở dữ liệu theo dõi %(channels)s kênh phân phối hàng Việt Nam ở nước ngoài "
        "(%(change)s so với cùng kỳ năm trước); trong kỳ có %(partners)s kênh trở thành đối tác (cùng kỳ năm trước: "
        "%(before)s).",
        end=end, channels=format_count(channels.total), change=_change_words(channels.total, channels.total_before),
        partners=format_count(partners), before=format_count(partners_before)))
    for key in ("channels", "partners", "products"):
        _table(document, tables[key])
    _assessment(document, _("kết quả kết nối tiêu thụ sản phẩm OCOP, đặc sản của thành phố; thị trường triển vọng…"))

    _heading(document, _("4. Bảo vệ dữ liệu cá nhân và chất lượng dữ liệu"), 2)
    consent = facts["consent"]
    _paragraph(document, _(
        "Thực hiện Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15, đến hết ngày %(end)s có %(given)s người đã đồng ý "
        "cho xử lý dữ liệu cá nhân; %(refused)s người từ chối hoặc rút lại đồng ý (không được đưa vào danh sách xuất, "
        "liên hệ); %(unknown)s người chưa được hỏi ý kiến.",
        end=end, given=format_count(consent.get("given", 0)),
        refused=format_count(consent.get("refused", 0) + consent.get("withdrawn", 0)),
        unknown=format_count(consent.get("unknown", 0))))
    for key in ("consent", "quality"):
        _table(document, tables[key])
    _assessment(document, _("việc xin ý kiến đồng ý, rà soát, làm sạch dữ liệu…"))

    _heading(document, _("III. ĐÁNH GIÁ CHUNG"), 1)
    _heading(document, _("1. Ưu điểm"), 2)
    _assessment(document, _("những kết quả nổi bật…"))
    _heading(document, _("2. Hạn chế, khó khăn và nguyên nhân"), 2)
    _assessment(document, _("hạn chế, khó khăn, nguyên nhân chủ quan và khách quan…"))
    _heading(document, _("IV. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM %(year)d", year=year + 1), 1)
    _assessment(document, _("các nhiệm vụ trọng tâm năm tới…"))
    _heading(document, _("V. ĐỀ XUẤT, KIẾN NGHỊ"), 1)
    _assessment(document, _("đề xuất, kiến nghị với Ủy ban nhân dân thành phố, các bộ, ngành…"))
