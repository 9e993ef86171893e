"""The programme's reads (scope, no N+1) and its exports: the .xlsx cells and the PDF's text."""

import datetime as dt
import io

import pytest
import time_machine
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from apps.work.exports.programmes import program_pdf, program_xlsx
from apps.work.selectors import programmes as selectors
from apps.work.services import programmes as services
from apps.work.tests.factories import world
from apps.work.tests.test_programmes_services import NOW, approved, draft, item_fields

pytestmark = pytest.mark.django_db


def filled(w, items: int = 2):
    program = draft(w, kind="quarter", number=1)
    for n in range(items):
        services.add_item(actor=w.culture_officer, program=program,
                          **item_fields(w, title=f"Việc số {n + 1}", deadline=dt.date(2026, 3, 2 + n)))  # fmt: skip
    return program


# ---- selectors ------------------------------------------------------------------------------------------------------


def test_a_commune_does_not_see_another_communes_programmes():
    w = world()
    ours = filled(w, 1)
    theirs = draft(w, unit=w.other_commune, actor=w.other_officer)
    assert list(selectors.visible_programs(w.culture_officer)) == [ours]
    assert list(selectors.visible_programs(w.other_chairman)) == [theirs]
    assert set(selectors.visible_programs(w.chairman)) == {ours, theirs}
    assert selectors.program_detail(w.other_officer, ours.pk) is None
    assert selectors.program_item(w.other_officer, ours.items.get().pk) is None
    assert list(selectors.programs_of(w.other_chairman, w.commune, 2026)) == []
    assert [p.item_count for p in selectors.programs_of(w.commune_chairman, w.commune, 2026)] == [1]


def test_one_programme_with_its_items_in_a_fixed_number_of_queries(django_assert_max_num_queries):
    w = world()
    small, large = filled(w, 1), draft(w, kind="year")
    for n in range(12):
        services.add_item(actor=w.culture_officer, program=large,
                          **item_fields(w, title=f"Việc {n}", co_handlers=[w.commune, w.justice]))  # fmt: skip
    for program in (small, large):
        user = type(w.culture_officer).objects.get(pk=w.culture_officer.pk)  # nothing remembered
        with django_assert_max_num_queries(6):  # scope (3), the programme, its items, co-handlers
            shown = selectors.program_detail(user, program.pk)
            for item in shown.items.all():
                (item.lead_unit.name, item.person_in_charge, [u.name for u in item.co_handlers.all()], item.has_task,
                 item.source_item)  # fmt: skip


# ---- exports --------------------------------------------------------------------------------------------------------


def test_the_xlsx_has_the_heading_the_table_and_the_approval():
    w = world()
    program = filled(w)
    program.items.filter(title="Việc số 2").update(title='=HYPERLINK("http://x")')
    approved(w, program)
    shown = selectors.program_detail(w.commune_chairman, program.pk)
    sheet = load_workbook(io.BytesIO(program_xlsx(shown))).active
    assert sheet["A1"].value == "ỦY BAN NHÂN DÂN TỈNH THỬ" and sheet["A2"].value == "ỦY BAN NHÂN DÂN XÃ AN PHÚ"
    assert sheet["E1"].value == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert sheet["E2"].value == "Độc lập - Tự do - Hạnh phúc"
    assert sheet["A4"].value == "CHƯƠNG TRÌNH CÔNG TÁC QUÝ I NĂM 2026"
    assert sheet["A5"].value == "Ủy ban nhân dân xã An Phú — quý I năm 2026"
    assert [c.value for c in sheet[7]] == ["STT", "Nội dung công việc", "Đơn vị chủ trì", "Người phụ trách",
                                           "Đơn vị phối hợp", "Sản phẩm", "Thời hạn", "Tình trạng"]  # fmt: skip
    first = [c.value for c in sheet[8]]
    assert first == [1, "Việc số 1", "Phòng Văn hóa - Xã hội", w.culture_officer.get_full_name(),
                     "Ủy ban nhân dân xã An Phú", "Báo cáo: Báo cáo kết quả rà soát", dt.datetime(2026, 3, 2),
                     "Chưa thực hiện"]  # fmt: skip
    assert sheet["G8"].number_format == "DD/MM/YYYY"
    assert sheet["B9"].value == '=HYPERLINK("http://x")' and sheet["B9"].data_type == "s"  # text, not a formula
    day = timezone.localtime(NOW).strftime("%d/%m/%Y")
    assert sheet["A11"].value == f"Đã phê duyệt: {w.commune_chairman.get_full_name()}, ngày {day}"


def test_the_xlsx_of_a_draft_says_it_is_not_approved():
    w = world()
    sheet = load_workbook(io.BytesIO(program_xlsx(selectors.program_detail(w.culture_officer, filled(w, 0).pk)))).active
    assert sheet["A9"].value == "Chưa phê duyệt (trạng thái: Dự thảo)"


def test_the_pdf_reads_as_the_programme():
    w = world()
    program = filled(w)
    approved(w, program)
    with time_machine.travel(dt.datetime(2026, 1, 8, 9, 0, tzinfo=dt.UTC), tick=False):
        pdf = program_pdf(selectors.program_detail(w.commune_chairman, program.pk))
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "ỦY BAN NHÂN DÂN XÃ AN PHÚ",
        "Xã An Phú, ngày 08 tháng 01 năm 2026", "CHƯƠNG TRÌNH CÔNG TÁC QUÝ I NĂM 2026", "quý I năm 2026",
        "STT", "Nội dung công việc", "Đơn vị chủ trì", "Người phụ trách", "Đơn vị phối hợp", "Sản phẩm", "Thời hạn",
        "Tình trạng", "Việc số 1", "Việc số 2", "02/03/2026", "03/03/2026", "Chưa thực hiện",
        f"Đã phê duyệt: {w.commune_chairman.get_full_name()}",
    ):  # fmt: skip
        assert expected in text, expected
