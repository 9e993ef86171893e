"""Files of a dossier: the submission's papers, the citizen's supplements, the result."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from apps.core.actors import CITIZEN
from apps.core.audit import record_event
from apps.core.errors import ConflictError, DomainError
from apps.core.files import check_upload, check_upload_set, display_name
from apps.core.projections import projected
from apps.dossiers.models import Attachment, Dossier

MAX_FILES_PER_UPLOAD = 10


@projected("dossier", "dossier")
@transaction.atomic
def dossier_attach(
    *, dossier: Dossier, files, purpose: str = Attachment.Purpose.SUBMISSION, actor=CITIZEN
) -> list[Attachment]:
    """Store the files after checking each one's real type and size; all or none."""
    files = list(files)
    if len(files) > MAX_FILES_PER_UPLOAD:
        raise DomainError(_("Mỗi lần gửi tối đa %(n)d tệp.") % {"n": MAX_FILES_PER_UPLOAD}, field="files")
    check_upload_set(files)
    checked = [(uploaded, check_upload(uploaded)) for uploaded in files]
    stored = [
        Attachment.objects.create(
            dossier=dossier,
            purpose=purpose,
            file=uploaded,
            original_name=display_name(uploaded.name),
            content_type=info.content_type,
            size=info.size,
            sha256=info.sha256,
        )
        for uploaded, info in checked
    ]
    if stored:
        record_event(
            "dossiers.attach",
            actor=actor,
            obj=dossier,
            unit=dossier.desk,
            changes={"purpose": purpose, "files": [a.original_name for a in stored]},
        )
    return stored


@transaction.atomic
def dossier_citizen_supplement(*, dossier: Dossier, files, now: dt.datetime | None = None) -> Dossier:
    """The citizen hands in what was asked for (online): the files are stored and the dossier moves on."""
    from apps.dossiers.services.transitions import dossier_resubmit, dossier_supplement_received

    S = Dossier.Status
    if dossier.status not in (S.NEEDS_COMPLETION, S.SUPPLEMENT_REQUESTED):
        raise ConflictError(_("Hồ sơ %(code)s không ở trạng thái chờ bổ sung.") % {"code": dossier.code})
    if not list(files):
        raise DomainError(_("Hãy chọn ít nhất một tệp."), field="files")
    dossier_attach(dossier=dossier, files=files, purpose=Attachment.Purpose.SUPPLEMENT)
    if dossier.status == S.NEEDS_COMPLETION:
        return dossier_resubmit(dossier=dossier, now=now)
    return dossier_supplement_received(actor=CITIZEN, dossier=dossier, now=now)
