"""The demo province's identity on the exchange between agencies: its agency id and key pair (made once, kept in
EXCHANGE_DIR like the secret key), so that its units exchange documents through the signed path at once."""

from apps.documents.services import exchange

DEMO_AGENCY_ID = "000.00.00.H99"


def ensure_demo_identity(name: str) -> None:
    if not exchange.has_identity():
        exchange.ensure_identity(DEMO_AGENCY_ID, name)
