"""The annual report: its figures against direct counts, the document against its annex and the dashboard, the
administrative format of the document, the period's rules, who counts as what, and the command line."""
import os
import re
import shutil
import subprocess
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from sqlalchemy import text

from diaspora import signals
from diaspora.extensions import db
from diaspora.outreach.common import today
from diaspora.outreach.demo import create_demo_outreach
from diaspora.people.demo import create_demo_data
from diaspora.people.models import Person
from diaspora.people.privacy import erase_person
from diaspora.records import utcnow
from diaspora.reference.models import CommunityRole
from diaspora.reports import figures
from diaspora.reports.figures import Period, PeriodError, annual_period, cooperation_sector
from diaspora.reports.tables import annual_figures
from tests.outreach.factories import make_activity, make_channel, make_product
from tests.outreach.factories import make_person as make_outreach_person
from tests.reports.helpers import annex_tables, document_tables, row_of, value

# CI sets REQUIRE_TEST_TOOLS=1: there a missing LibreOffice Writer fails the test instead of skipping it.
needs_writer = pytest.mark.skipif(
    (shutil.which("soffice") is None or not Path("/usr/lib/libreoffice/program/libswlo.so").exists())
    and os.environ.get("REQUIRE_TEST_TOOLS") != "1",
    reason="LibreOffice Writer (soffice) is not installed",
)
TIME_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=TIME_ZONE).astimezone(UTC)


def _count(sql: str, **parameters) -> int:
    return db.session.execute(text(sql), parameters).scalar()


@pytest.fixture
def register(seeded):
    """Demo people, organisations, channels and activities over three years, with one person in the bin, one
    erased (a tombstone), one activity and one channel deleted."""
    create_demo_data(1500, seed=11)
    create_demo_outreach(1500, seed=11)
    people = db.session.scalars(db.select(Person).where(Person.deleted_at.is_(None)).order_by(Person.id)).all()
    people[0].deleted_at = utcnow()
    db.session.commit()
    erase_person(people[1], "Yêu cầu của chủ thể dữ liệu")
    db.session.commit()
    db.session.execute(text("UPDATE activities SET deleted_at = :now WHERE id = (SELECT min(id) FROM activities)"),
                       {"now": utcnow()})
    db.session.execute(text("UPDATE distribution_channels SET deleted_at = :now "
                            "WHERE id = (SELECT min(id) FROM distribution_channels)"), {"now": utcnow()})
    db.session.commit()
    return today()


def _make_report(runner, tmp_path, on: date) -> tuple[Path, Path]:
    document, annex = tmp_path / "bao-cao.docx", tmp_path / "phu-luc.xlsx"
    result = runner.invoke(args=["report", "annual", "--year", str(on.year), str(document), "--annex", str(annex),
                                 "--from", f"01/01/{on.year}", "--to", on.strftime("%d/%m/%Y")])
    assert result.exit_code == 0, result.output
    return document, annex


