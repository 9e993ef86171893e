"""What the citizen is told, by SMS and e-mail, at each step: submitted (the code), received (the appointment),
asked to complete or supplement (what is missing), refused (why), ready for collection, returned (the rating
link), rescheduled (the apology). Links are built from SITE_URL, the site's real address. Sent by the worker after
the change commits (the notification outbox)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from apps.dossiers.links import rating_url, supplement_url, tracking_url
from apps.dossiers.models import Apology, Dossier, Slip
from apps.dossiers.services.common import notify_applicant


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%H:%M ngày %d/%m/%Y")


def submitted(dossier: Dossier) -> None:
    text = _("Đã nhận hồ sơ trực tuyến %(code)s; Bộ phận Một cửa sẽ kiểm tra và báo ông/bà. Theo dõi: %(link)s") % {
        "code": dossier.code, "link": tracking_url(dossier.code)}  # fmt: skip
    notify_applicant(dossier, text, subject=_("Mã hồ sơ %(code)s") % {"code": dossier.code})


def received(dossier: Dossier) -> None:
    text = _("Hồ sơ %(code)s đã được tiếp nhận. Hẹn trả kết quả: %(when)s. Theo dõi: %(link)s") % {
        "code": dossier.code, "when": _when(dossier.appointment_at), "link": tracking_url(dossier.code)}  # fmt: skip
    notify_applicant(dossier, text, subject=_("Giấy tiếp nhận hồ sơ %(code)s") % {"code": dossier.code})


def asked_to_supplement(dossier: Dossier, slip: Slip) -> None:
    text = _("Hồ sơ %(code)s cần bổ sung: %(items)s. Phiếu số %(number)s. Nộp bổ sung tại: %(link)s") % {
        "code": dossier.code, "items": slip.items.replace("\n", "; "), "number": slip.number,
        "link": supplement_url(dossier.code)}  # fmt: skip
    notify_applicant(dossier, text, subject=_("Yêu cầu bổ sung hồ sơ %(code)s") % {"code": dossier.code})


def refused(dossier: Dossier, slip: Slip) -> None:
    text = _("Hồ sơ %(code)s không được giải quyết. Lý do: %(reason)s. Phiếu số %(number)s. Xem: %(link)s") % {
        "code": dossier.code, "reason": slip.reason, "number": slip.number,
        "link": tracking_url(dossier.code)}  # fmt: skip
    notify_applicant(dossier, text, subject=_("Phiếu từ chối hồ sơ %(code)s") % {"code": dossier.code})


def ready(dossier: Dossier) -> None:
    online = dossier.delivery == Dossier.Delivery.ONLINE
    where = (_("tải bản điện tử tại %(link)s") if online else _("nhận tại %(desk)s; xem: %(link)s")) % {
        "desk": dossier.collection_desk, "link": tracking_url(dossier.code)}  # fmt: skip
    text = _("Hồ sơ %(code)s đã có kết quả, mời ông/bà %(where)s.") % {"code": dossier.code, "where": where}
    notify_applicant(dossier, text, subject=_("Kết quả hồ sơ %(code)s đã sẵn sàng") % {"code": dossier.code})


def returned(dossier: Dossier) -> None:
    text = _("Hồ sơ %(code)s đã trả kết quả. Mời ông/bà đánh giá mức độ hài lòng: %(link)s") % {
        "code": dossier.code, "link": rating_url(dossier.code)}  # fmt: skip
    notify_applicant(dossier, text, subject=_("Kết quả hồ sơ %(code)s") % {"code": dossier.code})


def rescheduled(dossier: Dossier, apology: Apology) -> None:
    text = _("%(unit)s xin lỗi ông/bà vì hồ sơ %(code)s chậm so với hẹn. Ngày hẹn mới: %(date)s. Xem: %(link)s") % {
        "unit": apology.unit, "code": dossier.code, "date": _when(apology.new_appointment_at),
        "link": tracking_url(dossier.code)}  # fmt: skip
    notify_applicant(
        dossier, text, subject=_("Phiếu xin lỗi và hẹn lại ngày trả kết quả hồ sơ %(code)s") % {"code": dossier.code}
    )
