"""`manage.py check --deploy`: the VNPAY simulator must not be mounted on a production site."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def simulator_off_in_production(app_configs, **kwargs):
    if getattr(settings, "VNPAY_SIMULATOR", False):
        return [
            Warning(
                "The VNPAY simulator is mounted at /_vnpay-sim/: anyone can mark fees paid without paying.",
                hint="Set VNPAY_TMN_CODE, VNPAY_HASH_SECRET and VNPAY_PAYMENT_URL (or VNPAY_SIMULATOR=0).",
                id="payments.W001",
            )
        ]
    return []