def test_report_agrees_with_direct_counts_with_its_annex_and_with_the_dashboard(register, runner, client, login,
                                                                               tmp_path):
    on = register
    start, end = _midnight(date(on.year, 1, 1)), _midnight(on + timedelta(days=1))
    before_end = _midnight(figures.year_before(on) + timedelta(days=1))
    document, annex = _make_report(runner, tmp_path, on)
    tables, sheets = document_tables(document), annex_tables(annex)

    # The document and the annex: every table on its sheet, the same headers and the same values.
    assert list(sheets) == [f"Bảng {number}" for number in range(1, len(tables) + 1)]
    assert len(tables) == 15
    for number, table in enumerate(tables, start=1):
        assert table == sheets[f"Bảng {number}"], f"Bảng {number}"

    live = "deleted_at IS NULL AND erased_at IS NULL"
    people = _count(f"SELECT count(*) FROM people WHERE {live} AND created_at < :end", end=end)
    people_before = _count(f"SELECT count(*) FROM people WHERE {live} AND created_at < :end", end=before_end)
    new = _count(f"SELECT count(*) FROM people WHERE {live} AND created_at >= :start AND created_at < :end",
                 start=start, end=end)
    countries = _count(f"SELECT count(DISTINCT country_code) FROM people WHERE {live} AND created_at < :end", end=end)
    organisations = _count("SELECT count(*) FROM organisations WHERE deleted_at IS NULL AND created_at < :end", end=end)
    activities = _count("SELECT count(*) FROM activities WHERE deleted_at IS NULL AND start_date BETWEEN :a AND :b",
                        a=date(on.year, 1, 1), b=on)
    channels = _count("SELECT count(*) FROM distribution_channels WHERE deleted_at IS NULL AND created_at < :end",
                      end=end)
    partners = _count("SELECT count(DISTINCT c.id) FROM distribution_channels c JOIN channel_status_changes s "
                      "ON s.channel_id = c.id WHERE c.deleted_at IS NULL AND s.to_status = 'partner' "
                      "AND s.at >= :start AND s.at < :end", start=start, end=end)
    assert people_before < people and new > 0 and activities > 0 and partners > 0

    summary = tables[0]
    assert [row[1:3] for row in summary[1:]] == [
        [people, people_before], [new, row_of(summary, "Trong đó: cập nhật mới trong kỳ")[2]],
        [countries, row_of(summary, "Quốc gia, vùng lãnh thổ có kiều bào, chuyên gia")[2]],
        [organisations, row_of(summary, "Tổ chức, hội đoàn")[2]],
        [activities, row_of(summary, "Hoạt động trong kỳ")[2]],
        [channels, row_of(summary, "Kênh phân phối")[2]],
        [partners, row_of(summary, "Kênh phân phối trở thành đối tác trong kỳ")[2]],
    ]
    assert all(row[3] == row[1] - row[2] for row in summary[1:])

    by_country = tables[2]
    japan = _count(f"SELECT count(*) FROM people WHERE {live} AND created_at < :end AND country_code = 'JP'", end=end)
    assert row_of(by_country, "Nhật Bản")[1] == japan
    assert row_of(by_country, "Tổng cộng")[1] == people == sum(row[1] for row in by_country[1:-1])

    by_type = tables[6]
    for label, kind in (("Gặp gỡ, làm việc", "meeting"), ("Đóng góp, ủng hộ", "contribution")):
        assert row_of(by_type, label)[1] == _count(
            "SELECT count(*) FROM activities WHERE deleted_at IS NULL AND activity_type = :kind "
            "AND start_date BETWEEN :a AND :b", kind=kind, a=date(on.year, 1, 1), b=on)
    participations = _count(
        "SELECT count(*) FROM activity_participants p JOIN activities a ON a.id = p.activity_id "
        "JOIN people ON people.id = p.person_id WHERE a.deleted_at IS NULL AND people.deleted_at IS NULL "
        "AND people.erased_at IS NULL AND a.start_date BETWEEN :a AND :b", a=date(on.year, 1, 1), b=on)
    assert row_of(by_type, "Tổng cộng")[4] == participations

    contributions = tables[8]
    sums = db.session.execute(text(
        "SELECT currency, sum(amount) FROM activities WHERE deleted_at IS NULL AND activity_type = 'contribution' "
        "AND amount IS NOT NULL AND start_date BETWEEN :a AND :b GROUP BY currency"),
        {"a": date(on.year, 1, 1), "b": on}).all()
    # A currency given only in the year before shows 0 for this year (and the year before's sum beside it).
    assert {row[0]: row[2] for row in contributions[1:] if row[2]} == {
        currency: int(total) for currency, total in sums}

    consent = tables[13]
    assert row_of(consent, "Đồng ý")[1] == _count(
        f"SELECT count(*) FROM people WHERE {live} AND created_at < :end AND consent_status = 'given'", end=end)
    quality = tables[14]
    assert row_of(quality, "Hồ sơ chưa có thông tin liên hệ nào")[1] == _count(
        f"SELECT count(*) FROM people WHERE {live} AND created_at < :end "
        "AND NOT EXISTS (SELECT 1 FROM contacts WHERE contacts.person_id = people.id)", end=end)
    assert row_of(quality, "Cặp hồ sơ nghi trùng chờ rà soát")[1] == "chưa rà soát"

    # The dashboard shows the same totals.
    login("viewer")
    page = client.get("/").get_data(as_text=True)
    shown = [value(number) for number in re.findall(r'class="display-6 fw-semibold">([^<]+)<', page)]
    assert shown[:3] == [people, countries, organisations]


