"""Links sent to citizens: the public tracking and supplement pages (by code only: a code is not personal data) and
the one-click, signed rating link."""

from django.conf import settings
from django.core import signing
from django.utils.translation import gettext as _

from apps.core.errors import PermissionDeniedError

RATING_SALT = "congvu.dossiers.rating"
RATING_MAX_AGE = 60 * 60 * 24 * 90  # a rating link works for 90 days


# The citizens' pages a dossier's code opens (portal and payments; a test checks them against the URLconf): written
# here so that the dossiers app never depends on those apps' URL names.
TRACKING_PATH, SUPPLEMENT_PATH, RESULT_PATH, PAYMENT_PATH = "/tra-cuu/", "/bo-sung/", "/ket-qua/", "/thanh-toan/"


def tracking_url(code: str) -> str:
    return f"{settings.SITE_URL}{TRACKING_PATH}?ma={code}"


def supplement_url(code: str) -> str:
    return f"{settings.SITE_URL}{SUPPLEMENT_PATH}?ma={code}"


def public_paths(code: str) -> dict[str, str]:
    """The addresses the tracking page links to for this code (relative: the page is on the same site)."""
    query = f"?ma={code}"
    return {"supplement_path": SUPPLEMENT_PATH + query, "result_path": RESULT_PATH + query,
            "payment_path": PAYMENT_PATH + query}  # fmt: skip


def rating_token(code: str) -> str:
    return signing.dumps({"code": code}, salt=RATING_SALT)  # uncompressed: a code is too short to shrink


def rating_url(code: str) -> str:
    return f"{settings.SITE_URL}/danh-gia/{rating_token(code)}/"


def code_from_rating_token(token: str) -> str:
    try:
        return signing.loads(token, salt=RATING_SALT, max_age=RATING_MAX_AGE)["code"]
    except (signing.BadSignature, KeyError, TypeError) as error:
        raise PermissionDeniedError(_("Đường dẫn đánh giá không hợp lệ hoặc đã hết hạn.")) from error
