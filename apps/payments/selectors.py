"""Reads of payments and receipts: the citizen's with the dossier code plus phone or ID number, staff's through
the dossiers' unit scope (apps.dossiers.selectors.dossiers_visible_to). The only module here that reads dossiers."""

from django.db.models import QuerySet

from apps.dossiers import selectors as dossier_selectors
from apps.dossiers.models import Dossier
from apps.payments.models import Payment, Receipt

UNPAID = Dossier.Payment.UNPAID
NO_PAYMENT_STATUSES = (Dossier.Status.REFUSED, Dossier.Status.WITHDRAWN)


def can_pay_online(dossier: Dossier) -> bool:
    return dossier.payment == UNPAID and dossier.fee_vnd > 0 and dossier.status not in NO_PAYMENT_STATUSES


def payment_for_txn(txn_ref: str) -> Payment | None:
    return (
        Payment.objects.select_related("dossier__procedure", "dossier__filing_unit", "receipt")
        .filter(txn_ref=txn_ref)
        .first()
    )


def latest_receipt(dossier: Dossier) -> Receipt | None:
    return (
        Receipt.objects.select_related("payment__dossier__procedure", "unit")
        .filter(payment__dossier=dossier)
        .order_by("-issued_at", "-pk")
        .first()
    )


def payments_visible_to(user) -> QuerySet[Payment]:
    """Payments of the dossiers the user may see (none for an anonymous caller)."""
    return (
        Payment.objects.filter(dossier__in=dossier_selectors.dossiers_visible_to(user).values("pk"))
        .select_related("dossier__procedure", "dossier__filing_unit", "receipt")
        .order_by("-created_at", "-pk")
    )