def test_the_document_has_the_administrative_format(seeded, runner, tmp_path):
    on = today()
    make_outreach_person("Trần Văn Bình")
    document_path, annex = _make_report(runner, tmp_path, on)
    document = Document(document_path)

    heading = document.tables[0]
    left, right = heading.cell(0, 0), heading.cell(0, 1)
    assert [p.text for p in left.paragraphs[:2]] == ["UBND THÀNH PHỐ HẢI PHÒNG", "SỞ NGOẠI VỤ"]
    assert left.paragraphs[1].runs[0].bold
    assert heading.cell(1, 0).text == "Số: …/BC-SNgV"
    assert [p.text for p in right.paragraphs] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    motto = right.paragraphs[1].runs[0]
    assert motto.bold and motto.underline
    place = heading.cell(1, 1).paragraphs[0]
    assert place.text == f"Hải Phòng, ngày … tháng … năm {on.year}" and place.runs[0].italic
    borders = heading._tbl.tblPr.find(qn("w:tblBorders"))
    assert {edge.get(qn("w:val")) for edge in borders} == {"nil"}

    paragraphs = document.paragraphs
    texts = [paragraph.text for paragraph in paragraphs]
    title = paragraphs[texts.index("BÁO CÁO")]
    summary = paragraphs[texts.index("BÁO CÁO") + 1]
    assert summary.text == f"Kết quả công tác đối với cộng đồng người Hải Phòng ở nước ngoài năm {on.year}"
    assert all(p.alignment == WD_ALIGN_PARAGRAPH.CENTER and p.runs[0].bold for p in (title, summary))
    day = on.strftime("%d/%m/%Y")
    assert any(f"từ ngày 01/01/{on.year} đến ngày {day}; số liệu tính đến hết ngày {day}" in t for t in texts)

    sections = [p.text for p in paragraphs if p.style.name == "Heading 1"]
    assert [section.split(".")[0] for section in sections] == ["I", "II", "III", "IV", "V"]
    items = [p.text for p in paragraphs if p.style.name == "Heading 2"]
    assert [item.split(".")[0] for item in items] == ["1", "2", "3", "4", "1", "2"]
    captions = [t for t in texts if t.startswith("Bảng ")]
    assert [caption.split(".")[0] for caption in captions] == [f"Bảng {n}" for n in range(1, 16)]
    assessments = [run for p in paragraphs for run in p.runs if run.text.startswith("[Đánh giá:")]
    assert len(assessments) == 9
    assert all(run.font.highlight_color == WD_COLOR_INDEX.YELLOW for run in assessments)
    assert texts[-1].startswith("Trên đây là báo cáo kết quả công tác") and texts[-1].endswith("./.")

    closing = document.tables[-1]
    recipients, signature = closing.cell(0, 0), closing.cell(0, 1)
    lines = [p.text for p in recipients.paragraphs]
    assert lines[0] == "Nơi nhận:" and lines[1] == "- UBND thành phố (để b/c);" and lines[-1] == "- Lưu: VT."
    assert recipients.paragraphs[0].runs[0].bold and recipients.paragraphs[0].runs[0].italic
    assert signature.paragraphs[0].text == "GIÁM ĐỐC" and signature.paragraphs[0].runs[0].bold
    assert signature.paragraphs[-1].text == "[Họ và tên]"

    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert [round(length.cm, 1) for length in (section.top_margin, section.bottom_margin, section.left_margin,
                                               section.right_margin)] == [2.0, 2.0, 3.0, 1.5]
    assert section.different_first_page_header_footer
    assert "PAGE" in section.header._element.xml
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman" and normal.font.size == Pt(14)
    fonts = normal.element.rPr.find(qn("w:rFonts"))
    assert {fonts.get(qn(f"w:{script}")) for script in ("ascii", "hAnsi", "eastAsia", "cs")} == {"Times New Roman"}
    runs = [run for p in paragraphs for run in p.runs] + [
        run for table in document.tables for row in table.rows for cell in row.cells
        for p in cell.paragraphs for run in p.runs]
    assert {run.font.name for run in runs} <= {None, "Times New Roman"}
    assert all(run.font.size is None or Pt(11) <= run.font.size <= Pt(14) for run in runs)
    body = [p for p in paragraphs if p.paragraph_format.first_line_indent == Cm(1.27)]
    assert body and all(p.runs[0].font.size is None for p in body if p.runs)  # the Normal style's 14 pt
    assert annex.exists()


