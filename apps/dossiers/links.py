"""Links sent to citizens: the public tracking and supplement pages (by code only: a code is not personal data) and
the one-click, signed rating link."""

from django.conf import settings
from django.core import signing
from django.utils.translation import gettext as _

from apps.core.errors import PermissionDeniedError

RATING_SALT = "congvu.dossiers.rating"
RATING_MAX_AGE = 60 * 60 * 24 * 90  # a rating link works for 90 days


def tracking_url(code: str) -> str:
    return f"{settings.SITE_URL}/tra-cuu/?ma={code}"


def supplement_url(code: str) -> str:
    return f"{settings.SITE_URL}/bo-sung/?ma={code}"


def rating_token(code: str) -> str:
    return signing.dumps({"code": code}, salt=RATING_SALT, compress=True)


def rating_url(code: str) -> str:
    return f"{settings.SITE_URL}/danh-gia/{rating_token(code)}/"


def code_from_rating_token(token: str) -> str:
    try:
        return signing.loads(token, salt=RATING_SALT, max_age=RATING_MAX_AGE)["code"]
    except (signing.BadSignature, KeyError, TypeError) as error:
        raise PermissionDeniedError(_("Đường dẫn đánh giá không hợp lệ hoặc đã hết hạn.")) from error
