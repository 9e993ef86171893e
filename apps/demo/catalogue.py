"""The demo catalogue: real procedures with their national codes, names and legal time limits.

Commune procedures run desk → division → chairman → desk; province ones run centre → department → director →
centre. Fees are the national ones where a law fixes them; elsewhere the (fictional) province's resolution.
"""

from decimal import Decimal

from apps.org.models import Role, Unit
from apps.procedures.models import Procedure

SAME_DAY = "Ngay trong ngày tiếp nhận; hồ sơ nhận sau 15 giờ thì trả trong ngày làm việc tiếp theo."
CIVIL = "Luật Hộ tịch năm 2014; Nghị định 123/2015/NĐ-CP; Thông tư 04/2020/TT-BTP"
CERT = "Nghị định 23/2015/NĐ-CP; Thông tư 226/2016/TT-BTC"
BUSINESS = "Nghị định 01/2021/NĐ-CP về đăng ký doanh nghiệp; Thông tư 02/2023/TT-BKHĐT"
C, P = Unit.Level.COMMUNE, Unit.Level.PROVINCE
FULL, PARTIAL = Procedure.OnlineLevel.FULL, Procedure.OnlineLevel.PARTIAL

# code, name, field, level, limit, unit ("d" working days, "h" working hours), fee, fee note, online, legal basis,
# division doing the work, papers [(name, form, optional)]
CATALOGUE = [
    ("1.001193", "Đăng ký khai sinh", "Hộ tịch", C, "4", "h", 0, "Miễn lệ phí khi đăng ký đúng hạn", FULL, CIVIL,
     "VP", [("Tờ khai đăng ký khai sinh theo mẫu", "original", False), ("Giấy chứng sinh", "original", False)]),
    ("1.000894", "Đăng ký kết hôn", "Hộ tịch", C, "4", "h", 0, "", PARTIAL, CIVIL, "VP",
     [("Tờ khai đăng ký kết hôn theo mẫu", "original", False),
      ("Giấy xác nhận tình trạng hôn nhân (khi không đăng ký tại nơi thường trú)", "original", True)]),
    ("1.000656", "Đăng ký khai tử", "Hộ tịch", C, "4", "h", 0, "", FULL, CIVIL, "VP",
     [("Tờ khai đăng ký khai tử theo mẫu", "original", False),
      ("Giấy báo tử hoặc giấy tờ thay thế Giấy báo tử", "original", False)]),
    ("1.004873", "Cấp Giấy xác nhận tình trạng hôn nhân", "Hộ tịch", C, "3", "d", 0, "", FULL, CIVIL, "VP",
     [("Tờ khai cấp Giấy xác nhận tình trạng hôn nhân theo mẫu", "original", False),
      ("Giấy tờ chứng minh đã ly hôn hoặc người kia đã chết (nếu có)", "certified_copy", True)]),
    ("2.000635", "Cấp bản sao Trích lục hộ tịch", "Hộ tịch", C, "4", "h", 8000, "8.000 đồng/bản sao", FULL, CIVIL,
     "VP", [("Tờ khai cấp bản sao trích lục hộ tịch theo mẫu", "original", False)]),
    ("1.000689", "Đăng ký khai sinh kết hợp nhận cha, mẹ, con", "Hộ tịch", C, "3", "d", 0, "", PARTIAL, CIVIL, "VP",
     [("Tờ khai đăng ký khai sinh và tờ khai nhận cha, mẹ, con theo mẫu", "original", False),
      ("Giấy chứng sinh", "original", False), ("Chứng cứ chứng minh quan hệ cha, mẹ, con", "original", False)]),
    ("1.004884", "Đăng ký lại khai sinh", "Hộ tịch", C, "5", "d", 0, "", PARTIAL, CIVIL, "VP",
     [("Tờ khai đăng ký lại khai sinh theo mẫu", "original", False),
      ("Bản sao toàn bộ hồ sơ, giấy tờ của người yêu cầu có thông tin liên quan", "copy", False)]),
    ("1.004845", "Đăng ký chấm dứt giám hộ", "Hộ tịch", C, "2", "d", 0, "", PARTIAL, CIVIL, "VP",
     [("Tờ khai đăng ký chấm dứt giám hộ theo mẫu", "original", False),
      ("Giấy tờ làm căn cứ chấm dứt giám hộ", "certified_copy", False)]),
    ("2.000815", "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan, tổ chức có thẩm quyền của Việt Nam "
     "cấp hoặc chứng nhận", "Chứng thực", C, "4", "h", 2000,
     "2.000 đồng/trang; từ trang thứ ba trở lên 1.000 đồng/trang, tối đa 200.000 đồng/bản", PARTIAL, CERT, "VP",
     [("Bản chính giấy tờ, văn bản làm cơ sở để chứng thực bản sao", "present", False),
      ("Bản sao cần chứng thực", "copy", False)]),
    ("2.000884", "Chứng thực chữ ký trong các giấy tờ, văn bản (áp dụng cho cả trường hợp chứng thực điểm chỉ và "
     "trường hợp người yêu cầu chứng thực không thể ký, không thể điểm chỉ được)", "Chứng thực", C, "4", "h", 10000,
     "10.000 đồng/trường hợp", PARTIAL, CERT, "VP",
     [("Giấy tờ tùy thân còn giá trị sử dụng", "present", False), ("Giấy tờ, văn bản cần chứng thực chữ ký",
                                                                  "original", False)]),
    ("2.000720", "Đăng ký thành lập hộ kinh doanh", "Thành lập và hoạt động của hộ kinh doanh", C, "3", "d",
     100000, "", FULL, BUSINESS, "PKT",
     [("Giấy đề nghị đăng ký hộ kinh doanh", "original", False),
      ("Biên bản họp thành viên hộ gia đình (nếu các thành viên cùng đăng ký)", "original", True)]),
    ("1.001570", "Tạm ngừng kinh doanh, tiếp tục kinh doanh trước thời hạn đã thông báo của hộ kinh doanh",
     "Thành lập và hoạt động của hộ kinh doanh", C, "3", "d", 0, "", FULL, BUSINESS, "PKT",
     [("Thông báo về việc tạm ngừng kinh doanh hoặc tiếp tục kinh doanh", "original", False)]),
    ("1.001266", "Chấm dứt hoạt động hộ kinh doanh", "Thành lập và hoạt động của hộ kinh doanh", C, "3", "d", 0, "",
     FULL, BUSINESS, "PKT", [("Thông báo về việc chấm dứt hoạt động hộ kinh doanh", "original", False),
                             ("Bản gốc Giấy chứng nhận đăng ký hộ kinh doanh", "original", False)]),
    ("2.000575", "Cấp lại Giấy chứng nhận đăng ký hộ kinh doanh", "Thành lập và hoạt động của hộ kinh doanh", C, "3",
     "d", 0, "", FULL, BUSINESS, "PKT", [("Giấy đề nghị cấp lại Giấy chứng nhận đăng ký hộ kinh doanh", "original",
                                          False)]),
    ("1.013225", "Cấp giấy phép xây dựng mới đối với công trình cấp III, cấp IV và nhà ở riêng lẻ", "Xây dựng", C,
     "15", "d", 75000, "Nhà ở riêng lẻ: 75.000 đồng/giấy phép", PARTIAL,
     "Luật Xây dựng năm 2014, sửa đổi năm 2020; Nghị định 175/2024/NĐ-CP", "PKT",
     [("Đơn đề nghị cấp giấy phép xây dựng theo mẫu", "original", False),
      ("Giấy tờ chứng minh quyền sử dụng đất", "certified_copy", False),
      ("Hai bộ bản vẽ thiết kế xây dựng", "original", False)]),
    ("1.014199", "Cấp giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam", "Việc làm", P, "10",
     "d", 600000, "Theo Nghị quyết của Hội đồng nhân dân tỉnh", FULL, "Bộ luật Lao động 2019; Nghị định 219/2025/NĐ-CP",
     "SNV", [("Văn bản đề nghị cấp giấy phép lao động của người sử dụng lao động", "original", False),
             ("Giấy chứng nhận sức khỏe", "original", False), ("Hộ chiếu", "copy", False),
             ("Giấy tờ chứng minh trình độ, kinh nghiệm", "certified_copy", False)]),
    ("1.014201", "Gia hạn giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam", "Việc làm", P,
     "10", "d", 450000, "Theo Nghị quyết của Hội đồng nhân dân tỉnh", FULL,
     "Bộ luật Lao động 2019; Nghị định 219/2025/NĐ-CP", "SNV",
     [("Văn bản đề nghị gia hạn giấy phép lao động", "original", False),
      ("Giấy phép lao động đã được cấp", "original", False), ("Giấy chứng nhận sức khỏe", "original", False)]),
]  # fmt: skip