@needs_writer
def test_libreoffice_converts_the_document_to_pdf(seeded, runner, tmp_path):
    document, _annex = _make_report(runner, tmp_path, today())
    outdir, profile = tmp_path / "pdf", tmp_path / "lo-profile"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(outdir), str(document)], check=True, capture_output=True, timeout=180)
    pdf = outdir / "bao-cao.pdf"
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 10_000


def test_the_period_defaults_and_refusals(app):
    on = date(2026, 12, 6)
    assert annual_period(2026, today=on) == Period(date(2026, 1, 1), on)
    assert annual_period(2025, today=on) == Period(date(2025, 1, 1), date(2025, 12, 31))
    assert annual_period(2026, date(2025, 12, 15), date(2026, 12, 5), today=on).previous == Period(
        date(2024, 12, 15), date(2025, 12, 5))
    assert Period(date(2024, 1, 1), date(2024, 2, 29)).previous == Period(date(2023, 1, 1), date(2023, 2, 28))
    for year, start, end, message in (
            (2027, None, None, "Năm báo cáo phải từ 2000 đến 2026"),
            (1999, None, None, "Năm báo cáo phải từ 2000 đến 2026"),
            (2026, None, date(2026, 12, 7), "chưa đến"),
            (2026, date(2026, 5, 1), date(2026, 4, 30), "Ngày đầu kỳ phải trước"),
            (2026, date(2025, 12, 5), date(2026, 12, 5), "tối đa một năm"),
            (2026, date(2025, 1, 1), date(2025, 6, 30), "phải nằm trong năm 2026")):
        with pytest.raises(PeriodError, match=message):
            annual_period(year, start, end, today=on)


def test_bin_and_erased_people_are_never_counted(seeded):
    kept = make_outreach_person("Lê Thị Hoa", "DE")
    make_outreach_person("Phạm Văn Nam", "DE", deleted=True)
    erased = make_outreach_person("Đỗ Văn Tùng", "DE")
    erase_person(erased, "Yêu cầu của chủ thể dữ liệu")
    db.session.commit()
    period = Period(date(today().year, 1, 1), today())
    assert figures.people_totals(period).total == 1
    assert figures.people_by(period, "country") == {"DE": figures.Counts(1, 0, 1, 0)}
    assert figures.consent(period) == {kept.consent_status: 1}


def test_who_counts_as_scientist_intellectual_and_artist(seeded):
    scientist_role = db.session.scalar(db.select(CommunityRole).where(CommunityRole.key == "scientist"))
    artist_role = db.session.scalar(db.select(CommunityRole).where(CommunityRole.key == "artist"))
    role_scientist = make_outreach_person("Nguyễn Văn An")
    role_scientist.roles = [scientist_role]
    make_outreach_person("Trần Thị Bình", title="PGS.TS.")
    make_outreach_person("Lê Văn Cường", title="ThS.")
    role_artist = make_outreach_person("Phạm Thị Dung")
    role_artist.roles = [artist_role]
    make_outreach_person("Hoàng Văn Em", fields=("culture_arts",))
    make_outreach_person("Vũ Văn Phúc", fields=("business_trade",))
    db.session.commit()
    period = Period(date(today().year, 1, 1), today())
    counts = figures.talents(period)
    assert {key: counts[key].total for key in ("scientist", "intellectual", "artist", "any")} == {
        "scientist": 2, "intellectual": 3, "artist": 2, "any": 5}


