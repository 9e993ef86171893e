"""The dashboard's tables as an .xlsx workbook, for staff to file or print."""

from io import BytesIO

from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.styles import Font

from apps.core.xlsx import append_row

COUNT_LABELS = {
    "received": _("Hồ sơ tiếp nhận"), "returned": _("Hồ sơ đã trả kết quả"),
    "returned_on_time": _("Trả đúng hoặc trước hạn"), "received_on_time": _("Tiếp nhận trong kỳ, đã trả đúng hạn"),
    "late_now": _("Hồ sơ đang quá hạn (hiện tại)"), "online": _("Hồ sơ trực tuyến"),
    "full_online": _("Hồ sơ trực tuyến toàn trình"), "paid": _("Hồ sơ đã nộp phí"),
    "paid_online": _("Nộp phí trực tuyến"), "digitised": _("Hồ sơ có mọi thành phần bắt buộc đã số hóa"),
    "results_digitised": _("Hồ sơ có kết quả điện tử"), "reused": _("Hồ sơ dùng lại giấy tờ đã số hóa"),
    "with_fee": _("Hồ sơ có phí, lệ phí"), "full_online_received": _("Hồ sơ của thủ tục trực tuyến toàn trình"),
    "ratings": _("Lượt đánh giá hồ sơ"), "ratings_satisfied": _("Hài lòng và rất hài lòng"),
    "politeness_satisfied": _("Hài lòng về thái độ phục vụ"), "feedback_received": _("Phản ánh tiếp nhận"),
    "feedback_answered": _("Phản ánh đã trả lời"), "feedback_on_time": _("Trả lời đúng hạn"),
    "feedback_published": _("Câu trả lời được công khai"), "feedback_late_now": _("Phản ánh đang quá hạn"),
    "feedback_ratings": _("Lượt đánh giá trả lời"), "feedback_satisfied": _("Hài lòng với trả lời"),
}  # fmt: skip
RATE_LABELS = {
    "on_time": _("Tỷ lệ trả đúng hạn"), "online": _("Tỷ lệ trực tuyến"),
    "full_online": _("Tỷ lệ trực tuyến toàn trình"),
    "online_payment": _("Tỷ lệ thanh toán trực tuyến"), "satisfaction": _("Tỷ lệ hài lòng (hồ sơ và phản ánh)"),
    "dossier_satisfaction": _("Hài lòng khi giải quyết hồ sơ"), "politeness": _("Hài lòng về thái độ phục vụ"),
    "feedback_on_time": _("Phản ánh trả lời đúng hạn"), "feedback_satisfaction": _("Hài lòng với trả lời phản ánh"),
}  # fmt: skip

SERVED_COLUMNS = (_("Cán bộ"), _("Đơn vị"), _("Đánh giá hồ sơ đã tiếp nhận"), _("Đánh giá trả lời phản ánh"),
                  _("Hài lòng (%)"), _("Hài lòng về thái độ (%)"))  # fmt: skip


def _float(value) -> float | None:
    return float(value) if value is not None else None


CHILD_COLUMNS = {
    "received": _("Hồ sơ tiếp nhận"), "on_time": _("Trả đúng hạn (%)"), "online": _("Trực tuyến (%)"),
    "satisfaction": _("Hài lòng (%)"), "feedback_on_time": _("Phản ánh trả lời đúng hạn (%)"),
    "late_now": _("Đang quá hạn"),
}  # fmt: skip
PROCEDURE_COLUMNS = (_("Mã thủ tục"), _("Thủ tục"), _("Hồ sơ tiếp nhận"), _("Hồ sơ đã trả"), _("Trả đúng hạn (%)"),
                     _("Lượt đánh giá"), _("Hài lòng (%)"), _("Hài lòng về thái độ (%)"))  # fmt: skip


def dashboard_xlsx(
    data: dict,
    children: list[dict],
    procedures: list[dict],
    officers: list[dict] | None = None,
    served: list[dict] | None = None,
) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(_("Chỉ số"))
    append_row(sheet, [f"{data['unit'].name} — {data['period'].label}"])
    sheet["A1"].font = Font(bold=True)
    append_row(sheet, [str(_("Chỉ tiêu")), str(_("Giá trị"))])
    for key, label in COUNT_LABELS.items():
        append_row(sheet, [str(label), data["counts"][key]])
    for key, label in RATE_LABELS.items():
        value = data["rates"][key]
        append_row(sheet, [str(label) + " (%)", _float(value)])
    groups = workbook.create_sheet(str(_("Bộ chỉ số 766")))
    append_row(groups, [str(label) for label in (_("Nhóm"), _("Điểm tối đa"), _("Điểm"), _("Cách tính"))])
    for group in data["groups"]:
        points = _float(group["points"])
        formula = str(group["formula"]) + (f" ({group['method_note']})" if group["method_note"] else "")
        append_row(groups, [str(group["name"]), group["weight"], points, formula])
    if children:
        sheet = workbook.create_sheet(str(_("Đơn vị trực thuộc")))
        append_row(sheet, [str(label) for label in (_("Đơn vị"), *CHILD_COLUMNS.values(), _("Tổng điểm"))])
        for child in children:
            rates = [_float(value) for value in child["child_rates"]]
            counts = [child["counts"]["received"], child["counts"]["late_now"]]
            name = (
                f"{child['unit'].name} {_('(hồ sơ, phản ánh của chính đơn vị)')}"
                if child["itself"]
                else child["unit"].name
            )
            append_row(sheet, [name, counts[0], *rates, counts[1], _float(child["total"])])
    sheet = workbook.create_sheet(str(_("Theo thủ tục")))
    append_row(sheet, [str(label) for label in PROCEDURE_COLUMNS])
    for row in procedures:
        append_row(sheet, [row["procedure__code"], row["procedure__name"], row["received"], row["returned"],
                           _float(row["on_time"]), row["ratings"] + row["feedback_ratings"],
                           _float(row["satisfaction"]), _float(row["politeness"])])  # fmt: skip
    if officers is not None:
        sheet = workbook.create_sheet(str(_("Cán bộ")))
        append_row(
            sheet,
            [str(label) for label in (_("Cán bộ"), _("Đơn vị"), _("Bước đã xử lý"), _("Đúng hạn"), _("Tỷ lệ (%)"))],
        )
        for row in officers:
            rate = _float(row["rate"])
            append_row(sheet, [row["officer__full_name"] or row["officer__username"], row["unit__name"],
                               row["steps"], row["steps_on_time"], rate])  # fmt: skip
    if served is not None:
        sheet = workbook.create_sheet(str(_("Hài lòng theo cán bộ")))
        append_row(sheet, [str(label) for label in SERVED_COLUMNS])
        for row in served:
            append_row(sheet, [row["officer__full_name"] or row["officer__username"], row["unit__name"],
                               row["ratings"], row["feedback_ratings"], _float(row["satisfaction"]),
                               _float(row["politeness"])])  # fmt: skip
    for worksheet in workbook.worksheets:
        worksheet.column_dimensions["A"].width = 48
    output = BytesIO()
    workbook.save(output)
    return output.getvalue()
