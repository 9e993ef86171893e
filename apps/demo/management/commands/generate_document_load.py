"""Generate registered official documents for the search and register benchmarks (issue 11): half incoming, half
outgoing (released), over the demo province's people's committees and provincial departments and the last three
years, numbered in date order per register and year as the services would (secret documents in their own outgoing
series), with summaries and issuers built from Vietnamese word lists, some secret, some with a text layer; the
search index filled in the same pass. The live counters continue after the generated numbers."""

import datetime as dt
import random
import time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from apps.core.audit import record_event
from apps.core.models import Sequence
from apps.core.numbering import set_at_least
from apps.documents.models import ABBREVIATIONS, Confidentiality, DocType, IncomingDocument, OutgoingDocument, Urgency
from apps.documents.services.registers import duplicate_key, issuer_symbol, series_key
from apps.documents.services.search import entry_for_incoming, entry_for_outgoing, write_entries
from apps.org.models import Unit

ACTIONS = ["phê duyệt", "giao", "kiện toàn", "triển khai", "tăng cường", "ban hành", "công bố", "điều chỉnh",
           "thu hồi", "hỗ trợ", "tổ chức", "kiểm tra", "rà soát", "bổ sung", "thành lập", "hướng dẫn thực hiện",
           "đôn đốc", "báo cáo kết quả", "chấn chỉnh", "gia hạn"]  # fmt: skip
SUBJECTS = ["kế hoạch sử dụng đất", "giao đất đai", "thủ tục hành chính", "dự toán ngân sách nhà nước",
            "công tác phòng, chống thiên tai", "chương trình xây dựng nông thôn mới", "tổ công tác liên ngành",
            "bồi thường, giải phóng mặt bằng", "cải cách hành chính", "chuyển đổi số", "phòng cháy, chữa cháy",
            "tiêm chủng mở rộng", "bảo hiểm y tế học sinh", "quy hoạch xây dựng",
            "cấp giấy chứng nhận quyền sử dụng đất",
            "an toàn thực phẩm", "hộ nghèo, hộ cận nghèo", "tuyển dụng công chức", "thi đua, khen thưởng",
            "xử lý vi phạm hành chính", "trật tự an toàn giao thông", "đầu tư công trung hạn",
            "sáp nhập thôn, tổ dân phố",
            "bầu cử đại biểu Hội đồng nhân dân", "lễ hội truyền thống", "vệ sinh môi trường"]  # fmt: skip
RARE = ["sâu cuốn lá nhỏ", "di tích đình làng Phú Mỹ", "cá tra giống", "cây sâm Ngọc Linh", "lũ quét",
        "khỉ đuôi lợn", "tàu cá vỏ thép", "nghề dệt thổ cẩm"]  # fmt: skip
PERIODS = ["năm {year}", "quý I năm {year}", "6 tháng đầu năm {year}", "giai đoạn 2021 - 2025", "đợt 2 năm {year}"]
ISSUERS = ["Văn phòng Chính phủ", "Bộ Nội vụ", "Bộ Tài chính", "Bộ Tài nguyên và Môi trường", "Bộ Tư pháp",
           "Ủy ban nhân dân tỉnh Sơn Hà", "Văn phòng Ủy ban nhân dân tỉnh", "Sở Tư pháp", "Sở Tài chính",
           "Sở Tài nguyên và Môi trường", "Sở Nội vụ", "Sở Xây dựng", "Sở Y tế", "Sở Giáo dục và Đào tạo",
           "Công an tỉnh", "Bảo hiểm xã hội tỉnh", "Kho bạc Nhà nước tỉnh", "Hội đồng nhân dân tỉnh",
           "Ban Chỉ huy Phòng thủ dân sự tỉnh", "Cục Thuế tỉnh"]  # fmt: skip
ISSUER_SYMBOLS = ["VPCP", "BNV", "BTC", "BTNMT", "BTP", "UBND", "VP", "STP", "STC", "STNMT", "SNV", "SXD", "SYT",
                  "SGDĐT", "CAT", "BHXH", "KBNN", "HĐND", "BCH", "CT"]  # fmt: skip
