"""Word documents in the administrative format of Nghị định 30/2020/NĐ-CP, for every feature that writes one
(the annual report, letters): the page, the styles, and the blocks such a document carries.

A4, margins 20 mm top and bottom, 30 mm left, 15 mm right; Times New Roman (13–14 pt for the text, as the
decree asks); the issuing body and the document number top left and the national motto top right in a
borderless table, the place and date in italics below the motto; page numbers centred at the top from the
second page; the recipients bottom left and the signature block bottom right. python-docx writes the file.
"""
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

FONT = "Times New Roman"
BODY_PT, TABLE_PT = 14, 12
TEXT_WIDTH_CM = 21 - 3 - 1.5  # A4 less the left and right margins
ISSUER_PARENT = "UBND THÀNH PHỐ HẢI PHÒNG"
ISSUER = "SỞ NGOẠI VỤ"
MOTTO_NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"


def use_font(rpr) -> None:
    """Times New Roman for every script of a run properties element; theme fonts would override it in Word."""
    names = rpr.find(qn("w:rFonts"))
    if names is None:
        names = OxmlElement("w:rFonts")
        rpr.insert(0, names)
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        names.attrib.pop(qn(attribute), None)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        names.set(qn(attribute), FONT)


def set_styles(document) -> None:
    """Times New Roman everywhere, Vietnamese spelling, 14 pt single-spaced text, black bold headings."""
    styles = document.styles
    defaults = styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    use_font(defaults)
    language = defaults.find(qn("w:lang"))
    language.set(qn("w:val"), "vi-VN")  # Word and LibreOffice check the spelling in Vietnamese
    normal = styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(BODY_PT)
    use_font(normal.element.get_or_add_rPr())
    layout = normal.paragraph_format
    layout.space_before, layout.space_after, layout.line_spacing = Pt(0), Pt(0), 1.0
    for name, size in (("Heading 1", BODY_PT), ("Heading 2", BODY_PT), ("Table Grid", TABLE_PT)):
        style = styles[name]
        use_font(style.element.get_or_add_rPr())
        style.font.size, style.font.color.rgb = Pt(size), RGBColor(0, 0, 0)
        if name.startswith("Heading"):
            style.font.bold, style.font.italic = True, False
            style.paragraph_format.space_before, style.paragraph_format.space_after = Pt(6), Pt(6)
            style.paragraph_format.first_line_indent = Cm(1.27)
            style.paragraph_format.keep_with_next = True


def set_page(document) -> None:
    """A4 with the decree's margins; the page number centred at the top from the second page."""
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    section.header_distance, section.footer_distance = Cm(1), Cm(1)
    # Page numbers centred at the top, from the second page on.
    section.different_first_page_header_footer = True
    number = section.header.paragraphs[0]
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    page_number_field(number.add_run())
    number.runs[0].font.size = Pt(BODY_PT)


def page_number_field(run) -> None:
    """A PAGE field in the run (Word and LibreOffice fill it in)."""
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == " PAGE ":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._r.append(element)


def no_borders(table) -> None:
    """A table drawn without lines (the heading and signature blocks)."""
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def set_widths(table, widths_cm: list[float]) -> None:
    """Fixed column widths, in centimetres."""
    table.autofit = False
    for column, width in zip(table.columns, widths_cm):
        column.width = Cm(width)  # the grid, which LibreOffice reads
        for cell in column.cells:
            cell.width = Cm(width)  # each cell's, which Word reads


def rule_below(paragraph, indent_cm: float) -> None:
    """A short centred rule under a heading line, as the decree draws it: a bottom border on an empty
    paragraph narrowed by its indents."""
    layout = paragraph.paragraph_format
    layout.left_indent = layout.right_indent = Cm(indent_cm)
    # A line a few points high, so the rule sits just under the text above and clear of the text below.
    layout.line_spacing, layout.space_after = Pt(3), Pt(8)
    properties = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for name, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(name), value)
    borders.append(bottom)
    properties.append(borders)


def add_line(container, text: str = "", *, size: float = BODY_PT, bold=False, italic=False, underline=False,
                align=WD_ALIGN_PARAGRAPH.CENTER, space_after: float = 0):
    """A line of text (centred by default) added to a document or a table cell."""
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(space_after)
    if text:
        run = paragraph.add_run(text)
        run.font.size, run.bold, run.italic, run.underline = Pt(size), bold, italic, underline
    return paragraph


def write_first(cell, text: str, **style):
    """Write into the paragraph a new table cell already has (the next lines are added after it)."""
    paragraph = cell.paragraphs[0]
    paragraph.alignment = style.pop("align", WD_ALIGN_PARAGRAPH.CENTER)
    run = paragraph.add_run(text)
    run.font.size = Pt(style.get("size", BODY_PT))
    run.bold, run.italic, run.underline = style.get("bold", False), style.get("italic", False), \
        style.get("underline", False)
    return paragraph


def body_paragraph(document, text: str = "", *, italic: bool = False):
    """A paragraph of the body: justified, first line indented, 6 pt after, 1.15 lines apart."""
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    layout = paragraph.paragraph_format
    layout.first_line_indent, layout.space_after, layout.line_spacing = Cm(1.27), Pt(6), 1.15
    if text:
        paragraph.add_run(text).italic = italic
    return paragraph



def new_document(title: str, author: str = "Sở Ngoại vụ thành phố Hải Phòng"):
    """An empty document in the decree's page and styles, with its title and author set."""
    document = Document()
    set_styles(document)
    set_page(document)
    properties = document.core_properties
    properties.title, properties.author, properties.language = title, author, "vi-VN"
    return document


def letterhead(document, number: str, dated: str, *, issuer_parent: str = ISSUER_PARENT,
               issuer: str = ISSUER) -> None:
    """The top of a document: the issuing body and its number on the left, the national motto and the
    place and date (in italics) on the right."""
    table = document.add_table(rows=2, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    no_borders(table)
    set_widths(table, [7.0, TEXT_WIDTH_CM - 7.0])
    left, right = table.cell(0, 0), table.cell(0, 1)
    write_first(left, issuer_parent, size=12)
    add_line(left, issuer, size=13, bold=True)
    rule_below(add_line(left), 2.4)
    write_first(right, MOTTO_NATION, size=12, bold=True)
    add_line(right, MOTTO, size=14, bold=True, underline=True)
    write_first(table.cell(1, 0), number, size=13)
    place = write_first(table.cell(1, 1), dated, size=14, italic=True)
    place.paragraph_format.space_before = Pt(6)


def signature_block(document, recipients_title: str, recipients: list[str], signer_title: str,
                    signer_name: str | None = None, *, highlight_blank: bool = True):
    """The foot of a document: the recipients on the left, the signer's title, room to sign and the name on the
    right (a yellow "[Họ và tên]"-style placeholder when `signer_name` is a placeholder to fill in)."""
    table = document.add_table(rows=1, cols=2)
    no_borders(table)
    set_widths(table, [8.0, TEXT_WIDTH_CM - 8.0])
    left, right = table.cell(0, 0), table.cell(0, 1)
    write_first(left, recipients_title, size=12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    for recipient in recipients:
        add_line(left, recipient, size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    write_first(right, signer_title, size=14, bold=True)
    for _blank in range(4):
        add_line(right)
    if signer_name:
        run = add_line(right, "").add_run(signer_name)
        run.font.size, run.bold = Pt(BODY_PT), True
        if highlight_blank:
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW
    return table
