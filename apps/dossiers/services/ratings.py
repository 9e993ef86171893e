"""The citizen's rating of a returned dossier, once."""

from django.db import transaction
from django.utils.translation import gettext as _

from apps.core.actors import CITIZEN
from apps.core.audit import record_event
from apps.core.errors import ConflictError, DomainError
from apps.core.projections import projected
from apps.core.text import normalize_multiline
from apps.dossiers import tracking
from apps.dossiers.models import Dossier, Rating
from apps.dossiers.services.common import lock_dossier

S = Dossier.Status


@projected("dossier", "dossier")
@transaction.atomic
def rating_submit(*, dossier: Dossier, overall: str, politeness: str, timeliness: str, comment: str = "") -> Rating:
    dossier = lock_dossier(dossier)
    if dossier.status != S.RETURNED:
        raise ConflictError(_("Chỉ đánh giá được sau khi đã nhận kết quả."))
    if Rating.objects.filter(dossier=dossier).exists():
        raise ConflictError(
            _("Hồ sơ %(code)s đã được đánh giá; mỗi hồ sơ chỉ đánh giá một lần.") % {"code": dossier.code}
        )
    for field, value in (("overall", overall), ("politeness", politeness), ("timeliness", timeliness)):
        if value not in Rating.Level.values:
            raise DomainError(_("Hãy chọn một mức đánh giá."), field=field)
    rating = Rating.objects.create(
        dossier=dossier,
        overall=overall,
        politeness=politeness,
        timeliness=timeliness,
        comment=normalize_multiline(comment)[:2000],
    )
    tracking.forget_owner(dossier.code)  # the owner's lookup offered the rating: it must not any more
    record_event(
        "dossiers.rating",
        actor=CITIZEN,
        obj=dossier,
        unit=dossier.filing_unit,
        changes={"overall": overall, "politeness": politeness, "timeliness": timeliness},
    )
    return rating