SENTENCES = [
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015.",
    "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư.",
    "Xét đề nghị của Trưởng phòng Tài nguyên và Môi trường tại Tờ trình số 45/TTr-TNMT.",
    "Giao Văn phòng Hội đồng nhân dân và Ủy ban nhân dân theo dõi, đôn đốc việc thực hiện.",
    "Các cơ quan, đơn vị có liên quan chịu trách nhiệm thi hành Quyết định này.",
    "Quyết định này có hiệu lực kể từ ngày ký.",
    "Kinh phí thực hiện từ nguồn ngân sách địa phương được giao trong dự toán năm.",
    "Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, báo cáo về Ủy ban nhân dân để xem xét, giải quyết.",
    "Tổ chức kiểm tra hiện trạng sử dụng đất rừng phòng hộ và đất nông nghiệp trên địa bàn.",
    "Tuyên truyền, phổ biến đến cán bộ, công chức và Nhân dân biết, thực hiện.",
    "Thời gian hoàn thành trước ngày 30 tháng 6; báo cáo kết quả về Văn phòng.",
    "Phòng Văn hóa - Xã hội chủ trì, phối hợp với các thôn, tổ dân phố triển khai.",
]
SIGNERS = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường", "Phạm Thị Dung", "Hoàng Văn Đức", "Đặng Thị Hà",
           "Vũ Minh Khoa", "Bùi Thị Lan", "Đỗ Quang Minh", "Ngô Thị Nga"]  # fmt: skip
TYPES = [DocType.OFFICIAL_LETTER] * 8 + [DocType.DECISION] * 4 + [DocType.REPORT] * 3 + [DocType.PLAN] * 2 + [
    DocType.NOTICE, DocType.INVITATION, DocType.SUBMISSION, DocType.GUIDANCE, DocType.RESOLUTION,
    DocType.DIRECTIVE, DocType.OFFICIAL_TELEGRAM, DocType.PROGRAMME,
]  # fmt: skip
URGENCIES = [Urgency.NORMAL] * 16 + [Urgency.URGENT] * 3 + [Urgency.VERY_URGENT, Urgency.FLASH]
SECRET_SHARE, BODY_SHARE, RARE_SHARE = 0.03, 0.3, 0.002


class Writer:
    def __init__(self, rng: random.Random, units: list[Unit], weights: list[int], start: dt.datetime, end: dt.datetime):
        self.rng, self.units, self.weights = rng, units, weights
        self.start, self.span = start, (end - start).total_seconds()
        self.symbols = {unit.pk: issuer_symbol(unit) for unit in units}
        self.counters: dict[str, int] = {}
        keys = [f"doc-in:{u.pk}:" for u in units] + [f"doc-out{s}:{u.pk}:" for u in units for s in ("", "-secret")]
        for key, last in Sequence.objects.filter(key__startswith="doc-").values_list("key", "last"):
            if any(key.startswith(prefix) for prefix in keys):
                self.counters[key] = last

    def next_number(self, key: str) -> int:
        self.counters[key] = self.counters.get(key, 0) + 1
        return self.counters[key]

    def summary(self, year: int) -> str:
        rng = self.rng
        subject = rng.choice(RARE) if rng.random() < RARE_SHARE else rng.choice(SUBJECTS)
        text = f"Về việc {rng.choice(ACTIONS)} {subject} {rng.choice(PERIODS).format(year=year)}"
        if rng.random() < 0.3:
            text += f" trên địa bàn {rng.choice(self.units).name.replace('Ủy ban nhân dân ', '')}"
        return text

    def body(self) -> str:
        if self.rng.random() >= BODY_SHARE:
            return ""
        sentences = self.rng.choices(SENTENCES, k=self.rng.randint(4, 12))
        if self.rng.random() < 0.05:
            sentences.append(f"Lưu ý đặc biệt về {self.rng.choice(RARE)}.")
        return " ".join(sentences)

    def common(self, moment: dt.datetime) -> dict:
        rng = self.rng
        secret = rng.random() < SECRET_SHARE
        return {
            "doc_type": rng.choice(TYPES), "urgency": rng.choice(URGENCIES),
            "confidentiality": rng.choice([Confidentiality.SECRET, Confidentiality.TOP_SECRET]) if secret
            else Confidentiality.NORMAL, "summary": self.summary(timezone.localtime(moment).year),
        }  # fmt: skip

    def write_batch(self, first: int, size: int, total: int) -> None:
        """Documents `first` … `first + size - 1` of `total`, spread evenly over the window (so in date order)."""
        incoming, outgoing, bodies_in, bodies_out = [], [], [], []
        for index in range(first, first + size):
            moment = self.start + dt.timedelta(seconds=self.span * index / total)
            year = timezone.localtime(moment).year
            unit = self.rng.choices(self.units, self.weights)[0]
            fields = self.common(moment)
            if index % 2:
                number = self.next_number(series_key(unit, year, fields["confidentiality"]))
                abbreviation = ABBREVIATIONS[DocType(fields["doc_type"])]
                symbol = f"{number:02d}/{abbreviation}-{self.symbols[unit.pk]}" if abbreviation else \
                    f"{number:02d}/{self.symbols[unit.pk]}-VP"  # fmt: skip
                outgoing.append(OutgoingDocument(
                    unit=unit, status=OutgoingDocument.Status.RELEASED, year=year, number=number, symbol=symbol,
                    signer_name=self.rng.choice(SIGNERS), signer_position="Chủ tịch",
                    recipients="Như trên;\nLưu: VT.", created_at=moment - dt.timedelta(hours=3),
                    released_at=moment, **fields,
                ))  # fmt: skip
                bodies_out.append(self.body())
            else:
                issuer_index = self.rng.randrange(len(ISSUERS))
                abbreviation = ABBREVIATIONS[DocType(fields["doc_type"])] or "CV"
                number_symbol = f"{self.rng.randint(1, 999):02d}/{abbreviation}-{ISSUER_SYMBOLS[issuer_index]}"
                incoming.append(IncomingDocument(
                    unit=unit, year=year, number=self.next_number(f"doc-in:{unit.pk}:{year}"),
                    issuer_name=ISSUERS[issuer_index], number_symbol=number_symbol,
                    issued_date=timezone.localtime(moment).date() - dt.timedelta(days=self.rng.randint(0, 3)),
                    received_at=moment, handling_status=self.rng.choice(list(IncomingDocument.Handling)[:3]),
                    duplicate_key=duplicate_key(ISSUERS[issuer_index], number_symbol), **fields,
                ))  # fmt: skip
                bodies_in.append(self.body())
        with transaction.atomic():
            IncomingDocument.objects.bulk_create(incoming, batch_size=2000)
            OutgoingDocument.objects.bulk_create(outgoing, batch_size=2000)
            names = {unit.pk: unit.name for unit in self.units}
            write_entries(
                [entry_for_incoming(d, body) for d, body in zip(incoming, bodies_in, strict=True)]
                + [entry_for_outgoing(d, names[d.unit_id], body) for d, body in zip(outgoing, bodies_out, strict=True)]
            )

    def save_counters(self) -> None:
        for key, last in self.counters.items():
            set_at_least(key, last)


