"""What every dossier service shares: the row lock, who may act at the desk or at the current step, telling the
citizen."""

from django.utils.translation import gettext as _

from apps.core.actors import acts_without_account
from apps.core.errors import ConflictError, PermissionDeniedError
from apps.core.models import Notification
from apps.core.notifications import notify
from apps.dossiers.models import Dossier, DossierStep
from apps.org import selectors as org
from apps.org.models import Role


def lock_dossier(dossier: Dossier) -> Dossier:
    """Re-read the dossier under a lock of its own row only (not the procedure's or the units' rows it joins):
    two clerks pressing the same button act one after the other, and nothing else waits."""
    return (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("procedure", "desk", "filing_unit", "current_step__unit")
        .get(pk=dossier.pk)
    )


def require_desk(actor, dossier: Dossier) -> None:
    if acts_without_account(actor) or actor.is_superuser:
        return
    if not org.user_has_role(actor, Role.DESK_CLERK) or not org.can_see_unit(actor, dossier.desk):
        raise PermissionDeniedError(_("Chỉ cán bộ Bộ phận Một cửa nơi nhận hồ sơ được làm việc này."))


def require_collection_desk(actor, dossier: Dossier) -> None:
    """The result is handed over at the desk the citizen chose (or, still, at the desk that received it)."""
    if acts_without_account(actor) or actor.is_superuser:
        return
    at_a_desk = org.can_see_unit(actor, dossier.collection_desk) or org.can_see_unit(actor, dossier.desk)
    if not org.user_has_role(actor, Role.DESK_CLERK) or not at_a_desk:
        raise PermissionDeniedError(_("Chỉ cán bộ Bộ phận Một cửa nơi trả kết quả được làm việc này."))


def require_current_step(actor, dossier: Dossier) -> DossierStep:
    step = dossier.current_step
    if step is None:
        raise ConflictError(_("Hồ sơ không ở bước xử lý nào."))
    if acts_without_account(actor) or actor.is_superuser:
        return step
    if not org.can_see_unit(actor, step.unit):
        raise PermissionDeniedError(_("Hồ sơ đang ở %(unit)s, ngoài phạm vi của bạn.") % {"unit": step.unit})
    if not (org.user_has_role(actor, step.role) or org.is_leader_over(actor, step.unit)):
        raise PermissionDeniedError(
            _("Bước “%(step)s” do %(role)s thực hiện.") % {"step": step.name, "role": Role(step.role).label}
        )
    return step


def require_desk_or_step(actor, dossier: Dossier) -> None:
    """The desk that holds the dossier or the unit handling it now."""
    if acts_without_account(actor) or actor.is_superuser:
        return
    step = dossier.current_step
    if not (org.can_see_unit(actor, dossier.desk) or (step and org.can_see_unit(actor, step.unit))):
        raise PermissionDeniedError(_("Hồ sơ này ngoài phạm vi của bạn."))


def notify_applicant(dossier: Dossier, text: str, *, subject: str) -> None:
    """SMS to the phone and e-mail when there is an address; sent by the worker after commit."""
    notify(Notification.Channel.SMS, dossier.applicant_phone, text, obj=dossier)
    notify(Notification.Channel.EMAIL, dossier.applicant_email, text, obj=dossier, subject=subject)
