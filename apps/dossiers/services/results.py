"""The result as a file (Decree 45/2020/NĐ-CP: an electronic result has the value of the paper one), and the
citizen's download with the dossier's code and the phone on it.

Signing: the result should be a PDF signed with the unit's certificate (PAdES). apps.core has no signing yet (it
belongs to issue 11, with pyHanko): the PDF is stored as uploaded and marked `signed=False`."""

from django.db import transaction
from django.utils.translation import gettext as _

from apps.core.actors import CITIZEN, is_staff_user
from apps.core.audit import record_event
from apps.core.errors import ConflictError, DomainError, NotFoundError, PermissionDeniedError
from apps.core.files import check_upload, display_name
from apps.core.projections import projected
from apps.dossiers import tracking
from apps.dossiers.models import Attachment, Dossier
from apps.dossiers.selectors import dossier_of_owner
from apps.dossiers.services.common import lock_dossier, require_desk_or_step

S = Dossier.Status
RESULT_STATUSES = frozenset({S.RECEIVED, S.IN_PROGRESS, S.READY})  # while handled, until returned
DOWNLOAD_STATUSES = tracking.RESULT_STATUSES
PDF_ONLY = {"application/pdf": "PDF"}


def _check_result_actor(actor, dossier: Dossier) -> None:
    if dossier.status not in RESULT_STATUSES:
        raise ConflictError(
            _("Hồ sơ %(code)s đang ở trạng thái “%(status)s”, không tải lên kết quả được.")
            % {"code": dossier.code, "status": dossier.get_status_display()}
        )
    if not is_staff_user(actor):
        raise PermissionDeniedError(_("Chỉ cán bộ giải quyết hồ sơ tải lên kết quả."))
    require_desk_or_step(actor, dossier)


def result_attach_allowed(actor, dossier: Dossier) -> bool:
    """Whether the page offers the result upload (the service checks the same)."""
    try:
        _check_result_actor(actor, dossier)
    except DomainError:
        return False
    return True


@projected("dossier", "dossier")
@transaction.atomic
def result_attach(*, actor, dossier: Dossier, file) -> Attachment:
    """The handling unit (or the desk) stores the result as a PDF; the latest one is what the citizen downloads."""
    dossier = lock_dossier(dossier)
    _check_result_actor(actor, dossier)
    try:
        info = check_upload(file, allowed=PDF_ONLY)
    except DomainError as error:
        raise DomainError(error.message, field="result") from error
    stored = Attachment.objects.create(
        dossier=dossier, purpose=Attachment.Purpose.RESULT, file=file, original_name=display_name(file.name),
        content_type=info.content_type, size=info.size, sha256=info.sha256, signed=False,
    )  # fmt: skip
    tracking.republish(dossier)
    dossier.save(update_fields=["updated_at"])  # the digitised-results share is recounted with the dossier
    record_event(
        "dossiers.result_attach", actor=actor, obj=dossier, unit=dossier.current_unit or dossier.desk,
        changes={"file": stored.original_name, "sha256": stored.sha256, "signed": stored.signed},
    )  # fmt: skip
    return stored


def electronic_result(dossier: Dossier) -> Attachment | None:
    return dossier.attachments.filter(purpose=Attachment.Purpose.RESULT).order_by("-uploaded_at", "-pk").first()


@transaction.atomic
def result_for_citizen(*, code: str, phone: str) -> Attachment:
    """The electronic result for the citizen who gives the code and the dossier's phone, once the result is ready
    (or returned), whatever way of delivery was chosen: the electronic copy is always the citizen's. A wrong phone
    and an unknown code get the same answer (no way to learn which codes exist)."""
    dossier = dossier_of_owner(code or "", phone or "")
    if dossier is None:
        raise PermissionDeniedError(_("Mã hồ sơ và số điện thoại không khớp."), code="no_match")
    if dossier.status not in DOWNLOAD_STATUSES:
        raise ConflictError(_("Hồ sơ %(code)s chưa có kết quả.") % {"code": dossier.code})
    result = electronic_result(dossier)
    if result is None:
        raise NotFoundError(
            _("Hồ sơ %(code)s không có kết quả điện tử; mời ông/bà nhận kết quả tại %(desk)s.")
            % {"code": dossier.code, "desk": dossier.desk.name}
        )
    record_event(
        "dossiers.result_download", actor=CITIZEN, obj=dossier, unit=dossier.desk, changes={"file": result.sha256}
    )
    return result