class Command(BaseCommand):
    help = "Sinh văn bản đến, đi đã vào sổ để đo hiệu năng tìm kiếm và sổ. Generate registered official documents."
    stealth_options = ("now",)

    def add_arguments(self, parser):
        parser.add_argument("--documents", type=int, default=10_000)
        parser.add_argument("--years", type=int, default=3)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--batch", type=int, default=10_000)

    def handle(self, *args, documents: int, years: int, seed: int, batch: int, **options):
        now = options.get("now") or timezone.now()
        zone = ZoneInfo(settings.TIME_ZONE)
        start = dt.datetime(timezone.localtime(now).year - years + 1, 1, 2, 8, tzinfo=zone)
        units = list(
            Unit.objects.filter(is_active=True, kind=Unit.Kind.PEOPLES_COMMITTEE)
            | Unit.objects.filter(is_active=True, kind=Unit.Kind.DEPARTMENT, level=Unit.Level.PROVINCE)
        )
        if not units:
            raise CommandError("Chưa có tỉnh mẫu: chạy `manage.py load_demo` trước.")
        weights = [6 if unit.level == Unit.Level.PROVINCE and unit.kind == Unit.Kind.PEOPLES_COMMITTEE else 2
                   if unit.kind == Unit.Kind.PEOPLES_COMMITTEE else 1 for unit in units]  # fmt: skip
        writer = Writer(random.Random(seed), units, weights, start, now)
        started, made = time.perf_counter(), 0
        try:
            while made < documents:
                size = min(batch, documents - made)
                writer.write_batch(made, size, documents)
                made += size
                rate = made / (time.perf_counter() - started)
                self.stdout.write(f"\r{made:,}/{documents:,} văn bản ({rate:,.0f}/s)", ending="")
                self.stdout.flush()
        finally:
            writer.save_counters()
            self.stdout.write("\nCập nhật thống kê của cơ sở dữ liệu (ANALYZE)…")
            with connection.cursor() as cursor:
                # PostgreSQL: VACUUM too, so that the visibility map lets scans skip the heap of the new rows (and the
                # search's probe count from the index alone); not possible inside a transaction (tests)
                vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
                cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
            record_event("demo.documents.generate", changes={"documents": made, "years": years, "seed": seed})
        elapsed = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"\nĐã sinh {made:,} văn bản trong {elapsed:.0f} s."))