def _steps(limit: Decimal, unit: str, division: str, level: str) -> list[dict]:
    """Receive, handle in the division, approve by the head, return: budgets that add up to the legal limit."""
    if unit == "h":
        receive, approve, back = Decimal("0.5"), Decimal("1"), Decimal("0.5")
    else:
        receive, approve, back = Decimal("0.5"), Decimal("0.5"), Decimal("0.5")
    handle = limit - receive - approve - back
    approver = {"division_symbol": division} if level == P else {}
    return [
        {"kind": "receive", "name": "Tiếp nhận, kiểm tra hồ sơ", "role": Role.DESK_CLERK, "budget": receive},
        {"kind": "handle", "name": "Thẩm định, trình ký", "role": Role.HANDLING_OFFICER, "division_symbol": division,
         "budget": handle},
        {"kind": "approve", "name": "Lãnh đạo phê duyệt, ký", "role": Role.UNIT_LEADER, "budget": approve,
         **approver},
        {"kind": "return", "name": "Trả kết quả", "role": Role.DESK_CLERK, "budget": back},
    ]  # fmt: skip


def load_catalogue() -> list[Procedure]:
    from apps.procedures.services import procedure_upsert

    loaded = []
    for code, name, field, level, limit, unit, fee, fee_text, online, basis, division, papers in CATALOGUE:
        if Procedure.objects.filter(code=code).exists():
            continue
        time_unit = Procedure.TimeUnit.WORKING_HOURS if unit == "h" else Procedure.TimeUnit.WORKING_DAYS
        loaded.append(procedure_upsert(
            actor=None, code=code, name=name, field_name=field, level=level, time_limit=Decimal(limit),
            time_unit=time_unit, time_limit_text=SAME_DAY if unit == "h" else "",
            fee_vnd=fee, fee_text=fee_text, online_level=online, legal_basis=basis,
            competent_unit_kind=Unit.Kind.PEOPLES_COMMITTEE,
            papers=[{"name": paper, "form": form, "optional": optional} for paper, form, optional in papers],
            steps=_steps(Decimal(limit), unit, division, level),
        ))  # fmt: skip
    return loaded


