"""Personalised letters as Word documents in the administrative format (diaspora.officedocs): one document
with a page per person, or a .zip of one document per person.

Each letter: the issuing body, its number and the national motto; the place and date; the kind of letter as
its title; the recipient's postal address; the merged text, a paragraph per paragraph of the text (a blank
line parts them); the recipients ("Như trên; Lưu: VT.") and the signature block, its name to fill in (yellow).
"""
import io
import zipfile
from copy import deepcopy
from datetime import date

from docx.enum.text import WD_BREAK
from docx.opc.oxml import serialize_part_xml
from docx.oxml.ns import qn
from flask_babel import force_locale
from flask_babel import gettext as _

from diaspora.officedocs import add_line, body_paragraph, letterhead, new_document, signature_block

SECTION = qn("w:sectPr")
DOCUMENT_PART = "word/document.xml"
NUMBERS = {"greeting": "Số: …/TCT-SNgV", "invitation": "Số: …/GM-SNgV", "thanks": "Số: …/TCO-SNgV"}


def _titles() -> dict:
    return {"greeting": _("THƯ CHÚC TẾT"), "invitation": _("THƯ MỜI"), "thanks": _("THƯ CẢM ƠN")}


def _dated(on: date) -> str:
    """The place and date as Decree 30/2020 writes them: a 0 before a day below 10 and before months 1 and 2."""
    return _("Hải Phòng, ngày %(day)s tháng %(month)s năm %(year)d", day=f"{on.day:02d}",
             month=f"{on.month:02d}" if on.month < 3 else str(on.month), year=on.year)


def paragraphs(text: str) -> list[str]:
    """The paragraphs of a text: parted by blank lines; a single line break stays inside a paragraph."""
    parts = [part.strip() for part in (text or "").replace("\r\n", "\n").split("\n\n")]
    return [part for part in parts if part]


class _Letters:
    """Draws letters of one kind and date: the parts every letter shares (the heading block and title, the
    recipients and signature) are drawn once and copied; only the address and the text are drawn per letter.
    Drawing happens in a small scratch document, whose elements are then moved: python-docx finds where to
    add a paragraph or a table by walking the whole body, which over hundreds of letters would take minutes."""

    def __init__(self, kind: str, on: date):
        self.scratch = new_document("")
        letterhead(self.scratch, NUMBERS.get(kind, "Số: …/SNgV"), _dated(on))
        add_line(self.scratch, space_after=6)
        add_line(self.scratch, _titles().get(kind, ""), bold=True, space_after=6)
        self.head = self._take()
        signature_block(self.scratch, _("Nơi nhận:"), [_("- Như trên;"), _("- Lưu: VT.")], _("GIÁM ĐỐC"),
                        _("[Họ và tên]"))
        self.foot = self._take()

    def _take(self) -> list:
        """The elements drawn so far, taken out of the scratch document."""
        body = self.scratch.element.body
        elements = [element for element in body if element.tag != SECTION]
        for element in elements:
            body.remove(element)
        return elements

    def elements(self, text: str, address: str | None, page_break: bool = False) -> list:
        """The elements of one letter, to add to a document's body."""
        if page_break:
            self.scratch.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        before = self._take()
        if address:
            add_line(self.scratch, _("Địa chỉ: %(address)s", address=address), size=12, italic=True,
                     space_after=12)
        for part in paragraphs(text):
            paragraph = body_paragraph(self.scratch)
            lines = part.split("\n")
            for number, line in enumerate(lines):
                run = paragraph.add_run(line.strip())
                if number < len(lines) - 1:
                    run.add_break(WD_BREAK.LINE)  # a single line break stays inside the paragraph
        middle = self._take()
        return before + [deepcopy(element) for element in self.head] + middle + [deepcopy(element)
                                                                               for element in self.foot]


def _append(document, elements: list) -> None:
    """Add elements at the end of a document's body, before its section properties."""
    body = document.element.body
    section = body.find(SECTION)
    for element in elements:
        section.addprevious(element)


def write_letters(letters, kind: str, on: date, out) -> int:
    """Write (body, address) pairs as one document, a page each, into `out` (a path or a binary file); the count."""
    with force_locale("vi"):
        document = new_document(_titles().get(kind, ""))
        drawer = _Letters(kind, on)
        count = 0
        for text, address in letters:
            _append(document, drawer.elements(text, address, page_break=bool(count)))
            count += 1
        document.save(out)
    return count


def write_letters_zip(letters, kind: str, on: date, out) -> int:
    """Write (file name, body, address) triples into a .zip of one document each; the count.

    The documents differ only in their text (word/document.xml): the other parts of the package are written
    once and copied into each file, which is many times faster than building and saving a document a letter."""
    count = 0
    with force_locale("vi"):
        document = new_document(_titles().get(kind, ""))
        drawer = _Letters(kind, on)
        package = io.BytesIO()
        document.save(package)
        with zipfile.ZipFile(package) as saved:
            parts = {info.filename: saved.read(info) for info in saved.infolist()}
        body = document.element.body
        # Each document is compressed (quickly) once; the .zip stores them as they are.
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
            for name, text, address in letters:
                elements = drawer.elements(text, address)
                _append(document, elements)
                parts[DOCUMENT_PART] = serialize_part_xml(document.element)
                for element in elements:
                    body.remove(element)
                single = io.BytesIO()
                with zipfile.ZipFile(single, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as letter:
                    for part, content in parts.items():
                        letter.writestr(part, content)
                archive.writestr(name, single.getvalue())
                count += 1
    return count