def test_cooperation_projects_are_sorted_into_sectors_by_their_words(seeded):
    assert cooperation_sector("Khám bệnh, phát thuốc miễn phí tại huyện Tiên Lãng") == "health"
    assert cooperation_sector("Hợp tác đào tạo bác sĩ nội trú với Bệnh viện Hữu nghị Việt Tiệp") == "health"
    assert cooperation_sector("Học bổng thạc sĩ cho sinh viên Đại học Hàng hải Việt Nam") == "education"
    assert cooperation_sector("Lớp dạy tiếng Việt cho con em kiều bào") == "culture"
    assert cooperation_sector("Chuyển giao công nghệ nuôi trồng thủy sản", None) == "science"
    assert cooperation_sector("Dự án được ký kết") == "other"  # "được" is not "dược" (pharmacy)
    on = today()
    make_activity("Khám bệnh miễn phí tại Cát Hải", on, activity_type="cooperation", people=[make_outreach_person()])
    make_activity("Dự án chung", on, activity_type="cooperation")
    sectors = figures.cooperation_by_sector(Period(date(on.year, 1, 1), on))
    assert sectors["health"] == figures.ActivityCounts(1, 0, 1, 0)
    assert sectors["other"].activities == 1


def test_partners_and_products_of_the_channels(seeded):
    on = today()
    vai, nem = make_product(), make_product("Nem cua bể", "food")
    make_channel("Siêu thị Á Đông", "JP", products=[(vai, "distributing"), (nem, "interested")], status="partner")
    make_channel("Cửa hàng Hương Quê", "JP", products=[(nem, "distributing")], status="contacted")
    period = Period(date(on.year, 1, 1), on)
    assert figures.partners_gained(period) == {"JP": (1, 0)}
    products = figures.products_by_country(period)["JP"]
    assert (products.distributing, products.interested, products.channels) == (["Nem cua bể", "Vải thiều Thanh Hà"],
                                                                                [], 2)
    statuses, counts = figures.channels_by_country(period)["JP"]
    assert statuses == {"partner": 1, "contacted": 1} and counts.total == 2


def test_the_duplicates_line_is_answered_by_whoever_reviews_them(seeded):
    period = Period(date(today().year, 1, 1), today())
    line = next(line for line in figures.data_quality(period) if line.key == signals.DUPLICATES_PENDING)
    assert line.count is None

    def review_queue(sender):
        assert sender == period
        return signals.QualityFigure(signals.DUPLICATES_PENDING, "Cặp hồ sơ nghi trùng chờ rà soát", 7)

    signals.data_quality_figures.connect(review_queue)
    try:
        lines = [line for line in figures.data_quality(period) if line.key == signals.DUPLICATES_PENDING]
    finally:
        signals.data_quality_figures.disconnect(review_queue)
    assert [line.count for line in lines] == [7]


def test_the_figures_are_the_same_built_twice(register):
    """Built from one database state, the tables are identical: no part depends on the order rows come in."""
    on = register
    period = Period(date(on.year, 1, 1), on)
    first, second = annual_figures(on.year, period), annual_figures(on.year, period)
    assert [(t.key, t.rows, t.total) for t in first.tables] == [(t.key, t.rows, t.total) for t in second.tables]


@pytest.mark.parametrize("arguments, message", [
    (["--year", "2026", "out.docx", "--from", "2026-02-01"], "dd/mm/yyyy"),
    (["--year", "2026", "out.docx", "--from", "31/02/2026"], "Ngày 31/02/2026 không tồn tại"),
    (["--year", "2026", "out.pdf"], "đuôi .docx"),
    (["--year", "2026", "out.docx", "--annex", "out.csv"], "đuôi .xlsx"),
    (["--year", "2999", "out.docx"], "Năm báo cáo phải từ 2000"),
])
def test_the_command_refuses_bad_input_clearly(seeded, runner, tmp_path, arguments, message):
    arguments = [str(tmp_path / item) if item.startswith("out.") else item for item in arguments]
    result = runner.invoke(args=["report", "annual", *arguments])
    assert result.exit_code != 0 and message in result.output
    assert list(tmp_path.glob("out.*")) == []
