"""Bench: the BM.06 tracking book of a commune's year as PDF, drawn by apps.core.pdf_table, against the WeasyPrint
HTML table it replaced (the former templates/forms/bm06_book.html, kept below), on the same rows in the same run.

    .venv/bin/python bench/tracking_book_pdf.py                 # 5,000 generated rows (a busy commune's year)
    .venv/bin/python bench/tracking_book_pdf.py --rows 1000
    .venv/bin/python bench/tracking_book_pdf.py --skip-weasyprint   # only the new path (the old one takes a minute)
    .venv/bin/python bench/tracking_book_pdf.py --from-database     # also the real book of the desk with most
                                                                    # dossiers this year (after generate_load_data)

CPU seconds are printed beside wall seconds: on a busy machine the wall clock measures the neighbours too.
"""

import argparse
import datetime as dt
import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congvu.settings")

OLD_TEMPLATE = """{% extends "forms/base.html" %}
{% block orientation %}landscape{% endblock %}
{% block title %}BM.06 {{ desk.name }}{% endblock %}
{% block content %}
<h1>Sổ theo dõi hồ sơ</h1>
<div class="sub">{{ desk.name }} — từ ngày {{ start|date:"d/m/Y" }} đến ngày {{ end|date:"d/m/Y" }}</div>
<table class="grid">
<tr><th>STT</th><th>Mã hồ sơ</th><th>Tên thủ tục hành chính</th><th>Tên cá nhân, tổ chức</th>
<th>Địa chỉ, số điện thoại</th><th>Cơ quan chủ trì giải quyết</th><th>Nhận hồ sơ</th><th>Hẹn trả kết quả</th>
<th>Trả kết quả</th><th>Phương thức nhận kết quả</th><th>Ký nhận</th></tr>
{% for row in rows %}<tr>{% for cell in row %}<td>{{ cell }}</td>{% endfor %}<td></td></tr>
{% empty %}<tr><td colspan="11" style="text-align:center">Không có hồ sơ trong thời gian này.</td></tr>{% endfor %}
</table>
{% endblock %}"""

PROCEDURES = ["Cấp Giấy xác nhận tình trạng hôn nhân", "Đăng ký khai sinh", "Chứng thực bản sao từ bản chính",
              "Đăng ký kết hôn", "Cấp bản sao trích lục hộ tịch", "Đăng ký thường trú"]  # fmt: skip
NAMES = ["Nguyễn Thị Lan", "Trần Văn Bình", "Lê Thị Hường", "Phạm Quốc Việt", "Hoàng Thị Ánh Tuyết"]


def generated_rows(count: int) -> list[list[str]]:
    day = dt.datetime(2026, 1, 2, 7, 30)
    rows = []
    for n in range(1, count + 1):
        received = day + dt.timedelta(minutes=97 * n)
        rows.append([str(n), f"H12.22-{received:%y%m%d}-{n % 9000 + 1:04d}", PROCEDURES[n % len(PROCEDURES)],
                     NAMES[n % len(NAMES)], f"Thôn {n % 12 + 1}, xã An Phú; 09{n:08d}", "Ủy ban nhân dân xã An Phú",
                     f"{received:%H:%M %d/%m/%Y}", f"{received + dt.timedelta(days=3):%H:%M %d/%m/%Y}",
                     f"{received + dt.timedelta(days=2):%H:%M %d/%m/%Y}", "Nhận tại Bộ phận Một cửa"])  # fmt: skip
    return rows


def timed(function):
    cpu, wall = time.process_time(), time.perf_counter()
    result = function()
    return result, time.process_time() - cpu, time.perf_counter() - wall


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--skip-weasyprint", action="store_true")
    parser.add_argument("--from-database", action="store_true")
    args = parser.parse_args()

    import django

    django.setup()
    from django.template import Context, Template
    from django.utils import timezone
    from pypdf import PdfReader

    from apps.core.pdf_table import Heading, Section, table_pdf
    from apps.dossiers import documents

    rows = generated_rows(args.rows)
    heading = Heading("Ủy ban nhân dân xã An Phú", "Bộ phận Một cửa", "An Phú, ngày 05 tháng 01 năm 2027")
    section = Section(documents.BOOK_TITLE, "Bộ phận Một cửa — từ ngày 01/01/2026 đến ngày 31/12/2026", rows)
    table_pdf(heading=heading, columns=documents.BOOK_COLUMNS, sections=[Section("x", "", rows[:5])])  # warm up
    new, new_cpu, new_wall = timed(lambda: table_pdf(heading=heading, columns=documents.BOOK_COLUMNS,
                                                     sections=[section], font_size=9))  # fmt: skip
    new_pages = len(PdfReader(io.BytesIO(new)).pages)
    print(f"BM.06, {args.rows:,} rows")
    print(f"  apps.core.pdf_table     cpu {new_cpu:6.2f} s   wall {new_wall:6.2f} s   {new_pages} pages, "
          f"{len(new) / 1e6:.1f} MB")  # fmt: skip
    if not args.skip_weasyprint:
        from weasyprint import HTML

        class Desk:
            name = "Bộ phận Một cửa"

        context = Context({"desk": Desk, "start": dt.date(2026, 1, 1), "end": dt.date(2026, 12, 31), "rows": rows,
                           "today": dt.date(2027, 1, 5), "issuer": "Bộ phận Một cửa", "place": "An Phú",
                           "issuer_parent": "Ủy ban nhân dân xã An Phú"})  # fmt: skip
        old, old_cpu, old_wall = timed(
            lambda: HTML(string=Template(OLD_TEMPLATE).render(context), base_url=str(ROOT)).write_pdf()
        )
        old_pages = len(PdfReader(io.BytesIO(old)).pages)
        print(f"  WeasyPrint HTML table   cpu {old_cpu:6.2f} s   wall {old_wall:6.2f} s   {old_pages} pages, "
              f"{len(old) / 1e6:.1f} MB")  # fmt: skip
        print(f"  ratio (old / new, cpu)  {old_cpu / new_cpu:6.1f}x")
    if args.from_database:
        from django.db.models import Count

        from apps.dossiers.models import Dossier
        from apps.org.models import Unit

        year = timezone.localdate().year
        busiest = (Dossier.objects.filter(received_at__year=year).values("desk").annotate(n=Count("pk"))
                   .order_by("-n").first())  # fmt: skip
        if not busiest:
            print("  (no dossiers received this year in the database: run manage.py generate_load_data)")
            return 0
        desk = Unit.objects.get(pk=busiest["desk"])
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        pdf, cpu, wall = timed(lambda: documents.tracking_book_pdf(desk, start, end))
        print(f"  {desk.name}, {year}: {busiest['n']:,} dossiers, query + PDF cpu {cpu:.2f} s   wall {wall:.2f} s   "
              f"{len(PdfReader(io.BytesIO(pdf)).pages)} pages")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