def extend_catalogue(count: int) -> int:
    """At least `count` active commune-level procedures, for benchmarks of a province of real size: the demo's commune
    procedures again, each case of them a procedure of its own (code 9.xxxxxx, "… (trường hợp n)"), with the same
    papers, steps, limits and fees. Returns how many were added."""
    from apps.procedures.services import procedure_upsert

    have = Procedure.objects.filter(is_active=True, level=C).count()
    commune = [entry for entry in CATALOGUE if entry[3] == C]
    added, number = 0, Procedure.objects.filter(code__startswith="9.").count()
    while have + added < count:
        number += 1
        _code, name, field, level, limit, unit, fee, fee_text, online, basis, division, papers = commune[
            number % len(commune)
        ]
        case_code = f"9.{number:06d}"
        time_unit = Procedure.TimeUnit.WORKING_HOURS if unit == "h" else Procedure.TimeUnit.WORKING_DAYS
        procedure_upsert(
            actor=None, code=case_code, name=f"{name} (trường hợp {number // len(commune) + 2})", field_name=field,
            level=level, time_limit=Decimal(limit), time_unit=time_unit,
            time_limit_text=SAME_DAY if unit == "h" else "", fee_vnd=fee, fee_text=fee_text, online_level=online,
            legal_basis=basis, competent_unit_kind=Unit.Kind.PEOPLES_COMMITTEE,
            papers=[{"name": paper, "form": form, "optional": optional} for paper, form, optional in papers],
            steps=_steps(Decimal(limit), unit, division, level),
        )  # fmt: skip
        added += 1
    return added
